"""Facet counts for the public lists: each value with how many results it would give.

A facet's own counts ignore that facet's current selection (and honour every other filter), so
a reader can add a second place to the first: values within one facet are ORed together.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils.html import format_html_join

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
from archive.public.filters import ArchiveFilter

ArticlePlace = Article.places.through
FACET_SIZE = 12


@dataclass
class FacetValue:
    slug: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetValue]:
        return [value for value in self.values if value.selected]


# Each counter takes the filtered rows and returns (slug, label, n) rows, largest first.
Counter = Callable[[QuerySet], QuerySet]


def _grouped(rows: QuerySet, slug: str, label: str, counted: str) -> QuerySet:
    # Rows are unique per value (a tagging, a place link, an item) except where `counted`
    # names the article behind several rows: only then is COUNT(DISTINCT) worth its cost.
    distinct = counted == "article_id"
    return (
        rows.exclude(**{f"{slug}__isnull": True})
        .values(facet_slug=F(slug), facet_label=F(label))
        .annotate(n=Count(counted, distinct=distinct))
        .order_by("-n", "facet_label")
    )


def _by_article_place(rows: QuerySet) -> QuerySet:
    # A quote or caption is about the places of its article.
    items = rows.model.objects.filter(pk__in=rows.values("pk"))
    return _grouped(items, "article__places__slug", "article__places__name", "pk")


def _by_tag(through, rows: QuerySet) -> QuerySet:
    taggings = through.objects.filter(content_object__in=rows.values("pk"))
    return _grouped(taggings, "tag__slug", "tag__name", "content_object_id")


ARTICLE_FACETS: dict[str, tuple[str, Counter]] = {
    "place": (
        "Places",
        lambda qs: _grouped(
            ArticlePlace.objects.filter(article__in=qs.values("pk")),
            "place__slug",
            "place__name",
            "pk",
        ),
    ),
    "tag": ("Tags", lambda qs: _by_tag(ArticleTag, qs)),
    "outlet": (
        "Outlets",
        lambda qs: _grouped(qs, "outlet__slug", "outlet__name", "pk"),
    ),
    "speaker": (
        "Speakers",
        lambda qs: _grouped(
            Quote.objects.filter(article__in=qs.values("pk")),
            "speaker__slug",
            "speaker__name",
            "article_id",
        ),
    ),
}

QUOTE_FACETS: dict[str, tuple[str, Counter]] = {
    "speaker": ("Speakers", lambda qs: _grouped(qs, "speaker__slug", "speaker__name", "pk")),
    "place": ("Places", lambda qs: _by_article_place(qs)),
    "outlet": (
        "Outlets",
        lambda qs: _grouped(qs, "article__outlet__slug", "article__outlet__name", "pk"),
    ),
    "tag": ("Tags", lambda qs: _by_tag(QuoteTag, qs)),
}

CAPTION_FACETS: dict[str, tuple[str, Counter]] = {
    "agency": ("Agencies", lambda qs: _grouped(qs, "agency__slug", "agency__name", "pk")),
    "place": ("Places", lambda qs: _by_article_place(qs)),
    "tag": ("Tags", lambda qs: _by_tag(CaptionTag, qs)),
}

FACETS_FOR = {Article: ARTICLE_FACETS, Quote: QUOTE_FACETS, PhotoCaption: CAPTION_FACETS}


def list_facets(*, filterset: ArchiveFilter, base: QuerySet, size: int = FACET_SIZE) -> list[Facet]:
    """Return the facets of a filtered list, one query per facet, selected values always shown."""
    specs = FACETS_FOR[base.model]
    chosen = filterset.facet_values
    facets = []
    for name, (label, counter) in specs.items():
        rows = counter(filterset.apply(base, skip=name).order_by())
        selected = set(chosen.get(name, []))
        values: list[FacetValue] = []
        seen: set[str] = set()
        for row in rows[: size + len(selected)]:
            slug = row["facet_slug"]
            if len(values) >= size and slug not in selected:
                continue
            seen.add(slug)
            values.append(FacetValue(slug, row["facet_label"], row["n"], slug in selected))
        # A selected value with no results under the other filters still needs its chip.
        missing = [slug for slug in chosen.get(name, []) if slug not in seen]
        labels = _labels(name, missing) if missing else {}
        values.extend(FacetValue(slug, labels.get(slug, slug), 0, True) for slug in missing)
        facets.append(Facet(name, label, values))
    return facets


LABEL_MODELS: dict[str, Any] = {
    "place": Place,
    "tag": Tag,
    "outlet": Outlet,
    "agency": Outlet,
    "speaker": Speaker,
}


def _labels(name: str, slugs: list[str]) -> dict[str, str]:
    # A slug only drafts use is shown as typed, like an unknown one: its name stays unsaid.
    model = LABEL_MODELS[name]
    return dict(model._default_manager.public().filter(slug__in=slugs).values_list("slug", "name"))


@dataclass
class TimelineBar:
    label: str
    iso: str
    count: int
    x: int
    y: int
    width: int
    height: int


@dataclass
class Timeline:
    bars: list[TimelineBar]
    unit: str
    max_count: int
    width: int
    height: int

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""

    @property
    def bars_markup(self) -> str:
        """Return the bars as SVG rectangles with their titles, escaped.

        Years of months are many bars; built here, they cost a fraction of a template loop.
        """
        return format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
            ((b.x, b.y, b.width, b.height, b.label, b.count) for b in self.bars),
        )


TIMELINE_WIDTH, TIMELINE_HEIGHT = 600, 120


def day_counts(*, rows: QuerySet, date_field: str) -> list[tuple[datetime.date, int]]:
    """Return how many rows fall on each day, oldest day first (one query)."""
    per_day = (
        rows.order_by()
        .values(day=F(date_field))
        .annotate(n=Count("pk", distinct=True))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in per_day]


def ordinal_day_counts(*, rows: QuerySet, date_field: str) -> list[tuple[int, int]]:
    """Return day_counts with each day as its ordinal: a cached list of plain integers
    unpickles in well under a millisecond even for years of days."""
    return [(day.toordinal(), n) for day, n in day_counts(rows=rows, date_field=date_field)]


def list_timeline(*, days: list[tuple[datetime.date, int]]) -> Timeline:
    """Return results per day (a span up to three months) or per month, scaled for an SVG chart."""
    counts = dict(days)
    if not counts:
        return _scale([], "day")
    first, last = min(counts), max(counts)
    if (last - first).days <= 92:
        span = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
        return _scale([(day, counts.get(day, 0)) for day in span], "day")
    months: dict[datetime.date, int] = {}
    for day, n in counts.items():
        key = day.replace(day=1)
        months[key] = months.get(key, 0) + n
    month, filled = first.replace(day=1), []
    while month <= last:
        filled.append((month, months.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return _scale(filled, "month")


def _scale(counts: list, unit: str) -> Timeline:
    if not counts:
        return Timeline([], unit, 0, TIMELINE_WIDTH, TIMELINE_HEIGHT)
    top = max(n for _, n in counts)
    slot = TIMELINE_WIDTH // max(len(counts), 1)
    width = max(slot - 2, 1)
    bars = []
    for index, (period, n) in enumerate(counts):
        height = round(n / top * (TIMELINE_HEIGHT - 20)) if n else 0
        label = period.strftime("%-d %b %Y" if unit == "day" else "%b %Y")
        iso = period.strftime("%Y-%m-%d" if unit == "day" else "%Y-%m")
        bars.append(
            TimelineBar(label, iso, n, index * slot, TIMELINE_HEIGHT - height, width, height)
        )
    return Timeline(bars, unit, top, TIMELINE_WIDTH, TIMELINE_HEIGHT)
