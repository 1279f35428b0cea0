"""The archive's content: articles, the quotes and photo captions printed in them, and their
QuerySets (published(), for_list()); and `published_uses`, the rule for which places, speakers,
tags and outlets readers may see.

Places, speakers and outlets are named by string here (Django resolves them when the app's
models are loaded): archive.models.subjects builds its `public()` querysets on this module, so
this module does not import that one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from archive.models.base import SlugQuerySet, slug_url
from archive.models.tag_managers import ArchiveTags
from archive.versioning import SnapshotHistory, VersionedModel

# What readers may see of the people, places, tags and outlets the archive names: only those
# that published material uses. An editor's draft often names a source who must stay unnamed
# until publication; every public surface goes through these `public()` methods.


def published_uses(*uses: tuple[type[models.Model], str, str]) -> Q:
    """Rows some published item points at: each use is (model, its link column, article id).

    The item's article is checked by its primary key in an EXISTS of its own: joined, SQLite's
    planner starts from the index on status and reads every published article for a subject
    that published material does not use; this way each check follows the link's own index.
    """
    found = Q()
    for model, column, article_id in uses:
        published = Article.objects.published().filter(pk=OuterRef(article_id))
        rows = model._default_manager.filter(Exists(published), **{column: OuterRef("pk")})
        found |= Q(Exists(rows))
    return found


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(SlugQuerySet):
    def published(self):
        """Return only the articles readers may see."""
        return self.filter(status=ArticleStatus.PUBLISHED)

    def for_list(self):
        """Return articles with what a list row shows, loaded in a fixed number of queries."""
        return self.select_related("outlet").prefetch_related("tags")


class Article(VersionedModel):
    """One news report as its outlet published it."""

    outlet = models.ForeignKey("Outlet", on_delete=models.PROTECT, related_name="articles")
    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.TextField(blank=True, help_text="The summary printed under the headline.")
    byline = models.CharField(max_length=200, blank=True)
    dateline = models.CharField(
        max_length=100, blank=True, help_text="Where the report was filed from, e.g. 'Moscow'."
    )
    published_on = models.DateField(db_index=True)
    source_url = models.URLField(blank=True, max_length=500)
    syndication_note = models.TextField(
        blank=True, help_text="e.g. 'published from a syndicated feed'."
    )
    paragraphs = models.JSONField(
        default=list, blank=True, help_text="The body text, one entry per paragraph, in order."
    )
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(
        max_length=20,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        db_index=True,
        help_text="Only published articles are shown to readers.",
    )
    # Typed loosely: naming Outlet and Place in a type would take an import of
    # archive.models.subjects, which imports this module.
    cited_outlets: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "Outlet",
        blank=True,
        related_name="cited_by",
        help_text="Outlets the report credits, e.g. 'according to the BBC'.",
    )
    places: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "Place", blank=True, related_name="articles"
    )
    tags = ArchiveTags(blank=True, through="ArticleTag", related_name="articles")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(bases=[SnapshotHistory])

    class Meta:
        ordering = ["-published_on", "headline"]
        indexes = [models.Index(fields=["status", "-published_on"], name="article_status_date")]
        permissions = [("publish_article", "Can publish and unpublish articles")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not kwargs.get("raw"):
            self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("archive:article-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    # Django's way of ordering natural-key serialisation; the stubs do not know the attribute.
    natural_key.dependencies = ["archive.outlet", "archive.place"]  # type: ignore[attr-defined]

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def clean(self):
        paragraphs = self.paragraphs
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            raise ValidationError({"paragraphs": "The body must be a list of paragraphs (text)."})


class QuoteKind(models.TextChoices):
    FULL = "full", "Full sentence"
    PARTIAL = "partial", "Partial (a fragment inside a sentence)"


class InArticleQuerySet(models.QuerySet):
    """Quotes and captions: material that belongs to an article, at a position in it."""

    # What a row of the list shows besides its article: the speaker, or the photo's agencies.
    list_related: tuple[str, ...] = ()

    def published(self):
        """Return the rows of published articles only."""
        return self.filter(article__status=ArticleStatus.PUBLISHED)

    def for_list(self):
        """Return rows with their article and outlet loaded in a fixed number of queries.

        The article's body is left unread: a row shows its headline and date only.
        """
        return (
            self.select_related(*self.list_related, "article__outlet", "place")
            .defer("article__paragraphs")
            .prefetch_related("tags")
        )

    # What a figure of it shows (archive_rows' quote_figure, caption_figure): its relations, and
    # its own and their fields.
    figure_related: tuple[str, ...] = ()
    figure_fields: tuple[str, ...] = ()

    def for_figures(self):
        """Return rows with only what their figure on a subject page reads: the figure's own
        fields and relations, the article's address, headline, source and date, its outlet's
        name. Nothing else is read, and no tags."""
        return self.select_related(*self.figure_related, "article__outlet").only(
            *self.figure_fields,
            "article__slug",
            "article__headline",
            "article__source_url",
            "article__published_on",
            "article__outlet__name",
        )

    def get_by_natural_key(self, article_slug, position):
        return self.get(article__slug=article_slug, position=position)


class QuoteQuerySet(InArticleQuerySet):
    list_related = ("speaker",)
    figure_related = ("speaker",)
    figure_fields = ("kind", "text", "speaker__name", "speaker__slug", "speaker__role")

    def with_statement_outlets(self):
        """Annotate each quote with how many other outlets published a quote of its statement."""
        others = (
            self.model._default_manager.filter(
                statement=OuterRef("statement"),
                statement__isnull=False,
                article__status=ArticleStatus.PUBLISHED,
            )
            .exclude(statement__status="rejected")
            .exclude(article__outlet=OuterRef("article__outlet"))
            .order_by()
            .values("statement")
            .annotate(n=Count("article__outlet", distinct=True))
            .values("n")
        )
        return self.annotate(
            statement_outlets=Coalesce(Subquery(others, output_field=IntegerField()), 0)
        )


class Quote(VersionedModel):
    """Words printed in quotation marks and attributed to a speaker."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    position = models.PositiveIntegerField(help_text="Order of the quote within the article.")
    speaker = models.ForeignKey("Speaker", on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(help_text="Exactly as printed, without the quotation marks.")
    paragraph = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of the body paragraph it appears in (from 1)."
    )
    kind = models.CharField(max_length=10, choices=QuoteKind.choices, default=QuoteKind.FULL)
    place = models.ForeignKey(
        "Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    statement = models.ForeignKey(
        "Statement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text="The statement this quote reports, as other outlets may report it too.",
    )
    relay = models.JSONField(
        default=list,
        blank=True,
        help_text="How the words reached the outlet: slugs of the outlets they passed through, "
        "first to last (e.g. tass). Empty: taken from the outlets the article cites.",
    )
    tags = ArchiveTags(blank=True, through="QuoteTag", related_name="quotes")

    objects = QuoteQuerySet.as_manager()
    history = HistoricalRecords(bases=[SnapshotHistory])

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="quote_position_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="quote_text_not_empty"),
        ]

    def __str__(self):
        return f"{self.speaker}: “{self.text[:60]}”" if self.speaker_id else self.text[:60]

    def natural_key(self):
        return (self.article.slug, self.position)

    # Django's way of ordering natural-key serialisation; the stubs do not know the attribute.
    natural_key.dependencies = [  # type: ignore[attr-defined]
        "archive.article",
        "archive.speaker",
        "archive.statement",
    ]

    @property
    def display_text(self) -> str:
        """The quote as a reader sees it: a fragment between ellipses, without its end stop."""
        if self.kind == QuoteKind.PARTIAL:
            return f"…{self.text.rstrip(' .,;:')}…"
        return self.text

    def clean(self):
        relay = self.relay
        if not isinstance(relay, list) or not all(isinstance(r, str) and r for r in relay):
            raise ValidationError({"relay": "The relay is a list of outlet slugs, first to last."})
        # The Outlet model, reached through the relation: archive.models.subjects imports this
        # module, so this module does not import it.
        outlets = Article.outlet.field.related_model._default_manager
        known = (
            set(outlets.filter(slug__in=relay).values_list("slug", flat=True)) if relay else set()
        )
        unknown = sorted(set(relay) - known)
        if unknown:
            raise ValidationError({"relay": f"No outlet has the slug {', '.join(unknown)}."})
        if self.paragraph and self.article_id:
            count = len(self.article.paragraphs or [])
            if self.paragraph > count:
                raise ValidationError(
                    {
                        "paragraph": f"The article has {count} paragraphs; "
                        f"there is no {self.paragraph}."
                    }
                )


