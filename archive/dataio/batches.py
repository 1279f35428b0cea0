"""Writing a load's records a batch at a time: natural keys resolved from memory, rows in bulk.

archive.dataio.load reads and checks the files and owns the transaction; this module turns a
batch of records of one model into objects and writes them. Natural keys (of the records and of
what they link to) are looked up in one query per model and batch and kept in memory; new
objects are checked field by field (clean_fields and the model's clean, without a query per
row), then inserted in bulk, their many-to-many links too (archive.dataio.rows). Uniqueness
and the other constraints are the database's to enforce: if the bulk insert is refused, the
batch is written again one record at a time the slow way (`apply_one`, a full_clean each), so
the problem is named by file, record and field exactly as before. A record that matches an
object already there is compared in memory; only one that changes something takes the slow
path. Anything the fast path does not understand takes the slow path too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Lower

from archive.dataio.rows import insert_links, insert_rows

# A natural key, field by field, as the models' natural_key() and get_by_natural_key() agree
# on it; a link stands for the natural key of what it points at.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "auth.user": ("username",),
    "archive.tag": ("name",),
    "archive.outlet": ("slug",),
    "archive.place": ("slug",),
    "archive.placealias": ("owner", "name"),
    "archive.placetag": ("tag", "content_object"),
    "archive.speaker": ("slug",),
    "archive.speakeralias": ("owner", "name"),
    "archive.speakertag": ("tag", "content_object"),
    "archive.article": ("slug",),
    "archive.articletag": ("tag", "content_object"),
    "archive.statement": ("slug",),
    "archive.quote": ("article", "position"),
    "archive.quotetag": ("tag", "content_object"),
    "archive.statementrejection": ("first", "second"),
    "archive.photocaption": ("article", "position"),
    "archive.captiontag": ("tag", "content_object"),
}
# Parts of a natural key matched ignoring case (Tag.objects.get_by_natural_key: iexact).
IGNORING_CASE = {"archive.tag.name"}
QUERY_CHUNK = 500  # values in one IN (...), well inside every database's limit


class SlowPath(Exception):
    """The fast path cannot judge this record; load it the way a single record is loaded."""


class Problem(Exception):
    """A record is wrong; the message names the field."""


def field_of(model: type[models.Model], name: str) -> Any:
    """A model's field, typed loosely: links, many-to-many and plain fields are all used here."""
    return model._meta.get_field(name)


@cache
def model_for(label: str) -> type[models.Model]:
    return apps.get_model(label)


PLAIN, LINK, MANY = "plain", "link", "many"


@cache
def plan(label: str, name: str) -> tuple[str, Any, str]:
    """How a record's field is read: PLAIN, a LINK or MANY links; the field; the label of the
    model it links to ("" for a plain field). Asked once per model and field name."""
    f = field_of(model_for(label), name)
    if f.many_to_many or f.many_to_one:
        return (MANY if f.many_to_many else LINK), f, f.related_model._meta.label_lower
    return PLAIN, f, ""


@cache
def key_paths(label: str) -> tuple[tuple[str, str], ...]:
    """Return (lookup path, label.field of the leaf) for each part of a model's natural key."""
    model = apps.get_model(label)
    paths: list[tuple[str, str]] = []
    for name in NATURAL_KEYS[label]:
        f = field_of(model, name)
        if f.many_to_one:
            related = f.related_model._meta.label_lower
            paths += [(f"{name}__{path}", leaf) for path, leaf in key_paths(related)]
        else:
            paths.append((name, f"{label}.{name}"))
    return tuple(paths)


def _norm(leaf: str, value: Any) -> Any:
    return value.lower() if leaf in IGNORING_CASE and isinstance(value, str) else value


@cache
def _folded(label: str) -> tuple[int, tuple[int, ...]]:
    """How many parts a model's natural key has, and which of them ignore case."""
    paths = key_paths(label)
    return len(paths), tuple(i for i, (_, leaf) in enumerate(paths) if leaf in IGNORING_CASE)


def normal_key(label: str, values: Iterable[Any]) -> tuple | None:
    """A natural key as written in a record, in the form the in-memory maps use."""
    key = tuple(values)
    size, folded = _folded(label)
    if len(key) != size:
        return None
    if folded:
        parts = list(key)
        for i in folded:
            if isinstance(parts[i], str):
                parts[i] = parts[i].lower()
        key = tuple(parts)
    try:
        hash(key)
    except TypeError:
        return None
    return key


