"""Reads that combine models: article pages, place, speaker and tag pages."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Prefetch, Q, QuerySet

from archive.facetindex.runtime import index_current
from archive.facetindex.subjects import (
    sharing_ids,
    subject_public,
    subject_ranking,
    subject_summary,
)
from archive.facetindex.subjects import subject_counts as index_subject_counts
from archive.models import (
    PLACE_DEPTH,
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
from archive.public.rowtags import tags_from_index
from archive.public.walking import column_in, linked


@dataclass(frozen=True)
class Segment:
    """A run of paragraph text, and the quote it belongs to if it is quoted speech."""

    text: str
    quote: Quote | None = None


def article_for_page(*, slug: str, captions: bool = True) -> Article:
    """Return a published article with everything its page shows, in a fixed number of queries.

    captions=False leaves the captions to the caller (the page reads them with the same photo's
    captions in other outlets, `photos.article_captions`). The tags of the article, its quotes
    and its captions come from the facet index (`rowtags`).
    """
    quotes = Quote.objects.select_related("speaker", "place").with_statement_outlets()
    caption_rows = PhotoCaption.objects.select_related("agency", "distributor", "place")
    queryset = (
        Article.objects.published()
        .select_related("outlet")
        .prefetch_related(
            "places",
            "cited_outlets",
            Prefetch("quotes", queryset=quotes),
            *([Prefetch("captions", queryset=caption_rows)] if captions else []),
        )
    )
    article = queryset.get(slug=slug)
    index = index_current()
    tags_from_index([article], index=index)
    tags_from_index(list(article.quotes.all()), index=index)
    if captions:
        tags_from_index(list(article.captions.all()), index=index)
    return article


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


@dataclass
class SubjectPage:
    """What a place, speaker, tag or outlet page lists: published material only."""

    articles: QuerySet[Article]
    quotes: QuerySet[Quote]
    captions: QuerySet[PhotoCaption]


def subject_counts(*, page: SubjectPage) -> dict[str, int]:
    """Count a subject page's articles, quotes and captions in one query."""
    parts: list[str] = []
    params: list = []
    for rows in (page.articles, page.quotes, page.captions):
        try:
            sql, part_params = rows.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a .none() section, e.g. a speaker's photos
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        params.extend(part_params)
    with connections[Article.objects.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        articles, quotes, captions = cursor.fetchone()
    return {"articles": articles, "quotes": quotes, "captions": captions}


def place_inside(*, place: Place) -> list[Place]:
    """Return every place inside this one, at any depth, by name (one query per place object)."""
    if "_inside" not in place.__dict__:
        rows = Place.objects.inside(pk=place.pk).only("pk", "name", "slug", "parent_id")
        place.__dict__["_inside"] = list(rows)
    return place.__dict__["_inside"]


def place_nearby(*, place: Place) -> list[Place]:
    """Return a place, the places directly inside it and beside it (same parent), by name.

    Each carries `shown`, whether readers may see it: the page lists and maps only those.
    """
    beside = Q(parent_id=place.parent_id, parent__isnull=False)
    nearby = list(Place.objects.filter(Q(pk=place.pk) | Q(parent=place) | beside))
    # Which places are public is the facet index's to say (the same rule as `public()`).
    shown = subject_public(index_current(), "place", PLACE_DEPTH)
    for each in nearby:
        each.shown = each.pk in shown
    return nearby


def place_page(*, place: Place) -> SubjectPage:
    """Return the published articles, quotes and captions about a place or a place inside it."""
    inside = place_inside(place=place)
    ids = [place.pk, *(p.pk for p in inside)]
    links = Article.places.through.objects.filter(place_id__in=ids)
    return SubjectPage(
        articles=Article.objects.published().filter(linked(links, "article_id")).for_list(),
        quotes=Quote.objects.published().filter(column_in("place_id", ids)).for_list(),
        captions=PhotoCaption.objects.published().filter(column_in("place_id", ids)).for_list(),
    )


def speaker_page(*, speaker: Speaker) -> SubjectPage:
    """Return a speaker's published quotes and the articles that carry them."""
    links = Quote.objects.filter(speaker_id=speaker.pk)
    return SubjectPage(
        articles=Article.objects.published().filter(linked(links, "article_id")).for_list(),
        quotes=Quote.objects.published().filter(column_in("speaker_id", [speaker.pk])).for_list(),
        captions=PhotoCaption.objects.none(),
    )


def tag_page(*, tag: Tag) -> SubjectPage:
    """Return the published articles, quotes and captions that carry a tag."""

    def tagged(model, through, section):
        links = through.objects.filter(tag_id=tag.pk)
        return model.objects.published().filter(linked(links, "content_object_id"))

    return SubjectPage(
        articles=tagged(Article, ArticleTag, "articles").for_list(),
        quotes=tagged(Quote, QuoteTag, "quotes").for_list(),
        captions=tagged(PhotoCaption, CaptionTag, "captions").for_list(),
    )


def outlet_page(*, outlet: Outlet) -> SubjectPage:
    """Return an outlet's published articles, those that cite it, and the photos it credits."""
    cited = Article.cited_outlets.through.objects.filter(outlet_id=outlet.pk)
    return SubjectPage(
        articles=Article.objects.published()
        .filter(column_in("outlet_id", [outlet.pk]) | linked(cited, "article_id"))
        .for_list(),
        quotes=Quote.objects.none(),
        captions=PhotoCaption.objects.published()
        .filter(column_in("agency_id", [outlet.pk]) | column_in("distributor_id", [outlet.pk]))
        .for_list(),
    )


@dataclass
class Overview:
    """What the home page shows: the latest articles, the most used places, tags and speakers
    (facet values, counted in published articles) and how many of each kind are published."""

    latest: list[Article]
    places: list
    tags: list
    speakers: list
    totals: dict[str, int]


def article_related(*, article: Article, days: int = 3, size: int = 5) -> list[Article]:
    """Return other published articles sharing a place or tag with this one, within a few days."""
    place_ids = [place.pk for place in article.places.all()]
    tag_ids = [tag.pk for tag in article.tags.all()]
    window = datetime.timedelta(days=days)
    dates = (article.published_on - window, article.published_on + window)
    # The facet index names the articles of those days sharing a place or tag, as far back as
    # the newest days holding `size` of them (one more: this article may be among them); the
    # database orders those few and checks again that each is published and in the window.
    candidates = sharing_ids(
        index_current(),
        place_ids=place_ids,
        tag_ids=tag_ids,
        first_day=dates[0].toordinal(),
        last_day=dates[1].toordinal(),
        size=size + 1,
    )
    candidates = [pk for pk in candidates if pk != article.pk]
    if not candidates:
        return []
    return list(
        Article.objects.published()
        .filter(published_on__range=dates, pk__in=candidates)
        .select_related("outlet")
        .order_by("-published_on", "headline")[:size]
    )


def list_description(*, noun: str, facets: list, data: dict, count: int) -> str:
    """Describe a filtered list in words, for its title and heading."""
    parts = [noun.capitalize()]
    labels = {facet.name: [v.label for v in facet.selected] for facet in facets}
    phrases = {
        "speaker": "by",
        "place": "about",
        "tag": "tagged",
        "outlet": "from",
        "agency": "from",
    }
    for name, words in phrases.items():
        if labels.get(name):
            parts.append(f"{words} {' or '.join(labels[name])}")
    if data.get("photographer"):
        parts.append(f"by {data['photographer']}")
    if data.get("q"):
        parts.append(f"matching “{data['q'][:80]}”")
    if data.get("from"):
        parts.append(f"from {data['from']:%-d %B %Y}")
    if data.get("to"):
        parts.append(f"until {data['to']:%-d %B %Y}")
    return f"{' '.join(parts)} — {count} result{'s' if count != 1 else ''}"


@dataclass
class Relaxation:
    """A filter a reader could drop, and how many results that would give."""

    label: str
    remove: tuple[str, str | None]
    count: int


def list_relaxations(
    *, filterset, count_without: Callable[[str], int], facets: list
) -> list[Relaxation]:
    """For an empty result, say which single filter to drop to get results back.

    count_without(name) says how many results the list has without the filter called name.
    """
    data = filterset.form.cleaned_data
    options = []
    for name, value in data.items():
        if name == "sort" or value in (None, "", []):
            continue
        count = count_without(name)
        options.append(Relaxation(_filter_label(name, value, facets), (name, None), count))
    return sorted(options, key=lambda option: -option.count)


def _filter_label(name: str, value, facets: list) -> str:
    for facet in facets:
        if facet.name == name:
            return f"{facet.label.lower()}: {', '.join(v.label for v in facet.selected)}"
    if name in ("from", "to"):
        return f"{name} {value:%-d %B %Y}"
    return f"{'text' if name == 'q' else name}: {value}"


def place_ranking() -> list[tuple[int, int]]:
    """Return (place id, published articles that mention it) for every public place, most first.

    Public places no published article names (mentioned by a quote or caption, or holding
    places that are) follow with 0. Ties go by name. Counted by the facet index.
    """
    return subject_ranking(index_current(), "place", PLACE_DEPTH)


def place_index_points(
    *, ranked: list[tuple[int, int]], limit: int = 200
) -> list[tuple[Place, int]]:
    """Return (place, count) for the first `limit` ranked places that have coordinates.

    The ranking (place_ranking) holds only public places, so nothing else is shown. Places are
    read in ranked chunks of 500 until `limit` have coordinates: one query on most archives.
    """
    found: list[tuple[Place, int]] = []
    for start in range(0, len(ranked), 500):
        chunk = ranked[start : start + 500]
        located = Place.objects.filter(
            pk__in=[pk for pk, _n in chunk], latitude__isnull=False, longitude__isnull=False
        ).only("pk", "name", "slug", "kind", "latitude", "longitude")
        by_pk = {place.pk: place for place in located}
        found += [(by_pk[pk], n) for pk, n in chunk if pk in by_pk]
        if len(found) >= limit:
            break
    return found[:limit]


def speaker_ranking() -> list[tuple[int, int]]:
    """Return (speaker id, published quotes) for every speaker quoted, most first, ties by name."""
    return subject_ranking(index_current(), "speaker", PLACE_DEPTH)


def tag_ranking() -> list[tuple[int, int]]:
    """Return (tag id, published articles carrying it) for every public tag, most first.

    Tags only on quotes or captions of published articles follow with 0; ties go by name.
    """
    return subject_ranking(index_current(), "tag", PLACE_DEPTH)


def outlet_ranking() -> list[tuple[int, int]]:
    """Return (outlet id, published articles it published) for every public outlet, most first.

    Outlets that are only cited or credited for photos follow with 0; ties go by name.
    """
    return subject_ranking(index_current(), "outlet", PLACE_DEPTH)


def _subject_ids(index, subject: Place | Speaker | Tag | Outlet) -> list[int]:
    if isinstance(subject, Place):
        return index.labels.place_ids_inside([subject.slug], PLACE_DEPTH)
    return [subject.pk]


def subject_page_counts(*, subject: Place | Speaker | Tag | Outlet) -> dict[str, int]:
    """Count a subject page's published articles, quotes and captions (no query)."""
    index = index_current()
    name = str(subject._meta.model_name)
    return index_subject_counts(index, name, _subject_ids(index, subject))


def subject_page_summary(
    *, subject: Place | Speaker | Tag | Outlet, size: int
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Count a subject page's published articles, quotes and captions, and give the ids of the
    latest `size` of each, newest first (no query)."""
    index = index_current()
    name = str(subject._meta.model_name)
    return subject_summary(index, name, _subject_ids(index, subject), size)
