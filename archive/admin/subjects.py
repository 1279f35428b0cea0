"""Admin for what the material is about and who made it: places, speakers, outlets."""

from django.contrib import admin
from django.db import models

from archive.admin.base import (
    ArchiveModelAdmin,
    TaggedAdminMixin,
    TagListFilter,
    count_column,
)
from archive.admin.content import TaggedPrefetchMixin
from archive.models import (
    Article,
    Outlet,
    PhotoCaption,
    Place,
    PlaceAlias,
    Quote,
    Speaker,
    SpeakerAlias,
    count_of,
)


class PlaceAliasInline(admin.TabularInline):
    model = PlaceAlias
    extra = 1
    verbose_name = "other spelling"
    verbose_name_plural = "other spellings"


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 1
    verbose_name = "other spelling"
    verbose_name_plural = "other spellings"


class AliasListMixin:
    @admin.display(description="other spellings")
    def alias_list(self, obj):
        return ", ".join(a.name for a in obj.aliases.all()) or "—"


@admin.register(Place)
class PlaceAdmin(AliasListMixin, TaggedPrefetchMixin, TaggedAdminMixin, ArchiveModelAdmin):
    list_display = [
        "name",
        "kind",
        "parent",
        "alias_list",
        "coordinates",
        "article_count",
        "quote_count",
        "caption_count",
        "tag_list",
    ]
    list_select_related = ["parent"]
    list_prefetch = ["aliases"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter), TagListFilter]
    search_fields = ["name", "slug", "aliases__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlaceAliasInline]
    actions = ["add_tags", "remove_tags"]
    fields = ["name", "slug", "kind", "parent", ("latitude", "longitude"), "tags", "seen_version"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=count_of(Article.places.through, "place"),
                quote_count=count_of(Quote, "place"),
                caption_count=count_of(PhotoCaption, "place"),
            )
        )

    @admin.display(description="coordinates")
    def coordinates(self, obj):
        if obj.latitude is None or obj.longitude is None:
            return "—"
        return f"{obj.latitude:.4f}, {obj.longitude:.4f}"

    article_count = count_column("article_count", "articles")
    quote_count = count_column("quote_count", "quotes")

    caption_count = count_column("caption_count", "captions")


@admin.register(Speaker)
class SpeakerAdmin(AliasListMixin, TaggedPrefetchMixin, TaggedAdminMixin, ArchiveModelAdmin):
    list_display = ["name", "kind", "role", "affiliation", "alias_list", "quote_count", "tag_list"]
    list_prefetch = ["aliases"]
    list_filter = ["kind", TagListFilter]
    search_fields = ["name", "slug", "aliases__name", "role", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerAliasInline]
    actions = ["add_tags", "remove_tags"]
    fields = ["name", "slug", "kind", "role", "affiliation", "speaks_for", "tags", "seen_version"]
    autocomplete_fields = ["speaks_for"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quote_count=count_of(Quote, "speaker"))

    quote_count = count_column("quote_count", "quotes")


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "homepage", "article_count", "caption_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "country"]
    prepopulated_fields = {"slug": ["name"]}
    list_per_page = 100
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=count_of(Article, "outlet"),
                caption_count=count_of(PhotoCaption, "agency"),
            )
        )

    article_count = count_column("article_count", "articles")
    caption_count = count_column("caption_count", "photos credited")
