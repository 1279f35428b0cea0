"""The admin page "Ingest a report": paste or upload, review the proposal, create the draft.

Registered as the add page of "Ingested reports" (whose list says which text made which
article). Step one reads the report and shows the proposal beside the highlighted text;
nothing is written until the editor confirms step two. Every step asks `ingest_allowed`.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from archive.ingest.highlight import paragraphs_marked, text_marked
from archive.ingest.pipeline import archive_index_load, report_read
from archive.ingest.proposal import IngestError, Proposal, SpeakerProposal
from archive.ingest.services import draft_create, ingest_allowed, report_propose_text
from archive.ingest.text import fold
from archive.models import IngestedReport, Outlet, Place, Quote, Speaker

TEMPLATE = "admin/archive/ingest/ingest.html"


class SourceForm(forms.Form):
    text = forms.CharField(
        label="Report text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text="Paste the report as plain text, or the HTML of a saved page.",
    )
    file = forms.FileField(
        label="Or a file", required=False, help_text="A .txt file or a saved .html page."
    )
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(), required=False, help_text="Who published the report."
    )
    published_on = forms.DateField(
        label="Published on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Needed when the report prints no date.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste a report or choose a file.")
        return data


class DraftForm(forms.Form):
    """The article's own fields, as proposed and corrected by the editor."""

    source = forms.CharField(widget=forms.HiddenInput)
    # The report's main text (a page's, without its markup) and the page's metadata: proposed
    # again on confirmation, so the draft is made from exactly what the editor reviewed.
    body = forms.CharField(widget=forms.HiddenInput, strip=False)
    meta_title = forms.CharField(widget=forms.HiddenInput, required=False)
    meta_author = forms.CharField(widget=forms.HiddenInput, required=False)
    meta_date = forms.CharField(widget=forms.HiddenInput, required=False)
    headline = forms.CharField(max_length=300)
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.all())
    published_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    dateline = forms.CharField(max_length=100, required=False)
    byline = forms.CharField(max_length=200, required=False)


def _speaker_widget():
    return AutocompleteSelect(Quote._meta.get_field("speaker"), admin.site)


def _place_widget():
    return AutocompleteSelect(Quote._meta.get_field("place"), admin.site)


class QuoteChoiceForm(forms.Form):
    keep = forms.BooleanField(required=False)
    speaker = forms.ModelChoiceField(
        queryset=Speaker.objects.all(), required=False, widget=_speaker_widget()
    )
    new_speaker = forms.CharField(max_length=200, required=False, label="or a new speaker")


class PlaceChoiceForm(forms.Form):
    keep = forms.BooleanField(required=False)
    place = forms.ModelChoiceField(
        queryset=Place.objects.all(), required=False, widget=_place_widget()
    )
    new_name = forms.CharField(max_length=200, required=False, label="or a new place")


class CaptionChoiceForm(forms.Form):
    keep = forms.BooleanField(required=False)


QuoteFormSet = forms.formset_factory(QuoteChoiceForm, extra=0)
PlaceFormSet = forms.formset_factory(PlaceChoiceForm, extra=0)
CaptionFormSet = forms.formset_factory(CaptionChoiceForm, extra=0)


