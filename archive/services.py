"""Writes that span more than one row: loading and exporting the archive."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from archive import models as m

# The order in which objects are loaded and exported: everything a row refers to comes first.
ARCHIVE_MODELS: list[type[models.Model]] = [
    m.Tag,
    m.Outlet,
    m.Place,
    m.PlaceAlias,
    m.PlaceTag,
    m.Speaker,
    m.SpeakerAlias,
    m.SpeakerTag,
    m.Article,
    m.ArticleTag,
    m.Quote,
    m.QuoteTag,
    m.PhotoCaption,
    m.CaptionTag,
]
MODEL_RANK = {model._meta.label_lower: rank for rank, model in enumerate(ARCHIVE_MODELS)}


def seed_fixture_paths() -> list[Path]:
    """Return the seed fixture files in the order they load."""
    return sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


@dataclass
class ImportReport:
    """What a load did, per model."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def models(self) -> list[str]:
        seen = set(self.created) | set(self.updated) | set(self.unchanged)
        return sorted(seen, key=lambda label: MODEL_RANK.get(label, 99))

    def totals(self) -> tuple[int, int, int]:
        return (
            sum(self.created.values()),
            sum(self.updated.values()),
            sum(self.unchanged.values()),
        )


class ArchiveImportError(Exception):
    """The files could not be loaded; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Rollback(Exception):
    pass


@dataclass
class _Record:
    source: str
    index: int
    data: dict

    @property
    def where(self) -> str:
        return f"{self.source} #{self.index}"


def _read_records(paths: Iterable[Path | str]) -> tuple[list[_Record], list[str]]:
    """Read every file and check each record's shape, before anything touches the database."""
    records: list[_Record] = []
    problems: list[str] = []
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(f"{path}: no such file")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read ({exc})")
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(
                f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            )
            continue
        if not isinstance(data, list):
            problems.append(f"{path}: expected a list of objects, found {type(data).__name__}")
            continue
        for index, item in enumerate(data, start=1):
            record = _Record(str(path), index, item)
            problem = _check_shape(record)
            if problem:
                problems.append(f"{record.where}: {problem}")
            else:
                records.append(record)
    return records, problems


def _check_shape(record: _Record) -> str | None:
    item = record.data
    if not isinstance(item, dict):
        return f"expected an object, found {type(item).__name__}"
    label = item.get("model")
    if not isinstance(label, str):
        return "missing 'model'"
    if label.lower() not in MODEL_RANK:
        return f"unknown model '{label}'"
    if "pk" in item and item["pk"] is not None:
        return "records carry natural keys, not 'pk'"
    fields = item.get("fields")
    if not isinstance(fields, dict):
        return "missing 'fields'"
    model = apps.get_model(label)
    for name in fields:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"{label}: unknown field '{name}'"
        if not getattr(model_field, "concrete", False) and not model_field.many_to_many:
            return f"{label}: unknown field '{name}'"
    return None


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _deserialize(record: _Record):
    data = {"model": record.data["model"], "fields": record.data["fields"]}
    objects = list(serializers.deserialize("python", [data], handle_forward_references=False))
    return objects[0]


def _m2m_ids(instance: models.Model, name: str) -> set:
    return set(getattr(instance, name).values_list("pk", flat=True))


def _apply(record: _Record, report: ImportReport) -> models.Model:
    """Create or update one object from its record, validating it first; return the object."""
    label = record.data["model"].lower()
    named = set(record.data["fields"])
    dobj = _deserialize(record)
    incoming = dobj.object
    model = type(incoming)
    existing = None
    if incoming.pk is not None:
        existing = model._default_manager.filter(pk=incoming.pk).first()
    if existing is None:
        incoming.pk = None
        target, changed, created = incoming, True, True
    else:
        target, changed, created = existing, False, False
        for f in model._meta.concrete_fields:
            if (
                f.name in named
                and not f.primary_key
                and getattr(target, f.attname) != (new := getattr(incoming, f.attname))
            ):
                setattr(target, f.attname, new)
                changed = True
    m2m = {name: set(ids) for name, ids in (dobj.m2m_data or {}).items() if name in named}
    if not created:
        changed = changed or any(_m2m_ids(target, name) != ids for name, ids in m2m.items())
    if not changed:
        report.unchanged[label] += 1
        return target
    if not created and "updated_at" not in named and hasattr(target, "updated_at"):
        target.updated_at = timezone.now()
    target.full_clean(validate_constraints=True)
    # A raw save keeps the record's own time stamps, so an export loads back unchanged.
    target.save_base(raw=True)
    # Like the raw save, links set by a load write no history (archive/history.py).
    target.skip_history_when_saving = True
    for name, ids in m2m.items():
        getattr(target, name).set(ids)
    (report.created if created else report.updated)[label] += 1
    return target


