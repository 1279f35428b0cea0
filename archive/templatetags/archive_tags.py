"""Links that change one filter of a list and keep every other parameter."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


def _url(params: QueryDict) -> str:
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def facet_toggle_url(context, name: str, value: str) -> str:
    """Return the query string with one facet value added, or removed if it is already there."""
    params = context["request"].GET.copy()
    values = params.getlist(name)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(name, values)
    return _url(params)


@register.simple_tag(takes_context=True)
def without_param_url(context, name: str) -> str:
    """Return the query string without one parameter (all its values)."""
    params = context["request"].GET.copy()
    params.pop(name, None)
    return _url(params)


@register.simple_tag(takes_context=True)
def with_format_url(context, export: str) -> str:
    """Return the query string of this list in another format (JSON, CSV)."""
    params = context["request"].GET.copy()
    params["format"] = export
    params.pop("page", None)
    return f"?{params.urlencode()}"
