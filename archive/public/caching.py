"""Cached reads keyed by the archive's revision, so no edit ever leaves a stale answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from archive.facetindex.runtime import request_revision
from archive.revision import archive_revisions

T = TypeVar("T")
TIMEOUT = 60 * 60
PAGE_TIMEOUT = 10 * 60
KEPT_HEADERS = ("Content-Disposition", "Content-Language", "Last-Modified")


def cached_read(
    namespace: str,
    params: dict,
    compute: Callable[[], T],
    *,
    revision: int,
    counts: bool = False,
) -> T:
    """Return a cached value for these parameters at this revision, computing it if missing.

    counts says the revision is the counts revision (see archive.revision), a number of its own.
    """
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    key = f"archive:{namespace}:{'n' if counts else 'r'}{revision}:{digest[:32]}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


class PublicPageCacheMiddleware:
    """Serve a reader's repeat request for a public page from the cache, until the next edit.

    Only anonymous GET and HEAD requests for public pages are cached, and only whole 200
    responses; the key holds the archive's revision, so any edit makes every cached page stale
    at once. Editors (who carry a session cookie), the admin and the health check pass through.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.bypass = ("/" + settings.ADMIN_URL, "/healthz", "/" + settings.STATIC_URL.lstrip("/"))

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path.startswith(self.bypass)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
        ):
            return self.get_response(request)
        request.archive_revisions = revisions = archive_revisions()
        revision = revisions.content
        request_revision(revision)  # the facet index need not read its log if nothing changed
        address = request.build_absolute_uri()
        key = f"archive:page:{revision}:{hashlib.sha256(address.encode()).hexdigest()[:40]}"
        stored = cache.get(key)
        if stored is not None:
            content_type, body, headers = stored
            response = HttpResponse(body, content_type=content_type)
            for name, value in headers:
                response[name] = value
            response["X-Archive-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Vary")
        ):
            headers = [(h, response[h]) for h in KEPT_HEADERS if response.has_header(h)]
            cache.set(key, (response["Content-Type"], response.content, headers), PAGE_TIMEOUT)
        response["X-Archive-Cache"] = "miss"
        return response
