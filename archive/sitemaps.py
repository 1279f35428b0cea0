"""sitemap.xml: every public page, published material only."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from archive.models import Article, ArticleStatus, Outlet, Place, Speaker, Tag


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class SubjectSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset.only("slug").order_by("pk")


class ListSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "archive:home",
            "archive:article-list",
            "archive:quote-list",
            "archive:photocaption-list",
            "archive:place-list",
            "archive:speaker-list",
        ]

    def location(self, item):
        return reverse(item)


PUBLISHED = ArticleStatus.PUBLISHED
SITEMAPS = {
    "lists": ListSitemap(),
    "articles": ArticleSitemap(),
    "places": SubjectSitemap(Place.objects.filter(articles__status=PUBLISHED).distinct()),
    "speakers": SubjectSitemap(
        Speaker.objects.filter(quotes__article__status=PUBLISHED).distinct()
    ),
    "tags": SubjectSitemap(
        Tag.objects.filter(
            Q(articletag_items__content_object__status=PUBLISHED)
            | Q(quotetag_items__content_object__article__status=PUBLISHED)
        ).distinct()
    ),
    "outlets": SubjectSitemap(
        Outlet.objects.filter(
            Q(articles__status=PUBLISHED) | Q(cited_by__status=PUBLISHED)
        ).distinct()
    ),
}
