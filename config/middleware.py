"""Guards that apply to every request, before any view or database sees it."""

from __future__ import annotations

from urllib.parse import unquote_plus

from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import reverse


class RefuseNulMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL character.

    No address of the archive contains one, and PostgreSQL text cannot hold one: passed on, it
    would reach a lookup (a tag's address, an admin search) and fail as a server error there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote_plus(query, errors="replace"):
            detail = "This address holds a NUL character, which no page of the archive has."
            if request.path.startswith(reverse("api:index")):
                # An API client gets the API's own error body (archive.api.schemas.Error).
                return JsonResponse({"status": 400, "detail": detail, "errors": []}, status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
