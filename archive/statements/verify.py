"""Finding a quote's words in its article's body, as a text-quote selector: exact, prefix, suffix.

Only typography may differ between a quote and the body: straight or curly quotation marks and
apostrophes, runs of white space, and the ellipsis convention (a partial quote's leading or
trailing "…", and "…" or "..." inside a quote standing for words left out). Case, words and
other punctuation must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SAME = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"'})
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_QUOTE_MARKS = "\"'"
CONTEXT_CHARS = 60


@dataclass(frozen=True)
class QuoteLocation:
    """Where a quote is printed: paragraph (from 1), offsets in it, and its selector."""

    paragraph: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def _normalised(text: str) -> tuple[str, list[int]]:
    """Return the text with quotation marks made plain and white space collapsed, and for
    each character of it the offset of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    text = text.translate(_SAME)
    for offset, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char)
        where.append(offset)
    return "".join(out), where


def quote_parts(text: str) -> list[str]:
    """Return the runs of a quote's words that must be printed, in order, as normalised."""
    plain, _ = _normalised(text)
    parts = [p.strip().strip(_QUOTE_MARKS).strip() for p in _ELLIPSIS.split(plain.strip())]
    return [p for p in parts if p]


def _find_in(paragraph: str, parts: list[str]) -> tuple[int, int] | None:
    plain, where = _normalised(paragraph)
    cursor, start = 0, None
    for part in parts:
        found = plain.find(part, cursor)
        if found < 0:
            return None
        start = found if start is None else start
        cursor = found + len(part)
    if start is None:
        return None
    return where[start], where[cursor - 1] + 1


def quote_locate(
    paragraphs: list[str], text: str, *, paragraph: int | None = None
) -> QuoteLocation | None:
    """Return where a quote's words are printed in the body, or None if they are not.

    The paragraph the quote names is searched first, then every other one.
    """
    parts = quote_parts(text)
    if not parts:
        return None
    order = list(range(1, len(paragraphs) + 1))
    if paragraph and 1 <= paragraph <= len(paragraphs):
        order.remove(paragraph)
        order.insert(0, paragraph)
    for number in order:
        body = paragraphs[number - 1]
        if not isinstance(body, str):
            continue
        span = _find_in(body, parts)
        if span is None:
            continue
        start, end = span
        return QuoteLocation(
            paragraph=number,
            start=start,
            end=end,
            exact=body[start:end],
            prefix=body[max(0, start - CONTEXT_CHARS) : start],
            suffix=body[end : end + CONTEXT_CHARS],
        )
    return None


@dataclass
class QuoteCheck:
    """One quote's verification: its natural key, what it says, and where it was found."""

    article: str
    position: int
    text: str
    paragraph: int | None
    location: QuoteLocation | None

    @property
    def found(self) -> bool:
        return self.location is not None

    @property
    def paragraph_differs(self) -> bool:
        location = self.location
        return (
            location is not None and bool(self.paragraph) and location.paragraph != self.paragraph
        )


def quotes_verify(quotes) -> list[QuoteCheck]:
    """Check each quote (with its article loaded) against its article's body."""
    checks = []
    for quote in quotes:
        paragraphs = quote.article.paragraphs if isinstance(quote.article.paragraphs, list) else []
        checks.append(
            QuoteCheck(
                article=quote.article.slug,
                position=quote.position,
                text=quote.text,
                paragraph=quote.paragraph,
                location=quote_locate(paragraphs, quote.text, paragraph=quote.paragraph),
            )
        )
    return checks
