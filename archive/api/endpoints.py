"""The read API's endpoints: one list and one single-item endpoint per kind of object.

Each kind is registered in a few lines: articles, quotes and photo captions as filtered lists
(archive.api.pages.filtered_page), places, speakers, tags and outlets as ranked subject indexes
(archive.api.pages.ranked_page). Operation ids are spelled out, so that the schema does not
change when the code moves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from csp.decorators import csp_update
from django.db.models import Model, QuerySet
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from archive.api import rows, schemas
from archive.api.errors import ApiError, not_found, validation_errors
from archive.api.ninjs_schemas import NinjsArticle
from archive.api.pages import Item, absolute_for, filtered_page, ranked_page, subject_counts
from archive.api.parameters import (
    ARTICLE_FILTERS,
    PHOTO_FILTERS,
    QUOTE_FILTERS,
    Cursor,
    Limit,
    Parameter,
    signature,
)
from archive.models import Article, Outlet, PhotoCaption, Place, Quote, Speaker, Tag
from archive.ninjs import article_ninjs, ninjs_articles
from archive.public import selectors
from archive.public.filters import ArchiveFilter, ArticleFilter, PhotoCaptionFilter, QuoteFilter

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


@api.exception_handler(ApiError)
def api_error(request, exc: ApiError):
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def parameter_error(request, exc: NinjaValidationError):
    return api_error(request, validation_errors(exc.errors))


def endpoint(
    path: str,
    *,
    name: str,
    url_name: str,
    summary: str,
    response: type[Schema],
    **options,
):
    """Register a GET endpoint under a stable operation id (its name), with the usual errors."""

    def register(view: Callable) -> Callable:
        view.__name__ = view.__qualname__ = name
        return api.get(
            path,
            response={200: response, **ERRORS},
            url_name=url_name,
            summary=summary,
            operation_id=f"archive_api_endpoints_{name}",
            **options,
        )(view)

    return register


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


# --- Articles, quotes and photo captions: filtered lists ----------------------------------


def material_list(
    path: str,
    *,
    name: str,
    url_name: str,
    summary: str,
    response: type[Schema],
    filters: list[Parameter],
    filter_class: type[ArchiveFilter],
    base: Callable[[], QuerySet],
    item: Item,
) -> None:
    """Register a filtered list: the filters' parameters, then `cursor` and `limit`."""

    def view(request, *, cursor: str | None = None, limit: int, **params):
        # The FilterSet reads the filters from the request; the signature declares their types.
        return filtered_page(
            request, filter_class=filter_class, base=base(), item=item, cursor=cursor, limit=limit
        )

    view.__signature__ = signature(filters)  # type: ignore[attr-defined]

    endpoint(path, name=name, url_name=url_name, summary=summary, response=response)(view)


material_list(
    "/articles",
    name="article_list",
    url_name="article-list",
    summary="Published articles",
    response=schemas.ArticlePage,
    filters=ARTICLE_FILTERS,
    filter_class=ArticleFilter,
    base=lambda: Article.objects.published().for_list().prefetch_related("places"),
    item=rows.article_item,
)


@endpoint(
    "/articles/{slug}",
    name="article_detail",
    url_name="article-detail",
    summary="One published article, with its body, quotes and captions",
    response=schemas.ArticleDetail,
)
def article_detail(request, slug: str):
    try:
        article = selectors.article_for_page(slug=slug)
    except Article.DoesNotExist:
        raise not_found("article") from None
    return rows.article_detail(article, absolute_for(request))


@endpoint(
    "/articles/{slug}/ninjs",
    name="article_ninjs",
    url_name="article-ninjs",
    summary="One published article as an IPTC ninjs 2.2 document (News in JSON)",
    description=(
        "The news industry's JSON for a story: headline, body, byline, dateline, tags as "
        "subjects, places with their coordinates, quoted people and organisations, and each "
        "photo caption as an associated picture. `export_archive --format ninjs` writes the "
        "same documents for every published article."
    ),
    response=NinjsArticle,
    by_alias=True,
    exclude_none=True,
)
def article_ninjs_document(request, slug: str):
    article = ninjs_articles().filter(slug=slug).first()
    if article is None:
        raise not_found("article")
    return article_ninjs(article, absolute=absolute_for(request))


def material_child(
    path: str,
    *,
    model: type[Quote] | type[PhotoCaption],
    name: str,
    url_name: str,
    summary: str,
    response: type[Schema],
    what: str,
    item: Item,
) -> None:
    """Register one quote or caption, by its article's slug and its position in the article."""

    def view(request, slug: str, position: int):
        found = model.objects.published().for_list().filter(article__slug=slug, position=position)
        child = found.first()
        if child is None:
            raise not_found(what)
        return item(child, absolute_for(request))

    endpoint(path, name=name, url_name=url_name, summary=summary, response=response)(view)