@admin.register(IngestedReport)
class IngestedReportAdmin(admin.ModelAdmin):
    list_display = ["source", "article", "ingested_by", "ingested_at"]
    list_select_related = ["article", "ingested_by"]
    search_fields = ["source", "article__headline"]

    def has_module_permission(self, request):
        return ingest_allowed(request.user)

    def has_view_permission(self, request, obj=None):
        return ingest_allowed(request.user)

    def has_add_permission(self, request):
        return ingest_allowed(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not ingest_allowed(request.user):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        if request.method == "POST":
            return self._propose(request)
        return self._render(request, source_form=SourceForm())

    # --- Step one: read the report and propose -----------------------------------------------

    def _propose(self, request):
        form = SourceForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, source_form=form)
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                if upload.size > settings.ARCHIVE_IMPORT_MAX_BYTES:
                    raise IngestError(
                        f"{upload.size / 2**20:.1f} MB is larger than the import limit of "
                        f"{settings.ARCHIVE_IMPORT_MAX_BYTES / 2**20:.0f} MB"
                    )
                raw, source = upload.read(), upload.name
            else:
                raw, source = form.cleaned_data["text"].encode("utf-8"), "pasted text"
            text, meta = report_read(raw, max_bytes=settings.ARCHIVE_IMPORT_MAX_BYTES)
            outlet = form.cleaned_data.get("outlet")
            proposal = report_propose_text(
                text,
                meta=meta,
                source=source,
                index=archive_index_load(),
                outlet=outlet.slug if outlet else None,
                published_on=form.cleaned_data.get("published_on"),
            )
        except IngestError as exc:
            form.add_error(None, f"This report cannot be ingested: {exc}.")
            return self._render(request, source_form=form)
        return self._review(request, proposal, text, meta=meta)

    def _review(self, request, proposal: Proposal, body: str, draft=None, sets=None, meta=None):
        meta = meta or {}
        if proposal.existing_article:
            messages.warning(
                request,
                f"This text was ingested before, as article '{proposal.existing_article}'. "
                "Nothing will be created from it again.",
            )
        draft = draft or DraftForm(
            initial={
                "source": proposal.source,
                "body": body,
                "headline": proposal.headline,
                "outlet": Outlet.objects.filter(slug=proposal.outlet).first(),
                "published_on": proposal.published_on,
                "dateline": proposal.dateline,
                "byline": proposal.byline,
                "meta_title": meta.get("title") or "",
                "meta_author": meta.get("author") or "",
                "meta_date": meta.get("date") or "",
            }
        )
        quotes, places, captions = sets or _formsets(proposal)
        context = {
            "step": "review",
            "proposal": proposal,
            "draft": draft,
            "quote_rows": list(zip(proposal.quotes, quotes, strict=True)),
            "place_rows": list(zip(proposal.places, places, strict=True)),
            "caption_rows": [
                (caption, text_marked(caption.text, proposal), form)
                for caption, form in zip(proposal.photo_captions, captions, strict=True)
            ],
            "formsets": (quotes, places, captions),
            "marked": paragraphs_marked(proposal),
            "media": draft.media + quotes.media + places.media,
        }
        return self._render(request, **context)

    # --- Step two: apply the editor's choices and write -------------------------------------

    def _confirm(self, request):
        draft = DraftForm(request.POST)
        valid = draft.is_valid()
        data = draft.cleaned_data
        meta = {
            key: request.POST.get(f"meta_{key}", "")[:300] or None
            for key in ("title", "author", "date")
        }
        try:
            proposal = report_propose_text(
                request.POST.get("body", ""),
                meta=meta,
                source=request.POST.get("source", "pasted text")[:500],
                index=archive_index_load(),
                outlet=data["outlet"].slug if data.get("outlet") else None,
                published_on=data.get("published_on"),
            )
        except IngestError as exc:
            form = SourceForm()
            form.add_error(None, f"This report cannot be ingested: {exc}.")
            return self._render(request, source_form=form)
        if not valid:
            sets = _formsets(proposal, request.POST)
            return self._review(request, proposal, request.POST["body"], draft, sets, meta)
        sets = _formsets(proposal, request.POST)
        if not all(formset.is_valid() for formset in sets):
            return self._review(request, proposal, data["body"], draft, sets, meta)
        _apply(proposal, data, *sets)
        try:
            article = draft_create(proposal, user=request.user)
        except IngestError as exc:
            messages.error(request, f"Nothing was created: {exc}.")
            return self._review(request, proposal, data["body"], draft, sets, meta)
        messages.success(
            request,
            f"Draft “{article.headline}” created for review, with {article.quotes.count()} "
            f"quotes and {article.captions.count()} captions.",
        )
        return HttpResponseRedirect(reverse("admin:archive_article_change", args=[article.pk]))

    def _render(self, request, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": "Ingest a report",
            "opts": self.opts,
            "step": "source",
            **context,
        }
        return TemplateResponse(request, TEMPLATE, context)


def _formsets(proposal: Proposal, data=None):
    slugs = {q.speaker_slug for q in proposal.quotes if q.speaker_slug}
    speakers = {s.slug: s for s in Speaker.objects.filter(slug__in=slugs)}
    places = {p.slug: p for p in Place.objects.filter(slug__in=[p.slug for p in proposal.places])}
    quotes = QuoteFormSet(
        data,
        prefix="quote",
        initial=[
            {
                "keep": bool(q.speaker) and q.confidence >= 0.5,
                "speaker": speakers.get(q.speaker_slug),
                "new_speaker": "" if q.speaker_slug else (q.speaker or ""),
            }
            for q in proposal.quotes
        ],
    )
    place_set = PlaceFormSet(
        data,
        prefix="place",
        initial=[
            {
                "keep": p.confidence >= 0.5,
                "place": places.get(p.slug),
                "new_name": "" if p.slug else p.name,
            }
            for p in proposal.places
        ],
    )
    captions = CaptionFormSet(
        data, prefix="caption", initial=[{"keep": True} for _ in proposal.photo_captions]
    )
    return quotes, place_set, captions


def _apply(proposal: Proposal, data: dict, quotes, places, captions) -> None:
    """Keep what the editor ticked, with the speakers and places the editor chose."""
    proposal.headline = data["headline"]
    proposal.outlet = data["outlet"].slug
    proposal.published_on = data["published_on"].isoformat()
    proposal.dateline = data["dateline"] or None
    proposal.byline = data["byline"] or None
    kept_quotes, speakers = [], {fold(s.name): s for s in proposal.speakers}
    for quote, form in zip(proposal.quotes, quotes.forms, strict=False):
        choice = form.cleaned_data
        if not choice.get("keep"):
            continue
        if choice.get("speaker"):
            quote.speaker, quote.speaker_slug = choice["speaker"].name, choice["speaker"].slug
        elif (choice.get("new_speaker") or "").strip():
            name = choice["new_speaker"].strip()
            if fold(name) != fold(quote.speaker or "") or quote.speaker_slug:
                quote.speaker, quote.speaker_slug = name, None
                speakers.setdefault(fold(name), SpeakerProposal(name, None, True, None))
        else:
            continue
        kept_quotes.append(quote)
    proposal.quotes = kept_quotes
    proposal.speakers = list(speakers.values())
    kept_places = []
    for place, form in zip(proposal.places, places.forms, strict=False):
        choice = form.cleaned_data
        if not choice.get("keep"):
            continue
        name = (choice.get("new_name") or "").strip()
        if choice.get("place"):
            chosen = choice["place"]
            place.slug, place.name, place.new = chosen.slug, chosen.name, False
        elif name:
            if place.slug is not None or name != place.name:
                # Not the archive's place, or not the gazetteer's: a new place by this name.
                place.latitude = place.longitude = None
            place.slug, place.name, place.new = None, name, True
        else:
            continue
        kept_places.append(place)
    proposal.places = kept_places
    proposal.photo_captions = [
        caption
        for caption, form in zip(proposal.photo_captions, captions.forms, strict=False)
        if form.cleaned_data.get("keep")
    ]
