"""The read API's endpoints: lists and single items of published material, and their errors.

Lists use the public pages' own FilterSets (one URL grammar: q, place, tag, outlet, speaker,
agency, photographer, from, to, sort) and facet counts, and share their cached counts.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from csp.decorators import csp_update
from django.db.models import QuerySet
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from archive.api import rows, schemas
from archive.api.cursor import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    CursorError,
    cursor_decode,
    keyset_page,
    offset_page,
)
from archive.models import Article, Outlet, PhotoCaption, Place, Quote, Speaker, Tag
from archive.public import facets, selectors
from archive.public.caching import cached_read
from archive.public.filters import (
    ArchiveFilter,
    ArticleFilter,
    PhotoCaptionFilter,
    QuoteFilter,
)
from archive.public.views import request_revisions

# Swagger UI's stylesheet draws its icons from data: URIs; nothing else on the page needs more
# than the site's own policy, and every file it loads ships with django-ninja (no CDN).
docs_policy = csp_update({"img-src": ["data:"]})

api = NinjaAPI(
    title="Editorial archive API",
    version="1",
    description=(
        "Read-only, anonymous access to the archive's published articles, quotes, photo "
        "captions, places, speakers, tags and outlets. Lists take the public pages' parameters "
        "(slug parameters repeat: OR within one, AND across), return the facet counts of the "
        "filtered set, and are paged by cursor: follow `next` and `previous`."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"deepLinking": True, "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    docs_decorator=docs_policy,
)

ERRORS = {400: schemas.Error, 404: schemas.Error}


class ApiError(Exception):
    """An answer other than 200: its status, a sentence, and the parameters at fault."""

    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


@api.exception_handler(ApiError)
def api_error(request, exc: ApiError):
    body = {"status": exc.status, "detail": exc.detail, "errors": exc.errors}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def parameter_error(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        errors.append({"parameter": location[0] if location else "", "message": error["msg"]})
    return api_error(request, _bad_parameters(errors))


def _bad_parameters(errors: list[dict]) -> ApiError:
    names = ", ".join(dict.fromkeys(error["parameter"] for error in errors))
    return ApiError(400, f"Invalid parameter: {names}.", errors)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"No published {what} has this address.")


def absolute_for(request):
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


def _cursor(token: str | None):
    try:
        return cursor_decode(token)
    except CursorError as error:
        raise _bad_parameters([{"parameter": "cursor", "message": str(error)}]) from None


def filtered_page(
    request,
    *,
    filter_class: type[ArchiveFilter],
    base: QuerySet,
    item,
    cursor: str | None,
    limit: int,
) -> dict:
    """Return one page of a filtered list, with its count and facets, as the list page has them."""
    revisions = request_revisions(request)
    filterset = filter_class(data=request.GET, queryset=base)
    filterset.revision = revisions.content
    if not filterset.is_valid():
        errors = [
            {"parameter": name if name != "__all__" else "", "message": message}
            for name, messages in filterset.form.errors.items()
            for message in messages
        ]
        raise _bad_parameters(errors)
    position = _cursor(cursor)
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
        raise _bad_parameters([{"parameter": "cursor", "message": str(error)}]) from None
    absolute = absolute_for(request)
    return {
        "count": sum(n for _day, n in days),
        **page_links(request, window),
        "facets": [dataclasses.asdict(facet) for facet in facet_list],
        "results": [item(row, absolute) for row in window.rows],
    }


# --- Parameters, declared once for the schema; the FilterSets read and check them. ---------

Text = Query(None, description='Words to find; "double quotes" ask for a phrase.')
Slugs = Query(None, description="Slugs, repeatable: OR within the parameter, AND across.")
From = Query(None, alias="from", description="Published on or after (ISO date, 2022-09-01).")
To = Query(None, alias="to", description="Published on or before (ISO date).")
Sort = Query(None, description="newest (default), oldest, or relevance (default with q).")
Cursor = Query(None, description="Opaque: take it from a `next` or `previous` link.")
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, 1 to {MAX_LIMIT}.")
SortChoice = Literal["newest", "oldest", "relevance"]


@api.get("/", response=schemas.Index, url_name="index", summary="What this API offers")
def index(request):
    absolute = absolute_for(request)
    kinds = ("articles", "quotes", "photos", "places", "speakers", "tags", "outlets")
    return {
        "title": api.title,
        "openapi": absolute(rows.api_path("openapi.json")),
        "docs": absolute(rows.api_path("docs")),
        "endpoints": {kind: absolute(rows.api_path(kind)) for kind in kinds},
    }


@api.get(
    "/articles",
    response={200: schemas.ArticlePage, **ERRORS},
    url_name="article-list",
    summary="Published articles",
)
def article_list(
    request,
    q: str | None = Text,
    place: list[str] | None = Slugs,
    tag: list[str] | None = Slugs,
    outlet: list[str] | None = Slugs,
    speaker: list[str] | None = Slugs,
    date_from: str | None = From,
    date_to: str | None = To,
    sort: SortChoice | None = Sort,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    base = Article.objects.published().for_list().prefetch_related("places")
    return filtered_page(
        request,
        filter_class=ArticleFilter,
        base=base,
        item=rows.article_item,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/articles/{slug}",
    response={200: schemas.ArticleDetail, **ERRORS},
    url_name="article-detail",
    summary="One published article, with its body, quotes and captions",
)
def article_detail(request, slug: str):
    try:
        article = selectors.article_for_page(slug=slug)
    except Article.DoesNotExist:
        raise not_found("article") from None
    return rows.article_detail(article, absolute_for(request))


@api.get(
    "/quotes",
    response={200: schemas.QuotePage, **ERRORS},
    url_name="quote-list",
    summary="Quotes from published articles",
)
def quote_list(
    request,
    q: str | None = Text,
    speaker: list[str] | None = Slugs,
    place: list[str] | None = Slugs,
    outlet: list[str] | None = Slugs,
    tag: list[str] | None = Slugs,
    date_from: str | None = From,
    date_to: str | None = To,
    sort: SortChoice | None = Sort,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    return filtered_page(
        request,
        filter_class=QuoteFilter,
        base=Quote.objects.published().for_list(),
        item=rows.quote_item,
        cursor=cursor,
        limit=limit,
    )


def _child(model: type[Quote] | type[PhotoCaption], slug: str, position: int, what: str):
    found = model.objects.published().for_list().filter(article__slug=slug, position=position)
    item = found.first()
    if item is None:
        raise not_found(what)
    return item


@api.get(
    "/quotes/{slug}/{position}",
    response={200: schemas.QuoteItem, **ERRORS},
    url_name="quote-detail",
    summary="One quote, by its article's slug and its position in the article",
)
def quote_detail(request, slug: str, position: int):
    return rows.quote_item(_child(Quote, slug, position, "quote"), absolute_for(request))


@api.get(
    "/photos",
    response={200: schemas.CaptionPage, **ERRORS},
    url_name="photocaption-list",
    summary="Photo captions from published articles",
)
def photo_list(
    request,
    q: str | None = Text,
    agency: list[str] | None = Slugs,
    photographer: str | None = Query(None, description="Photos by one photographer (exact)."),
    place: list[str] | None = Slugs,
    tag: list[str] | None = Slugs,
    date_from: str | None = From,
    date_to: str | None = To,
    sort: SortChoice | None = Sort,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    return filtered_page(
        request,
        filter_class=PhotoCaptionFilter,
        base=PhotoCaption.objects.published().for_list().select_related("distributor"),
        item=rows.caption_item,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/photos/{slug}/{position}",
    response={200: schemas.CaptionItem, **ERRORS},
    url_name="photocaption-detail",
    summary="One photo caption, by its article's slug and its position in the article",
)
def photo_detail(request, slug: str, position: int):
    caption = _child(PhotoCaption, slug, position, "photo")
    return rows.caption_item(caption, absolute_for(request))


# --- Places, speakers, tags and outlets ------------------------------------------------------


def ranked_page(request, *, model, ranking, queryset, item, cursor, limit) -> dict:
    """Return one page of a subject index, ranked as its reader's page ranks it (shared cache)."""
    ranked = cached_read(
        "ranking",
        {"model": model._meta.label_lower},
        ranking,
        revision=request_revisions(request).counts,
        counts=True,
    )
    try:
        window = offset_page(ranked, cursor=_cursor(cursor), limit=limit)
    except CursorError as error:
        raise _bad_parameters([{"parameter": "cursor", "message": str(error)}]) from None
    found = queryset.in_bulk([pk for pk, _n in window.rows])
    absolute = absolute_for(request)
    results = [
        {**rows.link(found[pk], absolute), "count": n, **item(found[pk], absolute)}
        for pk, n in window.rows
        if pk in found
    ]
    return {"count": len(ranked), **page_links(request, window), "results": results}


