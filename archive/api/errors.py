"""The read API's answers other than 200: a status, a sentence, and the parameters at fault."""

from __future__ import annotations

from archive.api.cursor import Cursor, CursorError, cursor_decode


class ApiError(Exception):
    """An answer other than 200: its status, a sentence, and the parameters at fault."""

    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []

    def body(self) -> dict:
        """Return the JSON body of this answer (the schema's Error)."""
        return {"status": self.status, "detail": self.detail, "errors": self.errors}


def bad_parameters(errors: list[dict]) -> ApiError:
    """Return a 400 naming each parameter at fault, once, in the order found."""
    names = ", ".join(dict.fromkeys(error["parameter"] for error in errors))
    return ApiError(400, f"Invalid parameter: {names}.", errors)


def bad_cursor(error: CursorError) -> ApiError:
    """Return the 400 for a cursor this API did not write."""
    return bad_parameters([{"parameter": "cursor", "message": str(error)}])


def not_found(what: str) -> ApiError:
    """Return the 404 for an unknown or unpublished object of a kind ("article", "place")."""
    return ApiError(404, f"No published {what} has this address.")


def validation_errors(errors) -> ApiError:
    """Return the 400 for django-ninja's own parameter validation errors."""
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        found.append({"parameter": location[0] if location else "", "message": error["msg"]})
    return bad_parameters(found)


def decode_cursor(token: str | None) -> Cursor | None:
    """Return the position a `cursor` parameter names, or a 400 if it is not one of ours."""
    try:
        return cursor_decode(token)
    except CursorError as error:
        raise bad_cursor(error) from None
