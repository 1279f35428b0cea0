"""Tag management: usage per model, suggestions, rename, merge, delete unused, and the log."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from archive.admin.base import count_column
from archive.admin.forms import TagMergeForm
from archive.editorial import tagging
from archive.models import Tag, TagOperation, TagRedirect, tag_name_validate


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "articles_uses",
        "quotes_uses",
        "captions_uses",
        "places_uses",
        "speakers_uses",
        "total",
        "public_link",
    ]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    fields = ["name", "slug"]
    readonly_fields = ["slug"]
    actions = ["merge_tags", "delete_unused"]
    list_per_page = 100

    def get_queryset(self, request):
        return tagging.tag_usage(super().get_queryset(request))

    def get_actions(self, request):
        actions = super().get_actions(request)
        # A plain delete would silently untag everything; delete_unused replaces it.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and tagging.tag_usage(Tag.objects.filter(pk=obj.pk)).get().total_count:
            return False
        return super().has_delete_permission(request, obj)

    articles_uses = count_column("articles_count", "articles")
    quotes_uses = count_column("quotes_count", "quotes")

    captions_uses = count_column("captions_count", "captions")
    places_uses = count_column("places_count", "places")

    speakers_uses = count_column("speakers_count", "speakers")
    total = count_column("total_count", "total")

    @admin.display(description="public page")
    def public_link(self, obj):
        return format_html('<a href="{}">/tags/{}/</a>', obj.get_absolute_url(), obj.slug)

    # --- Rename through the change form -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        new_name = obj.name
        obj.refresh_from_db(fields=["name", "slug"])
        tagging.tag_rename(obj, new_name, user=request.user)
        obj.refresh_from_db()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RenameForm(form):
            def clean_name(self):
                name = " ".join(self.cleaned_data["name"].split())
                tag_name_validate(name)
                clash = (
                    Tag.objects.exclude(pk=self.instance.pk).filter(name__iexact=name).first()
                    or Tag.objects.exclude(pk=self.instance.pk)
                    .filter(slug=Tag().slugify(name))
                    .first()
                )
                if clash is not None:
                    raise ValidationError(
                        f"There is already a tag called “{clash.name}”. To make them one, "
                        "select both in the tag list and use “Merge selected tags”."
                    )
                return name

        return RenameForm

    # --- Suggestions for the tag inputs -----------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "suggest/",
                self.admin_site.admin_view(self.suggest_view),
                name="archive_tag_suggest",
            )
        ]
        return urls + super().get_urls()

    def suggest_view(self, request):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        text = request.GET.get("q", "")
        return JsonResponse({"results": tagging.tag_suggestions(text)})

    # --- Merge and delete -------------------------------------------------------------------

    @admin.action(description="Merge the selected tags…", permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        tags = list(tagging.tag_usage(queryset).order_by("-total_count", "name"))
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        form = TagMergeForm(
            request.POST if "target" in request.POST else None,
            tags=tags,
            initial={"target": str(tags[0].pk)},
        )
        preview = None
        if form.is_bound and form.is_valid():
            target = next(t for t in tags if str(t.pk) == form.cleaned_data["target"])
            sources = [t for t in tags if t.pk != target.pk]
            if "confirm" in request.POST:
                try:
                    operation = tagging.tag_merge(sources, target, user=request.user)
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return None
                moved = sum(v["moved"] for v in operation.moved.values())
                dropped = sum(v["duplicates"] for v in operation.moved.values())
                self.message_user(
                    request,
                    f"Merged {', '.join(operation.source_names)} into {target.name}: "
                    f"{moved} taggings moved, {dropped} duplicates dropped.",
                    messages.SUCCESS,
                )
                return None
            preview = {
                "target": target,
                "sources": sources,
                "rows": tagging.tag_merge_preview(sources, target),
            }
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.opts,
            "form": form,
            "tags": tags,
            "preview": preview,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action": "merge_tags",
        }
        return TemplateResponse(request, "admin/archive/tag/merge.html", context)

    @admin.action(description="Delete the selected tags that nothing uses", permissions=["delete"])
    def delete_unused(self, request, queryset):
        deleted, kept = tagging.tag_delete_unused(list(queryset), user=request.user)
        if deleted:
            self.message_user(request, f"Deleted {', '.join(deleted)}.", messages.SUCCESS)
        if kept:
            self.message_user(
                request,
                f"Kept {', '.join(kept)}: still in use. Merge or untag them first.",
                messages.WARNING,
            )


@admin.register(TagOperation)
class TagOperationAdmin(admin.ModelAdmin):
    list_display = ["performed_at", "kind", "source_list", "target_name", "moved", "performed_by"]
    list_filter = ["kind"]
    list_select_related = ["performed_by"]
    search_fields = ["target_name", "source_names"]
    date_hierarchy = "performed_at"

    @admin.display(description="tags")
    def source_list(self, obj):
        return ", ".join(obj.source_names)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TagRedirect)
class TagRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "tag", "created_at"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "tag__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
