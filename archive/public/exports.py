"""Rows for the JSON and CSV exports of the public lists."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Model

from archive.models import Article, PhotoCaption, Quote

# Spreadsheets run a cell that starts with one of these as a formula (OWASP, CSV injection),
# also after leading spaces or line breaks, which some of them skip.
FORMULA_START = frozenset("=+-@\t\r\n")
# The first character that is not white space or an invisible joiner.
_FIRST_VISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*(.)", re.DOTALL)


def article_row(article: Article, absolute) -> dict:
    """Return the public fields of an article as plain data."""
    return {
        "slug": article.slug,
        "url": absolute(article.get_absolute_url()),
        "headline": article.headline,
        "standfirst": article.standfirst,
        "outlet": article.outlet.slug,
        "outlet_name": article.outlet.name,
        "published_on": article.published_on.isoformat(),
        "byline": article.byline,
        "dateline": article.dateline,
        "language": article.language,
        "tags": [tag.slug for tag in article.tags.all()],
    }


def quote_row(quote: Quote, absolute) -> dict:
    """Return the public fields of a quote as plain data."""
    return {
        "text": quote.text,
        "kind": quote.kind,
        "speaker": quote.speaker.slug,
        "speaker_name": quote.speaker.name,
        "article": quote.article.slug,
        "article_url": absolute(quote.article.get_absolute_url()),
        "outlet": quote.article.outlet.slug,
        "published_on": quote.article.published_on.isoformat(),
        "place": quote.place.slug if quote.place else None,
        "tags": [tag.slug for tag in quote.tags.all()],
    }


def caption_row(caption: PhotoCaption, absolute) -> dict:
    """Return the public fields of a photo caption as plain data."""
    return {
        "text": caption.text,
        "credit": caption.credit,
        "photographer": caption.photographer,
        "agency": caption.agency.slug if caption.agency else None,
        "distributor": caption.distributor.slug if caption.distributor else None,
        "taken_on": caption.taken_on.isoformat() if caption.taken_on else None,
        "place": caption.place.slug if caption.place else None,
        "article": caption.article.slug,
        "article_url": absolute(caption.article.get_absolute_url()),
        "outlet": caption.article.outlet.slug,
        "published_on": caption.article.published_on.isoformat(),
        "tags": [tag.slug for tag in caption.tags.all()],
    }


ROWS: dict[type[Model], Callable[..., dict]] = {
    Article: article_row,
    Quote: quote_row,
    PhotoCaption: caption_row,
}
HEADERS = {
    Article: [
        "slug",
        "url",
        "headline",
        "standfirst",
        "outlet",
        "outlet_name",
        "published_on",
        "byline",
        "dateline",
        "language",
        "tags",
    ],
    Quote: [
        "text",
        "kind",
        "speaker",
        "speaker_name",
        "article",
        "article_url",
        "outlet",
        "published_on",
        "place",
        "tags",
    ],
    PhotoCaption: [
        "text",
        "credit",
        "photographer",
        "agency",
        "distributor",
        "taken_on",
        "place",
        "article",
        "article_url",
        "outlet",
        "published_on",
        "tags",
    ],
}


def export_rows(objects: Iterable[Model], absolute) -> Iterator[dict]:
    """Yield the export row of each object."""
    for obj in objects:
        yield ROWS[type(obj)](obj, absolute)


class _Echo:
    def write(self, value):
        return value


def _formula_like(text: str) -> bool:
    """Return whether a spreadsheet could read the text as a formula."""
    if text[:1] in FORMULA_START:
        return True
    visible = _FIRST_VISIBLE.match(text)
    # NFKC folds the full-width and small forms (＝ ＋ － ＠, ﹦ ﹢) into the ASCII ones.
    return visible is not None and unicodedata.normalize("NFKC", visible[1])[:1] in FORMULA_START


def _cell(value) -> str:
    if isinstance(value, list):
        value = "|".join(value)
    text = "" if value is None else str(value)
    return "'" + text if _formula_like(text) else text


def csv_lines(header: list[str], rows: Iterable[dict]) -> Iterator[str]:
    """Yield CSV lines (header first) for export rows, safe to open in a spreadsheet.

    Every cell is quoted, with its quotes doubled, and one a spreadsheet could run as a formula
    starts with an apostrophe, as OWASP's CSV-injection guidance asks.
    """
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(row[key]) for key in header])