def subject_counts(request, subject, page_selector) -> dict[str, int]:
    """Return the counts of a subject's page (the same cache entry as the page's)."""
    name = subject._meta.model_name
    return cached_read(
        "subject",
        {"model": name, "slug": subject.slug},
        lambda: selectors.subject_counts(page=page_selector(**{name: subject})),
        revision=request_revisions(request).counts,
        counts=True,
    )


def _place_fields(place: Place, absolute) -> dict:
    return {
        "kind": place.kind,
        "parent": rows.link(place.parent, absolute),
        "latitude": rows.coordinate(place.latitude),
        "longitude": rows.coordinate(place.longitude),
    }


@api.get(
    "/places",
    response={200: schemas.PlacePage, **ERRORS},
    url_name="place-list",
    summary="Places published material mentions, most mentioned first",
)
def place_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return ranked_page(
        request,
        model=Place,
        ranking=selectors.place_ranking,
        queryset=Place.objects.select_related("parent"),
        item=_place_fields,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/places/{slug}",
    response={200: schemas.PlaceDetail, **ERRORS},
    url_name="place-detail",
    summary="One place, with the counts of the published material about it",
)
def place_detail(request, slug: str):
    place = (
        Place.objects.public()
        .select_related("parent")
        .prefetch_related("aliases")
        .filter(slug=slug)
        .first()
    )
    if place is None:
        raise not_found("place")
    absolute = absolute_for(request)
    return {
        **rows.link(place, absolute),
        **_place_fields(place, absolute),
        "spellings": [alias.name for alias in place.aliases.all()],
        "counts": rows.counts(
            place, subject_counts(request, place, selectors.place_page), absolute
        ),
    }