material_list(
    "/quotes",
    name="quote_list",
    url_name="quote-list",
    summary="Quotes from published articles",
    response=schemas.QuotePage,
    filters=QUOTE_FILTERS,
    filter_class=QuoteFilter,
    base=lambda: Quote.objects.published().for_list(),
    item=rows.quote_item,
)
material_child(
    "/quotes/{slug}/{position}",
    model=Quote,
    name="quote_detail",
    url_name="quote-detail",
    summary="One quote, by its article's slug and its position in the article",
    response=schemas.QuoteItem,
    what="quote",
    item=rows.quote_item,
)
material_list(
    "/photos",
    name="photo_list",
    url_name="photocaption-list",
    summary="Photo captions from published articles",
    response=schemas.CaptionPage,
    filters=PHOTO_FILTERS,
    filter_class=PhotoCaptionFilter,
    base=lambda: PhotoCaption.objects.published().for_list().select_related("distributor"),
    item=rows.caption_item,
)
material_child(
    "/photos/{slug}/{position}",
    model=PhotoCaption,
    name="photo_detail",
    url_name="photocaption-detail",
    summary="One photo caption, by its article's slug and its position in the article",
    response=schemas.CaptionItem,
    what="photo",
    item=rows.caption_item,
)


# --- Places, speakers, tags and outlets: ranked subject indexes ----------------------------


@dataclass(frozen=True)
class Subject:
    """One kind of subject: how its index ranks, what its rows and its single item add."""

    model: type[Model]
    path: str
    list_summary: str
    detail_summary: str
    page: type[Schema]
    detail: type[Schema]
    ranking: Callable[[], list]
    page_selector: Callable[..., Any]
    # The queryset a list row and a single item are read from (public() is added for items).
    queryset: Callable[[QuerySet], QuerySet] = lambda found: found
    fields: Item = lambda obj, absolute: {}
    detail_fields: Callable[[Any], dict] = lambda obj: {}

    @property
    def what(self) -> str:
        return self.model._meta.model_name or ""


def subject_endpoints(subject: Subject) -> None:
    """Register a subject's ranked index and its single item with its counts."""
    what = subject.what
    manager = subject.model._default_manager

    def index_view(request, cursor: str | None = Cursor, limit: int = Limit):
        return ranked_page(
            request,
            model=subject.model,
            ranking=subject.ranking,
            queryset=subject.queryset(manager.all()),
            item=subject.fields,
            cursor=cursor,
            limit=limit,
        )

    def detail_view(request, slug: str):
        found = subject.queryset(manager.public()).filter(slug=slug).first()  # type: ignore[attr-defined]
        if found is None:
            raise not_found(what)
        absolute = absolute_for(request)
        numbers = subject_counts(request, found, subject.page_selector)
        return {
            **rows.link(found, absolute),
            **subject.fields(found, absolute),
            **subject.detail_fields(found),
            "counts": rows.counts(found, numbers, absolute),
        }

    for view, path, kind, summary, response in (
        (index_view, f"/{subject.path}", "list", subject.list_summary, subject.page),
        (
            detail_view,
            f"/{subject.path}/{{slug}}",
            "detail",
            subject.detail_summary,
            subject.detail,
        ),
    ):
        endpoint(
            path,
            name=f"{what}_{kind}",
            url_name=f"{what}-{kind}",
            summary=summary,
            response=response,
        )(view)


def spellings(obj) -> dict:
    return {"spellings": [alias.name for alias in obj.aliases.all()]}


subject_endpoints(
    Subject(
        model=Place,
        path="places",
        list_summary="Places published material mentions, most mentioned first",
        detail_summary="One place, with the counts of the published material about it",
        page=schemas.PlacePage,
        detail=schemas.PlaceDetail,
        ranking=selectors.place_ranking,
        page_selector=selectors.place_page,
        queryset=lambda found: found.select_related("parent").prefetch_related("aliases"),
        fields=lambda place, absolute: {
            "kind": place.kind,
            "parent": rows.link(place.parent, absolute),
            "latitude": rows.coordinate(place.latitude),
            "longitude": rows.coordinate(place.longitude),
        },
        detail_fields=spellings,
    )
)
subject_endpoints(
    Subject(
        model=Speaker,
        path="speakers",
        list_summary="Speakers quoted in published articles, most quoted first",
        detail_summary="One speaker, with the counts of their published quotes",
        page=schemas.SpeakerPage,
        detail=schemas.SpeakerDetail,
        ranking=selectors.speaker_ranking,
        page_selector=selectors.speaker_page,
        queryset=lambda found: found.prefetch_related("aliases"),
        fields=lambda speaker, absolute: {
            "kind": speaker.kind,
            "role": speaker.role,
            "affiliation": speaker.affiliation,
        },
        detail_fields=spellings,
    )
)
subject_endpoints(
    Subject(
        model=Tag,
        path="tags",
        list_summary="Tags on published material, most used on articles first",
        detail_summary="One tag, with the counts of the published material carrying it",
        page=schemas.TagPage,
        detail=schemas.TagDetail,
        ranking=selectors.tag_ranking,
        page_selector=selectors.tag_page,
    )
)
subject_endpoints(
    Subject(
        model=Outlet,
        path="outlets",
        list_summary="Outlets that publish, are cited by or supply photos to published articles",
        detail_summary=(
            "One outlet, with the counts of the published material it published or supplied"
        ),
        page=schemas.OutletPage,
        detail=schemas.OutletDetail,
        ranking=selectors.outlet_ranking,
        page_selector=selectors.outlet_page,
        fields=lambda outlet, absolute: {"kind": outlet.kind, "country": outlet.country},
        detail_fields=lambda outlet: {"homepage": outlet.homepage},
    )
)
