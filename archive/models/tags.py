"""Tags: the Tag model and its look-ups (resolve names, old slugs), redirects from merged or
renamed tags, the log of tag operations, and the through models that tag each kind of object.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Q,
)
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import TagBase, TaggedItemBase

from archive.models.base import slug_url
from archive.models.content import published_uses


def tag_name_problem(name: str) -> str | None:
    """Say why a tag name cannot be used, or return None: it needs a letter or a digit."""
    if not Tag().slugify(name or ""):
        shown = name if len(name or "") <= 40 else name[:39] + "…"
        return f"A tag name needs at least one letter or digit; “{shown}” has none."
    return None


def tag_name_validate(name: str) -> None:
    """Refuse a name that cannot be a new tag: too long, or without a letter or digit."""
    if len(name) > MAX_TAG_LENGTH:
        raise ValidationError(
            f"A tag name can be at most {MAX_TAG_LENGTH} characters: “{name[:40]}…”."
        )
    problem = tag_name_problem(name)
    if problem:
        raise ValidationError(problem)


class TagQuerySet(models.QuerySet):
    def public(self):
        """Return tags on a published article or on a quote or caption of one."""
        return self.filter(
            published_uses(
                (ArticleTag, "tag", "content_object_id"),
                (QuoteTag, "tag", "content_object__article_id"),
                (CaptionTag, "tag", "content_object__article_id"),
            )
        )


_TagManagerBase = models.Manager.from_queryset(TagQuerySet)


class TagManager(_TagManagerBase):
    """Find tags by name, ignoring case."""

    def get_by_natural_key(self, name):
        return self.get(name__iexact=name)

    def resolve(self, names: Iterable[str], *, create: bool = True) -> list[Tag | str]:
        """Return the existing tag for each name, matched ignoring case, spacing and punctuation.

        A name matches a tag with the same name in any case, the same slug ("Kharkiv offensive"
        and "kharkiv-offensive"), or the old slug of a tag that was merged or renamed. Names that
        match nothing are returned as strings (new tags), unless `create` is false, when they are
        left out. Repeats collapse to one.
        """
        names = [n for n in (" ".join(str(n).split()) for n in names) if n]
        if not names:
            return []
        too_long = [n for n in names if len(n) > MAX_TAG_LENGTH]
        if too_long:
            raise ValidationError(
                f"A tag name can be at most {MAX_TAG_LENGTH} characters: “{too_long[0][:40]}…”."
            )
        slugs = {name: Tag().slugify(name) for name in names}
        # The slug is lower case, so matching it also matches the name in any case, in every
        # script (SQLite's own case folding covers ASCII only).
        candidates = list(self.filter(Q(name__in=names) | Q(slug__in=slugs.values())))
        redirects = {
            r.old_slug: r.tag
            for r in TagRedirect.objects.filter(old_slug__in=slugs.values()).select_related("tag")
        }
        by_folded = {t.name.casefold(): t for t in candidates}
        # An empty slug matches nothing: "!!!" must not become whichever tag has no slug.
        by_slug = {t.slug: t for t in candidates if t.slug}
        result: list[Tag | str] = []
        seen: set[str] = set()
        for name in names:
            tag = by_folded.get(name.casefold())
            if tag is None and slugs[name]:
                tag = by_slug.get(slugs[name]) or redirects.get(slugs[name])
            if tag is None and create:
                tag_name_validate(name)
            key = f"tag:{tag.pk}" if tag else f"new:{slugs[name]}"
            if key in seen or (tag is None and not create):
                continue
            seen.add(key)
            result.append(tag if tag else name)
        return result


class Tag(TagBase):
    """A word or phrase an editor attaches to articles, quotes, captions, places and speakers."""

    objects: TagManager = TagManager()

    class Meta:
        verbose_name = "tag"
        verbose_name_plural = "tags"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ignoring_case"),
            # A tag without a slug has no address: /tags// would match nothing, and every
            # other name without letters or digits would resolve to it.
            models.CheckConstraint(condition=~Q(slug=""), name="tag_slug_not_empty"),
        ]

    def clean(self):
        super().clean()
        problem = tag_name_problem(self.name)
        if problem:
            raise ValidationError({"name": problem})

    def save(self, *args, **kwargs):
        # Every path that creates a tag ends here; refuse a name that would get no slug
        # before the library's retry turns the empty slug into "_1".
        if not self.slug:
            problem = tag_name_problem(self.name)
            if problem:
                raise ValidationError({"name": problem})
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("archive:tag-detail", self.slug)

    def natural_key(self):
        return (self.name,)


MAX_TAG_LENGTH: int = Tag._meta.get_field("name").max_length


class TagRedirectManager(models.Manager["TagRedirect"]):
    def target_url(self, slug: str, *, among: models.QuerySet | None = None) -> str | None:
        """Return the address a merged or renamed tag's old slug now leads to, or None.

        With `among`, only a tag in that queryset counts (readers are led only to public tags).
        """
        redirects = self.filter(old_slug=slug)
        if among is not None:
            redirects = redirects.filter(tag__in=among)
        redirect = redirects.select_related("tag").first()
        return redirect.tag.get_absolute_url() if redirect else None


class TagRedirect(models.Model):
    """The address of a tag that was merged into another or renamed, and where it went."""

    old_slug = models.CharField(max_length=100, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TagRedirectManager()

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"/tags/{self.old_slug}/ → {self.tag}"


class TagOperationKind(models.TextChoices):
    RENAME = "rename", "Renamed"
    MERGE = "merge", "Merged"
    DELETE = "delete", "Deleted"


class TagOperation(models.Model):
    """A rename, merge or deletion of tags: what was done, by whom and when."""

    kind = models.CharField(max_length=10, choices=TagOperationKind.choices)
    source_names = models.JSONField(
        default=list, help_text="The tags renamed, merged away or deleted."
    )
    target_name = models.CharField(
        max_length=100, blank=True, help_text="The tag they became (empty for a deletion)."
    )
    moved = models.JSONField(
        default=dict, blank=True, help_text="Taggings moved and duplicates dropped, per model."
    )
    performed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-performed_at", "-pk"]

    def __str__(self):
        sources = ", ".join(self.source_names)
        if self.target_name:
            return f"{self.get_kind_display()} {sources} → {self.target_name}"
        return f"{self.get_kind_display()} {sources}"


class TaggedManager(models.Manager):
    """Find a tagging by the tag's name and the tagged object's natural key."""

    def get_by_natural_key(self, tag_name, *object_key):
        content_model = self.model._meta.get_field("content_object").related_model
        return self.get(
            tag__name__iexact=tag_name,
            content_object=content_model._default_manager.get_by_natural_key(*object_key),
        )


class TaggedBase(TaggedItemBase):
    """One tag on one object, with who added it and when."""

    # taggit's base class is untyped, so the type checker cannot infer these fields itself.
    tag: models.ForeignKey[Tag, Tag] = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="%(class)s_items"
    )
    added_at: models.DateTimeField = models.DateTimeField(default=timezone.now, editable=False)
    added_by: models.ForeignKey = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects: TaggedManager = TaggedManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.tag.name, *self.content_object.natural_key())


def tagged_model(name: str, target: str, verbose: str) -> type[TaggedBase]:
    """Build the through model that tags one kind of object."""
    meta = type(
        "Meta",
        (),
        {
            "verbose_name": f"{verbose} tag",
            "verbose_name_plural": f"{verbose} tags",
            "constraints": [
                models.UniqueConstraint(
                    fields=["tag", "content_object"], name=f"{name.lower()}_unique"
                )
            ],
        },
    )
    attrs = {
        "__module__": __name__,
        "content_object": models.ForeignKey(target, on_delete=models.CASCADE, related_name="+"),
        "Meta": meta,
    }
    model = type(name, (TaggedBase,), attrs)
    model.natural_key.dependencies = ["archive.tag", f"archive.{target.lower()}"]  # type: ignore[attr-defined]
    return model


ArticleTag = tagged_model("ArticleTag", "Article", "article")
QuoteTag = tagged_model("QuoteTag", "Quote", "quote")
CaptionTag = tagged_model("CaptionTag", "PhotoCaption", "caption")
PlaceTag = tagged_model("PlaceTag", "Place", "place")
SpeakerTag = tagged_model("SpeakerTag", "Speaker", "speaker")