class PhotoCaptionQuerySet(InArticleQuerySet):
    list_related = ("agency", "distributor")
    figure_related = ("agency", "distributor", "place")
    figure_fields = (
        "text",
        "credit",
        "taken_on",
        "agency__name",
        "distributor__name",
        "place__name",
        "place__slug",
    )


class PhotoCaption(VersionedModel):
    """The caption of a photo that ran with an article, with its credit."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captions")
    position = models.PositiveIntegerField(help_text="Order of the photo within the article.")
    text = models.TextField()
    credit = models.CharField(
        max_length=300, blank=True, help_text="The credit line as printed, e.g. 'Juan Barreto/AFP'."
    )
    photographer = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        "Outlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_captions",
        help_text="The agency that supplied the photo.",
    )
    distributor = models.ForeignKey(
        "Outlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributed_captions",
        help_text="Who distributed it, when that differs ('via Getty Images').",
    )
    taken_on = models.DateField(null=True, blank=True)
    place = models.ForeignKey(
        "Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="captions"
    )
    tags = ArchiveTags(blank=True, through="CaptionTag", related_name="captions")

    objects = PhotoCaptionQuerySet.as_manager()
    history = HistoricalRecords(bases=[SnapshotHistory])

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="caption_position_unique"),
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (self.article.slug, self.position)

    # Django's way of ordering natural-key serialisation; the stubs do not know the attribute.
    natural_key.dependencies = ["archive.article", "archive.outlet", "archive.place"]  # type: ignore[attr-defined]
