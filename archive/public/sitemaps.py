"""sitemap.xml: every public page, published material only."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive.models import Article, Outlet, Place, Speaker, Tag


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
            "archive:tag-list",
            "archive:outlet-list",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "lists": ListSitemap(),
    "articles": ArticleSitemap(),
    "places": SubjectSitemap(Place.objects.public()),
    "speakers": SubjectSitemap(Speaker.objects.public()),
    "tags": SubjectSitemap(Tag.objects.public()),
    "outlets": SubjectSitemap(Outlet.objects.public()),
}