@dataclass
class KeyCache:
    """Natural key → primary key, per model, filled one query per model and batch."""

    pks: dict[str, dict[tuple, int]] = field(default_factory=dict)
    asked: dict[str, set[tuple]] = field(default_factory=dict)
    objects: dict[str, dict[int, models.Model]] = field(default_factory=dict)

    def fetch(self, label: str, keys: Iterable[tuple]) -> None:
        asked = self.asked.setdefault(label, set())
        known = self.pks.setdefault(label, {})
        wanted = [k for k in set(keys) if k not in asked and k not in known]
        if not wanted:
            return
        asked.update(wanted)
        model = model_for(label)
        paths = key_paths(label)
        first, first_leaf = paths[0]
        names = [path for path, _ in paths]
        firsts = sorted({k[0] for k in wanted}, key=str)
        for start in range(0, len(firsts), QUERY_CHUNK):
            chunk = firsts[start : start + QUERY_CHUNK]
            queryset = model._default_manager.all()
            if first_leaf in IGNORING_CASE:
                queryset = queryset.annotate(_key=Lower(first))
                queryset = queryset.filter(_key__in=chunk)
            else:
                queryset = queryset.filter(**{f"{first}__in": chunk})
            for pk, *values in queryset.values_list("pk", *names):
                key = tuple(_norm(leaf, v) for (_, leaf), v in zip(paths, values, strict=True))
                known.setdefault(key, pk)

    def pk(self, label: str, key: tuple | None) -> int | None:
        return None if key is None else self.pks.get(label, {}).get(key)

    def remember(self, label: str, key: tuple | None, obj: models.Model) -> None:
        if key is not None:
            self.pks.setdefault(label, {})[key] = obj.pk
        self.objects.setdefault(label, {})[obj.pk] = obj


@dataclass
class Entry:
    """One record of a batch on its way to the database."""

    record: Any  # load._Record
    key: tuple | None = None
    obj: models.Model | None = None
    m2m: dict[str, set] = field(default_factory=dict)


def record_key(label: str, fields: dict) -> tuple | None:
    """The natural key a record names itself by, or None if it names no whole key."""
    values: list[Any] = []
    for name in NATURAL_KEYS[label]:
        value = fields.get(name)
        if plan(label, name)[0] == LINK:
            if not isinstance(value, list):
                return None
            values += value
        else:
            values.append(value)
    return normal_key(label, values)


def _links(label: str, fields: dict) -> Iterable[tuple[str, tuple | None]]:
    """(label, key) of everything a record links to."""
    for name, value in fields.items():
        kind, _f, target = plan(label, name)
        if kind == PLAIN or target not in NATURAL_KEYS or not isinstance(value, list):
            continue
        if kind == LINK:
            yield target, normal_key(target, value)
        else:
            for item in value:
                yield target, normal_key(target, item)


def prefetch(label: str, records: list, cache: KeyCache) -> None:
    """Look up, in one query per model, the keys a batch names and the ones it links to."""
    wanted: dict[str, set[tuple]] = {label: set()}
    for record in records:
        fields = record.data["fields"]
        own = record_key(label, fields)
        if own is not None:
            wanted[label].add(own)
        for linked, key in _links(label, fields):
            if key is not None:
                wanted.setdefault(linked, set()).add(key)
    for linked, keys in wanted.items():
        cache.fetch(linked, keys)


def build(label: str, record, cache: KeyCache) -> Entry:
    """Make the object a record describes, its links resolved from the cache, unsaved."""
    model = model_for(label)
    fields = record.data["fields"]
    values: dict[str, Any] = {}
    related: dict[Any, models.Model] = {}
    m2m: dict[str, set] = {}
    for name, value in fields.items():
        kind, f, target = plan(label, name)
        if kind == MANY:
            if target not in NATURAL_KEYS or not f.remote_field.through._meta.auto_created:
                raise SlowPath
            ids = set()
            for item in value or []:
                pk = cache.pk(target, normal_key(target, item))
                if pk is None:
                    raise Problem(f"unknown {f.related_model._meta.model_name} {item}")
                ids.add(pk)
            m2m[name] = ids
        elif kind == LINK:
            if value is None:
                values[f.attname] = None
                continue
            if target not in NATURAL_KEYS:
                raise SlowPath
            pk = cache.pk(target, normal_key(target, value))
            if pk is None:
                raise Problem(f"unknown {f.related_model._meta.model_name} {value}")
            values[f.attname] = pk
            known = cache.objects.get(target, {}).get(pk)
            if known is not None:
                related[f] = known
        else:
            values[f.attname] = f.to_python(value)
    obj = model(**values)
    for f, target_obj in related.items():
        # The object the key was found for, cached as the link's value (what assigning it
        # does, without the descriptor's checks): clean() reads it without a query.
        f.set_cached_value(obj, target_obj)
    return Entry(record=record, key=record_key(label, fields), obj=obj, m2m=m2m)


def check(entry: Entry) -> None:
    """Validate a new object's fields and its own rules, leaving uniqueness to the database."""
    obj = entry.obj
    assert obj is not None
    linked = [
        f.name
        for f in obj._meta.concrete_fields
        if f.many_to_one and getattr(obj, f.attname) is not None
    ]
    # Links were found by natural key just now: asking the database again for each is waste.
    obj.full_clean(exclude=linked, validate_unique=False, validate_constraints=False)


