"""Reads that combine models: article pages, place, speaker and tag pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from archive.models import (
    Article,
    ArticleTag,
    CaptionTag,
    Outlet,
    PhotoCaption,
    Place,
    Quote,
    QuoteTag,
    Speaker,
    Tag,
)


@dataclass(frozen=True)
class Segment:
    """A run of paragraph text, and the quote it belongs to if it is quoted speech."""

    text: str
    quote: Quote | None = None


def article_for_page(*, slug: str) -> Article:
    """Return a published article with everything its page shows, in a fixed number of queries."""
    quotes = Quote.objects.select_related("speaker", "place").prefetch_related("tags")
    captions = PhotoCaption.objects.select_related(
        "agency", "distributor", "place"
    ).prefetch_related("tags")
    queryset = (
        Article.objects.published()
        .select_related("outlet")
        .prefetch_related(
            "tags",
            "places",
            "cited_outlets",
            Prefetch("quotes", queryset=quotes),
            Prefetch("captions", queryset=captions),
        )
    )
    return queryset.get(slug=slug)


def article_paragraph_segments(*, article: Article) -> list[list[Segment]]:
    """Split each paragraph into plain text and the quotes printed in it, in reading order."""
    by_paragraph: dict[int, list[Quote]] = {}
    for quote in article.quotes.all():
        if quote.paragraph:
            by_paragraph.setdefault(quote.paragraph, []).append(quote)
    return [
        _segments(text, by_paragraph.get(number, []))
        for number, text in enumerate(article.paragraphs, start=1)
    ]


def _segments(text: str, quotes: list[Quote]) -> list[Segment]:
    spans: list[tuple[int, int, Quote]] = []
    for quote in quotes:
        start = text.find(quote.text)
        # A quote that overlaps another, or is not printed verbatim, is listed but not marked.
        if start < 0 or any(
            start < end and start + len(quote.text) > begin for begin, end, _ in spans
        ):
            continue
        spans.append((start, start + len(quote.text), quote))
    spans.sort(key=lambda span: span[0])
    segments, cursor = [], 0
    for start, end, quote in spans:
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], quote))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def published_articles() -> QuerySet[Article]:
    """Return every published article, ready for a list."""
    return Article.objects.published().for_list()


@dataclass
class SubjectPage:
    """What a place, speaker, tag or outlet page lists: published material only."""

    articles: QuerySet[Article]
    quotes: QuerySet[Quote]
    captions: QuerySet[PhotoCaption]


def place_with_descendant_ids(*, place: Place) -> list[int]:
    """Return the ids of a place and of every place inside it, at any depth."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Place.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, queue = [], [place.pk]
    while queue:
        pk = queue.pop()
        if pk in ids:
            continue
        ids.append(pk)
        queue.extend(children.get(pk, []))
    return ids


def place_page(*, place: Place) -> SubjectPage:
    """Return the published articles, quotes and captions about a place or a place inside it."""
    ids = place_with_descendant_ids(place=place)
    return SubjectPage(
        articles=Article.objects.published()
        .filter(pk__in=Article.places.through.objects.filter(place_id__in=ids).values("article_id"))
        .for_list(),
        quotes=Quote.objects.published().filter(place_id__in=ids).for_list(),
        captions=PhotoCaption.objects.published().filter(place_id__in=ids).for_list(),
    )


def speaker_page(*, speaker: Speaker) -> SubjectPage:
    """Return a speaker's published quotes and the articles that carry them."""
    return SubjectPage(
        articles=Article.objects.published()
        .filter(pk__in=Quote.objects.filter(speaker=speaker).values("article_id"))
        .for_list(),
        quotes=Quote.objects.published().filter(speaker=speaker).for_list(),
        captions=PhotoCaption.objects.none(),
    )


def tag_page(*, tag: Tag) -> SubjectPage:
    """Return the published articles, quotes and captions that carry a tag."""
    return SubjectPage(
        articles=Article.objects.published()
        .filter(pk__in=ArticleTag.objects.filter(tag=tag).values("content_object_id"))
        .for_list(),
        quotes=Quote.objects.published()
        .filter(pk__in=QuoteTag.objects.filter(tag=tag).values("content_object_id"))
        .for_list(),
        captions=PhotoCaption.objects.published()
        .filter(pk__in=CaptionTag.objects.filter(tag=tag).values("content_object_id"))
        .for_list(),
    )


def outlet_page(*, outlet: Outlet) -> SubjectPage:
    """Return an outlet's published articles, those that cite it, and the photos it credits."""
    return SubjectPage(
        articles=Article.objects.published()
        .filter(
            Q(outlet=outlet)
            | Q(
                pk__in=Article.cited_outlets.through.objects.filter(outlet=outlet).values(
                    "article_id"
                )
            )
        )
        .for_list(),
        quotes=Quote.objects.none(),
        captions=PhotoCaption.objects.published()
        .filter(Q(agency=outlet) | Q(distributor=outlet))
        .for_list(),
    )