def _speaker_fields(speaker: Speaker, absolute) -> dict:
    return {"kind": speaker.kind, "role": speaker.role, "affiliation": speaker.affiliation}


@api.get(
    "/speakers",
    response={200: schemas.SpeakerPage, **ERRORS},
    url_name="speaker-list",
    summary="Speakers quoted in published articles, most quoted first",
)
def speaker_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return ranked_page(
        request,
        model=Speaker,
        ranking=selectors.speaker_ranking,
        queryset=Speaker.objects.all(),
        item=_speaker_fields,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/speakers/{slug}",
    response={200: schemas.SpeakerDetail, **ERRORS},
    url_name="speaker-detail",
    summary="One speaker, with the counts of their published quotes",
)
def speaker_detail(request, slug: str):
    speaker = Speaker.objects.public().prefetch_related("aliases").filter(slug=slug).first()
    if speaker is None:
        raise not_found("speaker")
    absolute = absolute_for(request)
    numbers = subject_counts(request, speaker, selectors.speaker_page)
    return {
        **rows.link(speaker, absolute),
        **_speaker_fields(speaker, absolute),
        "spellings": [alias.name for alias in speaker.aliases.all()],
        "counts": rows.counts(speaker, numbers, absolute),
    }


@api.get(
    "/tags",
    response={200: schemas.TagPage, **ERRORS},
    url_name="tag-list",
    summary="Tags on published material, most used on articles first",
)
def tag_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return ranked_page(
        request,
        model=Tag,
        ranking=selectors.tag_ranking,
        queryset=Tag.objects.all(),
        item=lambda tag, absolute: {},
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/tags/{slug}",
    response={200: schemas.TagDetail, **ERRORS},
    url_name="tag-detail",
    summary="One tag, with the counts of the published material carrying it",
)
def tag_detail(request, slug: str):
    tag = Tag.objects.public().filter(slug=slug).first()
    if tag is None:
        raise not_found("tag")
    absolute = absolute_for(request)
    numbers = subject_counts(request, tag, selectors.tag_page)
    return {**rows.link(tag, absolute), "counts": rows.counts(tag, numbers, absolute)}


def _outlet_fields(outlet: Outlet, absolute) -> dict:
    return {"kind": outlet.kind, "country": outlet.country}


@api.get(
    "/outlets",
    response={200: schemas.OutletPage, **ERRORS},
    url_name="outlet-list",
    summary="Outlets that publish, are cited by or supply photos to published articles",
)
def outlet_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return ranked_page(
        request,
        model=Outlet,
        ranking=selectors.outlet_ranking,
        queryset=Outlet.objects.all(),
        item=_outlet_fields,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/outlets/{slug}",
    response={200: schemas.OutletDetail, **ERRORS},
    url_name="outlet-detail",
    summary="One outlet, with the counts of the published material it published or supplied",
)
def outlet_detail(request, slug: str):
    outlet = Outlet.objects.public().filter(slug=slug).first()
    if outlet is None:
        raise not_found("outlet")
    absolute = absolute_for(request)
    numbers = subject_counts(request, outlet, selectors.outlet_page)
    return {
        **rows.link(outlet, absolute),
        **_outlet_fields(outlet, absolute),
        "homepage": outlet.homepage,
        "counts": rows.counts(outlet, numbers, absolute),
    }
