"""Optimistic locking and history snapshots shared by the archive's editable models.

Kept apart from archive/models/ because the models and the historical models both build on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models


class StaleVersionError(Exception):
    """Someone else saved the object after this copy of it was loaded."""

    def __init__(self, instance: models.Model, expected: int):
        self.instance = instance
        self.expected = expected
        super().__init__(
            f"{instance._meta.verbose_name} {instance.pk} changed since version {expected} "
            "was loaded"
        )


class VersionedModel(models.Model):
    """A model saved only if the row still has the version it was loaded with.

    Every successful save raises the version by one, so two editors who opened the same
    version cannot both save: the second update matches no row and is refused.
    """

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        # Operational state, not archive content: exports and fixtures leave it out.
        serialize=False,
        help_text="Raised by one on every save; a save from an older version is refused.",
    )

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # Added at run time, which the type checker cannot see: simple_history's manager, the
        # user it records, the flag that skips its entry for one save, taggit's manager and the
        # aliases of places and speakers.
        history: Any
        _history_user: Any
        _change_reason: str
        tags: Any
        aliases: Any
        skip_history_when_saving: bool

    def _do_update(self, base_qs, using, pk_val, values, *args, **kwargs):
        field = self._meta.get_field("version")
        if not any(f is field for f, _, _ in values):
            # update_fields without "version": a narrow write that does not take part.
            return super()._do_update(base_qs, using, pk_val, values, *args, **kwargs)
        expected = self.version
        values = [(f, m, expected + 1 if f is field else v) for f, m, v in values]
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, *args, **kwargs
        )
        if updated:
            self.version = expected + 1
        elif base_qs.filter(pk=pk_val).exists():
            raise StaleVersionError(self, expected)
        return updated


class SnapshotHistory(models.Model):
    """Base of every historical model: what the object was linked to in that version.

    The history libraries store a version's own fields but read many-to-many links (tags,
    places) from today's rows, so an old version would show today's tags. Each historical
    row therefore keeps its own copy: {"tags": [names], "places": [slugs], ...}.
    """

    relations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
