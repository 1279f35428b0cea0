"""`format_html` and `format_html_join` for markup a page repeats hundreds of times.

They print exactly what Django's print (each value escaped as `conditional_escape` escapes it:
its own `__html__` if it has one, else `html.escape` of its text), without the lazy-string
checks that wrap every call of Django's `escape`: on a list page those checks cost more than
the rows' formatting itself.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def escaped(value: object) -> str:
    """Return a value as a template's `{{ value }}` prints it."""
    if isinstance(value, Promise):
        value = str(value)
    own = getattr(value, "__html__", None)
    if own is not None:
        return own()
    return html.escape(str(value))


def format_html(template: str, *args: object) -> SafeString:
    """Return template with each argument escaped and put in its place (`str.format`)."""
    return SafeString(template.format(*map(escaped, args)))


def format_html_join(separator: str, template: str, rows: Iterable[Iterable[object]]) -> SafeString:
    """Return format_html(template, *row) for every row, joined by the (escaped) separator."""
    return SafeString(escaped(separator).join(template.format(*map(escaped, row)) for row in rows))
