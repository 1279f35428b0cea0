"""schema.org JSON-LD for article, place and speaker pages: what search engines and news
tools read. Built from what each page has already loaded; published material only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from archive.models import Article, Place, Speaker, SpeakerKind

Absolute = Callable[[str], str]
CONTEXT = "https://schema.org"
# What keeps a JSON text inside <script> from ending it or opening a comment.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld_markup(data: dict) -> SafeString:
    """Return data as the body of a <script type="application/ld+json"> element, escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    # Safe: every <, > and & is escaped above, so the text cannot close the element.
    return mark_safe(text)


def _geo(place: Place) -> dict | None:
    if place.latitude is None or place.longitude is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": float(place.latitude),
        "longitude": float(place.longitude),
    }


def place_node(place: Place, absolute: Absolute) -> dict:
    node: dict[str, Any] = {
        "@type": "Place",
        "name": place.name,
        "url": absolute(place.get_absolute_url()),
    }
    geo = _geo(place)
    if geo:
        node["geo"] = geo
    return node


def speaker_node(speaker: Speaker, absolute: Absolute) -> dict:
    kind = "Organization" if speaker.kind == SpeakerKind.ORGANISATION else "Person"
    node: dict[str, Any] = {
        "@type": kind,
        "name": speaker.name,
        "url": absolute(speaker.get_absolute_url()),
    }
    if kind == "Person" and speaker.role:
        node["jobTitle"] = speaker.role
    if speaker.affiliation:
        node["affiliation" if kind == "Person" else "parentOrganization"] = {
            "@type": "Organization",
            "name": speaker.affiliation,
        }
    return node


def _outlet_node(outlet) -> dict:
    node: dict[str, Any] = {"@type": "Organization", "name": outlet.name}
    if outlet.homepage:
        node["url"] = outlet.homepage
    return node


def article_jsonld(*, article: Article, absolute: Absolute, captions=None) -> dict:
    """Return a published article as a NewsArticle, its quotes as Quotations and its captions
    as ImageObjects (from what article_for_page loaded, or the captions given)."""
    url = absolute(article.get_absolute_url())
    speakers = {}
    quotes = []
    for quote in article.quotes.all():
        speaker = speaker_node(quote.speaker, absolute)
        speakers[quote.speaker.pk] = speaker
        quotes.append(
            {
                "@type": "Quotation",
                "text": quote.text,
                "spokenByCharacter": speaker,
                "creator": speaker,
                "isPartOf": {"@id": url},
            }
        )
    images = []
    for caption in article.captions.all() if captions is None else captions:
        image: dict[str, Any] = {"@type": "ImageObject", "caption": caption.text}
        if caption.credit:
            image["creditText"] = caption.credit
        creators = []
        if caption.photographer:
            creators.append({"@type": "Person", "name": caption.photographer})
        if caption.agency:
            creators.append(_outlet_node(caption.agency))
        if creators:
            image["creator"] = creators
        if caption.place:
            image["contentLocation"] = place_node(caption.place, absolute)
        images.append(image)
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "headline": article.headline,
        "datePublished": article.published_on.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "inLanguage": article.language,
        "publisher": _outlet_node(article.outlet),
        "contentLocation": [place_node(place, absolute) for place in article.places.all()],
        "mentions": list(speakers.values()),
        "keywords": [tag.name for tag in article.tags.all()],
        "hasPart": quotes,
        "image": images,
    }
    if article.standfirst:
        node["description"] = article.standfirst
    if article.byline:
        node["author"] = {"@type": "Person", "name": article.byline}
    if article.source_url:
        node["isBasedOn"] = article.source_url
    return node


def place_jsonld(*, place: Place, aliases: list[str], absolute: Absolute) -> dict:
    """Return a place as a schema.org Place, inside its parent, with its other spellings."""
    node: dict[str, Any] = {"@context": CONTEXT, **place_node(place, absolute)}
    if aliases:
        node["alternateName"] = aliases
    if place.parent is not None:
        node["containedInPlace"] = place_node(place.parent, absolute)
    return node


def speaker_jsonld(*, speaker: Speaker, aliases: list[str], absolute: Absolute) -> dict:
    """Return a speaker as a schema.org Person or Organization, with their other spellings."""
    node: dict[str, Any] = {"@context": CONTEXT, **speaker_node(speaker, absolute)}
    if aliases:
        node["alternateName"] = aliases
    return node
