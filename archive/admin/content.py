"""Admin for the archive's material: articles with their quotes and captions inline."""

from collections.abc import Sequence

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.text import Truncator

from archive.admin.base import (
    ArchiveModelAdmin,
    KnownChoicesMixin,
    TaggedAdminMixin,
    TagListFilter,
    count_column,
    tag_links,
)
from archive.admin.forms import ArchiveAdminForm, ArchiveInlineFormSet, ArticleAdminForm
from archive.editorial.policy import policy_is_editor, policy_may_change, policy_may_delete
from archive.editorial.workflow import article_status_set
from archive.models import Article, ArticleStatus, PhotoCaption, Quote, count_of


class PublishedReadOnlyMixin:
    """Published material may be changed only by those who may publish (the role policy)."""

    delete_check = staticmethod(policy_may_delete)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy_may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.delete_check(request.user, obj))


class InlinePolicyMixin(KnownChoicesMixin, PublishedReadOnlyMixin):
    """Quotes and captions inline follow their article: `obj` is the article, and adding,
    changing or deleting one of them changes it."""

    delete_check = staticmethod(policy_may_change)

    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)
        return allowed and (obj is None or policy_may_change(request.user, obj))


class QuoteInline(InlinePolicyMixin, admin.StackedInline):
    model = Quote
    form = ArchiveAdminForm
    formset = ArchiveInlineFormSet
    formfield_overrides = ArchiveModelAdmin.formfield_overrides
    extra = 0
    fields = [
        ("position", "kind", "paragraph"),
        "speaker",
        "text",
        "place",
        "tags",
        "seen_version",
    ]
    autocomplete_fields = ["speaker", "place"]
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker", "place")
            .prefetch_related("tags")
        )


class CaptionInline(InlinePolicyMixin, admin.StackedInline):
    model = PhotoCaption
    form = ArchiveAdminForm
    formset = ArchiveInlineFormSet
    formfield_overrides = ArchiveModelAdmin.formfield_overrides
    extra = 0
    fields = [
        ("position", "taken_on"),
        "text",
        "credit",
        ("photographer", "agency", "distributor"),
        "place",
        "tags",
        "seen_version",
    ]
    autocomplete_fields = ["agency", "distributor", "place"]
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("agency", "distributor", "place")
            .prefetch_related("tags")
        )


class InArticleMixin:
    """A short "Outlet: headline" column for material that belongs to an article."""

    @admin.display(description="article", ordering="article__published_on")
    def in_article(self, obj):
        return f"{obj.article.outlet}: {Truncator(obj.article.headline).chars(45)}"


class TaggedPrefetchMixin:
    """Load every row's tags in one query for the tags column."""

    list_prefetch: Sequence[str] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags", *self.list_prefetch)

    @admin.display(description="tags")
    def tag_list(self, obj):
        return tag_links(obj)


@admin.register(Article)
class ArticleAdmin(
    PublishedReadOnlyMixin, TaggedPrefetchMixin, TaggedAdminMixin, ArchiveModelAdmin
):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "outlet",
        "published_on",
        "status",
        "tag_list",
        "quote_count",
        "caption_count",
    ]
    list_select_related = ["outlet"]
    list_filter = ["status", "outlet", TagListFilter, ("places", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "published_on"
    search_fields = ["headline", "standfirst", "paragraphs", "slug"]
    autocomplete_fields = ["outlet", "places", "cited_outlets"]
    prepopulated_fields = {"slug": ["headline"]}
    # Shown instead of the paragraphs field to those who may only read the article.
    readonly_fields = ["body"]
    inlines = [QuoteInline, CaptionInline]
    actions = ["publish", "unpublish", "send_to_review", "add_tags", "remove_tags"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "outlet", "status", "published_on", "tags"]}),
        ("Text", {"fields": ["standfirst", "paragraphs", "byline", "dateline", "language"]}),
        (
            "Sources and places",
            {"fields": ["places", "cited_outlets", "source_url", "syndication_note"]},
        ),
        (None, {"fields": ["seen_version"]}),
    ]
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: show the body as paragraphs, not as the list it is stored as.
        return [
            (
                name,
                {
                    **options,
                    "fields": ["body" if f == "paragraphs" else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="body")
    def body(self, obj):
        return format_html_join("", "<p>{}</p>", ((p,) for p in obj.paragraphs or []))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                quote_count=count_of(Quote, "article"),
                caption_count=count_of(PhotoCaption, "article"),
            )
        )

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # The article picker of a quote or caption offers only articles the user may add to.
            if not policy_is_editor(request.user):
                queryset = queryset.exclude(status=ArticleStatus.PUBLISHED)
        return queryset, duplicates

    quote_count = count_column("quote_count", "quotes")
    caption_count = count_column("caption_count", "captions")

    def has_publish_permission(self, request):
        return policy_is_editor(request.user)

    def _set_status(self, request, queryset, status):
        try:
            changed = article_status_set(queryset, status, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        label = ArticleStatus(status).label.lower()
        noun = "article" if changed == 1 else "articles"
        self.message_user(request, f"{changed} {noun} now {label}.", messages.SUCCESS)

    @admin.action(description="Publish the selected articles", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, ArticleStatus.PUBLISHED)

    @admin.action(
        description="Unpublish the selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, ArticleStatus.DRAFT)

    @admin.action(description="Send the selected articles to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        if (
            not policy_is_editor(request.user)
            and queryset.filter(status=ArticleStatus.PUBLISHED).exists()
        ):
            self.message_user(
                request,
                "Published articles can be sent back to review only by an editor.",
                messages.ERROR,
            )
            return
        self._set_status(request, queryset, ArticleStatus.IN_REVIEW)


@admin.register(Quote)
class QuoteAdmin(
    PublishedReadOnlyMixin, InArticleMixin, TaggedPrefetchMixin, TaggedAdminMixin, ArchiveModelAdmin
):
    list_display = ["short_text", "speaker", "in_article", "position", "kind", "place", "tag_list"]
    list_select_related = ["speaker", "article__outlet", "place"]
    list_filter = ["kind", "article__status", "article__outlet", TagListFilter]
    search_fields = ["text", "speaker__name", "speaker__aliases__name", "article__headline"]
    autocomplete_fields = ["article", "speaker", "place", "statement"]
    actions = ["add_tags", "remove_tags"]
    fields = [
        "article",
        "position",
        "speaker",
        "text",
        "paragraph",
        "kind",
        "place",
        "statement",
        "relay",
        "tags",
        "seen_version",
    ]

    @admin.display(description="quote", ordering="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(90)


@admin.register(PhotoCaption)
class PhotoCaptionAdmin(
    PublishedReadOnlyMixin, InArticleMixin, TaggedPrefetchMixin, TaggedAdminMixin, ArchiveModelAdmin
):
    list_display = [
        "short_text",
        "in_article",
        "position",
        "credit",
        "agency",
        "taken_on",
        "tag_list",
    ]
    list_select_related = ["article__outlet", "agency"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter), "article__outlet", TagListFilter]
    date_hierarchy = "taken_on"
    search_fields = ["text", "credit", "photographer", "article__headline"]
    autocomplete_fields = ["article", "agency", "distributor", "place"]
    actions = ["add_tags", "remove_tags"]
    fields = [
        "article",
        "position",
        "text",
        "credit",
        "photographer",
        "agency",
        "distributor",
        "taken_on",
        "place",
        "tags",
        "seen_version",
    ]

    @admin.display(description="caption", ordering="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(90)
