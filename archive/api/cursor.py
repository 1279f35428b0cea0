"""Cursor pagination: opaque `cursor` tokens for `next` and `previous`, never page numbers.

A date-ordered list is paged by keyset: the cursor holds the date and id of the row it starts
after (or ends before), so a page costs the same however deep it is and rows added meanwhile
do not shift it. A list ranked by best match, and the ranked subject indexes, are paged by
position in their ranking, which is bounded (see archive.public.pagination.RANKED_MAX).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class CursorError(ValueError):
    """A cursor that this API did not write, or that was altered."""


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after a row (forward) or before one (backward), or at an offset."""

    offset: int | None = None
    day: datetime.date | None = None
    pk: int | None = None
    backward: bool = False

    def encode(self) -> str:
        data: dict[str, Any]
        if self.offset is not None:
            data = {"o": self.offset}
        elif self.day is not None:
            data = {"d": self.day.isoformat(), "k": self.pk, "b": int(self.backward)}
        else:
            raise ValueError("A cursor holds either an offset or a day.")
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(token: str | None) -> Cursor | None:
    """Return the cursor a token holds, None for none; raise CursorError for a bad one."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        if "o" in data:
            offset = data["o"]
            if type(offset) is not int or offset < 0:
                raise CursorError
            return Cursor(offset=offset)
        pk, backward = data["k"], data["b"]
        if type(pk) is not int or backward not in (0, 1):
            raise CursorError
        return Cursor(day=datetime.date.fromisoformat(data["d"]), pk=pk, backward=bool(backward))
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError) as error:
        raise CursorError("This cursor is not one this API gave out.") from error


@dataclass
class Window:
    """The rows of one page, and the cursors of the pages either side (None at an end)."""

    rows: list
    next: Cursor | None
    previous: Cursor | None


def keyset_page(
    rows: QuerySet, *, date_field: str, newest_first: bool, cursor: Cursor | None, limit: int
) -> Window:
    """Return one page of rows ordered by (date, id), newest or oldest first, from a cursor."""
    if cursor is not None and cursor.offset is not None:
        raise CursorError("This cursor belongs to a list in another order.")
    # Going forward in a newest-first list means going to older rows, and the other way round.
    older = newest_first != bool(cursor and cursor.backward)
    if cursor is not None:
        op = "lt" if older else "gt"
        rows = rows.filter(
            Q(**{f"{date_field}__{op}": cursor.day})
            | Q(**{date_field: cursor.day, f"pk__{op}": cursor.pk})
        )
    order = (f"-{date_field}", "-pk") if older else (date_field, "pk")
    fetched = list(rows.order_by(*order)[: limit + 1])
    more = len(fetched) > limit
    fetched = fetched[:limit]
    if cursor is not None and cursor.backward:
        fetched.reverse()

    def key(row, *, backward: bool) -> Cursor:
        day = row
        for part in date_field.split("__"):
            day = getattr(day, part)
        return Cursor(day=day, pk=row.pk, backward=backward)

    if not fetched:
        return Window([], None, None)
    backward = bool(cursor and cursor.backward)
    has_next = more if not backward else True
    has_previous = (cursor is not None) if not backward else more
    return Window(
        fetched,
        key(fetched[-1], backward=False) if has_next else None,
        key(fetched[0], backward=True) if has_previous else None,
    )


def offset_page(rows, *, cursor: Cursor | None, limit: int) -> Window:
    """Return one page of a ranked sequence (a list or a sliceable queryset) from a cursor."""
    start = 0
    if cursor is not None:
        if cursor.offset is None:
            raise CursorError("This cursor belongs to a list in another order.")
        start = cursor.offset
    fetched = list(rows[start : start + limit + 1])
    more = len(fetched) > limit
    return Window(
        fetched[:limit],
        Cursor(offset=start + limit) if more else None,
        Cursor(offset=max(start - limit, 0)) if start > 0 else None,
    )
