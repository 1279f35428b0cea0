"""The archive's data: outlets, articles, quotes, photo captions, places, speakers and tags.

Every model has a natural key, so fixtures and exports never depend on primary keys.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from archive.versioning import SnapshotHistory, VersionedModel

_MARK = "00000000-slug-00000000"


@functools.cache
def _url_pattern(name: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK]).partition(_MARK)
    return head, tail


def slug_url(name: str, slug: str) -> str:
    """Return the address of a slugged page; reverse() once per URL name, not once per row."""
    head, tail = _url_pattern(name)
    return f"{head}{quote(slug)}{tail}"


def count_of(model: type[models.Model], fk: str) -> Coalesce:
    """Count rows of `model` pointing at the outer row, as a subquery (no join fan-out)."""
    counts = (
        model._default_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


class SlugQuerySet(models.QuerySet):
    """Shared base for querysets of slugged models."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


# --- Tags -----------------------------------------------------------------------------------


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


# What readers may see of the people, places, tags and outlets the archive names: only those
# that published material uses. An editor's draft often names a source who must stay unnamed
# until publication; every public surface goes through these `public()` methods.


def _published_uses(*uses: tuple[type[models.Model], str, str]) -> Q:
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


class TagQuerySet(models.QuerySet):
    def public(self):
        """Return tags on a published article or on a quote or caption of one."""
        return self.filter(
            _published_uses(
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


# --- Outlets --------------------------------------------------------------------------------


class OutletKind(models.TextChoices):
    PUBLISHER = "publisher", "News publisher"
    BROADCASTER = "broadcaster", "Broadcaster"
    AGENCY = "agency", "News agency"
    PHOTO_AGENCY = "photo_agency", "Photo agency"
    STATE_MEDIA = "state_media", "State media"


class OutletQuerySet(SlugQuerySet):
    def public(self):
        """Return outlets that publish, are cited by or supply photos to published articles."""
        return self.filter(
            _published_uses(
                (Article, "outlet", "pk"),
                (Article.cited_outlets.through, "outlet", "article_id"),
                (PhotoCaption, "agency", "article_id"),
                (PhotoCaption, "distributor", "article_id"),
            )
        )


class Outlet(models.Model):
    """A news organisation: a publisher in the archive, a cited source or a photo agency."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=OutletKind.choices, default=OutletKind.PUBLISHER)
    homepage = models.URLField(blank=True)
    country = models.CharField(max_length=100, blank=True, help_text="Where the outlet is based.")

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("archive:outlet-detail", self.slug)

    def natural_key(self):
        return (self.slug,)


# --- Places ---------------------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    AREA = "area", "Area"
    CITY = "city", "City"
    TOWN = "town", "Town"
    VILLAGE = "village", "Village"


# Places nest at most a few levels (town, region, country); four covers any real hierarchy.
PLACE_DEPTH = 4


@functools.cache
def place_public() -> Q:
    """Places that published material mentions, or that hold a place it mentions.

    An article's places, a quote's or a caption's place count as mentions. Each source and
    each level of the hierarchy is its own EXISTS, so every check is served by an index.
    Built once: its thirty subqueries take Django longer to build than the database to run,
    and Django copies a condition before resolving it, so one copy serves every query.
    """
    shown = Q()
    for depth in range(PLACE_DEPTH + 1):
        path = "__".join(["place", *["parent"] * depth])
        shown |= _published_uses(
            (Article.places.through, path, "article_id"),
            (Quote, path, "article_id"),
            (PhotoCaption, path, "article_id"),
        )
    return shown


class PlaceQuerySet(SlugQuerySet):
    def inside(self, *, include_self: bool = False, **lookup) -> PlaceQuerySet:
        """Return the places inside those one lookup names (`slug__in=[...]`), at any depth."""
        ((key, value),) = lookup.items()
        found = Q(**{key: value}) if include_self else Q()
        for depth in range(1, PLACE_DEPTH + 1):
            found |= Q(**{"__".join(["parent"] * depth) + f"__{key}": value})
        return self.filter(found)

    def public(self):
        """Return places that published material mentions, or that hold a place it mentions."""
        return self.filter(place_public())

    def with_shown(self):
        """Return places, each with `shown`: whether it is public (see `public()`)."""
        return self.annotate(shown=ExpressionWrapper(place_public(), BooleanField()))


class Place(VersionedModel):
    """A place the archive's material mentions, inside a larger place where it has one."""

    name = models.CharField(max_length=200, help_text="The spelling the archive shows readers.")
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger place this one lies in, e.g. Kharkiv region for Izyum.",
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    tags = TaggableManager(blank=True, through="PlaceTag", related_name="places")

    objects = PlaceQuerySet.as_manager()
    history = HistoricalRecords(bases=[SnapshotHistory])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="place_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("archive:place-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": "A place cannot lie inside itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class AliasManager(models.Manager):
    """Find an alias by its owner's slug and its spelling."""

    def get_by_natural_key(self, owner_slug, name):
        owner = self.model._meta.get_field("owner").name
        return self.get(**{f"{owner}__slug": owner_slug, "name": name})


class PlaceAlias(models.Model):
    """Another spelling of a place's name, as some text prints it (Izium for Izyum)."""

    owner = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the spelling comes from, e.g. 'typo in a caption'.",
    )

    objects = AliasManager()

    class Meta:
        ordering = ["owner__name", "name"]
        verbose_name_plural = "place aliases"
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="placealias_unique"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.owner.slug, self.name)

    # Django's way of ordering natural-key serialisation; the stubs do not know the attribute.
    natural_key.dependencies = ["archive.place"]  # type: ignore[attr-defined]


