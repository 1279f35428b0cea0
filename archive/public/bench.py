"""What the benchmark measures: the pages readers use, with values picked from the data."""

from __future__ import annotations

from django.db.models import Count
from django.views.generic import TemplateView

from archive.models import Article, ArticleTag, Outlet, Place


def bench_scenarios() -> list[tuple[str, str]]:
    """Return (name, path) pairs for the benchmark, using popular values of this archive."""
    published = Article.objects.published()
    place = (
        Place.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True)
    )[:3]
    tag = (
        ArticleTag.objects.values("tag__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("tag__slug", flat=True)
    )[:3]
    outlet = (
        Outlet.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True)
    )[:2]
    article = published.order_by("-published_on", "-pk").values_list("slug", flat=True)[:50]
    places, tags, outlets, articles = list(place), list(tag), list(outlet), list(article)
    rare_place = Place.objects.annotate(n=Count("articles")).filter(n__gte=20).order_by("n").first()
    pages = max(published.count() // 20, 1)
    deep = min(4000, pages)
    return [
        ("list, unfiltered", "/articles/"),
        ("list, three facets", f"/articles/?place={places[1]}&tag={tags[2]}&outlet={outlets[1]}"),
        ("text search, broad", "/articles/?q=regroup+troops"),
        ("text search, a place", f"/articles/?q={rare_place.name if rare_place else 'Izyum'}"),
        (f"deep page ({deep})", f"/articles/?page={deep}"),
        ("place page", f"/places/{places[0]}/"),
        ("article page", f"/articles/{articles[-1]}/"),
        ("JSON export page", f"/articles/?format=json&tag={tags[0]}&page=2"),
    ]


class FloorView(TemplateView):
    """A bare template view: the framework's floor, for comparing throughput."""

    template_name = "archive/bench_floor.html"
