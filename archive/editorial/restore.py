"""Restoring an earlier version: its fields and links back, as a new change the policy allows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from archive import models as m
from archive.editorial.history import RELATIONS
from archive.editorial.policy import (
    NOT_AN_EDITOR,
    policy_may_change,
    policy_may_place_in,
    policy_may_set_status,
)
from archive.versioning import VersionedModel

# Fields a restore leaves as they are: identity, the lock and time stamps of the row itself.
NOT_RESTORED = {"id", "version", "created_at", "updated_at"}


def _restore_links(instance: VersionedModel, relations: dict[str, list[str]]) -> None:
    for name, values in relations.items():
        if name not in RELATIONS[type(instance)]:
            continue
        if name == "tags":
            instance.tags.set(m.Tag.objects.resolve(values))
        elif name == "aliases":
            alias_model = instance.aliases.model
            instance.aliases.exclude(name__in=values).delete()
            have = set(instance.aliases.values_list("name", flat=True))
            alias_model.objects.bulk_create(
                [alias_model(owner=instance, name=v) for v in values if v not in have]
            )
        else:
            related = getattr(instance, name).model
            getattr(instance, name).set(related.objects.filter(slug__in=values))


def history_restore(record, *, user) -> VersionedModel:
    """Bring an object back to an earlier version's fields and links, as a new change."""
    model = record.instance_type
    with transaction.atomic():
        instance = model._base_manager.select_for_update().filter(pk=record.id).first()
        if instance is None:
            raise ValidationError(
                f"This {model._meta.verbose_name} no longer exists; it cannot be restored."
            )
        if not policy_may_change(user, instance):
            raise ValidationError(NOT_AN_EDITOR)
        article_id = getattr(record, "article_id", None)
        target = m.Article.objects.filter(pk=article_id).first() if article_id else None
        if not policy_may_place_in(user, target):
            raise ValidationError(
                "This version puts the item in a published article, which only editors may change."
            )
        if isinstance(instance, m.Article) and not policy_may_set_status(
            user, instance.status, record.status
        ):
            raise ValidationError(
                "Restoring this version would publish or unpublish the article, "
                "which only editors may do."
            )
        for f in model._meta.concrete_fields:
            if f.attname not in NOT_RESTORED:
                setattr(instance, f.attname, getattr(record, f.attname))
        instance.full_clean(validate_constraints=True)
        # Links first, without history, so the save below writes one entry with both.
        instance.skip_history_when_saving = True
        try:
            _restore_links(instance, record.relations or {})
        finally:
            del instance.skip_history_when_saving
        instance._history_user = user
        stamp = timezone.localtime(record.history_date).strftime("%d %b %Y %H:%M")
        instance._change_reason = f"Restored the version of {stamp}"
        instance.save()
    return instance
