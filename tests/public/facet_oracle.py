"""Plain SQL counts for the facet index's differential test: what the index must agree with.

These are the grouped counts the list pages made before the facet index (one query per facet,
with the same rules), the per-day counts, subject page counts and ranked indexes, and an
article page's related articles.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet

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

ArticlePlace = Article.places.through


def _grouped(rows: QuerySet, slug: str, counted: str) -> dict[str, int]:
    grouped = (
        rows.exclude(**{f"{slug}__isnull": True})
        .values(facet_slug=F(slug))
        .annotate(n=Count(counted, distinct=counted == "article_id"))
        .order_by()
    )
    return {row["facet_slug"]: row["n"] for row in grouped}


def _by_article_place(rows: QuerySet) -> dict[str, int]:
    items = rows.model.objects.filter(pk__in=rows.values("pk"))
    return _grouped(items, "article__places__slug", "pk")


def _by_tag(through, rows: QuerySet) -> dict[str, int]:
    return _grouped(
        through.objects.filter(content_object__in=rows.values("pk")),
        "tag__slug",
        "content_object_id",
    )


COUNTERS = {
    Article: {
        "place": lambda qs: _grouped(
            ArticlePlace.objects.filter(article__in=qs.values("pk")), "place__slug", "pk"
        ),
        "tag": lambda qs: _by_tag(ArticleTag, qs),
        "outlet": lambda qs: _grouped(qs, "outlet__slug", "pk"),
        "speaker": lambda qs: _grouped(
            Quote.objects.filter(article__in=qs.values("pk")), "speaker__slug", "article_id"
        ),
    },
    Quote: {
        "speaker": lambda qs: _grouped(qs, "speaker__slug", "pk"),
        "place": _by_article_place,
        "outlet": lambda qs: _grouped(qs, "article__outlet__slug", "pk"),
        "tag": lambda qs: _by_tag(QuoteTag, qs),
    },
    PhotoCaption: {
        "agency": lambda qs: _grouped(qs, "agency__slug", "pk"),
        "place": _by_article_place,
        "tag": lambda qs: _by_tag(CaptionTag, qs),
    },
}


def sql_facets(filterset, base: QuerySet) -> dict[str, dict[str, int]]:
    """Return every facet's full counts by slug, each ignoring its own selection."""
    return {
        name: counter(filterset.apply(base, skip=name).order_by())
        for name, counter in COUNTERS[base.model].items()
    }


def sql_days(rows: QuerySet, date_field: str) -> list[tuple]:
    per_day = (
        rows.order_by()
        .values(day=F(date_field))
        .annotate(n=Count("pk", distinct=True))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in per_day]


def sql_rankings() -> dict[str, list[tuple[int, int]]]:
    """Return each ranked index as (id, count), most first, ties by name."""
    published = Article.objects.published().values("pk")
    counted = {
        "place": dict(
            ArticlePlace.objects.filter(article_id__in=published)
            .values_list("place_id")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "speaker": dict(
            Quote.objects.published().values_list("speaker_id").annotate(n=Count("pk")).order_by()
        ),
        "tag": dict(
            ArticleTag.objects.filter(content_object_id__in=published)
            .values_list("tag_id")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "outlet": dict(
            Article.objects.published().values_list("outlet_id").annotate(n=Count("pk")).order_by()
        ),
    }
    models = {"place": Place, "speaker": Speaker, "tag": Tag, "outlet": Outlet}
    rankings = {}
    for subject, model in models.items():
        folded = subject in ("tag", "outlet")
        names = model.objects.public().values_list("pk", "name")
        found = counted[subject]
        ranked = sorted(
            names,
            key=lambda row: (-found.get(row[0], 0), row[1].lower() if folded else row[1], row[0]),
        )
        rankings[subject] = [(pk, found.get(pk, 0)) for pk, _name in ranked]
    return rankings


def sql_related(article: Article, *, days: int = 3, size: int = 5) -> list[Article]:
    """Other published articles sharing a place or tag with this one within `days` days, newest
    first and then by headline: the article page's query before the facet index named them."""
    window = datetime.timedelta(days=days)
    dates = (article.published_on - window, article.published_on + window)
    shares_place = ArticlePlace.objects.filter(place__in=article.places.all()).values("article_id")
    shares_tag = ArticleTag.objects.filter(tag__in=article.tags.all()).values("content_object_id")
    return list(
        Article.objects.published()
        .filter(published_on__range=dates)
        .filter(Q(pk__in=shares_place) | Q(pk__in=shares_tag))
        .exclude(pk=article.pk)
        .order_by("-published_on", "headline")[:size]
    )
