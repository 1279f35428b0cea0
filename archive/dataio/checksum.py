"""Checksums of the whole archive by natural keys, to prove a backup restored it exactly."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json

from django.core import serializers
from django.db import models

from archive.dataio.catalog import ARCHIVE_MODELS


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    return str(value)


def archive_checksum_lines(model: type[models.Model]) -> list[str]:
    """Return one canonical JSON line per object of a model, by natural keys, sorted."""
    # Field.serialize is missing from the type stubs.
    m2m = [f.name for f in model._meta.many_to_many if f.serialize]  # type: ignore[attr-defined]
    forward = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    queryset = model._default_manager.select_related(*forward).prefetch_related(*m2m)
    rows = serializers.serialize(
        "python",
        queryset.iterator(chunk_size=2000),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    lines = []
    for row in rows:
        fields = row["fields"]
        for name in m2m:
            fields[name] = sorted(fields[name])
        lines.append(json.dumps(fields, sort_keys=True, default=_json_value))
    return sorted(lines)


def archive_checksums() -> dict[str, str]:
    """Return a SHA-256 per archive model, over its objects' natural keys and fields."""
    checksums = {}
    for model in ARCHIVE_MODELS:
        lines = archive_checksum_lines(model)
        digest = hashlib.sha256(f"{model._meta.label_lower} {len(lines)}\n".encode())
        for line in lines:
            digest.update(line.encode() + b"\n")
        checksums[model._meta.label_lower] = digest.hexdigest()
    return checksums


def archive_checksum() -> str:
    """Return a SHA-256 of every archive object by natural key, whatever its primary key.

    Two databases with the same articles, quotes, captions, places, speakers, outlets, tags,
    taggings and aliases give the same checksum; any difference in any field changes it.
    """
    text = "".join(f"{label} {digest}\n" for label, digest in archive_checksums().items())
    return hashlib.sha256(text.encode()).hexdigest()
