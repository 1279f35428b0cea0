"""What every archive admin shares: history with restore, stale-save handling, tag actions."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from taggit.managers import TaggableManager

from archive.admin.forms import ArchiveAdminForm, ArchiveTagField, KnownChoiceSelect, TagNamesForm
from archive.editorial import history, tagging
from archive.editorial.restore import history_restore
from archive.models import Tag
from archive.versioning import StaleVersionError


def count_column(attr: str, description: str):
    """Return a changelist column that shows, and sorts by, an annotated count."""

    @admin.display(description=description, ordering=attr)
    def column(self, obj):
        return getattr(obj, attr)

    return column


def tag_links(obj) -> str:
    """Render an object's prefetched tags as links to the tag's admin filter."""
    tags = sorted(obj.tags.all(), key=lambda t: t.name.casefold())
    if not tags:
        return "—"
    return format_html_join(", ", "{}", ((t.name,) for t in tags))


class TagListFilter(admin.SimpleListFilter):
    """Filter a tagged model's list by one of the tags that model actually uses."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        through = model_admin.model.tags.through
        used = Tag.objects.filter(pk__in=through.objects.values("tag")).order_by("name")
        return [(t.slug, t.name) for t in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value()).distinct()
        return queryset


class KnownChoicesMixin:
    """Foreign keys in `autocomplete_fields` get the autocomplete that shows the row's own
    chosen object without a query (KnownChoiceSelect); for model admins and inlines."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoiceSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ArchiveModelAdmin(KnownChoicesMixin, SimpleHistoryAdmin):
    """Base admin for versioned, historied archive models."""

    form = ArchiveAdminForm
    formfield_overrides: dict[Any, dict[str, Any]] = {
        TaggableManager: {"form_class": ArchiveTagField},
        models.URLField: {"assume_scheme": "https"},
    }
    list_per_page = 100
    history_list_display = ["restore"]

    class Media:
        css = {"all": ["archive/admin/forms.css"]}

    object_history_form_template = "admin/archive/object_history_form.html"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.form.request_user = request.user
            yield formset, inline

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError:
            # The form check holds a row lock, so this means a save outside the admin raced it.
            self.message_user(
                request,
                "Someone else saved this item at the same moment; nothing was saved. "
                "Reload the page to see their version.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags, places and aliases are saved after the object; put them in this save's entry.
        history.history_record_relations(form.instance, user=request.user)
        for formset in formsets:
            for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
                if type(obj) in history.RELATIONS:
                    history.history_record_relations(obj, user=request.user)

    # --- History ----------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.history_restore_view),
                name=f"{info[0]}_{info[1]}_restore",
            ),
        ]
        return urls + super().get_urls()

    def restore(self, record):
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_restore",
            args=[record.id, record.history_id],
        )
        return format_html('<a href="{}">Restore this version…</a>', url)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                previous.history_delta_changes = [
                    {"field": c.field, "old": c.old, "new": c.new}
                    for c in history.history_changes(current, previous)
                ]
            previous = current
        if previous is not None and previous.relations:
            # The oldest entry shown: list its links so every version's tags are visible.
            previous.history_delta_changes = [
                {"field": history.RELATION_LABELS[name], "old": "", "new": ", ".join(v) or "—"}
                for name, v in previous.relations.items()
            ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            # Restoring goes through the confirmation page, which checks and records it.
            return HttpResponseNotAllowed(["GET"])
        record = self._history_record(request, object_id, version_id)
        request._archive_history_record = record
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _object_id(self, object_id):
        try:
            return self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404("No such item.") from None

    def history_view(self, request, object_id, extra_context=None):
        self._object_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def _history_record(self, request, object_id, version_id):
        history_model = self.model.history.model
        record = (
            history_model.objects.filter(id=self._object_id(object_id), history_id=version_id)
            .select_related("history_user")
            .first()
        )
        if record is None:
            raise Http404("No such version.")
        obj = self.model._default_manager.filter(pk=record.id).first()
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return record

    def render_history_view(self, request, template, context, **kwargs):
        record = getattr(request, "_archive_history_record", None)
        if record is not None and "adminform" in context:
            # The library's form reads tags from today's rows; show this version's own.
            form = context["adminform"].form
            for name, values in (record.relations or {}).items():
                if name not in form.fields:
                    continue
                if name == "tags":
                    form.initial[name] = ", ".join(values)
                else:
                    related = form.fields[name].queryset.model
                    form.initial[name] = list(
                        related.objects.filter(slug__in=values).values_list("pk", flat=True)
                    )
            for field in form.fields.values():
                field.disabled = True
            context["record"] = record
            context["restore_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_restore",
                args=[record.id, record.history_id],
            )
        return super().render_history_view(request, template, context, **kwargs)

    def history_restore_view(self, request, object_id, version_id):
        record = self._history_record(request, object_id, version_id)
        obj = self.model._default_manager.filter(pk=record.id).first()
        if obj is None:
            raise Http404("This item no longer exists.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        latest = obj.history.order_by("-history_date", "-history_id").first()
        changes = history.history_changes(latest, record) if latest else []
        error = None
        if request.method == "POST":
            try:
                history_restore(record, user=request.user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except StaleVersionError:
                error = "Someone else saved this item at the same moment; try again."
            else:
                self.message_user(
                    request,
                    f"Restored the version of {record.history_date:%d %b %Y %H:%M}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[obj.pk],
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore an earlier version of “{obj}”",
            "opts": self.opts,
            "object": obj,
            "record": record,
            "changes": changes,
            "error": error,
            "history_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]
            ),
        }
        return TemplateResponse(request, "admin/archive/history_restore.html", context)


class TaggedAdminMixin:
    """Bulk actions that add tags to, or remove tags from, the selected items."""

    @admin.action(
        description="Add tags to the selected %(verbose_name_plural)s…", permissions=["tag"]
    )
    def add_tags(self, request, queryset):
        return self._tag_action(request, queryset, "add")

    @admin.action(
        description="Remove tags from the selected %(verbose_name_plural)s…", permissions=["tag"]
    )
    def remove_tags(self, request, queryset):
        return self._tag_action(request, queryset, "remove")

    def has_tag_permission(self, request):
        return self.has_change_permission(request) or request.user.has_perm("archive.add_tag")

    def _tag_action(self, request, queryset, mode):
        form = TagNamesForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            service = tagging.tag_add if mode == "add" else tagging.tag_remove
            try:
                result = service(list(queryset), form.cleaned_data["tags"], user=request.user)
            except ValidationError as exc:
                form.add_error("tags", exc)
            else:
                names = ", ".join(result.tags)
                verb, where = ("Added", "to") if mode == "add" else ("Removed", "from")
                message = f"{verb} {names} {where} {result.changed} {self._plural(result.changed)}."
                if result.unchanged:
                    state = "already had" if mode == "add" else "did not have"
                    message += f" {result.unchanged} {self._plural(result.unchanged)} {state} them."
                self.message_user(request, message, messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": ("Add tags to" if mode == "add" else "Remove tags from")
            + f" {queryset.count()} {self._plural(queryset.count())}",
            "opts": self.opts,
            "form": form,
            "mode": mode,
            "objects": queryset[:50],
            "count": queryset.count(),
            "action": request.POST.get("action"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/archive/tag_action.html", context)

    def _plural(self, n):
        return self.opts.verbose_name if n == 1 else self.opts.verbose_name_plural
