"""Exporting the archive: the whole of it as a natural-key fixture that loads back byte for byte,
or its published articles as IPTC ninjs documents (archive.ninjs), one JSON line each."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import Serializer as JSONSerializer
from django.db import models

from archive import models as m
from archive.dataio.catalog import ARCHIVE_MODELS
from archive.ninjs import ninjs_documents


def archive_export_objects() -> Iterable[models.Model]:
    """Yield every archive object in load order, each model in its natural-key order."""
    for model in ARCHIVE_MODELS:
        if model is m.Place:
            yield from _parents_first(m.Place, "parent")
            continue
        if model is m.Speaker:
            # A spokesman names the speaker he speaks for, which must load before him.
            yield from _parents_first(m.Speaker, "speaks_for")
            continue
        queryset = model._default_manager.all()
        yield from sorted(queryset.iterator(chunk_size=2000), key=_sort_key)


def _sort_key(obj: Any):
    return tuple(
        str(part) if not isinstance(part, int) else f"{part:012d}" for part in obj.natural_key()
    )


def _parents_first(model: type[models.Model], link: str) -> list[Any]:
    """Return a model's objects, those another one links to (`link`) before it, then by slug."""
    objects = list(model._default_manager.all())
    by_pk = {o.pk: o for o in objects}
    attname = f"{link}_id"

    def depth(obj: models.Model) -> int:
        level, parent_id = 0, getattr(obj, attname)
        while parent_id is not None and level < len(objects):
            level, parent_id = level + 1, getattr(by_pk[parent_id], attname)
        return level

    return sorted(objects, key=lambda o: (depth(o), o.slug))


class _ExactJSONSerializer(JSONSerializer):
    """Django's JSON serializer, keeping the microseconds its encoder cuts from times."""

    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime.datetime | datetime.time):
            text = value.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super()._value_from_field(obj, field)


def archive_export(stream) -> int:
    """Write the whole archive to a stream as a natural-key fixture; return the object count."""
    objects = list(archive_export_objects())
    _ExactJSONSerializer().serialize(
        objects,
        stream=stream,
        indent=2,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        ensure_ascii=False,
    )
    stream.write("\n")
    return len(objects)


def archive_export_ninjs(stream, *, base_url: str) -> int:
    """Write every published article as a ninjs 2.2 document, one JSON line each, by slug.

    Drafts and articles in review are never written. Addresses start with `base_url`, the
    site's public address (https://archive.example.org); return the number of documents.
    """
    base = base_url.rstrip("/")
    count = 0
    for document in ninjs_documents(absolute=lambda path: f"{base}{path}"):
        stream.write(json.dumps(document, ensure_ascii=False) + "\n")
        count += 1
    return count
