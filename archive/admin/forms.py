"""Admin forms: the tag field with suggestions, the stale-save check, the status rules."""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from taggit.forms import TagField

from archive.editorial import history, tagging
from archive.editorial.policy import (
    NOT_AN_EDITOR,
    NOT_AN_EDITOR_STATUS,
    policy_may_place_in,
    policy_may_set_status,
)
from archive.models import Article, ArticleStatus, Tag


class TagSuggestWidget(forms.TextInput):
    """A comma-separated tag input that suggests existing tags as the editor types."""

    class Media:
        css = {"all": ["archive/admin/tag-suggest.css"]}
        js = ["archive/admin/tag-suggest.js"]

    def __init__(self, attrs=None):
        super().__init__(
            {"class": "vTextField tag-suggest", "autocomplete": "off", **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-suggest-url"] = reverse("admin:archive_tag_suggest")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The wrapper anchors the suggestion list under the input.
        html = super().render(name, value, attrs, renderer)
        return format_html('<span class="tag-suggest-wrap">{}</span>', html)

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            value = ", ".join(sorted((getattr(t, "name", t) for t in value), key=str.casefold))
        return super().format_value(value)


class KnownChoiceSelect(AutocompleteSelect):
    """The admin's autocomplete for a foreign key, which shows the chosen object from the row
    the form was opened on when the row already holds it (read with `select_related`), instead
    of looking it up again: one query fewer per autocomplete on a change form, about twenty on
    an article's with its quotes and captions. Anything else (a value posted that differs, a
    field whose choices are filtered) is looked up as Django does."""

    known = None  # the object the form's row points to, set by ArchiveAdminForm

    def optgroups(self, name, value, attr=None):
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known, field = self.known, self.choices.field
        remote = self.field.remote_field
        to_field = remote.model._meta.get_field(
            getattr(remote, "field_name", remote.model._meta.pk.attname)
        ).attname
        if (
            known is None
            or self.choices.queryset.query.has_filters()
            or selected_choices != {str(getattr(known, to_field))}
        ):
            return super().optgroups(name, value, attr)
        # Django's optgroups with its one query's one row (same options, same arguments).
        default = (None, [], 0)
        if not self.is_required:
            default[1].append(self.create_option(name, "", "", False, 0))
        option_value = getattr(known, to_field)
        default[1].append(
            self.create_option(
                name,
                option_value,
                field.label_from_instance(known),
                selected_choices,
                len(default[1]),
            )
        )
        return [default]


class ArchiveTagField(TagField):
    """Comma-separated tag names, matched to existing tags ignoring case and punctuation."""

    widget = TagSuggestWidget

    def __init__(self, **kwargs):
        kwargs["help_text"] = (
            "Separate tags with commas. Existing tags are suggested as you type; a name that "
            "differs from an existing tag only in case or punctuation uses that tag."
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = forms.CharField.clean(self, value) or ""
        return Tag.objects.resolve(tagging.tag_names_parse(text))

    def has_changed(self, initial_value, data_value):
        if self.disabled:
            return False
        before = sorted(t.name.casefold() for t in initial_value or [])
        after = sorted(n.casefold() for n in tagging.tag_names_parse(data_value or ""))
        return before != after


class ArchiveAdminForm(forms.ModelForm):
    """A change form that refuses to overwrite a save made after the editor opened the page.

    The version the editor saw travels in a hidden field; if the row has moved on, the form
    is invalid, says who changed what, and keeps the editor's input. Submitting the form again
    then saves it on top of the other change, knowingly.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by the admin for the request (see ArchiveModelAdmin.get_form).
    request_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version
        for field in self.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the related wrapper
            if isinstance(widget, KnownChoiceSelect) and widget.field.is_cached(self.instance):
                widget.known = widget.field.get_cached_value(self.instance)

    def clean(self):
        cleaned = super().clean()
        self._check_article_target(cleaned)
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned
        seen = cleaned.get("seen_version")
        model = type(self.instance)
        # Locks the row until the admin's transaction ends, so no save slips in between.
        current = (
            model._base_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None:
            raise ValidationError("Someone else deleted this item while you were editing it.")
        if seen is None:
            raise ValidationError(
                "This form does not say which version of the item it was opened at. "
                "Reload the page and make your changes again.",
                code="stale",
            )
        if seen != current:
            conflict = history.history_conflict(self.instance, seen)
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = str(current)
            raise ValidationError(self._conflict_message(conflict), code="stale")
        self.instance.version = seen
        return cleaned

    def _check_article_target(self, cleaned):
        """Refuse to put a quote or caption into an article the user may not change."""
        article = cleaned.get("article")
        if not isinstance(article, Article) or self.request_user is None:
            return
        if not policy_may_place_in(self.request_user, article):
            self.add_error("article", NOT_AN_EDITOR)

    def _conflict_message(self, conflict):
        name = self.instance._meta.verbose_name
        when = (
            timezone.localtime(conflict.changed_at).strftime("%d %b %Y %H:%M")
            if conflict.changed_at
            else "a moment ago"
        )
        if conflict.changes:
            changed = format_html(
                " They changed: {}.",
                format_html_join(
                    "; ",
                    "{} is now “{}”",
                    ((c.field, Truncator(c.new).chars(120)) for c in conflict.changes),
                ),
            )
        else:
            changed = ""
        return format_html(
            "{} changed this {} at {} after you opened it, so your changes were not saved.{} "
            "Your input is still in the form below: compare it with the saved version (open "
            "this page in a new tab), then save again to replace theirs with yours.",
            conflict.changed_by,
            name,
            when,
            changed,
        )


class ArchiveInlineFormSet(forms.BaseInlineFormSet):
    """An article's quotes or captions inline, where a row the editor left as it was is not
    checked again.

    Django cleans every row of the formset on a save, the unchanged ones too: each row's
    choices looked up, its foreign keys and constraints checked, its version locked and
    compared, about ten queries a row, for rows the save then leaves alone. Here a stored row
    whose fields all came back as they are stored is treated like an empty extra row: not
    validated and not saved, so an article's save costs what it changes. A row with any
    change (deletion included) is checked in full, as before. That includes a row someone
    else changed after the form was opened: it posts what the editor saw, which differs from
    what is stored, so its version check refuses it as before.
    """

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.is_bound and index is not None and index < self.initial_form_count():
            kwargs["empty_permitted"] = True
        return kwargs

    def validate_unique(self):
        """Django's check that no two rows share a position (or any other unique set of
        fields), with the untouched rows taking part as what they hold: their stored values,
        which are what they posted. The model's own check cannot stand in, since it leaves
        out the article the rows belong to."""
        # A stored row that came back as it is stored was not cleaned (see get_form_kwargs).
        untouched = [form for form in self.initial_forms if not form.has_changed()]
        if untouched:
            checks, _ = untouched[0].instance._get_unique_checks(include_meta_constraints=True)
            names = {name for _model, fields in checks for name in fields}
            for form in untouched:
                form.cleaned_data = self._stored_values(form, names)
        try:
            super().validate_unique()
        finally:
            for form in untouched:
                form.cleaned_data = {}

    def _stored_values(self, form, names: set[str]) -> dict:
        """The row's stored values of these fields, as its cleaned data would hold them."""
        instance = form.instance
        values = {}
        for name in names:
            if name == self.fk.name:
                values[name] = self.instance
            elif name in form.fields:
                values[name] = getattr(instance, instance._meta.get_field(name).attname)
        return values


class ParagraphsField(forms.CharField):
    """The article body as plain text, one paragraph after another, a blank line between."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 18, "class": "vLargeTextField"}))
        kwargs.setdefault(
            "help_text",
            "The body text. Leave a blank line between paragraphs; quotes point at paragraphs "
            "by their number, counting from 1.",
        )
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n\n".join(str(p) for p in value)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace("\r\n", "\n")
        return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


class ArticleAdminForm(ArchiveAdminForm):
    """The article form, which lets only editors publish or unpublish."""

    paragraphs = ParagraphsField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        user = self.request_user
        if status is None or user is None:
            return
        original = self.instance.status if self.instance.pk else ArticleStatus.DRAFT
        status.choices = [
            (value, label)
            for value, label in status.choices
            if policy_may_set_status(user, original, value)
        ]
        status.error_messages["invalid_choice"] = NOT_AN_EDITOR_STATUS

    def clean_status(self):
        status = self.cleaned_data.get("status")
        original = self.instance.status if self.instance.pk else ArticleStatus.DRAFT
        if self.instance.pk:
            # The instance may carry the posted status already; read the saved one.
            original = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("status", flat=True)
                .first()
                or original
            )
        if self.request_user is not None and not policy_may_set_status(
            self.request_user, original, status
        ):
            raise ValidationError(NOT_AN_EDITOR_STATUS)
        return status


class TagNamesForm(forms.Form):
    """The small form of the add-tags and remove-tags actions."""

    tags = forms.CharField(
        label="Tags",
        widget=TagSuggestWidget,
        help_text="Separate tags with commas; existing tags are suggested as you type.",
    )

    def clean_tags(self):
        names = tagging.tag_names_parse(self.cleaned_data["tags"])
        if not names:
            raise ValidationError("Give at least one tag name.")
        return names


class TagMergeForm(forms.Form):
    """Choose the tag the others are merged into."""

    target = forms.ChoiceField(
        label="Keep this tag", widget=forms.RadioSelect, help_text="The others merge into it."
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(str(t.pk), t.name) for t in tags]
