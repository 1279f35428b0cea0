"""Loading fixture files into the archive: validate everything first, then write all or nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone

from archive import models as m
from archive.dataio import batches
from archive.dataio.catalog import MODEL_RANK
from archive.search.backends import backend_for


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
        limit = settings.ARCHIVE_IMPORT_MAX_BYTES
        too_large = f"is larger than the limit of {limit / 2**20:.0f} MB (ARCHIVE_IMPORT_MAX_MB)"
        try:
            size = path.stat().st_size
            if size > limit:
                problems.append(f"{path}: {size / 2**20:.1f} MB {too_large}")
                continue
            content = _read_at_most(path, limit)
            if content is None:
                problems.append(f"{path}: {too_large}")
                continue
            text = content.decode("utf-8")
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
        except (ValueError, RecursionError) as exc:
            problems.append(f"{path}: not valid JSON: {exc or 'nested too deeply'}")
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


def _read_at_most(path: Path, limit: int) -> bytes | None:
    """Return a file's bytes, or None once it passes the limit.

    A pipe or a device (/dev/zero, /dev/stdin) has no size to check first, so the bytes are
    counted as they arrive and reading stops one byte past the limit.
    """
    chunks, total = [], 0
    with path.open("rb") as stream:
        while chunk := stream.read(min(2**20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                return None
    return b"".join(chunks)


def _check_shape(record: _Record) -> str | None:
    item = record.data
    if not isinstance(item, dict):
        return f"expected an object, found {type(item).__name__}"
    label = item.get("model")
    if not isinstance(label, str):
        return "missing 'model'"
    if label.lower() not in MODEL_RANK:
        return f"unknown model '{label}'"
    if label != label.lower():
        # Django (and loaddata) look the app label up as written; one spelling keeps them agreed.
        return f"model '{label}' must be written in lower case: '{label.lower()}'"
    if "pk" in item and item["pk"] is not None:
        return "records carry natural keys, not 'pk'"
    unknown = sorted(set(item) - {"model", "pk", "fields"})
    if unknown:
        return f"unknown key '{unknown[0]}' (a record has only 'model' and 'fields')"
    fields = item.get("fields")
    if not isinstance(fields, dict):
        return "missing 'fields'"
    for name in fields:
        model_field, problem = _loadable_field(label, name)
        if model_field is None:
            return problem
        problem = _type_problem(model_field, fields[name])
        if problem:
            return f"{label}: {name}: {problem}"
    return None


@cache
def _loadable_field(label: str, name: str) -> tuple[Any, str | None]:
    """Return a model's field a record may name, or None and why the record may not name it."""
    try:
        model_field = apps.get_model(label)._meta.get_field(name)
    except FieldDoesNotExist:
        return None, f"{label}: unknown field '{name}'"
    if not getattr(model_field, "concrete", False) and not model_field.many_to_many:
        return None, f"{label}: unknown field '{name}'"
    if not model_field.serialize and not model_field.many_to_many:
        # e.g. "version": the database's own state, never part of a fixture or an export.
        return None, f"{label}: '{name}' is not archive content and cannot be loaded"
    return model_field, None


_SCALAR = (str, int, float)


def _is_natural_key(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, _SCALAR) for v in value)


def _type_problem(field: models.Field, value) -> str | None:
    """Say how a value has the wrong JSON type for its field, or return None."""
    if value is None or isinstance(field, models.JSONField):
        return None  # a missing value is the model's own validation to judge
    problem = _type_mismatch(field, value)
    if problem:
        return f"{problem}, found {type(value).__name__} {json.dumps(value, default=str)[:40]}"
    if isinstance(field, models.IntegerField) and not -(2**63) <= value < 2**63:
        return f"{value} is out of range"
    if field.many_to_many or field.many_to_one or isinstance(field, models.BooleanField):
        return None
    try:
        field.to_python(value)  # e.g. a date that does not exist
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _type_mismatch(field: models.Field, value) -> str | None:
    """Say what JSON type a field expects if the value is not of it, or return None."""
    if field.many_to_many:
        if isinstance(value, list) and all(_is_natural_key(v) for v in value):
            return None
        return 'expected a list of natural keys such as [["izyum"]]'
    if field.many_to_one:
        return None if _is_natural_key(value) else 'expected a natural key such as ["slug"]'
    if isinstance(field, models.BooleanField):
        return None if isinstance(value, bool) else "expected true or false"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(field, models.IntegerField):
        return None if number and isinstance(value, int) else "expected a whole number"
    if isinstance(field, models.DecimalField | models.FloatField):
        return None if number or isinstance(value, str) else "expected a number"
    return None if isinstance(value, str) else "expected text"


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
    _ensure_editor(record, report)
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


def _ensure_editors(records: list[_Record], report: ImportReport) -> None:
    """Recreate, in a query or two, every editor the records name that this database lacks."""
    names = set()
    for record in records:
        key = record.data["fields"].get("added_by")
        if _is_natural_key(key) and len(key) == 1 and isinstance(key[0], str):
            names.add(key[0])
    if not names:
        return
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    there = set(
        user_model._default_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True)
    )
    for name in sorted(names - there):
        _ensure_editor(_Record("", 0, {"fields": {"added_by": [name]}}), report)


