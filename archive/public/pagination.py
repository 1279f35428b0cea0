"""Pages of the public lists that cost the same at page 4,000 as at page 1.

A date-ordered list knows every matching id in order from the facet index (archive.facetindex),
so a page is cut from those ids and fetches its own rows by id (`IdPaginator`), as is a page of
an article search ordered by best match (its ids ranked by the facet index, `RankedIds`); a
best-match list of quotes or photos cuts its page from the ranked ids of its search
(`RankedPaginator`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

from archive.public.rowtags import index_holds, tags_from_index


def _bounds(paginator: Paginator, number) -> tuple[int, int, int]:
    """Return the page number and the positions of its first and after-last rows."""
    number = paginator.validate_number(number)
    bottom = (number - 1) * paginator.per_page
    top = min(bottom + paginator.per_page, paginator.count)
    if top + paginator.orphans >= paginator.count:
        top = paginator.count
    return number, bottom, top


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
        return self._get_page(rows_by_id(self.fetch, self.ranked_ids[bottom:top]), number, self)


def rows_by_id(fetch: QuerySet, ids: Sequence[int]) -> list:
    """Return the rows of `fetch` (published rows) with these ids, in the ids' order (a missing
    one left out), and no query for no ids. The database is asked for them unordered: left
    ordered, it may walk its date index through every row to find twenty. Tags `fetch` would
    prefetch come from the facet index instead (`rowtags`)."""
    wanted = [int(pk) for pk in ids]
    if not wanted:
        return []
    lookups = fetch._prefetch_related_lookups  # type: ignore[attr-defined]
    tagged = "tags" in lookups and index_holds(fetch.model)
    if tagged:
        others = [lookup for lookup in lookups if lookup != "tags"]
        fetch = fetch.prefetch_related(None).prefetch_related(*others)
    rows = {row.pk: row for row in fetch.filter(pk__in=wanted).order_by()}
    found = [rows[pk] for pk in wanted if pk in rows]
    if tagged:
        tags_from_index(found)
    return found


class IdPaginator(Paginator):
    """Pages of a list whose every matching id is known in order (from the facet index): a
    page fetches just its own rows by id, whatever the filter and however deep the page.

    `ids` is an array, or anything with a length that gives a slice as an array of ids."""

    def __init__(
        self, object_list: QuerySet, per_page: int, *, ids: Sequence[int], fetch: QuerySet, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.ids = ids
        self.fetch = fetch

    @cached_property
    def count(self) -> int:
        return len(self.ids)

    def page(self, number):
        number, bottom, top = _bounds(self, number)
        return self._get_page(rows_by_id(self.fetch, self.ids[bottom:top]), number, self)
