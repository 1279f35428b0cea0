"""History of editorial changes: who changed what and when, with each version's own links.

django-simple-history stores every save of an article, quote, caption, place or speaker as a
historical row. It does not know what the object was linked to (tags, places, aliases), so
each historical row also keeps a snapshot of those links (`relations`), kept current here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from archive import models as m
from archive.versioning import VersionedModel

# The links each model's history keeps, as sorted names (tags, aliases) or slugs.
RELATIONS: dict[type[VersionedModel], tuple[str, ...]] = {
    m.Article: ("tags", "places", "cited_outlets"),
    m.Quote: ("tags",),
    m.PhotoCaption: ("tags",),
    m.Place: ("tags", "aliases"),
    m.Speaker: ("tags", "aliases"),
    m.Statement: (),
}
RELATION_LABELS = {
    "tags": "Tags",
    "places": "Places",
    "cited_outlets": "Cited outlets",
    "aliases": "Other spellings",
}
# Fields whose change alone is not worth showing in a diff.
NOT_DIFFED = ["version", "updated_at"]


def history_relations(instance: VersionedModel) -> dict[str, list[str]]:
    """Return the object's links as they are now: tag and alias names, place and outlet slugs."""
    snapshot = {}
    for name in RELATIONS[type(instance)]:
        if name == "tags":
            values = instance.tags.names()
        elif name == "aliases":
            values = instance.aliases.values_list("name", flat=True)
        else:
            values = getattr(instance, name).values_list("slug", flat=True)
        snapshot[name] = sorted(values, key=str.casefold)
    return snapshot


def history_relations_bulk(
    model: type[VersionedModel], ids: list[int]
) -> dict[int, dict[str, list[str]]]:
    """Return history_relations() for many objects of one model in one query per link."""
    snapshots: dict[int, dict[str, list[str]]] = {
        pk: {name: [] for name in RELATIONS[model]} for pk in ids
    }
    for name in RELATIONS[model]:
        if name == "tags":
            through = model.tags.through
            rows = through.objects.filter(content_object_id__in=ids).values_list(
                "content_object_id", "tag__name"
            )
        elif name == "aliases":
            rows = model.aliases.rel.related_model.objects.filter(owner_id__in=ids).values_list(
                "owner_id", "name"
            )
        else:
            through = getattr(model, name).through
            target = getattr(model, name).field.m2m_reverse_field_name()
            rows = through.objects.filter(article_id__in=ids).values_list(
                "article_id", f"{target}__slug"
            )
        for pk, value in rows:
            snapshots[pk][name].append(value)
    for snapshot in snapshots.values():
        for values in snapshot.values():
            values.sort(key=str.casefold)
    return snapshots


def _request():
    return getattr(HistoricalRecords.context, "request", None)


def _user_for(instance: VersionedModel):
    user = getattr(instance, "_history_user", None)
    if user is not None:
        return user
    request = _request()
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


def _request_records(request) -> dict[tuple[str, int], int]:
    """The historical rows this request made, so later link changes land in the same entry."""
    if not hasattr(request, "_archive_history_records"):
        request._archive_history_records = {}
    return request._archive_history_records


def _fill_relations(sender, instance, history_instance, **kwargs):
    if history_instance.history_type == "+":
        # A row that has just been created has no links yet.
        history_instance.relations = {name: [] for name in RELATIONS[type(instance)]}
    else:
        history_instance.relations = history_relations(instance)


def _remember_record(sender, instance, history_instance, **kwargs):
    request = _request()
    if request is not None:
        key = (instance._meta.label_lower, instance.pk)
        _request_records(request)[key] = history_instance.pk


def _join_reasons(*reasons: str | None) -> str:
    return "; ".join(r for r in reasons if r)


def history_record_relations(
    instance: VersionedModel, *, reason: str = "", user=None
) -> models.Model | None:
    """Record the object's current links in its history; return the entry written, if any.

    Within a request that has already saved the object, the links join that save's entry
    (an admin save writes the fields first and the tags after); otherwise a change of links
    becomes an entry of its own.
    """
    snapshot = history_relations(instance)
    history_model = instance.history.model
    request = _request()
    if request is not None:
        key = (instance._meta.label_lower, instance.pk)
        pending = _request_records(request).get(key)
        record = history_model.objects.filter(pk=pending).first() if pending else None
        if record is not None:
            if record.relations != snapshot or reason:
                record.relations = snapshot
                record.history_change_reason = _join_reasons(record.history_change_reason, reason)
                record.save(update_fields=["relations", "history_change_reason"])
            return record
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is not None and latest.relations == snapshot:
        return None
    record = history_model(
        history_date=timezone.now(),
        history_type="~",
        history_user=user or _user_for(instance),
        history_change_reason=reason or None,
        relations=snapshot,
        **{f.attname: getattr(instance, f.attname) for f in history_model.tracked_fields},
    )
    record.save()
    if request is not None:
        _request_records(request)[(instance._meta.label_lower, instance.pk)] = record.pk
    return record


BASELINE_REASON = "As it was before its first recorded change"
CATCH_UP_REASON = "Changed without a history entry (an import or a script)"


def _latest_records(history_model, ids: list[int]) -> dict[int, Any]:
    newest = (
        history_model.objects.filter(id__in=ids)
        .values("id")
        .annotate(newest=models.Max("history_id"))
        .values("newest")
    )
    return {r.id: r for r in history_model.objects.filter(history_id__in=newest)}