def archive_import(
    paths: Iterable[Path | str],
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Load fixture files into the archive: all of them or, on any problem, nothing at all."""
    records, problems = _read_records(paths)
    if problems:
        raise ArchiveImportError(problems)
    records.sort(key=lambda r: MODEL_RANK[r.data["model"].lower()])
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            seen: dict[tuple[str, object], str] = {}
            for done, record in enumerate(records, start=1):
                try:
                    with transaction.atomic():
                        obj = _apply(record, report)
                    key = (record.data["model"].lower(), obj.pk)
                    if key in seen:
                        problems.append(
                            f"{record.where}: {record.data['model']}: the same object as "
                            f"{seen[key]} ({obj}); each object may appear once"
                        )
                    seen[key] = record.where
                except ValidationError as exc:
                    problems.append(f"{record.where}: {record.data['model']}: {_describe(exc)}")
                except (DeserializationError, ObjectDoesNotExist) as exc:
                    problems.append(f"{record.where}: {record.data['model']}: {_unwrap(exc)}")
                except (IntegrityError, DatabaseError, ValueError, TypeError) as exc:
                    problems.append(f"{record.where}: {record.data['model']}: {exc}")
                if progress:
                    progress(done, len(records))
            if problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if problems:
        raise ArchiveImportError(problems)
    return report


def _unwrap(exc: Exception) -> str:
    """Turn the deserializer's wrapped errors into a sentence naming the missing object."""
    text = str(exc)
    if "matching query does not exist" in text:
        # e.g. "Speaker matching query does not exist.: (archive.quote:pk=None)
        # field_value was '['x']'"
        model_name = text.split(" matching query", 1)[0].rsplit(" ", 1)[-1]
        value = text.split("field_value was", 1)[-1].strip(" '")
        return f"unknown {model_name.lower()} {value}"
    return text


def archive_export_objects() -> Iterable[models.Model]:
    """Yield every archive object in load order, each model in its natural-key order."""
    for model in ARCHIVE_MODELS:
        if model is m.Place:
            yield from _places_parent_first()
            continue
        queryset = model._default_manager.all()
        yield from sorted(queryset.iterator(chunk_size=2000), key=_sort_key)


def _sort_key(obj: models.Model):
    return tuple(
        str(part) if not isinstance(part, int) else f"{part:012d}" for part in obj.natural_key()
    )


def _places_parent_first() -> list[m.Place]:
    places = list(m.Place.objects.all())
    by_pk = {p.pk: p for p in places}

    def depth(place: m.Place) -> int:
        level, parent_id = 0, place.parent_id
        while parent_id is not None and level < len(places):
            level, parent_id = level + 1, by_pk[parent_id].parent_id
        return level

    return sorted(places, key=lambda p: (depth(p), p.slug))


def archive_export(stream) -> int:
    """Write the whole archive to a stream as a natural-key fixture; return the object count."""
    objects = list(archive_export_objects())
    serializers.serialize(
        "json",
        objects,
        stream=stream,
        indent=2,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        ensure_ascii=False,
    )
    stream.write("\n")
    return len(objects)


# --- Editorial workflow ---------------------------------------------------------------------

PUBLISH_PERMISSION = "archive.publish_article"


def article_status_allowed(user, old_status: str, new_status: str) -> bool:
    """Return whether the user may move an article from one status to another.

    Publishing and unpublishing are editors' decisions; anyone who may edit an article may
    move it between draft and review.
    """
    if old_status == new_status:
        return True
    involves_readers = m.ArticleStatus.PUBLISHED in (old_status, new_status)
    return not involves_readers or user.has_perm(PUBLISH_PERMISSION)


def article_status_set(articles: Iterable[m.Article], status: str, *, user) -> int:
    """Move articles to a status, with a history entry for each; return how many changed."""
    if status not in m.ArticleStatus.values:
        raise ValidationError(f"“{status}” is not an article status.")
    label = m.ArticleStatus(status).label
    changed = 0
    with transaction.atomic():
        ids = [article.pk for article in articles]
        for article in m.Article.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            if article.status == status:
                continue
            if not article_status_allowed(user, article.status, status):
                raise ValidationError(
                    f"Only editors may publish or unpublish articles (“{article}”)."
                )
            article.status = status
            article._history_user = user
            article._change_reason = f"Status set to {label}"
            article.save(update_fields=["status", "updated_at", "version"])
            changed += 1
    return changed
