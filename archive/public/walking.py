"""A filter's rows found by the filter's own index: IN over a column or over a link table.

The public pages take their rows' ids in date order from the facet index
(archive.facetindex), so a filter only has to name its rows; the database's index for that
column serves it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet


def column_in(field: str, values) -> Q:
    """Rows whose own column holds one of values."""
    return Q(**{f"{field}__in": values})


def linked(links: QuerySet, column: str, *, outer: str = "pk") -> Q:
    """Rows that some row of links points at: links.column equals the row's outer column."""
    return Q(**{f"{outer}__in": links.values(column)})
