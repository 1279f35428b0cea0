"""Send reads to read replicas and writes (and everything the admin does) to the primary.

Replicas are configured with DATABASE_REPLICA_URLS (comma-separated); without them every query
goes to the primary and this router changes nothing.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_pinned: ContextVar[bool] = ContextVar("archive_db_pinned", default=False)


def replica_aliases() -> list[str]:
    """Return the configured replica database aliases."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@contextmanager
def use_primary():
    """Send every query in this block to the primary (e.g. for an editor's request)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if not replicas or _pinned.get():
            return "default"
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the same rows as the primary, so objects from any of them may relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PrimaryForEditorsMiddleware:
    """Pin the admin and every non-GET request to the primary, so editors read their own writes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(self.admin_prefix):
            with use_primary():
                return self.get_response(request)
        return self.get_response(request)
