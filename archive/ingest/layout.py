"""A report's layout: headline, standfirst, dateline, byline, printed date, body and furniture.

Each block of the text is classified by its shape (length, final punctuation, capitals,
position) and by a few phrases every news site uses for page furniture; nothing here knows
any particular outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.ingest.captions import SOURCE_LINE, CaptionParts, caption_parse, credit_split
from archive.ingest.text import fold

_FURNITURE_START = re.compile(
    r"^(?:click here|tap here|read more|read also|also read|also see|see also|related|"
    r"recommended|more from|more on this|must read|don'?t miss|trending|watch|listen|"
    r"share|follow us|subscribe|sign up|donate|support us|advertisement|sponsored|"
    r"story continues|continue reading|skip (?:to|ad))\b",
    re.I,
)
_FURNITURE_ANYWHERE = re.compile(
    r"\b(?:click here|tap here|follow us on|share this (?:article|story)|"
    r"share on (?:facebook|twitter|x|whatsapp|linkedin)|subscribe to (?:our|the)|"
    r"sign up for (?:our|the)|newsletter|donate (?:now|today)|"
    r"support (?:our|independent) journalism|(?:download|get) the [\w .'’]{1,40} app|"
    r"cookies?|privacy policy|terms of (?:use|service)|all rights reserved|copyright)\b|©",
    re.I,
)
_SYNDICATION = re.compile(
    r"\b(?:has not been edited by|published from a syndicated feed|syndicated feed|"
    r"contributed to this report|contributed (?:reporting )?from|contributed reporting|"
    r"additional reporting by|with inputs from|"
    r"(?:this|the) (?:story|article|report) (?:was|has been) (?:originally )?"
    r"(?:published|syndicated)|reporting by [A-Z])",
    re.I,
)
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by)\s+(?P<who>[A-Z][^.]{1,120})$", re.I)
_STANDALONE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)"
    r"{0,2})?)\s*(?:\((?P<agency>[\w .&]{2,30})\))?\s*[:—–-]$"
)
_INLINE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:\s[A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)"
    r"{0,2})?)(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\((?P<agency>[\w .&]{2,30})\))?"
    r"\s*(?:[:—–]|--?)\s+(?=\S)"
    r"|^(?P<place2>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})?)"
    r"\s*\((?P<agency2>[\w .&]{2,30})\)\s*[:—–-]{1,2}\s+(?=\S)"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE_PATTERN = re.compile(
    rf"\b(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{_MONTH}\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
_SENTENCE_END = (".", "?", "!", '"', "”", "’", "'", ")", ":")


@dataclass
class Layout:
    headline: str | None = None
    headline_confidence: float = 0.0
    standfirst: str | None = None
    dateline: str | None = None
    byline: str | None = None
    printed_date: str | None = None
    syndication: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    captions: list[CaptionParts] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    pending_credit: str | None = None


def layout_read(blocks: list[str], *, title: str | None = None) -> Layout:
    """Classify the blocks of a report and return its layout."""
    layout = Layout()
    body_started = False
    dateline_at: int | None = None
    texts: list[tuple[int, str]] = []
    if title:
        layout.headline, layout.headline_confidence = title, 0.9
    for index, block in enumerate(blocks):
        kind = _classify(block, layout)
        if kind == "text" and not body_started and layout.headline is None:
            if _headline_like(block) and index + 1 < len(blocks):
                layout.headline, layout.headline_confidence = block, 0.8
                continue
        if kind == "text" and layout.headline and fold(block) == fold(layout.headline):
            layout.removed.append(block)
            continue
        if kind == "text" and _label_like(block):
            layout.removed.append(block)
            continue
        if kind == "dateline":
            if dateline_at is None:
                dateline_at = len(texts)
            continue
        if kind == "text":
            body_started = True
            texts.append((index, block))
    if dateline_at:
        layout.standfirst = " ".join(block for _, block in texts[:dateline_at])
        texts = texts[dateline_at:]
    layout.paragraphs = [block for _, block in texts]
    if layout.paragraphs and layout.dateline is None:
        _inline_dateline(layout)
    if layout.headline is None:
        first = layout.paragraphs[0] if layout.paragraphs else ""
        layout.headline = first_sentence(first)[:300]
        layout.headline_confidence = 0.3
    return layout


def _classify(block: str, layout: Layout) -> str:
    """Return the block's kind, recording furniture, captions and metadata on the layout."""
    words = block.split()
    if not any(ch.isalnum() for ch in block):
        layout.removed.append(block)
        return "removed"
    if len(words) <= 40 and (_FURNITURE_START.match(block) or _FURNITURE_ANYWHERE.search(block)):
        layout.removed.append(block)
        return "removed"
    if len(words) <= 60 and _SYNDICATION.search(block):
        layout.syndication.append(block.strip("() "))
        return "syndication"
    source_line = SOURCE_LINE.match(block)
    if source_line and len(words) <= 12:
        layout.pending_credit = source_line["credit"].strip()
        layout.removed.append(block)
        return "removed"
    if len(block) <= 1500:
        caption = caption_parse(block)
        if caption is not None:
            if not caption.credit and layout.pending_credit:
                caption.credit = layout.pending_credit
                caption.photographer, caption.agency, caption.distributor = credit_split(
                    layout.pending_credit
                )
            layout.pending_credit = None
            layout.captions.append(caption)
            return "caption"
    if len(words) <= 14 and not block.endswith(".") and (printed := DATE_PATTERN.search(block)):
        if layout.printed_date is None:
            layout.printed_date = printed.group(0)
        layout.removed.append(block)
        return "removed"
    byline = _BYLINE.match(block)
    if byline and len(words) <= 14 and layout.byline is None:
        layout.byline = _place_case(byline["who"].strip())
        return "byline"
    standalone = _STANDALONE_DATELINE.match(block)
    if standalone and len(words) <= 6:
        if layout.dateline is None:
            layout.dateline = _place_case(standalone["place"])
            if standalone["agency"]:
                layout.cited.append(standalone["agency"].strip())
        return "dateline"
    if _shouting(block) and len(words) >= 3:
        layout.removed.append(block)
        return "removed"
    if re.fullmatch(r"\(?\s*file(?: photo| image)?\s*\)?", block, re.I):
        layout.removed.append(block)
        return "removed"
    return "text"


def _headline_like(block: str) -> bool:
    words = block.split()
    return 2 <= len(words) <= 30 and not block.rstrip("\"”’'").endswith(".")


def _label_like(block: str) -> bool:
    """A bare label (an image's alt text, a section name): a few words and no sentence."""
    words = block.split()
    return len(words) <= 6 and not block.endswith(_SENTENCE_END)


def _shouting(block: str) -> bool:
    letters = [ch for ch in block if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)


def _inline_dateline(layout: Layout) -> None:
    first = layout.paragraphs[0]
    match = _INLINE_DATELINE.match(first)
    if not match:
        return
    place = match["place"] or match["place2"]
    agency = match["agency"] or match["agency2"]
    layout.dateline = _place_case(place)
    if agency:
        layout.cited.append(agency.strip())
    layout.paragraphs[0] = first[match.end() :]


def _place_case(place: str) -> str:
    parts = []
    for word in place.strip(" :—–-").split():
        parts.append(word.capitalize() if word.isupper() and len(word) > 2 else word)
    return " ".join(parts)


_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s+(?=[A-Z\"“])|$)")


def first_sentence(text: str) -> str:
    """Return the first sentence of a paragraph (the whole of it if it has no full stop)."""
    match = _FIRST_SENTENCE.match(text)
    return match.group(1) if match else text
