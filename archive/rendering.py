"""The form renderer: Django's templates, with its smallest widget templates done in Python.

An article's change form in the admin renders about 120 widgets, labels and (empty) error
lists, each through a template of its own: most of them a line or two (`attrs.html`,
`input.html`, `label.html`, an empty `ul.html`), where the template engine's per-render cost
outweighs the markup. For exactly those templates, `ArchiveFormRenderer` writes the same
markup in Python: the same attributes in the same order, escaped the same way, to the
character. Every other template, and any of these that the project overrides, is rendered by
the engine as before; `tests/test_rendering.py` compares the two on every widget the archive's
forms use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.template import Context, TemplateDoesNotExist
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

# Django's own form templates: a template is written in Python only while it is this one.
_DJANGO_FORMS = Path(django.__file__).resolve().parent / "forms" / "templates"
_OPTION = "django/forms/widgets/select_option.html"
# What `{{ value }}` does in a template: localized, then escaped unless safe.
_SHOWN = Context(autoescape=True)


class _LeaveToEngine(Exception):
    """A value the template would treat in a way these writers do not: a callable (the engine
    calls it), or attributes with an "items" key (the template's `attrs.items` reads the key)."""


def _plain(value: Any) -> Any:
    if callable(value):
        raise _LeaveToEngine
    return value


def _shown(value: Any) -> str:
    return render_value_in_context(_plain(value), _SHOWN)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape: stringformat keeps a safe value safe,
    and gives nothing for a value it cannot format."""
    value = _plain(value)
    try:
        text = str(value) if isinstance(value, tuple) else "%s" % (value,)  # noqa: UP031
    except (ValueError, TypeError):
        return ""
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """What the written templates include as django/forms/widgets/attrs.html (or attrs.html)."""
    if "items" in attrs:
        raise _LeaveToEngine
    parts = []
    for name, value in attrs.items():
        value = _plain(value)
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(context: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html (and the widgets that only include it)."""
    widget = context["widget"]
    value = _plain(widget["value"])
    # The template's own test, `widget.value != None`, not an identity check.
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711
    return (
        f'<input type="{_shown(widget["type"])}" '
        f'name="{_shown(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _select(context: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/select.html with select_option.html (None: an option of another
    template, left to the engine)."""
    widget = context["widget"]
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if _plain(group_name):
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"  # the option template's own newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(context: Mapping[str, Any]) -> str:
    """django/forms/widgets/textarea.html."""
    widget = context["widget"]
    value = _shown(widget["value"]) if _plain(widget["value"]) else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _label(context: Mapping[str, Any]) -> str:
    """django/forms/label.html."""
    label = _shown(context["label"])
    if not context["use_tag"]:
        return label
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _errors(context: Mapping[str, Any]) -> str | None:
    """django/forms/errors/list/default.html and ul.html, when the list is empty (None: let
    the template render the errors)."""
    return "" if not context["errors"] else None


# Django's widget templates that only include input.html.
_INPUT = (
    "input",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
_ATTRS = "django/forms/widgets/attrs.html"
_INCLUDES_INPUT = ("django/forms/widgets/input.html", _ATTRS)
_LIST = "django/forms/errors/list/ul.html"
# Each written template, its writer, and the templates it includes (all must be Django's).
_WRITTEN: dict[str, tuple[Callable[[Mapping[str, Any]], str | None], tuple[str, ...]]] = {
    **{f"django/forms/widgets/{name}.html": (_input, _INCLUDES_INPUT) for name in _INPUT},
    "django/forms/widgets/select.html": (_select, (_ATTRS, _OPTION)),
    "django/forms/widgets/textarea.html": (_textarea, (_ATTRS,)),
    "django/forms/label.html": (_label, ("django/forms/attrs.html",)),
    "django/forms/errors/list/default.html": (_errors, (_LIST,)),
    _LIST: (_errors, ()),
}


class ArchiveFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the templates of `_WRITTEN` written in Python."""

    def __init__(self) -> None:
        super().__init__()
        self._written: dict[str, Callable[[Mapping[str, Any]], str | None] | None] = {}

    def _writer(self, template_name: str):
        if template_name not in self._written:
            writer, included = _WRITTEN.get(template_name, (None, ()))
            if writer is not None and not all(
                self._djangos(name) for name in (template_name, *included)
            ):
                writer = None  # overridden (or missing): the templates decide
            self._written[template_name] = writer
        return self._written[template_name]

    def _djangos(self, template_name: str) -> bool:
        """Say whether the template found under this name is Django's own."""
        try:
            origin = Path(self.get_template(template_name).origin.name).resolve()
        except TemplateDoesNotExist:
            return False
        return _DJANGO_FORMS in origin.parents

    def render(self, template_name, context, request=None):
        writer = self._writer(template_name)
        if writer is not None:
            try:
                html = writer(context)
            except _LeaveToEngine:
                html = None
            if html is not None:
                return html.strip()  # a plain string, as Django's renderer returns
        return super().render(template_name, context, request=request)
