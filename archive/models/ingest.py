"""The one table the ingester adds: which article each ingested text became.

Kept in the models package with every other table of the one `archive` app; the ingester's
code, which writes it, lives in archive/ingest/.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IngestedReport(models.Model):
    """A report's text (by hash) and the draft article that was made from it."""

    content_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the report's words, spacing ignored."
    )
    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="ingested_reports"
    )
    source = models.CharField(max_length=500, blank=True, help_text="File name or 'pasted text'.")
    ingested_at = models.DateTimeField(default=timezone.now, editable=False)
    ingested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "archive"
        ordering = ["-ingested_at"]

    def __str__(self):
        return f"{self.source or 'report'} → {self.article_id}"
