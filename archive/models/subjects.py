"""What the archive's material is about and who said it: outlets, places (with their
hierarchy and other spellings) and speakers (with theirs), and their QuerySets, including
`public()`, the subjects readers may see.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Q,
)
from simple_history.models import HistoricalRecords

from archive.models.base import SlugQuerySet, slug_url
from archive.models.content import Article, PhotoCaption, Quote, published_uses
from archive.models.tag_managers import ArchiveTags
from archive.versioning import SnapshotHistory, VersionedModel

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
            published_uses(
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
        shown |= published_uses(
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
    tags = ArchiveTags(blank=True, through="PlaceTag", related_name="places")

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
        return self.filter(published_uses((Quote, "speaker", "article_id")))


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
    tags = ArchiveTags(blank=True, through="SpeakerTag", related_name="speakers")

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
