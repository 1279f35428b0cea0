"""Saving and loading the facet index as one uncompressed .npz file, for a fast cold start.

The file holds every array, each kind's date order (so that no worker sorts it again, and the
workers share one copy), the labels (as JSON) and the log position and database token the
index is current at. A file from another database, of another format or unreadable is ignored
(the index is then built from the database). Written to a temporary name and renamed, so a
worker never reads half a file.

Loading maps the file's arrays read-only instead of reading them: the workers of one server
share the same pages (the operating system keeps one copy), a cold start reads only what its
first page needs, and an edit makes new arrays rather than changing these.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from archive.facetindex.counting import date_order
from archive.facetindex.store import KINDS, Docs, FacetIndex, Labels
from archive.search.terms import TermIndex

# 8: documents compacted into id order, so a row's slot is found by a binary search (an
# older snapshot's compacted documents would leave most of them to a scan).
FORMAT = 8


def snapshot_path() -> Path | None:
    """Return where this database's snapshot lives, or None when snapshots are off."""
    folder = getattr(settings, "ARCHIVE_FACET_SNAPSHOT_DIR", None)
    if not folder:
        return None
    db = connection.settings_dict
    identity = f"{connection.vendor}:{db.get('HOST')}:{db.get('PORT')}:{db.get('NAME')}"
    return Path(folder) / f"facets-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.npz"


def snapshot_save(index: FacetIndex, path: Path) -> None:
    """Write the index to path, atomically."""
    arrays: dict[str, np.ndarray] = {}
    for kind in KINDS:
        docs = index.docs[kind]
        arrays[f"{kind}.ids"] = docs.ids
        arrays[f"{kind}.alive"] = docs.alive
        for name, column in docs.columns.items():
            arrays[f"{kind}.col.{name}"] = column
        for name, (slots, values) in docs.pairs.items():
            arrays[f"{kind}.pair.{name}.slots"] = slots
            arrays[f"{kind}.pair.{name}.values"] = values
            arrays[f"{kind}.pair.{name}.head"] = docs.heads[name]
        arrays[f"{kind}.order"] = date_order(index, kind)
    if index.words is not None:
        arrays.update(index.words.arrays())
    labels = index.labels
    meta = {
        "format": FORMAT,
        "position": index.position,
        "token": index.token,
        "slug": {k: list(v.items()) for k, v in labels.slug.items()},
        "name": {k: list(v.items()) for k, v in labels.name.items()},
        "parent": list(labels.parent.items()),
        "aliases": {k: [[pk, list(v)] for pk, v in t.items()] for k, t in labels.aliases.items()},
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mapped(path: Path) -> dict[str, np.ndarray]:
    """Return every array of an uncompressed .npz file, mapped read-only from it."""
    arrays: dict[str, np.ndarray] = {}
    with open(path, "rb") as raw, zipfile.ZipFile(raw) as archive:
        whole = mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ)
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{info.filename} is not stored as a plain array")
            # A member's data follows its local header (30 bytes, its name and extra field).
            raw.seek(info.header_offset + 26)
            name_size, extra_size = struct.unpack("<HH", raw.read(4))
            raw.seek(info.header_offset + 30 + name_size + extra_size)
            version = np.lib.format.read_magic(raw)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(raw)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(raw)
            if dtype.hasobject:
                raise ValueError(f"{info.filename} holds objects")
            count = int(np.prod(shape, dtype=np.int64))
            if not count:
                arrays[info.filename[: -len(".npy")]] = np.zeros(shape, dtype=dtype)
                continue
            array = np.frombuffer(whole, dtype=dtype, count=count, offset=raw.tell())
            arrays[info.filename[: -len(".npy")]] = array.reshape(
                shape, order="F" if fortran else "C"
            )
    return arrays


def snapshot_load(path: Path, token: str) -> FacetIndex | None:
    """Return the index saved at path for the database with this token, or None."""
    try:
        data = _mapped(path)
        meta = json.loads(data["meta"].tobytes().decode())
        if meta.get("format") != FORMAT or meta.get("token") != token:
            return None
        docs = {}
        for kind in KINDS:
            empty = Docs.empty(kind)
            docs[kind] = Docs(
                data[f"{kind}.ids"],
                data[f"{kind}.alive"],
                {name: data[f"{kind}.col.{name}"] for name in empty.columns},
                {
                    name: (
                        data[f"{kind}.pair.{name}.slots"],
                        data[f"{kind}.pair.{name}.values"],
                    )
                    for name in empty.pairs
                },
                {name: data[f"{kind}.pair.{name}.head"] for name in empty.pairs},
            )
        words = TermIndex.from_arrays(data) if "terms.ids" in data else None
    except (OSError, KeyError, ValueError, struct.error, zipfile.BadZipFile):
        return None
    labels = Labels()
    for subject, rows in meta["slug"].items():
        names = dict(meta["name"][subject])
        labels.slug[subject] = {int(pk): slug for pk, slug in rows}
        labels.name[subject] = {int(pk): names[pk] for pk, _slug in rows}
        labels.by_slug[subject] = {slug: int(pk) for pk, slug in rows}
    labels.parent = {int(pk): int(parent) for pk, parent in meta["parent"]}
    for subject, owned in meta["aliases"].items():
        labels.aliases[subject] = {int(pk): tuple(aliases) for pk, aliases in owned}
    index = FacetIndex(docs, labels, int(meta["position"]), token, words=words)
    for kind in KINDS:
        order = data.get(f"{kind}.order")
        if order is not None and len(order) == docs[kind].size:
            index.memo[("order", kind)] = order
    return index
