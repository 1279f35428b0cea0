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
from django.utils.safestring import SafeData, SafeString, mark_safe

# Django's own form templates: a template is written in Python only while it is this one.
_DJANGO_FORMS = Path(django.__file__).resolve().parent / "forms" / "templates"
_OPTION = "django/forms/widgets/select_option.html"
# What `{{ value }}` does in a template: localized, then escaped unless safe.
_SHOWN = Context(autoescape=True)


def _shown(value: Any) -> str:
    return render_value_in_context(value, _SHOWN)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape: stringformat keeps a safe value safe."""
    text = str(value) if isinstance(value, tuple) else "%s" % (value,)  # noqa: UP031
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html and django/forms/attrs.html."""
    parts = []
    for name, value in attrs.items():
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
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
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
        if group_name:
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
    value = _shown(widget["value"]) if widget["value"] else ""
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
_WRITTEN: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUT},
    "django/forms/widgets/attrs.html": lambda context: _attrs(context["widget"]["attrs"]),
    "django/forms/attrs.html": lambda context: _attrs(context["attrs"]),
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class ArchiveFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the templates of `_WRITTEN` written in Python."""

    def __init__(self) -> None:
        super().__init__()
        self._written: dict[str, Callable[[Mapping[str, Any]], str | None] | None] = {}

    def _writer(self, template_name: str):
        if template_name not in self._written:
            writer = _WRITTEN.get(template_name)
            if writer is not None:
                try:
                    origin = Path(self.get_template(template_name).origin.name).resolve()
                except TemplateDoesNotExist:
                    origin = None
                if origin is None or _DJANGO_FORMS not in origin.parents:
                    writer = None  # overridden (or missing): the template decides
            self._written[template_name] = writer
        return self._written[template_name]

    def render(self, template_name, context, request=None):
        writer = self._writer(template_name)
        if writer is not None:
            html = writer(context)
            if html is not None:
                return SafeString(html.strip())  # as Django's renderer strips a template's
        return super().render(template_name, context, request=request)