def insert(label: str, entries: list[Entry]) -> None:
    """Insert new objects and their many-to-many links, a statement per model and link."""
    model = model_for(label)
    objs: list[Any] = [e.obj for e in entries]
    insert_rows(model, objs)
    for name in {name for e in entries for name in e.m2m}:
        f = field_of(model, name)
        columns = (f.m2m_column_name(), f.m2m_reverse_name())
        pairs = [
            (e.obj.pk, pk)  # type: ignore[union-attr]
            for e in entries
            for pk in sorted(e.m2m.get(name, ()))
        ]
        insert_links(f.remote_field.through, columns, pairs)


def unchanged(label: str, entries: list[Entry], cache: KeyCache) -> set[int]:
    """Return the indexes of entries whose object is already there exactly as the record says."""
    model = model_for(label)
    pks = [cache.pks[label][e.key] for e in entries if e.key is not None]
    current = {}
    for start in range(0, len(pks), QUERY_CHUNK):
        current.update(model._default_manager.in_bulk(pks[start : start + QUERY_CHUNK]))
    links: dict[str, dict[int, set]] = {}
    for name in {name for e in entries for name in e.m2m}:
        f = field_of(model, name)
        through = f.remote_field.through
        source = f"{f.m2m_field_name()}_id"
        target = f"{f.m2m_reverse_field_name()}_id"
        found: dict[int, set] = {pk: set() for pk in pks}
        for start in range(0, len(pks), QUERY_CHUNK):
            rows = through._default_manager.filter(
                **{f"{source}__in": pks[start : start + QUERY_CHUNK]}
            )
            for owner, linked in rows.values_list(source, target):
                found[owner].add(linked)
        links[name] = found
    same = set()
    for index, (entry, pk) in enumerate(zip(entries, pks, strict=True)):
        obj = current.get(pk)
        if obj is None:
            continue
        named = set(entry.record.data["fields"])
        fields_same = all(
            getattr(obj, f.attname) == getattr(entry.obj, f.attname)
            for f in model._meta.concrete_fields
            if f.name in named and not f.primary_key
        )
        if fields_same and all(links[n][pk] == ids for n, ids in entry.m2m.items()):
            same.add(index)
            cache.objects.setdefault(label, {})[pk] = obj
    return same


def write_batch(
    label: str,
    records: list,
    cache: KeyCache,
    *,
    apply_one: Callable[[Any], models.Model | None],
    problem: Callable[[Any, str], None],
    seen: dict[tuple, str],
) -> Counter:
    """Load one batch of records of one model.

    `apply_one(record)` loads a record the slow way (returning its object, or None after
    naming its problem); `problem(record, text)` names a problem; `seen` maps the natural
    keys loaded so far to the record that named them. Return how many were created and how many
    found unchanged (those the slow way counts themselves in the load's report).
    """
    prefetch(label, records, cache)
    counts: Counter = Counter()
    new: list[Entry] = []
    known: list[Entry] = []
    slow: list[Any] = []
    for record in records:
        try:
            entry = build(label, record, cache)
        except SlowPath:
            key = record_key(label, record.data["fields"])
            if key is not None and (label, key) in seen:
                problem(
                    record, f"the same object as {seen[(label, key)]}; each object may appear once"
                )
                continue
            if key is not None:
                seen[(label, key)] = record.where
            slow.append(record)
            continue
        except Problem as exc:
            problem(record, str(exc))
            continue
        except ValidationError as exc:
            problem(record, "; ".join(exc.messages))
            continue
        if entry.key is not None:
            if (label, entry.key) in seen:
                problem(
                    record,
                    f"the same object as {seen[(label, entry.key)]} ({entry.obj}); "
                    "each object may appear once",
                )
                continue
            seen[(label, entry.key)] = record.where
        (known if cache.pk(label, entry.key) is not None else new).append(entry)

    if known:
        same = unchanged(label, known, cache)
        for index, entry in enumerate(known):
            if index in same:
                counts["unchanged"] += 1
            else:
                slow.append(entry.record)

    valid = []
    for entry in new:
        try:
            check(entry)
        except ValidationError as exc:
            problem(entry.record, describe(exc))
            continue
        valid.append(entry)
    if valid:
        try:
            with transaction.atomic():
                insert(label, valid)
        except (DatabaseError, ValueError, TypeError):
            # Refused as a whole: find and name the record(s) one by one.
            slow = [e.record for e in valid] + slow
        else:
            for entry in valid:
                cache.remember(label, entry.key, entry.obj)  # type: ignore[arg-type]
                counts["created"] += 1
    for record in slow:
        obj = apply_one(record)
        if obj is not None:
            key = record_key(label, record.data["fields"])
            if key is not None:
                cache.pks.setdefault(label, {})[key] = obj.pk
    return counts


def describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
