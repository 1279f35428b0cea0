"""Public statement pages: the list (with JSON and CSV), one statement's versions side by side,
and a photo's captions across outlets side by side (its journey).

Readers see only statements that report a published quote, and only published quotes of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.generic import TemplateView

from archive.models import ArticleStatus, Outlet, PhotoCaption, Speaker, Statement
from archive.public import exports
from archive.statements.filters import StatementFilter
from archive.statements.journeys import caption_journey
from archive.statements.selectors import statement_for_page, statement_public_list

EXPORT_FORMATS = ("json", "csv")
HEADERS = [
    "id",
    "url",
    "speaker",
    "speaker_name",
    "said_on",
    "status",
    "summary",
    "quotes",
    "outlets",
    "fullest",
]


def statement_row(statement: Statement, absolute) -> dict:
    """Return the public fields of a statement as plain data."""
    quotes = statement.published_quotes  # type: ignore[attr-defined]  # a Prefetch to_attr
    fullest = max(quotes, key=lambda q: len(q.text)).text if quotes else ""
    return {
        "id": statement.pk,
        "url": absolute(statement.get_absolute_url()),
        "speaker": statement.speaker.slug,
        "speaker_name": statement.speaker.name,
        "said_on": statement.said_on.isoformat(),
        "status": statement.status,
        "summary": statement.summary,
        "quotes": len(quotes),
        "outlets": sorted({q.article.outlet.slug for q in quotes}),
        "fullest": fullest,
    }


class StatementListView(TemplateView):
    template_name = "archive/statement_list.html"

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format")
        if export is not None and export not in EXPORT_FORMATS:
            return HttpResponse(
                f"Unknown format. Choose one of: {', '.join(EXPORT_FORMATS)}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        self.filterset = StatementFilter(request.GET, queryset=statement_public_list())
        valid = self.filterset.is_valid()
        rows = self.filterset.qs if valid else self.filterset.queryset.none()
        absolute = request.build_absolute_uri
        if export == "csv" and valid:
            response = StreamingHttpResponse(
                exports.csv_lines(HEADERS, (statement_row(s, absolute) for s in rows)),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="statements.csv"'
            return response
        paginator = Paginator(rows, settings.ARCHIVE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        if export == "json" and valid:
            return JsonResponse(
                {
                    "count": paginator.count,
                    "page": page.number,
                    "pages": paginator.num_pages,
                    "results": [statement_row(s, absolute) for s in page.object_list],
                },
                json_dumps_params={"ensure_ascii": False, "indent": 1},
            )
        context = self.get_context_data(
            filter=self.filterset,
            page_obj=page,
            paginator=paginator,
            object_list=page.object_list,
            result_count=paginator.count,
            facets=self.facets(rows) if valid and paginator.count else [],
            export_formats=EXPORT_FORMATS,
        )
        response = self.render_to_response(context)
        if not valid:
            response.status_code = 400
        return response

    def facets(self, rows) -> list[dict]:
        """Count the listed statements by speaker and by outlet (one query each)."""
        ids = rows.order_by().values("pk")
        speakers = (
            Speaker.objects.filter(statements__in=ids)
            .annotate(n=Count("statements", distinct=True))
            .order_by("-n", "name")[:20]
        )
        outlets = (
            Outlet.objects.filter(
                articles__status=ArticleStatus.PUBLISHED, articles__quotes__statement__in=ids
            )
            .annotate(n=Count("articles__quotes__statement", distinct=True))
            .order_by("-n", "name")[:20]
        )
        return [
            {"name": "speaker", "label": "Speaker", "values": list(speakers)},
            {"name": "outlet", "label": "Outlet", "values": list(outlets)},
        ]


class StatementDetailView(TemplateView):
    template_name = "archive/statement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["page"] = statement_for_page(pk=self.kwargs["pk"])
        except Statement.DoesNotExist:
            raise Http404("No public statement has this number.") from None
        return context


class PhotoJourneyView(TemplateView):
    """The captions one agency photo was printed with in every outlet, side by side."""

    template_name = "archive/photocaption_journey.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["journey"] = caption_journey(
                slug=self.kwargs["slug"], position=self.kwargs["position"]
            )
        except PhotoCaption.DoesNotExist:
            raise Http404("No other outlet printed this photo, or it is not published.") from None
        return context
