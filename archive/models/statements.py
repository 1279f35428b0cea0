"""A statement (one thing said by one speaker on one occasion) and the pairs editors rejected.

Kept in the models package with every other table of the one `archive` app; the code that
suggests, confirms and shows statements lives in archive/statements/.
Quotes point at their statement (`Quote.statement`); a speaker may speak for another
(`Speaker.speaks_for`), so a spokesman's words can belong to his ministry's statement.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from archive.versioning import SnapshotHistory, VersionedModel

# ArticleStatus.PUBLISHED, spelled out: archive.models imports this module, not the reverse.
PUBLISHED = "published"


class StatementStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class StatementQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def public(self):
        """Return statements readers may see: not rejected, with at least one published quote."""
        return self.exclude(status=StatementStatus.REJECTED).filter(
            models.Exists(
                models.Subquery(
                    self.model.quotes.rel.related_model.objects.filter(
                        statement=models.OuterRef("pk"), article__status=PUBLISHED
                    ).values("pk")
                )
            )
        )


class Statement(VersionedModel):
    """One thing said by one speaker on one occasion, with every quote that reports it."""

    slug = models.SlugField(max_length=200, unique=True)
    speaker = models.ForeignKey(
        "archive.Speaker",
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="Who made the statement (the ministry, not the spokesman who read it out).",
    )
    said_on = models.DateField(
        db_index=True, help_text="When it was said: the earliest report's date unless known."
    )
    summary = models.TextField(blank=True, help_text="What was said, in a sentence.")
    notes = models.TextField(blank=True, help_text="For editors: sources, doubts, what to check.")
    status = models.CharField(
        max_length=20,
        choices=StatementStatus.choices,
        default=StatementStatus.SUGGESTED,
        db_index=True,
        help_text="Suggested by the archive; confirmed or rejected by an editor.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords(bases=[SnapshotHistory])

    class Meta:
        ordering = ["-said_on", "slug"]

    def __str__(self):
        return f"{self.speaker}, {self.said_on:%d %b %Y}" if self.speaker_id else self.slug

    def get_absolute_url(self):
        return reverse("archive:statement-detail", args=[self.pk])

    def natural_key(self):
        return (self.slug,)

    # Django orders natural-key serialisation by this; the stubs do not know the attribute.
    natural_key.dependencies = ["archive.speaker"]  # type: ignore[attr-defined]


class StatementRejectionQuerySet(models.QuerySet):
    def get_by_natural_key(self, first_slug, first_position, second_slug, second_position):
        return self.get(
            first__article__slug=first_slug,
            first__position=first_position,
            second__article__slug=second_slug,
            second__position=second_position,
        )


class StatementRejection(models.Model):
    """Two quotes an editor said are not the same statement: never suggested together again.

    The pair is stored in natural-key order (article slug, position), so it is the same row in
    every database whatever the primary keys.
    """

    first = models.ForeignKey("archive.Quote", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("archive.Quote", on_delete=models.CASCADE, related_name="+")
    rejected_at = models.DateTimeField(default=timezone.now, editable=False)
    # Who decided is the desk's own record, like the admin's log: it is not exported with the
    # archive (serialize=False), whose round trip stays the same whoever rejected the pair.
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        serialize=False,
        help_text="The editor who rejected the pair; empty when a command did.",
    )

    objects = StatementRejectionQuerySet.as_manager()

    class Meta:
        ordering = ["first", "second"]
        verbose_name = "rejected pair"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="statementrejection_unique"),
            models.CheckConstraint(condition=~Q(first=models.F("second")), name="rejection_pair"),
        ]

    def __str__(self):
        return f"{self.first} ≠ {self.second}"

    def natural_key(self):
        return (*self.first.natural_key(), *self.second.natural_key())

    # Django orders natural-key serialisation by this; the stubs do not know the attribute.
    natural_key.dependencies = ["archive.quote"]  # type: ignore[attr-defined]

    def clean(self):
        if self.first_id and self.second_id:
            if self.first.natural_key() >= self.second.natural_key():
                raise ValidationError("A rejected pair is stored in natural-key order.")