def _ensure_editor(record: _Record, report: ImportReport) -> None:
    """Recreate the editor a tagging names if this database lacks the account.

    Restoring into an empty database must keep who added each tag; the account comes back
    inactive and without a password, for an administrator to reopen or leave closed.
    """
    key = record.data["fields"].get("added_by")
    if not _is_natural_key(key) or len(key) != 1 or not isinstance(key[0], str):
        return
    user_model = get_user_model()
    if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: key[0]}).exists():
        return
    user = user_model(**{user_model.USERNAME_FIELD: key[0]}, is_active=False)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    report.created[user_model._meta.label_lower] += 1


def _linked_first(records: list[_Record]) -> tuple[list[_Record], dict[int, int]]:
    """Within each model, put a record after those it links to in its own model.

    A place names its parent, a spokesman the speaker he speaks for, by slug: whatever order
    a file lists them in, the one linked to is written first. The sort is stable otherwise.
    """
    depth: dict[int, int] = {}
    by_model: dict[str, dict[str, _Record]] = {}
    for record in records:
        slug = record.data.get("fields", {}).get("slug")
        if isinstance(slug, str):
            by_model.setdefault(record.data["model"].lower(), {})[slug] = record
    for label, by_slug in by_model.items():
        model = apps.get_model(label)
        links = [
            f.name
            for f in model._meta.concrete_fields
            if f.many_to_one and f.related_model is model
        ]
        if not links:
            continue
        for record in by_slug.values():
            level, seen = 0, set()
            current: _Record | None = record
            while current is not None and id(current) not in seen:
                seen.add(id(current))
                targets = [current.data["fields"].get(name) for name in links]
                slugs = [t[0] for t in targets if isinstance(t, list) and t]
                current = next((by_slug[s] for s in slugs if s in by_slug), None)
                level += current is not None
            depth[id(record)] = level
    rank = {id(r): i for i, r in enumerate(records)}
    ordered = sorted(
        records,
        key=lambda r: (MODEL_RANK[r.data["model"].lower()], depth.get(id(r), 0), rank[id(r)]),
    )
    return ordered, depth


BATCH = 2000  # records of one model written together


def _batches(records: list[_Record], depth: dict[int, int]) -> Iterable[list[_Record]]:
    """Split the sorted records into runs of one model (and one depth of its own links)."""
    batch: list[_Record] = []
    for record in records:
        if batch and (
            len(batch) >= BATCH
            or record.data["model"].lower() != batch[0].data["model"].lower()
            or depth.get(id(record), 0) != depth.get(id(batch[0]), 0)
        ):
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


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
    records, depth = _linked_first(records)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _wait_for_other_imports()
            with _index_at_the_end():
                _write_all(records, depth, report, problems, progress)
            if problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as exc:
        # e.g. SQLite's "database is locked" once the busy timeout has passed.
        raise ArchiveImportError(
            [f"the database refused the load ({exc}); nothing was written"]
        ) from None
    if problems:
        raise ArchiveImportError(problems)
    return report


def _write_all(
    records: list[_Record],
    depth: dict[int, int],
    report: ImportReport,
    problems: list[str],
    progress: Callable[[int, int], None] | None,
) -> None:
    cache = batches.KeyCache()
    seen: dict[tuple, str] = {}
    _ensure_editors(records, report)

    def problem(record: _Record, text: str) -> None:
        problems.append(f"{record.where}: {record.data['model']}: {text}")

    def apply_one(record: _Record) -> models.Model | None:
        try:
            with transaction.atomic():
                return _apply(record, report)
        except ValidationError as exc:
            problem(record, batches.describe(exc))
        except (DeserializationError, ObjectDoesNotExist) as exc:
            problem(record, _unwrap(exc))
        except (IntegrityError, DatabaseError, ValueError, TypeError, ArithmeticError) as exc:
            problem(record, str(exc))
        return None

    done = 0
    for batch in _batches(records, depth):
        label = batch[0].data["model"].lower()
        counts = batches.write_batch(
            label,
            batch,
            cache,
            apply_one=apply_one,
            problem=problem,
            seen=seen,
        )
        report.created[label] += counts["created"]
        report.unchanged[label] += counts["unchanged"]
        if progress:
            for _ in batch:
                done += 1
                progress(done, len(records))


def _index_at_the_end() -> AbstractContextManager[None]:
    """Into an archive without articles, index the search once at the end, not row by row.

    Every article is then new and bulk_load() indexes each once when the writing is done. Into
    an archive with articles a load may add quotes to one or change it, which the search
    triggers keep in step row by row, as for any other edit.
    """
    search = backend_for(connection)
    if search is None or m.Article._default_manager.exists():
        return nullcontext()
    return search.bulk_load()


IMPORT_LOCK_ID = 0x41524348  # "ARCH": PostgreSQL advisory lock held by a running load


def _wait_for_other_imports() -> None:
    """Let one load write at a time, so two loads at once never race on the same new rows.

    SQLite's write transaction (IMMEDIATE mode) is such a lock already; PostgreSQL takes an
    advisory lock released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])


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
