"""Cached reads keyed by the archive's revision, so no edit ever leaves a stale answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
TIMEOUT = 60 * 60


def cached_read(namespace: str, params: dict, compute: Callable[[], T], *, revision: int) -> T:
    """Return a cached value for these parameters at this revision, computing it if missing."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    key = f"archive:{namespace}:{revision}:{digest[:32]}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
