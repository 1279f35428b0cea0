"""What the benchmark measures: the pages readers use, with values picked from the data.

Each scenario gives a new address for every request number (another page, another place, another
word), so that a "fresh" figure is what a reader asking something new waits for.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Count
from django.views.generic import TemplateView

from archive.models import Article, ArticleTag, Outlet, Place, Speaker

Scenario = tuple[str, Callable[[int], str]]
# Common words of the synthetic archive's headlines, for broad searches.
BROAD_WORDS = ("troops", "fighting", "forces", "battle", "residents", "talks", "flee", "spreads")


def _top(rows, n: int) -> list[str]:
    return list(rows[:n])


def bench_scenarios() -> list[Scenario]:
    """Return (name, address for request i) pairs, using popular values of this archive."""
    published = Article.objects.published()
    places = _top(
        Place.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True),
        40,
    )
    tags = _top(
        ArticleTag.objects.values("tag__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("tag__slug", flat=True),
        40,
    )
    outlets = _top(
        Outlet.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True),
        10,
    )
    speakers = _top(
        Speaker.objects.annotate(n=Count("quotes")).order_by("-n").values_list("slug", flat=True),
        200,
    )
    rare = _top(
        Place.objects.annotate(n=Count("articles"))
        .filter(n__gte=20)
        .order_by("n")
        .values_list("name", flat=True),
        200,
    ) or ["Izyum"]
    article_slugs = _top(
        published.order_by("-published_on", "-pk").values_list("slug", flat=True), 500
    )
    newest = published.order_by("-published_on").values_list("published_on", flat=True).first()
    newest = newest or datetime.date.today()
    pages = max(published.count() // 20, 1)

    def pick(values: list[str], i: int, step: int = 1) -> str:
        return values[(i * step) % len(values)] if values else "none"

    def three_facets(i: int) -> str:
        start = newest - datetime.timedelta(days=30 + i % 700)
        return (
            f"/articles/?place={pick(places, i)}&tag={pick(tags, i, 7)}"
            f"&outlet={pick(outlets, i, 3)}&from={start}"
        )

    def broad(i: int) -> str:
        word = BROAD_WORDS[i % len(BROAD_WORDS)]
        other = BROAD_WORDS[(i // len(BROAD_WORDS)) % len(BROAD_WORDS)]
        return f"/articles/?q={word}" if i < len(BROAD_WORDS) else f"/articles/?q={word}+{other}"

    return [
        ("list, page N", lambda i: f"/articles/?page={1 + (i * 37) % min(pages, 500)}"),
        ("list, three facets + date", three_facets),
        ("text search, broad", broad),
        ("text search, a place", lambda i: f"/articles/?q={pick(rare, i)}"),
        ("text search, broad, newest first", lambda i: f"{broad(i)}&sort=newest"),
        ("deep page", lambda i: f"/articles/?page={max(pages - 1 - i * 13, 1)}"),
        ("place page", lambda i: f"/places/{pick(places, i)}/"),
        ("speaker page", lambda i: f"/speakers/{pick(speakers, i)}/"),
        ("JSON page", lambda i: f"/articles/?format=json&tag={pick(tags, i)}&page={1 + i % 5}"),
        ("article page", lambda i: f"/articles/{pick(article_slugs, i)}/"),
    ]


class FloorView(TemplateView):
    """A bare template view: the framework's floor, for comparing throughput."""

    template_name = "archive/bench_floor.html"
