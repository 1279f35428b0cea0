"""One page of an API list: a filtered list of material, or a ranked index of subjects.

Filtered lists use the public pages' own FilterSets (one URL grammar) and facet counts, and
share the list pages' cached counts; subject indexes share the reader's index rankings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

from archive.api import rows
from archive.api.cursor import CursorError, keyset_page, offset_page
from archive.api.errors import bad_cursor, bad_parameters, decode_cursor
from archive.public import facets, selectors
from archive.public.caching import cached_read
from archive.public.filters import ArchiveFilter
from archive.public.views import request_revisions

# Turns one object into its fields in a list: (object, absolute) -> dict.
Item = Callable[[Any, rows.Absolute], dict]


def absolute_for(request) -> rows.Absolute:
    """Return the function that makes a path into a whole address for this request."""
    return request.build_absolute_uri


def page_links(request, window) -> dict:
    """Return the whole addresses of the pages before and after, keeping every other parameter."""

    def address(cursor):
        if cursor is None:
            return None
        params = request.GET.copy()
        params["cursor"] = cursor.encode()
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {"next": address(window.next), "previous": address(window.previous)}


def filtered_page(
    request,
    *,
    filter_class: type[ArchiveFilter],
    base: QuerySet,
    item: Item,
    cursor: str | None,
    limit: int,
) -> dict:
    """Return one page of a filtered list, with its count and facets, as the list page has them."""
    revisions = request_revisions(request)
    filterset = filter_class(data=request.GET, queryset=base)
    if not filterset.is_valid():
        errors = [
            {"parameter": name if name != "__all__" else "", "message": message}
            for name, messages in filterset.form.errors.items()
            for message in messages
        ]
        raise bad_parameters(errors)
    position = decode_cursor(cursor)
    found = filterset.qs
    params = filterset.cache_params()

    def cached(namespace, compute):
        # The same keys as the list pages' own (archive.public.views.ArchiveListView.cached).
        if "q" not in params:
            return cached_read(namespace, params, compute, revision=revisions.counts, counts=True)
        return cached_read(namespace, params, compute, revision=revisions.content)

    days = cached(
        "days", lambda: facets.ordinal_day_counts(rows=found, date_field=filter_class.date_field)
    )
    facet_list = cached("facets", lambda: facets.list_facets(filterset=filterset, base=base))
    kind = filterset.ordering_kind()
    try:
        if kind == "relevance":
            window = offset_page(found, cursor=position, limit=limit)
        else:
            window = keyset_page(
                found,
                date_field=filter_class.date_field,
                newest_first=kind == "newest",
                cursor=position,
                limit=limit,
            )
    except CursorError as error:
        raise bad_cursor(error) from None
    absolute = absolute_for(request)
    return {
        "count": sum(n for _day, n in days),
        **page_links(request, window),
        "facets": [dataclasses.asdict(facet) for facet in facet_list],
        "results": [item(row, absolute) for row in window.rows],
    }


def ranked_page(
    request,
    *,
    model: type[Model],
    ranking: Callable[[], list],
    queryset: QuerySet,
    item: Item,
    cursor: str | None,
    limit: int,
) -> dict:
    """Return one page of a subject index, ranked as its reader's page ranks it (shared cache)."""
    ranked = cached_read(
        "ranking",
        {"model": model._meta.label_lower},
        ranking,
        revision=request_revisions(request).counts,
        counts=True,
    )
    try:
        window = offset_page(ranked, cursor=decode_cursor(cursor), limit=limit)
    except CursorError as error:
        raise bad_cursor(error) from None
    found = queryset.in_bulk([pk for pk, _n in window.rows])
    absolute = absolute_for(request)
    results = [
        {**rows.link(found[pk], absolute), "count": n, **item(found[pk], absolute)}
        for pk, n in window.rows
        if pk in found
    ]
    return {"count": len(ranked), **page_links(request, window), "results": results}


def subject_counts(request, subject, page_selector: Callable[..., Any]) -> dict[str, int]:
    """Return the counts of a subject's page (the same cache entry as the page's)."""
    name = subject._meta.model_name
    return cached_read(
        "subject",
        {"model": name, "slug": subject.slug},
        lambda: selectors.subject_counts(page=page_selector(**{name: subject})),
        revision=request_revisions(request).counts,
        counts=True,
    )
