"""Mark the found quotes and places in a report's paragraphs, escaping everything else.

Every piece of the report's text goes through `escape`; only the <mark> elements built here
are markup, so nothing from a report is ever rendered unescaped.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from archive.ingest.proposal import Proposal


def paragraphs_marked(proposal: Proposal, kept_quotes: set[int] | None = None) -> list[SafeString]:
    """Return each body paragraph as HTML with quotes and place mentions in <mark> elements."""
    marks: dict[int, list[tuple[int, int, str, str]]] = {}
    for number, quote in enumerate(proposal.quotes, start=1):
        if kept_quotes is not None and number not in kept_quotes:
            continue
        label = f"Quote {number}: {quote.speaker or 'no speaker found'}"
        marks.setdefault(quote.paragraph, []).append((quote.start, quote.end, "quote", label))
    mention_pattern = _mentions_pattern(proposal)
    result = []
    for number, paragraph in enumerate(proposal.paragraphs, start=1):
        spans = sorted(marks.get(number, []))
        if mention_pattern is not None:
            for match in mention_pattern.finditer(paragraph):
                if not any(a <= match.start() < b for a, b, _, _ in spans):
                    name = _place_of(match.group(0), proposal)
                    spans.append((match.start(), match.end(), "place", f"Place: {name}"))
        result.append(_render(paragraph, sorted(spans)))
    return result


def text_marked(text: str, proposal: Proposal) -> SafeString:
    """Return any other text of the report (a caption) with its place mentions marked."""
    pattern = _mentions_pattern(proposal)
    spans = []
    if pattern is not None:
        for match in pattern.finditer(text):
            name = _place_of(match.group(0), proposal)
            spans.append((match.start(), match.end(), "place", f"Place: {name}"))
    return _render(text, spans)


def _mentions_pattern(proposal: Proposal) -> re.Pattern | None:
    mentions = sorted(
        {m for place in proposal.places for m in place.mentions if m.strip()}, key=len, reverse=True
    )
    if not mentions:
        return None
    alternatives = "|".join(re.escape(m) for m in mentions)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _place_of(mention: str, proposal: Proposal) -> str:
    lowered = mention.casefold()
    for place in proposal.places:
        if any(m.casefold() == lowered for m in place.mentions):
            return place.name
    return mention


def _render(text: str, spans: list[tuple[int, int, str, str]]) -> SafeString:
    pieces, at = [], 0
    for start, end, kind, label in spans:
        if start < at or end <= start:
            continue  # overlapping marks: the first one wins
        pieces.append(escape(text[at:start]))
        pieces.append(
            format_html(
                '<mark class="ingest-{}" title="{}">{}</mark>', kind, label, text[start:end]
            )
        )
        at = end
    pieces.append(escape(text[at:]))
    return mark_safe("".join(str(p) for p in pieces))  # every piece escaped above
