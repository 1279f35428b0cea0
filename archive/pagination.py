"""Pages of a date-ordered list that cost the same at page 4,000 as at page 1.

The per-day counts of the filtered list (which the timeline needs anyway, and which are cached)
say on which day a page starts; the page query then skips only that day's earlier rows instead
of every row before the page.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet


class SeekPaginator(Paginator):
    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        day_counts: list[tuple[datetime.date, int]],
        date_field: str,
        newest_first: bool,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.date_field = date_field
        self.newest_first = newest_first
        self.day_counts = list(reversed(day_counts)) if newest_first else list(day_counts)

    @cached_property
    def count(self) -> int:
        return sum(n for _, n in self.day_counts)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        skipped, start_day = 0, None
        for day, n in self.day_counts:
            if skipped + n > bottom:
                start_day = day
                break
            skipped += n
        if start_day is None:
            return self._get_page(self.object_list.none(), number, self)
        lookup = "lte" if self.newest_first else "gte"
        rows = self.object_list.filter(**{f"{self.date_field}__{lookup}": start_day})
        return self._get_page(rows[bottom - skipped : top - skipped], number, self)
