"""Published articles as IPTC ninjs 2.2 documents (News in JSON), for the API and the export.

One mapping from the archive to ninjs, used by /api/articles/{slug}/ninjs and by
`export_archive --format ninjs`; README.md ("ninjs") lists which fields are filled and from
what. It reads only the models, so the read API and data export can both use it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from archive.models import Article, PhotoCaption, Place, Quote, SpeakerKind

NINJS_VERSION = "2.2"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"

# Turns a site path (/articles/x/) into a whole address (https://archive.example.org/articles/x/).
Absolute = Callable[[str], str]


def ninjs_articles() -> QuerySet[Article]:
    """Return the published articles with everything their ninjs documents name, by slug."""
    quotes = Quote.objects.select_related("speaker").order_by("position")
    captions = PhotoCaption.objects.select_related("agency", "place").order_by("position")
    return (
        Article.objects.published()
        .select_related("outlet")
        .prefetch_related(
            "tags",
            "places",
            "cited_outlets",
            Prefetch("quotes", queryset=quotes),
            Prefetch("captions", queryset=captions),
        )
        .order_by("slug")
    )


def _moment(value: datetime.datetime) -> str:
    """Return a stored time as ninjs writes one: UTC, whole seconds, ending in Z."""
    utc = value.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None)
    return f"{utc.isoformat()}Z"


def _day(value: datetime.date) -> str:
    # The archive keeps the day only; ninjs asks for a date and time: midnight UTC that day.
    return f"{value.isoformat()}T00:00:00Z"


def _place(place: Place, absolute: Absolute) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": place.name,
        "literal": place.slug,
        "uri": absolute(place.get_absolute_url()),
    }
    if place.latitude is not None and place.longitude is not None:
        # GeoJSON puts longitude first.
        entry["geojson"] = {
            "type": "Point",
            "coordinates": [float(place.longitude), float(place.latitude)],
        }
    return entry


def _entity(obj, absolute: Absolute, **extra) -> dict[str, Any]:
    return {"name": obj.name, "literal": obj.slug, "uri": absolute(obj.get_absolute_url()), **extra}


def _picture(caption: PhotoCaption, page: str, absolute: Absolute) -> dict[str, Any]:
    """Return a photo caption as an associated ninjs picture (the archive holds no image)."""
    picture: dict[str, Any] = {
        "name": f"photo-{caption.position}",
        "uri": f"{page}#photo-{caption.position}",
        "type": "picture",
        "descriptions": [{"role": "caption", "contenttype": "text/plain", "value": caption.text}],
    }
    if caption.credit:
        picture["descriptions"].append({"role": "creditline", "value": caption.credit})
    if caption.photographer:
        picture["by"] = caption.photographer
    if caption.agency is not None:
        picture["copyrightholder"] = caption.agency.name
        picture["infosources"] = [_entity(caption.agency, absolute, role="agency")]
    if caption.taken_on is not None:
        picture["contentcreated"] = _day(caption.taken_on)
    if caption.place is not None:
        picture["places"] = [_place(caption.place, absolute)]
    return picture


def article_ninjs(article: Article, *, absolute: Absolute) -> dict[str, Any]:
    """Return a published article as a ninjs 2.2 document (relations as ninjs_articles loads)."""
    page = absolute(article.get_absolute_url())
    body = "\n\n".join(article.paragraphs or [])
    document: dict[str, Any] = {
        "uri": page,
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "version": str(article.version),
        "firstcreated": _moment(article.created_at),
        "versioncreated": _moment(article.updated_at),
        "contentcreated": _day(article.published_on),
        "pubstatus": "usable",
        "language": article.language,
        "copyrightholder": article.outlet.name,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": article.headline}],
    }
    if article.standfirst:
        document["descriptions"] = [
            {"role": "summary", "contenttype": "text/plain", "value": article.standfirst}
        ]
    document["bodies"] = [
        {
            "role": "main",
            "contenttype": "text/plain",
            "charcount": len(body),
            "wordcount": len(body.split()),
            "value": body,
        }
    ]
    if article.byline:
        document["by"] = article.byline
    if article.dateline:
        document["located"] = article.dateline
    speakers = {quote.speaker.slug: quote.speaker for quote in article.quotes.all()}
    quoted = [speakers[slug] for slug in sorted(speakers)]
    for field, kind in (
        ("people", SpeakerKind.PERSON),
        ("organisations", SpeakerKind.ORGANISATION),
    ):
        found = [_entity(s, absolute, rel="quoted") for s in quoted if s.kind == kind]
        if found:
            document[field] = found
    places = sorted(article.places.all(), key=lambda place: place.slug)
    if places:
        document["places"] = [_place(place, absolute) for place in places]
    tags = sorted(article.tags.all(), key=lambda tag: tag.slug)
    if tags:
        document["subjects"] = [_entity(tag, absolute) for tag in tags]
    cited = sorted(article.cited_outlets.all(), key=lambda outlet: outlet.slug)
    document["infosources"] = [
        _entity(article.outlet, absolute, role="publisher"),
        *(_entity(outlet, absolute, role="cited") for outlet in cited),
    ]
    document["renditions"] = [{"name": "html", "href": page, "contenttype": "text/html"}]
    if article.source_url:
        document["renditions"].append(
            {
                "name": "original",
                "href": article.source_url,
                "contenttype": "text/html",
                "title": f"As {article.outlet.name} published it",
            }
        )
    captions = sorted(article.captions.all(), key=lambda caption: caption.position)
    if captions:
        document["associations"] = [_picture(caption, page, absolute) for caption in captions]
    return document


def ninjs_documents(*, absolute: Absolute, chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """Yield every published article's ninjs document, by slug (drafts never)."""
    for article in ninjs_articles().iterator(chunk_size=chunk_size):
        yield article_ninjs(article, absolute=absolute)
