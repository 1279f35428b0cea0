"""Two forms of the same filter, for the two ways a date-ordered page can be found.

Looked up: the rows a filter names are found by that filter's own index (IN), then sorted
by date. Cheap when the filter names few rows.

Walked: the planner walks the date index and checks each row against the filter (EXISTS, or
a comparison no index serves), stopping after a page. Cheap when matching rows are dense on
the page's days, however many rows the filter names in the whole archive.

The subject page selectors accept either form per section (archive.public.selectors); both keep
exactly the same rows. The public pages themselves now take their rows' ids from the facet
index (archive.public.pagination, views) and use the looked-up form.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import In


def column_in(field: str, values, *, walk: bool) -> Q:
    """Rows whose own column holds one of values."""
    if walk:
        # The same comparison on an expression: no index serves it, so none is chosen.
        return Q(In(F(field) + 0, list(values)))
    return Q(**{f"{field}__in": values})


def linked(links: QuerySet, column: str, *, walk: bool, outer: str = "pk") -> Q:
    """Rows that some row of links points at: links.column equals the row's outer column."""
    if walk:
        return Q(Exists(links.filter(**{column: OuterRef(outer)})))
    return Q(**{f"{outer}__in": links.values(column)})
