from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from archive.facetindex.runtime import index_current
from archive.models import Article, Outlet, PhotoCaption, Place, Quote, Speaker, Tag, TagRedirect
from archive.public import (
    exports,
    facets,
    maps,
    pagination,
    photos,
    selectors,
    spellings,
    structured,
)
from archive.public.caching import cached_read
from archive.public.filters import ArticleFilter, PhotoCaptionFilter, QuoteFilter
from archive.public.pagination import IdPaginator, RankedPaginator, rows_by_id
from archive.revision import Revisions, archive_revisions
from archive.search import query as search

EXPORT_FORMATS = ("json", "csv")


def request_revisions(request) -> Revisions:
    """Return the archive's revisions, as the page cache read them for this request."""
    return getattr(request, "archive_revisions", None) or archive_revisions()


class HomeView(TemplateView):
    template_name = "archive/home.html"
    size = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The whole archive's counts are the three lists' own, from the facet index.
        index = index_current()
        articles = Article.objects.published().for_list()
        filterset = ArticleFilter(data={}, queryset=articles)
        filterset.is_valid()
        matcher = facets.whole_list_matcher(Article, index)
        by_name = {
            facet.name: facet.values[: self.size]
            for facet in facets.list_facets(filterset=filterset, base=articles, matcher=matcher)
        }
        totals = {
            name: index.docs[facets.KIND_OF[model]].live_count()
            for name, model in (("articles", Article), ("quotes", Quote), ("photos", PhotoCaption))
        }
        context["overview"] = selectors.Overview(
            latest=list(articles.order_by("-published_on", "-pk")[: self.size]),
            places=by_name["place"],
            tags=by_name["tag"],
            speakers=by_name["speaker"],
            totals=totals,
        )
        return context


def json_error(status: int, detail: str, errors: dict) -> JsonResponse:
    """Return an error as JSON for a client that asked for JSON: the status, a sentence, and
    each parameter at fault with its messages (the read API's error shape)."""
    rows = [
        {"parameter": "" if name == "__all__" else name, "message": message}
        for name, messages in errors.items()
        for message in messages
    ]
    body = {"status": status, "detail": detail, "errors": rows}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


