"""Reads for the public statement pages: published quotes only, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from archive.models import ArticleStatus, Outlet, Quote, Speaker, Statement
from archive.statements.diff import DiffWord, words_diff
from archive.statements.verify import QuoteLocation, quote_locate

PUBLISHED = ArticleStatus.PUBLISHED


def statement_public_list() -> QuerySet[Statement]:
    """Return public statements with their published quotes' count, for a list."""
    published = Q(quotes__article__status=PUBLISHED)
    quotes = (
        Quote.objects.published()
        .select_related("article__outlet")
        .defer("article__paragraphs")
        .order_by("article__published_on", "article__slug", "position")
    )
    return (
        Statement.objects.public()
        .select_related("speaker")
        .annotate(
            quote_count=Count("quotes", filter=published, distinct=True),
            outlet_count=Count("quotes__article__outlet", filter=published, distinct=True),
        )
        .prefetch_related(Prefetch("quotes", queryset=quotes, to_attr="published_quotes"))
        .order_by("-said_on", "-pk")
    )


# The relay is drawn as a column of boxes, so that the diagram fits a version's column at its
# own size: a row of boxes was scaled down to a third and its labels could not be read.
BOX_WIDTH, BOX_HEIGHT, BOX_GAP, MARGIN = 260, 34, 22, 1
LABEL_SIZE = 15  # px; the diagram is drawn at 1:1, so this is the size on screen


@dataclass
class RelayStep:
    """One box of a relay diagram, drawn top to bottom: its label and the top of its box."""

    label: str
    y: int

    @property
    def text_y(self) -> int:
        # The baseline, so that the label sits in the middle of its box.
        return self.y + (BOX_HEIGHT + LABEL_SIZE) // 2 - 2

    @property
    def arrow_from(self) -> int:
        return self.y + BOX_HEIGHT

    @property
    def arrow_to(self) -> int:
        return self.y + BOX_HEIGHT + BOX_GAP - 1


@dataclass
class Version:
    """One outlet's printing of a statement, with its place in its article."""

    quote: Quote
    location: QuoteLocation | None
    diff: list[DiffWord]
    relay: list[RelayStep]
    is_fullest: bool = False

    @property
    def diagram_height(self) -> int:
        return len(self.relay) * (BOX_HEIGHT + BOX_GAP) - BOX_GAP + 2 * MARGIN


@dataclass
class StatementPage:
    """Everything the statement page shows."""

    statement: Statement
    speaker_public: bool
    versions: list[Version]
    outlets: list[Outlet]
    first_day: datetime.date | None
    last_day: datetime.date | None
    diagram_width: int = BOX_WIDTH + 2 * MARGIN
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT
    box_centre: int = MARGIN + BOX_WIDTH // 2
    label_size: int = LABEL_SIZE


def quote_relay_default(quote: Quote, cited: list[Outlet]) -> list[Outlet]:
    """Guess a quote's relay from the outlets its article cites, when an editor set none.

    The cited outlets named in the quote's paragraph, or else in the nearest paragraph before
    it that names any; with no such mention, every cited outlet.
    """
    paragraphs = quote.article.paragraphs or []
    number = quote.paragraph or 0
    for index in range(min(number, len(paragraphs)), 0, -1):
        text = paragraphs[index - 1].casefold() if isinstance(paragraphs[index - 1], str) else ""
        named = [o for o in cited if o.name.casefold() in text]
        if named:
            return named
    return list(cited)


def statement_for_page(*, pk: int) -> StatementPage:
    """Return a public statement with each published version lined up against the fullest."""
    quotes = (
        Quote.objects.published()
        .select_related("article__outlet", "speaker")
        .prefetch_related("article__cited_outlets")
        .order_by("article__published_on", "article__slug", "position")
    )
    public_speaker = Speaker.objects.public().filter(pk=OuterRef("speaker_id"))
    statement = (
        Statement.objects.public()
        .select_related("speaker")
        .annotate(speaker_public=Exists(public_speaker))
        .prefetch_related(Prefetch("quotes", queryset=quotes, to_attr="published_quotes"))
        .get(pk=pk)
    )
    published = statement.published_quotes
    slugs = {slug for q in published for slug in (q.relay or [])}
    by_slug = {o.slug: o for o in Outlet.objects.filter(slug__in=slugs)} if slugs else {}
    fullest = max(published, key=lambda q: (len(q.text), -q.pk))
    versions = []
    for quote in published:
        if quote.relay:
            relay = [by_slug[s] for s in quote.relay if s in by_slug]
        else:
            relay = quote_relay_default(quote, list(quote.article.cited_outlets.all()))
        labels = [statement.speaker.name]
        if quote.speaker_id != statement.speaker_id:
            labels.append(quote.speaker.name)
        labels += [o.name for o in relay] + [quote.article.outlet.name]
        steps = [
            RelayStep(label, MARGIN + i * (BOX_HEIGHT + BOX_GAP)) for i, label in enumerate(labels)
        ]
        versions.append(
            Version(
                quote=quote,
                location=quote_locate(
                    quote.article.paragraphs or [], quote.text, paragraph=quote.paragraph
                ),
                diff=words_diff(quote.text, fullest.text),
                relay=steps,
                is_fullest=quote is fullest,
            )
        )
    outlets = list({q.article.outlet.pk: q.article.outlet for q in published}.values())
    days = [q.article.published_on for q in published]
    return StatementPage(
        statement=statement,
        speaker_public=statement.speaker_public,
        versions=versions,
        outlets=outlets,
        first_day=min(days),
        last_day=max(days),
    )
