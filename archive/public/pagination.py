"""Pages of a date-ordered list that cost the same at page 4,000 as at page 1.

The per-day counts of the filtered list (which the timeline needs anyway, and which are cached)
say on which days a page starts and ends; the page query then reads only those days' rows
instead of every row before the page.

A filtered page can be found two ways: by looking up the rows each filter names and sorting
them, or by walking the date index over the page's days and checking each article against the
filters. Walking costs as many rows as the whole archive holds on those days, which the
archive's own per-day counts say exactly; lookups cost at least every matching row and at most
the smallest filter's whole set, which can be most of the archive. So a page walks when its
days hold at most WALK_BUDGET articles.
"""

from __future__ import annotations

import bisect
import datetime
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

WALK_BUDGET = 20_000

Days = list[tuple[datetime.date, int]]


def _bounds(paginator: Paginator, number) -> tuple[int, int, int]:
    """Return the page number and the positions of its first and after-last rows."""
    number = paginator.validate_number(number)
    bottom = (number - 1) * paginator.per_page
    top = min(bottom + paginator.per_page, paginator.count)
    if top + paginator.orphans >= paginator.count:
        top = paginator.count
    return number, bottom, top


class SeekPaginator(Paginator):
    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        day_counts: Days,
        date_field: str,
        newest_first: bool,
        walk_rows: QuerySet | None = None,
        archive_days: Days | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.date_field = date_field
        self.newest_first = newest_first
        self.day_counts = list(reversed(day_counts)) if newest_first else list(day_counts)
        self.walk_rows = walk_rows
        self.archive_days = archive_days or []

    @cached_property
    def count(self) -> int:
        return sum(n for _, n in self.day_counts)

    def page(self, number):
        number, bottom, top = _bounds(self, number)
        skipped, first_day, last_day, seen = 0, None, None, 0
        for day, n in self.day_counts:
            if first_day is None and skipped + n > bottom:
                first_day = day
            if first_day is None:
                skipped += n
            seen += n
            if seen >= top:
                last_day = day
                break
        if first_day is None or last_day is None:
            return self._get_page(self.object_list.none(), number, self)
        newest, oldest = (first_day, last_day) if self.newest_first else (last_day, first_day)
        source = self.object_list
        if self.walk_rows is not None and self.walk_cost(oldest, newest) <= WALK_BUDGET:
            source = self.walk_rows
        rows = source.filter(**{f"{self.date_field}__range": (oldest, newest)})
        return self._get_page(rows[bottom - skipped : top - skipped], number, self)

    def walk_cost(self, oldest: datetime.date, newest: datetime.date) -> int:
        """Return how many articles the whole archive holds from oldest to newest."""
        days = [day for day, _ in self.archive_days]
        start = bisect.bisect_left(days, oldest)
        end = bisect.bisect_right(days, newest)
        return sum(n for _, n in self.archive_days[start:end])


# How many of a search's best matches are ranked once per query and revision and kept: 100
# pages of 20. Readers rarely go further; pages beyond are ranked afresh.
RANKED_MAX = 2_000


class RankedPaginator(Paginator):
    """Pages of a best-match list, cut from its ranked ids instead of ranking every request.

    Ranking means scoring every match, which for a word in most of the archive is most of the
    archive; the order only changes when the archive does, so it is computed once per query
    and revision (see ArchiveListView) and each page fetches just its own rows by id.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        count: int,
        ranked_ids: list[int],
        fetch: QuerySet,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count
        self.ranked_ids = ranked_ids
        self.fetch = fetch

    @cached_property
    def count(self) -> int:
        return self.known_count

    def page(self, number):
        number, bottom, top = _bounds(self, number)
        if top > len(self.ranked_ids):
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = self.ranked_ids[bottom:top]
        rows = {row.pk: row for row in self.fetch.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