def history_baseline_bulk(model: type[VersionedModel], ids: list[int]) -> None:
    """Make sure each object's latest history entry matches it before it is changed.

    Loads and scripts can change objects without writing history (loading writes none at
    all). Before a recorded change, an object with no history, or whose latest entry no
    longer matches it, gets an entry for its current state, so the change can be undone.
    """
    history_model = model.history.model
    latest = _latest_records(history_model, ids)
    snapshots = history_relations_bulk(model, ids)
    rows = []
    for obj in model._base_manager.filter(pk__in=ids):
        record = latest.get(obj.pk)
        values = {f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields}
        if record is not None and record.relations == snapshots[obj.pk]:
            if all(getattr(record, name) == value for name, value in values.items()):
                continue
        rows.append(
            history_model(
                history_date=timezone.now(),
                history_type="~",
                history_user=None,
                history_change_reason=BASELINE_REASON if record is None else CATCH_UP_REASON,
                relations=snapshots[obj.pk],
                **values,
            )
        )
    history_model.objects.bulk_create(rows)


def _baseline_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    if hasattr(instance, "skip_history_when_saving"):
        return
    history_baseline_bulk(sender, [instance.pk])


def history_record_bulk(
    objects: list[VersionedModel], *, reason: str, user=None
) -> list[VersionedModel]:
    """Add one history entry per object, with its current links, in a fixed number of queries."""
    if not objects:
        return []
    model = type(objects[0])
    history_model = model.history.model
    snapshots = history_relations_bulk(model, [obj.pk for obj in objects])
    now = timezone.now()
    rows = [
        history_model(
            history_date=now,
            history_type="~",
            history_user=user,
            history_change_reason=reason,
            relations=snapshots[obj.pk],
            **{f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields},
        )
        for obj in objects
    ]
    return history_model.objects.bulk_create(rows)


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    # Tags are added from many places (admin forms, bulk actions, the shell); recording here
    # keeps the history complete whichever way they were changed.
    if reverse or type(instance) not in RELATIONS:
        return
    if hasattr(instance, "skip_history_when_saving"):
        return
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        if action == "pre_clear" or pk_set:
            history_baseline_bulk(type(instance), [instance.pk])
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return
    relation = _RELATION_FOR_THROUGH[sender]
    label = RELATION_LABELS[relation]
    if action == "post_clear":
        reason = f"{label} cleared"
    else:
        names = sorted(
            model._default_manager.filter(pk__in=pk_set).values_list("name", flat=True),
            key=str.casefold,
        )
        verb = "added" if action == "post_add" else "removed"
        reason = f"{label} {verb}: {', '.join(names)}"
    user = _user_for(instance)
    if action == "post_add" and relation == "tags" and user is not None:
        sender.objects.filter(
            content_object=instance, tag_id__in=pk_set, added_by__isnull=True
        ).update(added_by=user)
    history_record_relations(instance, reason=reason, user=user)


_RELATION_FOR_THROUGH: dict[type[VersionedModel], str] = {}


def connect_signals() -> None:
    """Keep every historical row's link snapshot current (called once, from the app config)."""
    for model, relations in RELATIONS.items():
        history_model = model.history.model
        pre_create_historical_record.connect(_fill_relations, sender=history_model)
        pre_save.connect(_baseline_before_save, sender=model, dispatch_uid=f"baseline-{model}")
        post_create_historical_record.connect(_remember_record, sender=history_model)
        for name in relations:
            if name == "aliases":
                continue
            through = getattr(model, name).through
            _RELATION_FOR_THROUGH[through] = name
            m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"history-{through}")


# --- Reading versions ---------------------------------------------------------


@dataclass
class Change:
    """One field that differs between two versions, as an editor reads it."""

    field: str
    old: str
    new: str


def _display(record, name: str) -> str:
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return " / ".join(str(v) for v in value) if value else "—"
    choices = dict(record._meta.get_field(name).flatchoices or ())
    return str(choices.get(value, value))


def history_changes(old, new) -> list[Change]:
    """Return what changed from one historical row to a later one, fields then links."""
    changes = []
    delta = new.diff_against(old, excluded_fields=NOT_DIFFED, foreign_keys_are_objs=True)
    for change in delta.changes:
        verbose = new._meta.get_field(change.field).verbose_name
        old_value = "—" if change.old in (None, "") else str(change.old)
        new_value = "—" if change.new in (None, "") else str(change.new)
        if isinstance(change.old, list) or isinstance(change.new, list):
            old_value, new_value = _display(old, change.field), _display(new, change.field)
        elif new._meta.get_field(change.field).choices:
            old_value, new_value = _display(old, change.field), _display(new, change.field)
        changes.append(Change(str(verbose).capitalize(), old_value, new_value))
    for name, label in RELATION_LABELS.items():
        before, after = (old.relations or {}).get(name), (new.relations or {}).get(name)
        if before is None and after is None or before == after:
            continue
        changes.append(Change(label, ", ".join(before or []) or "—", ", ".join(after or []) or "—"))
    return changes


@dataclass
class Conflict:
    """Someone else's save that a form was about to overwrite."""

    current_version: int
    changed_by: str
    changed_at: datetime | None
    changes: list[Change] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return [change.field for change in self.changes]


def history_conflict(instance: VersionedModel, seen_version: int) -> Conflict:
    """Describe the saves made to an object since the version an editor opened."""
    current = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True)
    current_version = current.first() or seen_version
    records = instance.history.order_by("-history_date", "-history_id")
    latest = records.select_related("history_user").first()
    seen = records.filter(version=seen_version).first()
    changes: list[Change] = []
    if latest is not None and seen is not None and latest.pk != seen.pk:
        changes = history_changes(seen, latest)
    who = "Someone else"
    if latest is not None and latest.history_user is not None:
        who = latest.history_user.get_username()
    return Conflict(
        current_version=current_version,
        changed_by=who,
        changed_at=latest.history_date if latest is not None else None,
        changes=changes,
    )
