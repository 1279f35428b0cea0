"""The facet index of this process: loaded once, then brought up to date at each request.

`index_current()` returns an index that includes every change committed before the call: on the
first call it loads the saved snapshot (or builds the index from the database and saves one),
then it reads the change log after its position (one query on the log's key) and applies what
changed. A large batch (a bulk load) rebuilds instead. Applying builds a new index object and
swaps it in under a lock, so a thread still counting with the previous one is undisturbed.

A request that has read the archive's content revision (the page cache does, first thing) says
so with `request_revision()`: when no edit has been committed since the index last read the log
(the number is the same), the log is not read again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

from django.db import connection

from archive.facetindex.build import index_apply, index_build
from archive.facetindex.changelog import engine_for
from archive.facetindex.snapshot import snapshot_load, snapshot_path, snapshot_save
from archive.facetindex.store import FacetIndex
from archive.facetindex.subjects import subject_names

log = logging.getLogger("archive.facetindex")

# More changed articles than this in one batch: read everything again instead.
REBUILD_ARTICLES = 20_000
# After this many changed articles applied since the snapshot, save a new one.
RESAVE_ARTICLES = 2_000

_lock = threading.Lock()
# "revision": the content revision read before the index last read the log, or None.
_state: dict = {"index": None, "unsaved": 0, "revision": None}
# Within one request the log is read once: the first call brings the index up to date and
# later calls of the same request get the same index (see request_begun / request_ended).
_request = threading.local()


def request_begun(**kwargs) -> None:
    """Mark the start of a request: the next `index_current()` reads the log."""
    _request.index = None
    _request.revision = None
    _request.active = True


def request_revision(number: int) -> None:
    """Tell the index this request's content revision, read before any `index_current()` of
    the request. Every committed change to what the index holds raises that number in the same
    transaction as its change-log row (archive.revision), so the same number as at the last
    read of the log means there is nothing new to read."""
    _request.revision = number


def request_ended(**kwargs) -> None:
    """Mark the end of a request: outside one, every call reads the log."""
    _request.index = None
    _request.revision = None
    _request.active = False


def index_reset() -> None:
    """Forget this process's index (tests, whose transactions roll back, start afresh)."""
    with _lock:
        _state.update(index=None, unsaved=0, revision=None)
    _request.index = None


def _save(index: FacetIndex) -> None:
    path = snapshot_path()
    if path is not None:
        try:
            snapshot_save(index, path)
        except OSError as error:  # a read-only disk slows cold starts, nothing else
            log.warning("facet index snapshot not saved: %s", error)
    _state["unsaved"] = 0


def index_rebuild(*, save: bool = True) -> FacetIndex:
    """Build the index from the database, make it this process's, and save a snapshot."""
    engine = engine_for(connection)
    index = index_build(engine)
    with _lock:
        _state["index"] = index
        if save:
            _save(index)
    return index


def index_prune(index: FacetIndex) -> int:
    """Delete the change-log rows before a saved index's position; return how many.

    Only safe once that index is the saved snapshot: a worker with an older copy in memory
    then rebuilds or reloads (its position is before the pruned rows, see `index_current`).
    """
    return engine_for(connection).prune(index.position)


def _cold_start(engine) -> FacetIndex:
    path = snapshot_path()
    token = engine.token()
    index = snapshot_load(path, token) if path is not None and path.exists() else None
    if index is None:
        started = time.perf_counter()
        index = index_build(engine)
        log.info("facet index built in %.2f s", time.perf_counter() - started)
        _save(index)
    return index


def index_current() -> FacetIndex:
    """Return this process's index with every committed change applied (read once a request)."""
    active = getattr(_request, "active", False)
    if active and _request.index is not None:
        return _request.index
    seen = _request.revision if active else None
    with _lock:
        index = _state["index"]
        if index is not None and seen is not None and seen == _state["revision"]:
            _request.index = index
            return index
        engine = engine_for(connection)
        if index is None:
            index = _cold_start(engine)
        changes = engine.changes_since(index.position, index.applied)
        if changes.stale:
            # The log was pruned past this index: start again from the (newer) snapshot.
            index = _cold_start(engine)
            changes = engine.changes_since(index.position, index.applied)
        if changes.stale or len(changes.articles) > REBUILD_ARTICLES:
            index = index_build(engine)
            _save(index)
        elif changes:
            index = replace(index_apply(index, engine, changes), applied=changes.read)
            _state["unsaved"] += len(changes.articles) + 1
            if _state["unsaved"] >= RESAVE_ARTICLES:
                _save(index)
        else:
            index = replace(index, position=changes.position, applied=changes.read)
        # Every search reads the places' and speakers' names and aliases: worked out once the
        # index is loaded, or a place or speaker changed, not in some reader's first search.
        subject_names(index)
        _state["index"] = index
        _state["revision"] = seen
        if active:
            _request.index = index
        return index
