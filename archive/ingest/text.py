"""Turn a raw report (bytes) into clean text blocks: decoding, HTML main text, normalising.

Owns every refusal of a file as a whole (empty, binary, too large, undecodable, HTML that is
all scripts), so that nothing downstream ever sees such input.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from archive.ingest.proposal import IngestError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body|p|div|article)\b", re.I)
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_MIN_HTML_TEXT = 40


def report_decode(raw: bytes, *, max_bytes: int) -> str:
    """Return the report's text, or raise IngestError saying in one line why it cannot be read."""
    if len(raw) > max_bytes:
        raise IngestError(
            f"{len(raw) / 2**20:.1f} MB is larger than the import limit of "
            f"{max_bytes / 2**20:.0f} MB (ARCHIVE_IMPORT_MAX_MB)"
        )
    if not raw.strip():
        raise IngestError("the file is empty")
    text = None
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(f"the file cannot be decoded as {encoding}") from exc
            break
    if text is None:
        if b"\x00" in raw[:8192]:
            raise IngestError("the file is binary, not a text report")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = _guess_decode(raw)
    if _looks_binary(text):
        raise IngestError("the file is binary, not a text report")
    if not text.strip():
        raise IngestError("the file is empty")
    return text


def _guess_decode(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    if best is None or best.encoding is None:
        raise IngestError("the file's text encoding cannot be recognised")
    try:
        return raw.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise IngestError(f"the file cannot be decoded (looks like {best.encoding})") from exc


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    odd = sum(1 for ch in sample if ch == "\ufffd")
    return (controls + odd) > max(8, len(sample) // 50)


def looks_like_html(text: str) -> bool:
    """Return whether the text is a saved web page rather than plain text."""
    head = text[:4096].encode("utf-8", "ignore")
    return bool(_HTML_SNIFF.search(head)) and text.lstrip().startswith("<")


def html_main_text(html: str) -> tuple[str, dict]:
    """Return the main text of a saved page (paragraphs separated by blank lines) and metadata."""
    visible = _TAG.sub(" ", _SCRIPT.sub(" ", html))
    if len(" ".join(visible.split())) < _MIN_HTML_TEXT:
        raise IngestError("the page holds scripts or markup but no readable text")
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        include_images=False,
        with_metadata=True,
        favor_precision=True,
    )
    # A dict comes back only when asked for with the deprecated as_dict=True, never here.
    if document is None or isinstance(document, dict) or not (document.text or "").strip():
        raise IngestError("no article text could be found in the page")
    text = document.text or ""
    meta = {
        "title": document.title or None,
        "author": document.author or None,
        "date": document.date or None,
    }
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    captions = _figcaptions(html)
    if captions:
        body += "\n\n" + "\n\n".join(captions)
    return body, meta


def _figcaptions(html: str) -> list[str]:
    """Return the page's <figcaption> texts, which main-text extraction leaves out."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError):
        return []
    found = []
    for node in tree.iter("figcaption"):
        text = " ".join(node.text_content().split())
        if text and text not in found:
            found.append(text)
    return found


_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n")


def split_blocks(text: str) -> list[str]:
    """Return the text's blocks: paragraphs split on blank lines (or lines, if none are blank)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    parts = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    blocks = []
    for part in parts:
        cleaned = " ".join(part.split())
        if cleaned:
            blocks.append(cleaned)
    return blocks


def content_hash(text: str) -> str:
    """Return a hash of the report's words, the same whatever its spacing or line endings."""
    words = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'"})
_NON_WORD = re.compile(r"[^\w' ]+")
_POSSESSIVE = re.compile(r"'s?\b")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Return a spelling key: case, diacritics, possessives, dots and dashes ignored."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace(".", "")
    text = _POSSESSIVE.sub("", text)
    text = _NON_WORD.sub(" ", text).replace("'", "")
    return " ".join(text.split())
