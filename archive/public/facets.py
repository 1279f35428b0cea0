"""Facet counts for the public lists: each value with how many results it would give.

A facet's own counts ignore that facet's current selection (and honour every other filter), so
a reader can add a second place to the first: values within one facet are ORed together.
The counts come from the facet index (archive.facetindex), kept current by the change log; only
the filters the index does not hold (text, photographer) ask the database, for matching ids.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, F, Model, QuerySet

from archive.facetindex.counting import Matcher, Selection
from archive.facetindex.runtime import index_current
from archive.facetindex.store import FacetIndex
from archive.facetindex.subjects import subject_is_public
from archive.models import PLACE_DEPTH, Article, Outlet, PhotoCaption, Place, Quote, Speaker, Tag
from archive.public.filters import ArchiveFilter
from archive.public.markup import format_html_join

FACET_SIZE = 12
# The facet index's name for each kind of row.
KIND_OF: dict[type[Model], str] = {Article: "article", Quote: "quote", PhotoCaption: "caption"}
# Each facet's labels: the subject whose ids it holds.
SUBJECT_OF = {
    "place": "place",
    "tag": "tag",
    "outlet": "outlet",
    "agency": "outlet",
    "speaker": "speaker",
}
LABELS = {
    "place": "Places",
    "tag": "Tags",
    "outlet": "Outlets",
    "speaker": "Speakers",
    "agency": "Agencies",
}
# Filters the index does not hold: the database finds their rows.
DATABASE_FILTERS = ("q", "photographer")


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


def subject_ids(index: FacetIndex, name: str, slugs: list[str]) -> list[int]:
    """Return the ids a facet's slugs stand for: a place with every place inside it."""
    if name == "place":
        return index.labels.place_ids_inside(slugs, PLACE_DEPTH)
    return index.labels.ids(SUBJECT_OF[name], slugs)


def list_matcher(*, filterset: ArchiveFilter, index: FacetIndex | None = None) -> Matcher:
    """Return the matching documents of a valid filterset's list, as the facet index sees them."""
    index = index or index_current()
    model = filterset._meta.model
    data = filterset.form.cleaned_data
    selection = Selection(KIND_OF[model])
    for name in filterset.facet_names:
        if data.get(name):
            selection.subjects[name] = subject_ids(index, name, data[name])
    if data.get("from"):
        selection.first_day = data["from"].toordinal()
    if data.get("to"):
        selection.last_day = data["to"].toordinal()
    for name in DATABASE_FILTERS:
        if data.get(name):
            selection.found[name] = filterset.found_ids(name, data[name])
    return Matcher(index, selection)


def whole_list_matcher(model, index: FacetIndex | None = None) -> Matcher:
    """Return every published document of one kind."""
    return Matcher(index or index_current(), Selection(KIND_OF[model]))


def list_facets(
    *,
    filterset: ArchiveFilter,
    base: QuerySet,
    size: int = FACET_SIZE,
    matcher: Matcher | None = None,
) -> list[Facet]:
    """Return the facets of a filtered list, selected values always shown (no query)."""
    matcher = matcher or list_matcher(filterset=filterset)
    index = matcher.index
    chosen = filterset.facet_values
    facets = []
    for name in filterset.facet_names:
        subject = SUBJECT_OF[name]
        slugs, names = index.labels.slug[subject], index.labels.name[subject]
        selected = set(chosen.get(name, []))
        counted = matcher.facet_top(name, size + len(selected))
        # Largest first, then by name, as the database would sort them.
        rows = sorted(
            ((slugs[pk], names[pk], n) for pk, n in counted.items() if pk in slugs),
            key=lambda row: (-row[2], row[1], row[0]),
        )
        values: list[FacetValue] = []
        seen: set[str] = set()
        for slug, label, n in rows[: size + len(selected)]:
            if len(values) >= size and slug not in selected:
                continue
            seen.add(slug)
            values.append(FacetValue(slug, label, n, slug in selected))
        # A selected value with no results under the other filters still needs its chip.
        missing = [slug for slug in chosen.get(name, []) if slug not in seen]
        labels = _labels(name, missing, index) if missing else {}
        values.extend(FacetValue(slug, labels.get(slug, slug), 0, True) for slug in missing)
        facets.append(Facet(name, LABELS[name], values))
    return facets


LABEL_MODELS: dict[str, Any] = {
    "place": Place,
    "tag": Tag,
    "outlet": Outlet,
    "agency": Outlet,
    "speaker": Speaker,
}


def _labels(name: str, slugs: list[str], index: FacetIndex) -> dict[str, str]:
    # A slug only drafts use is shown as typed, like an unknown one: its name stays unsaid.
    # Published material using it (a place: it or a place inside it) is the facet index's to
    # say; one it cannot vouch for is asked of the database.
    subject = SUBJECT_OF[name]
    by_slug, names = index.labels.by_slug[subject], index.labels.name[subject]
    labels, unsure = {}, []
    for slug in slugs:
        pk = by_slug.get(slug)
        if pk is not None and pk in names:
            inside = (
                index.labels.place_ids_inside([slug], PLACE_DEPTH) if subject == "place" else [pk]
            )
            if subject_is_public(index, subject, inside):
                labels[slug] = names[pk]
                continue
        unsure.append(slug)
    if unsure:
        model = LABEL_MODELS[name]
        labels.update(
            model._default_manager.public().filter(slug__in=unsure).values_list("slug", "name")
        )
    return labels


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


# Day ordinal of 1 January 1970, the epoch of numpy's dates.
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def list_timeline(*, days: list[tuple[int, int]]) -> Timeline:
    """Return results per day (a span up to three months) or per month, scaled for an SVG chart.

    `days`: (day ordinal, results that day), oldest first, as `Matcher.days` gives them. Years
    of days are summed into months over arrays: no date is made for a day without a bar."""
    if not days:
        return _scale([], "day")
    ordinals = np.fromiter((day for day, _n in days), dtype=np.int64, count=len(days))
    counts = np.fromiter((n for _day, n in days), dtype=np.int64, count=len(days))
    first, last = int(ordinals.min()), int(ordinals.max())
    if last - first <= 92:
        per_day = np.bincount(ordinals - first, weights=counts, minlength=last - first + 1)
        start = datetime.date.fromordinal(first)
        return _scale(
            [
                (start + datetime.timedelta(days=i), int(n))
                for i, n in enumerate(per_day.astype(np.int64).tolist())
            ],
            "day",
        )
    # Months since January 1970.
    months = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[M]")
    months = months.astype(np.int64)
    low = int(months.min())
    per_month = np.bincount(months - low, weights=counts).astype(np.int64).tolist()
    return _scale(
        [
            (datetime.date(1970 + month // 12, month % 12 + 1, 1), n)
            for month, n in enumerate(per_month, start=low)
        ],
        "month",
    )


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
