"""Admin for statements: the queue of suggestions editors confirm, split, merge or reject, and
the rejected pairs of quotes, which editors may un-reject."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.admin.base import ArchiveModelAdmin
from archive.admin.content import PublishedReadOnlyMixin
from archive.editorial.policy import policy_may_change, policy_may_forget_rejection
from archive.models import ArticleStatus, Quote, Statement, StatementRejection, StatementStatus
from archive.statements import services


class SplitForm(forms.Form):
    quotes = forms.ModelMultipleChoiceField(
        queryset=Quote.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Quotes to move into a new statement",
    )

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["quotes"]
        field.queryset = statement.quotes.select_related("article__outlet", "speaker")
        field.label_from_instance = lambda q: f"{q.article.outlet}: “{q.text}” ({q.speaker})"


@admin.register(Statement)
class StatementAdmin(PublishedReadOnlyMixin, ArchiveModelAdmin):
    list_display = ["__str__", "status", "said_on", "quote_count", "outlet_count", "published"]
    list_filter = ["status", "said_on"]
    list_select_related = ["speaker"]
    search_fields = ["slug", "summary", "speaker__name", "quotes__text"]
    autocomplete_fields = ["speaker"]
    date_hierarchy = "said_on"
    actions = ["confirm", "reject", "merge", "split"]
    fields = ["slug", "speaker", "said_on", "status", "summary", "notes", "seen_version"]
    readonly_fields = ["members"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields[:-1], "members", fields[-1]] if obj is not None else fields

    def get_queryset(self, request):
        published = Q(quotes__article__status=ArticleStatus.PUBLISHED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                quote_total=Count("quotes", distinct=True),
                outlet_total=Count("quotes__article__outlet", distinct=True),
                published_total=Count("quotes", filter=published, distinct=True),
            )
        )

    @admin.display(description="quotes", ordering="quote_total")
    def quote_count(self, obj):
        return obj.quote_total

    @admin.display(description="outlets", ordering="outlet_total")
    def outlet_count(self, obj):
        return obj.outlet_total

    @admin.display(description="published quotes", ordering="published_total")
    def published(self, obj):
        return obj.published_total

    @admin.display(description="quotes it reports")
    def members(self, obj):
        quotes = obj.quotes.select_related("article__outlet", "speaker").order_by(
            "article__published_on", "article__slug", "position"
        )
        rows = (
            (
                reverse("admin:archive_quote_change", args=[q.pk]),
                q.article.outlet,
                q.text,
                q.speaker,
                q.article.get_status_display(),
            )
            for q in quotes
        )
        html = format_html_join("", '<li><a href="{}">{}</a>: “{}” ({}; {})</li>', rows)
        return format_html("<ul>{}</ul>", html) if html else "—"

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.status != StatementStatus.REJECTED else None

    def _run(self, request, action, success):
        try:
            result = action()
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return None
        self.message_user(request, success(result), messages.SUCCESS)
        return result

    @admin.action(description="Confirm the selected statements", permissions=["change"])
    def confirm(self, request, queryset):
        self._run(
            request,
            lambda: services.statement_confirm(queryset, user=request.user),
            lambda n: f"{n} statement{'s' if n != 1 else ''} confirmed.",
        )

    @admin.action(
        description="Reject the selected statements (never suggest their quotes together)",
        permissions=["change"],
    )
    def reject(self, request, queryset):
        self._run(
            request,
            lambda: services.statement_reject(queryset, user=request.user),
            lambda n: f"Rejected; {n} quote{'s' if n != 1 else ''} let go.",
        )

    @admin.action(description="Merge the selected statements into one", permissions=["change"])
    def merge(self, request, queryset):
        self._run(
            request,
            lambda: services.statement_merge(queryset, user=request.user),
            lambda kept: f"Merged into {kept}.",
        )

    @admin.action(description="Split quotes off the selected statement…", permissions=["change"])
    def split(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select one statement to split.", messages.ERROR)
            return None
        statement = queryset.get()
        if not policy_may_change(request.user, statement):
            self.message_user(request, services.NOT_ALLOWED, messages.ERROR)
            return None
        form = SplitForm(request.POST if "apply" in request.POST else None, statement=statement)
        if "apply" in request.POST and form.is_valid():
            result = self._run(
                request,
                lambda: services.statement_split(
                    statement, form.cleaned_data["quotes"], user=request.user
                ),
                lambda part: f"Split into {part}.",
            )
            if result is not None:
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Split quotes off {statement}",
            "opts": self.opts,
            "statement": statement,
            "form": form,
            "action": request.POST.get("action"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/archive/statement_split.html", context)


@admin.register(StatementRejection)
class StatementRejectionAdmin(admin.ModelAdmin):
    """Pairs of quotes editors said are not one statement: read-only, with an un-reject action.

    Nobody adds or edits a pair here (rejecting a statement records them); un-rejecting one,
    so its quotes may be suggested together again, is an editor's decision (the role policy).
    """

    list_display = ["first_quote", "second_quote", "rejected_by", "rejected_at"]
    list_select_related = [
        "first__article__outlet",
        "first__speaker",
        "second__article__outlet",
        "second__speaker",
        "rejected_by",
    ]
    list_filter = ["rejected_at"]
    search_fields = ["first__text", "second__text", "rejected_by__username"]
    date_hierarchy = "rejected_at"
    fields = ["first_quote", "second_quote", "rejected_by", "rejected_at"]
    readonly_fields = ["first_quote", "second_quote", "rejected_by", "rejected_at"]
    actions = ["unreject"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("first__article__paragraphs", "second__article__paragraphs")
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Un-rejecting is the one way to delete a pair, and it says so.
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return policy_may_forget_rejection(request.user)

    def _quote(self, quote):
        url = reverse("admin:archive_quote_change", args=[quote.pk])
        return format_html(
            '<a href="{}">{}</a>: “{}” ({}, {})',
            url,
            quote.article.outlet,
            quote.text,
            quote.speaker,
            quote.article.published_on,
        )

    @admin.display(description="first quote", ordering="first")
    def first_quote(self, obj):
        return self._quote(obj.first)

    @admin.display(description="second quote", ordering="second")
    def second_quote(self, obj):
        return self._quote(obj.second)

    @admin.action(
        description="Un-reject the selected pairs (they may be suggested together again)",
        permissions=["delete"],
    )
    def unreject(self, request, queryset):
        rejections = list(queryset)
        try:
            count = services.rejection_pairs_forget(rejections, user=request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.log_deletions(request, rejections)
        self.message_user(
            request,
            f"{count} pair{'s' if count != 1 else ''} un-rejected; the next suggestion run may "
            "join their quotes.",
            messages.SUCCESS,
        )