# --- Speakers -------------------------------------------------------------------------------


class SpeakerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class SpeakerQuerySet(SlugQuerySet):
    def public(self):
        """Return speakers quoted in published articles."""
        return self.filter(_published_uses((Quote, "speaker", "article_id")))


class Speaker(VersionedModel):
    """A person or an organisation quoted in the archive."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=SpeakerKind.choices, default=SpeakerKind.PERSON)
    role = models.CharField(
        max_length=200, blank=True, help_text="Title at the time, e.g. 'Foreign Minister'."
    )
    affiliation = models.CharField(
        max_length=200, blank=True, help_text="Government, army or body the speaker speaks for."
    )
    speaks_for = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spokespeople",
        help_text="The speaker whose statements this one gives, e.g. a ministry for its spokesman.",
    )
    tags = TaggableManager(blank=True, through="SpeakerTag", related_name="speakers")

    objects = SpeakerQuerySet.as_manager()
    history = HistoricalRecords(bases=[SnapshotHistory])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("archive:speaker-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        spoken_for, seen = self.speaks_for, {self.pk}
        while spoken_for is not None:
            if spoken_for.pk in seen:
                raise ValidationError({"speaks_for": "A speaker cannot speak for itself."})
            seen.add(spoken_for.pk)
            spoken_for = spoken_for.speaks_for


class SpeakerAlias(models.Model):
    """Another spelling of a speaker's name (Zelenksyy for Zelenskyy)."""

    owner = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)

    objects = AliasManager()

    class Meta:
        ordering = ["owner__name", "name"]
        verbose_name_plural = "speaker aliases"
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="speakeralias_unique"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.owner.slug, self.name)

    # Django's way of ordering natural-key serialisation; the stubs do not know the attribute.
    natural_key.dependencies = ["archive.speaker"]  # type: ignore[attr-defined]


# --- Articles -------------------------------------------------------------------------------


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

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
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
    cited_outlets = models.ManyToManyField(
        Outlet,
        blank=True,
        related_name="cited_by",
        help_text="Outlets the report credits, e.g. 'according to the BBC'.",
    )
    places = models.ManyToManyField(Place, blank=True, related_name="articles")
    tags = TaggableManager(blank=True, through="ArticleTag", related_name="articles")
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

    # What a row of the list shows besides its article: the speaker, or the photo's agency.
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

    def get_by_natural_key(self, article_slug, position):
        return self.get(article__slug=article_slug, position=position)


class QuoteQuerySet(InArticleQuerySet):
    list_related = ("speaker",)

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
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(help_text="Exactly as printed, without the quotation marks.")
    paragraph = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of the body paragraph it appears in (from 1)."
    )
    kind = models.CharField(max_length=10, choices=QuoteKind.choices, default=QuoteKind.FULL)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
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
    tags = TaggableManager(blank=True, through="QuoteTag", related_name="quotes")

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
        unknown = sorted(
            set(relay) - set(Outlet.objects.filter(slug__in=relay).values_list("slug", flat=True))
        )
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
    list_related = ("agency",)


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
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_captions",
        help_text="The agency that supplied the photo.",
    )
    distributor = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributed_captions",
        help_text="Who distributed it, when that differs ('via Getty Images').",
    )
    taken_on = models.DateField(null=True, blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="captions"
    )
    tags = TaggableManager(blank=True, through="CaptionTag", related_name="captions")

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


ArticleTag = tagged_model("ArticleTag", "Article", "article")
QuoteTag = tagged_model("QuoteTag", "Quote", "quote")
CaptionTag = tagged_model("CaptionTag", "PhotoCaption", "caption")
PlaceTag = tagged_model("PlaceTag", "Place", "place")
SpeakerTag = tagged_model("SpeakerTag", "Speaker", "speaker")


# Statements live in their own package but belong to this app; importing them here registers them.
# The ingester's table lives with its code (archive/ingest); importing it registers it here.
from archive.ingest.models import IngestedReport  # noqa: E402, F401
from archive.statements.models import (  # noqa: E402, F401
    Statement,
    StatementRejection,
    StatementStatus,
)
