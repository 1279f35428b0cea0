"""Archive objects as the API's plain data: every related object by slug, page and API address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload
from urllib.parse import quote, urlencode

from django.db.models import Model
from django.urls import reverse

from archive.models import Article, Outlet, PhotoCaption, Place, Quote, Speaker, Tag

Absolute = Callable[[str], str]
# What link() links to: the objects with a reader's page and an API address.
Linked = Article | Place | Speaker | Tag | Outlet

API_PATHS: dict[type[Model], str] = {
    Article: "articles",
    Place: "places",
    Speaker: "speakers",
    Tag: "tags",
    Outlet: "outlets",
}


def api_path(kind: str, *parts) -> str:
    """Return the API address of an object, e.g. /api/places/izyum."""
    root = reverse("api:index")
    return root + "/".join([kind, *(quote(str(part), safe="") for part in parts)])


@overload
def link(obj: Linked, absolute: Absolute, *, name: str | None = None) -> dict[str, Any]: ...
@overload
def link(obj: None, absolute: Absolute, *, name: str | None = None) -> None: ...
@overload
def link(
    obj: Linked | None, absolute: Absolute, *, name: str | None = None
) -> dict[str, Any] | None: ...
def link(
    obj: Linked | None, absolute: Absolute, *, name: str | None = None
) -> dict[str, Any] | None:
    """Return an object's slug, name, reader's page and API address, or None for no object."""
    if obj is None:
        return None
    return {
        "slug": obj.slug,
        "name": name if name is not None else getattr(obj, "name", str(obj)),
        "url": absolute(obj.get_absolute_url()),
        "api_url": absolute(api_path(API_PATHS[type(obj)], obj.slug)),
    }


def article_link(article: Article, absolute: Absolute) -> dict:
    return link(article, absolute, name=article.headline)


def article_item(article: Article, absolute: Absolute) -> dict:
    """Return an article as a list shows it (tags and places prefetched)."""
    return {
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "byline": article.byline,
        "dateline": article.dateline,
        "published_on": article.published_on,
        "language": article.language,
        "url": absolute(article.get_absolute_url()),
        "api_url": absolute(api_path("articles", article.slug)),
        "outlet": link(article.outlet, absolute),
        "tags": [link(tag, absolute) for tag in article.tags.all()],
        "places": [link(place, absolute) for place in article.places.all()],
    }


def _child_api_url(kind: str, item, absolute: Absolute) -> str:
    return absolute(api_path(kind, item.article.slug, item.position))


def quote_fields(quote: Quote, absolute: Absolute) -> dict:
    return {
        "position": quote.position,
        "text": quote.text,
        "kind": quote.kind,
        "speaker": link(quote.speaker, absolute),
        "place": link(quote.place, absolute),
        "tags": [link(tag, absolute) for tag in quote.tags.all()],
        "api_url": _child_api_url("quotes", quote, absolute),
    }


def quote_item(quote: Quote, absolute: Absolute) -> dict:
    """Return a quote with its article, as the quote list shows it."""
    return {
        **quote_fields(quote, absolute),
        "article": article_link(quote.article, absolute),
        "outlet": link(quote.article.outlet, absolute),
        "published_on": quote.article.published_on,
        "url": absolute(f"{quote.article.get_absolute_url()}#quote-{quote.position}"),
    }


def caption_fields(caption: PhotoCaption, absolute: Absolute) -> dict:
    return {
        "position": caption.position,
        "text": caption.text,
        "credit": caption.credit,
        "photographer": caption.photographer,
        "agency": link(caption.agency, absolute),
        "distributor": link(caption.distributor, absolute),
        "taken_on": caption.taken_on,
        "place": link(caption.place, absolute),
        "tags": [link(tag, absolute) for tag in caption.tags.all()],
        "api_url": _child_api_url("photos", caption, absolute),
    }


def caption_item(caption: PhotoCaption, absolute: Absolute) -> dict:
    """Return a photo caption with its article, as the photo list shows it."""
    return {
        **caption_fields(caption, absolute),
        "article": article_link(caption.article, absolute),
        "outlet": link(caption.article.outlet, absolute),
        "published_on": caption.article.published_on,
        "url": absolute(f"{caption.article.get_absolute_url()}#photo-{caption.position}"),
    }


def article_detail(article: Article, absolute: Absolute) -> dict:
    """Return a published article with its body, quotes and captions (as article_for_page loads)."""
    quotes = [
        {**quote_fields(quote, absolute), "paragraph": quote.paragraph}
        for quote in article.quotes.all()
    ]
    return {
        **article_item(article, absolute),
        "source_url": article.source_url,
        "syndication_note": article.syndication_note,
        "paragraphs": list(article.paragraphs or []),
        "cited_outlets": [link(outlet, absolute) for outlet in article.cited_outlets.all()],
        "quotes": quotes,
        "captions": [caption_fields(caption, absolute) for caption in article.captions.all()],
    }


def coordinate(value) -> float | None:
    return float(value) if value is not None else None


# The list parameter that narrows each API list to a subject, per kind of subject (None: no
# such list: speakers have no photos, outlets no quotes of their own).
LIST_PARAMETERS: dict[type[Model], dict[str, str | None]] = {
    Place: {"articles": "place", "quotes": "place", "photos": "place"},
    Speaker: {"articles": "speaker", "quotes": "speaker", "photos": None},
    Tag: {"articles": "tag", "quotes": "tag", "photos": "tag"},
    Outlet: {"articles": "outlet", "quotes": None, "photos": "agency"},
}


def counts(subject, numbers: dict[str, int], absolute: Absolute) -> dict:
    """Return a subject's counts (as its page shows them) with the API lists about it."""
    urls = {}
    for section, kind in (("articles", "articles"), ("quotes", "quotes"), ("captions", "photos")):
        parameter = LIST_PARAMETERS[type(subject)][kind]
        urls[f"{section}_url"] = (
            absolute(f"{api_path(kind)}?{urlencode({parameter: subject.slug})}")
            if parameter
            else None
        )
    return {**numbers, **urls}