class ArchiveListView(FilterView):
    """A filterable, faceted list that can also be had as JSON or CSV."""

    noun = "results"
    title = ""

    def get_paginate_by(self, queryset):
        return settings.ARCHIVE_PAGE_SIZE

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET  # always bound: no parameters is a valid, empty filter
        return kwargs

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.revisions = request_revisions(request)
        self.index = index_current()
        self.filterset.index = self.index
        self.filterset.rank_in_index = True
        valid = self.filterset.is_valid()
        self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
        self.matcher = (
            facets.list_matcher(filterset=self.filterset, index=self.index) if valid else None
        )
        export = request.GET.get("format")
        if export is not None and export not in EXPORT_FORMATS:
            return HttpResponse(
                f"Unknown format. Choose one of: {', '.join(EXPORT_FORMATS)}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        if export == "json" and not valid:
            return json_error(400, "Invalid parameter.", self.filterset.form.errors)
        if export and valid:
            return self.render_export(export)
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        response = self.render_to_response(context)
        if not valid:
            response.status_code = 400
        return response

    def days(self) -> list[tuple[int, int]]:
        """Return (day ordinal, matching results that day), oldest first (none if invalid),
        worked out once a request (a best-match list of quotes or photos counts with them)."""
        if not hasattr(self, "_days"):
            self._days = self.matcher.days() if self.matcher else []
        return self._days

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        valid = self.filterset.is_valid()
        kind = self.filterset.ordering_kind() if valid else "newest"
        scored = self.filterset.text_scores() if valid and kind == "relevance" else None
        if scored is not None and self.matcher:
            # Found and ranked in one pass over the search index; the facet index keeps the
            # published rows the other filters keep and orders them: every page is cut from
            # the full ranking, nothing is ranked again in SQL.
            return IdPaginator(
                queryset,
                per_page,
                ids=self.matcher.ranked_ids(*scored),
                fetch=self.get_queryset(),
                orphans=orphans,
                allow_empty_first_page=allow_empty_first_page,
            )
        if kind == "relevance":
            return RankedPaginator(
                queryset,
                per_page,
                count=sum(n for _, n in self.days()),
                ranked_ids=cached_read(
                    "ranked",
                    self.filterset.cache_params(),
                    lambda: list(queryset.values_list("pk", flat=True)[: pagination.RANKED_MAX]),
                    revision=self.revisions.content,
                ),
                fetch=self.get_queryset(),
                orphans=orphans,
                allow_empty_first_page=allow_empty_first_page,
            )
        # A date-ordered page is cut from the facet index's matching ids, in date order, and
        # its rows fetched by id: the same cost for any filter and any page.
        ids = self.matcher.ordered_ids(newest_first=kind == "newest") if self.matcher else []
        return IdPaginator(
            queryset,
            per_page,
            ids=ids,
            fetch=self.get_queryset(),
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        valid = filterset.is_valid()
        base = self.get_queryset()
        facet_list = (
            facets.list_facets(filterset=filterset, base=base, matcher=self.matcher)
            if valid
            else []
        )
        count = context["paginator"].count if context.get("paginator") else 0
        data = filterset.form.cleaned_data if valid else {}
        context.update(
            facets=facet_list,
            result_count=count,
            description=selectors.list_description(
                noun=self.noun, facets=facet_list, data=data, count=count
            ),
            timeline=facets.list_timeline(days=self.days()) if count else None,
            suggestions=selectors.list_relaxations(
                filterset=filterset, count_without=self.matcher.count, facets=facet_list
            )
            if valid and not count
            else [],
            export_formats=EXPORT_FORMATS,
            list_title=self.title,
            noun=self.noun,
        )
        return context

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def render_export(self, export: str):
        model = self.object_list.model
        if export == "csv":
            rows = exports.export_rows(self.object_list.iterator(chunk_size=1000), self.absolute)
            response = StreamingHttpResponse(
                exports.csv_lines(exports.HEADERS[model], rows),
                content_type="text/csv; charset=utf-8",
            )
            name = model._meta.verbose_name_plural.replace(" ", "-")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        page_size = self.get_paginate_by(self.object_list)
        try:
            paginator, page, object_list, _ = self.paginate_queryset(self.object_list, page_size)
        except Http404 as error:
            return json_error(404, str(error), {})
        payload = {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": self._page_link(page.next_page_number()) if page.has_next() else None,
            "previous": self._page_link(page.previous_page_number())
            if page.has_previous()
            else None,
            "results": list(exports.export_rows(object_list, self.absolute)),
        }
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})

    def _page_link(self, number: int) -> str:
        params = self.request.GET.copy()
        params["page"] = number
        return self.absolute(f"{self.request.path}?{params.urlencode()}")


class ArticleListView(ArchiveListView):
    filterset_class = ArticleFilter
    template_name = "archive/article_list.html"
    noun = "articles"
    title = "Articles"

    def get_queryset(self):
        return Article.objects.published().for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text = self.filterset.form.cleaned_data.get("q") if self.filterset.is_valid() else ""
        rows = list(context["object_list"])
        snippets = {}
        if text and rows:
            terms = self.filterset.search_terms(text)
            snippets = search.search_snippets(rows, text, terms=terms)
        context["rows"] = [(article, snippets.get(article.pk)) for article in rows]
        return context


class QuoteListView(ArchiveListView):
    filterset_class = QuoteFilter
    template_name = "archive/quote_list.html"
    noun = "quotes"
    title = "Quotes"

    def get_queryset(self):
        return Quote.objects.published().for_list()


class PhotoCaptionListView(ArchiveListView):
    filterset_class = PhotoCaptionFilter
    template_name = "archive/photocaption_list.html"
    noun = "photos"
    title = "Photos"

    def get_queryset(self):
        return PhotoCaption.objects.published().for_list()


