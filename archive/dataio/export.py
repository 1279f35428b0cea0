"""Exporting the whole archive as a natural-key fixture that loads back byte for byte."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import Serializer as JSONSerializer
from django.db import models

from archive import models as m
from archive.dataio.catalog import ARCHIVE_MODELS


def archive_export_objects() -> Iterable[models.Model]:
    """Yield every archive object in load order, each model in its natural-key order."""
    for model in ARCHIVE_MODELS:
        if model is m.Place:
            yield from _places_parent_first()
            continue
        queryset = model._default_manager.all()
        yield from sorted(queryset.iterator(chunk_size=2000), key=_sort_key)


def _sort_key(obj: Any):
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
