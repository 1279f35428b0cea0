"""The full-text engines, one class per database engine, and the one place that picks one.

`backend_for(connection)` is the only code in the archive that looks at which database is in
use for search: everything engine-specific (index tables, triggers, query SQL, snippets) lives
in that engine's class (as in Wagtail's wagtail/search/backends/).
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

from archive.search.backends.base import SearchBackend
from archive.search.backends.postgres import PostgresSearchBackend
from archive.search.backends.sqlite import SQLiteSearchBackend

ENGINES: dict[str, type[SearchBackend]] = {
    engine.vendor: engine for engine in (SQLiteSearchBackend, PostgresSearchBackend)
}


def backend_for(connection: BaseDatabaseWrapper) -> SearchBackend | None:
    """Return the search engine for this database, or None if it has none (no index is kept)."""
    engine = ENGINES.get(connection.vendor)
    return engine(connection) if engine else None


def search_backend(connection: BaseDatabaseWrapper) -> SearchBackend:
    """Return the search engine for this database; raise NotSupportedError if it has none."""
    backend = backend_for(connection)
    if backend is None:
        raise NotSupportedError(f"full-text search has no engine for {connection.vendor}")
    return backend