class ArticleDetailView(DetailView):
    template_name = "archive/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        try:
            return selectors.article_for_page(slug=self.kwargs["slug"], captions=False)
        except Article.DoesNotExist:
            raise Http404("No published article has this address.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["paragraphs"] = selectors.article_paragraph_segments(article=self.object)
        context["related"] = selectors.article_related(article=self.object)
        context["captions"] = photos.article_captions(article=self.object)
        context["jsonld"] = structured.jsonld_markup(
            structured.article_jsonld(
                article=self.object,
                captions=context["captions"],
                absolute=self.request.build_absolute_uri,
            )
        )
        return context


class SubjectDetailView(DetailView):
    """A page about one place, speaker, tag or outlet and the published material about it.

    The page of a subject that no published material uses (see `public()` on its queryset),
    one that only drafts name, is not found: its counts say so.
    """

    template_name = "archive/subject_detail.html"
    context_object_name = "subject"
    subject_label = ""

    shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name = self.model._meta.model_name
        counts, newest = selectors.subject_page_summary(subject=self.object, size=self.shown)
        # The counts are of the published material that uses the subject, as its queryset's
        # public() defines it: none means a subject only drafts name, so no page.
        if not any(counts.values()):
            raise Http404("No published material uses this.")

        # The facet index says which rows, newest first; each section's rows are fetched by id.
        context.update(
            subject_label=self.subject_label,
            counts=counts,
            articles=rows_by_id(
                Article.objects.published().for_list().defer("paragraphs"), newest["articles"]
            ),
            # Quotes and captions here are figures: no tags, nothing their figure does not show.
            quotes=rows_by_id(Quote.objects.published().for_figures(), newest["quotes"]),
            captions=rows_by_id(PhotoCaption.objects.published().for_figures(), newest["captions"]),
            list_query=f"{name}={self.object.slug}",
            shown=self.shown,
        )
        return context


class SpellingsMixin:
    """A place or speaker page: which spellings each outlet printed, on the page and as JSON.

    `?format=json` gives the subject with its spellings and the counts by outlet. A subclass
    says how to read them in `spellings_read()`.
    """

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format")
        if export is not None and export != "json":
            return HttpResponse(
                "Unknown format. Choose: json.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subject = self.object
        # Spellings depend on the words of articles, so they follow the content revision.
        context["spellings"] = cached_read(
            "spellings",
            {"model": subject._meta.model_name, "slug": subject.slug},
            self.spellings_read,
            revision=request_revisions(self.request).content,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("format") != "json":
            return super().render_to_response(context, **response_kwargs)
        subject = context["subject"]
        absolute = self.request.build_absolute_uri
        payload = {
            "name": subject.name,
            "slug": subject.slug,
            "url": absolute(subject.get_absolute_url()),
            "spellings": context["spellings"].spellings,
            "counts": context["counts"],
            "spellings_articles_read": context["spellings"].articles_read,
            "spellings_by_outlet": [row.as_json() for row in context["spellings"].by_outlet],
        }
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})


class PlaceDetailView(SpellingsMixin, SubjectDetailView):
    model = Place
    subject_label = "Place"

    def get_queryset(self):
        # Three levels of parents cover the map's walk up to the country without more queries.
        # The aliases come with the spellings by outlet (SpellingsMixin), not from a query here.
        return Place.objects.select_related("parent__parent__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nearby = selectors.place_nearby(place=self.object)
        context["children"] = [p for p in nearby if p.parent_id == self.object.pk and p.shown]
        context["map"] = maps.place_map(place=self.object, nearby=nearby)
        context["jsonld"] = structured.jsonld_markup(
            structured.place_jsonld(
                place=self.object,
                aliases=context["spellings"].aliases,
                absolute=self.request.build_absolute_uri,
            )
        )
        return context

    def spellings_read(self):
        return spellings.place_spellings(place=self.object, index=index_current())


class SpeakerDetailView(SpellingsMixin, SubjectDetailView):
    model = Speaker
    subject_label = "Speaker"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jsonld"] = structured.jsonld_markup(
            structured.speaker_jsonld(
                speaker=self.object,
                aliases=context["spellings"].aliases,
                absolute=self.request.build_absolute_uri,
            )
        )
        return context

    def spellings_read(self):
        return spellings.speaker_spellings(speaker=self.object, index=index_current())


class TagDetailView(SubjectDetailView):
    model = Tag
    subject_label = "Tag"

    def get(self, request, *args, **kwargs):
        # A tag that was merged into another or renamed keeps its old address as a redirect.
        # It leads only to a tag readers may see, so as not to name a tag only drafts carry.
        if not Tag.objects.filter(slug=kwargs["slug"]).exists():
            target = TagRedirect.objects.target_url(kwargs["slug"], among=Tag.objects.public())
            if target:
                return redirect(target, permanent=True)
        return super().get(request, *args, **kwargs)


class OutletDetailView(SubjectDetailView):
    model = Outlet
    subject_label = "Outlet"
