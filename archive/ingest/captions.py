"""Photo captions: recognise a caption block by its credit, and split the credit into parts.

Credits come as "| Juan Barreto/AFP", "(Photo by Metin Aktas/Anadolu Agency via Getty
Images)", "Photo: Jane Doe/Reuters", "(AP Photo/Efrem Lukatsky)", "REUTERS/Gleb Garanich",
"(File)": the photographer, the agency that supplied the picture, and who distributed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PHOTO_WORD = r"(?:photo(?:graph)?s?|images?|pictures?|pic|credit|courtesy|file(?: photo| image)?)"
# One or more parenthesised credits closing the block: "(Photo by …) (Photo by …)".
_PAREN_CREDITS = re.compile(
    r"^(?P<text>.*?)\s*(?P<credit>(?:\((?:[^()]*\b" + _PHOTO_WORD + r"\b[^()]*|"
    r"[^()]{2,60}/[^()]{2,60}|[A-Z][^()]{1,60}\svia\s[A-Z][^()]{1,40})\)\s*)+)$",
    re.I,
)
# BBC style: "Image caption, Rescuers search the debris" (the credit is a block of its own).
_LABELLED = re.compile(r"^(?:image|photo|picture|video)\s+caption\s*[,:]\s*(?P<text>.+)$", re.I)
SOURCE_LINE = re.compile(
    r"^(?:image|photo|picture)\s+(?:source|credit)\s*[,:]\s*(?P<credit>.+)$", re.I
)
# "text | Juan Barreto/AFP"
_PIPE_CREDIT = re.compile(r"^(?P<text>.+?)\s*\|\s*(?P<credit>[^|]{2,100})$")
# "text. Photo: Jane Doe/Reuters", "text. AP Photo/Name", "text. Image credit: X"
_TRAILING_CREDIT = re.compile(
    r"^(?P<text>.+?[.!?\"”)])\s+(?:[-–—]\s+)?"
    r"(?P<credit>(?:[A-Z][\w.&]*\s)?(?:Photo|Image|Picture)s?(?:\s+credit)?\s*(?:by\s|[:/]\s*)"
    r"[^.]{2,100})$"
)
# "text. REUTERS/Gleb Garanich"
_WIRE_CREDIT = re.compile(
    r"^(?P<text>.+?[.!?\"”)])\s+(?P<credit>[A-Z]{2,}(?:\s[A-Z]{2,})*\s?/\s?"
    r"[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){0,3})$"
)
_PREFIX = re.compile(
    r"^(?:photo(?:graph)?s?\s*(?:credit)?\s*(?:by|:)|images?\s*(?:by|:)|pictures?\s*(?:by|:)|"
    r"credit\s*:|courtesy(?:\s+of)?)\s*",
    re.I,
)
_VIA = re.compile(r"\s+via\s+(?P<via>.+)$", re.I)
_FOR = re.compile(r"^(?P<who>.+?)\s+for\s+(?P<agency>.+)$")
_FILE = re.compile(r"^(?:file|file photo|file image|representational image)$", re.I)
_ORG_WORDS = {
    "agency",
    "images",
    "news",
    "press",
    "service",
    "media",
    "photos",
    "pictures",
    "network",
    "ministry",
    "office",
    "handout",
    "pool",
    "wire",
}


@dataclass
class CaptionParts:
    text: str
    credit: str
    photographer: str | None
    agency: str | None
    distributor: str | None
    confidence: float


def caption_parse(block: str) -> CaptionParts | None:
    """Return the caption and its credit if the block is a photo caption, else None."""
    labelled = _LABELLED.match(block)
    if labelled:
        return CaptionParts(labelled["text"].strip(), "", None, None, None, 0.8)
    for pattern, confidence in (
        (_PAREN_CREDITS, 0.9),
        (_PIPE_CREDIT, 0.85),
        (_TRAILING_CREDIT, 0.8),
        (_WIRE_CREDIT, 0.7),
    ):
        match = pattern.match(block)
        if not match:
            continue
        text, credit = match["text"].strip(), match["credit"].strip()
        if not text or len(text.split()) < 3:
            continue
        if pattern is _PIPE_CREDIT and not _credit_like(credit):
            continue
        photographer, agency, distributor = credit_split(credit)
        if pattern is _PAREN_CREDITS:
            credit = _strip_outer_parens(credit)
        return CaptionParts(text, credit, photographer, agency, distributor, confidence)
    return None


def _credit_like(credit: str) -> bool:
    """Whether the words after "|" read as a credit (a name, an agency) rather than prose."""
    words = credit.split()
    if len(words) > 9 or credit.endswith((".", "?", "!")):
        return False
    return "/" in credit or bool(_PREFIX.match(credit)) or all(w[:1].isupper() for w in words)


def _strip_outer_parens(credit: str) -> str:
    groups = re.findall(r"\(([^()]*)\)", credit)
    if len(groups) == 1:
        return groups[0].strip()
    return credit


def credit_split(credit: str) -> tuple[str | None, str | None, str | None]:
    """Split a credit line into (photographer, agency, distributor), each None when absent."""
    groups = re.findall(r"\(([^()]*)\)", credit) or [credit]
    distributor = None
    for group in groups:
        via = _VIA.search(group)
        if via and distributor is None:
            distributor = via["via"].strip(" .")
    handout = bool(_VIA.search(groups[0])) and not _PREFIX.match(groups[0].strip())
    first = _VIA.sub("", groups[0]).strip(" .")
    first = _PREFIX.sub("", first).strip(" .")
    if not first or _FILE.match(first):
        return None, None, distributor
    if handout and "/" not in first:
        # "(Kessel Fire Brigade via AP)": a handout, supplied by a body and distributed.
        return None, first, distributor
    photographer, agency = _who_and_agency(first)
    return _name_case(photographer), agency, distributor


def _who_and_agency(credit: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in re.split(r"\s*/\s*", credit) if p.strip()]
    if len(parts) >= 2:
        head, rest = parts[0], " / ".join(parts[1:])
        if re.search(r"\bphoto$", head, re.I):
            return rest, head[: -len("photo")].strip() or None
        if head.isupper() and len(head.split()) <= 2 and _person_like(rest):
            return rest, head
        return head, rest
    single = parts[0]
    via_for = _FOR.match(single)
    if via_for and _person_like(via_for["who"]):
        return via_for["who"], via_for["agency"]
    if "," in single:
        who, _, agency = single.partition(",")
        if _person_like(who):
            return who.strip(), agency.strip()
    if _person_like(single):
        return single, None
    return None, single


def _person_like(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(w.casefold().strip(".") in _ORG_WORDS for w in words):
        return False
    return all(w[:1].isupper() for w in words)


def _name_case(name: str | None) -> str | None:
    """Return a name with words printed in capitals turned to ordinary case (BARRETO)."""
    if not name:
        return None
    words = []
    for word in name.split():
        if word.isupper() and len(word) > 2:
            word = "-".join(part.capitalize() for part in word.split("-"))
        words.append(word)
    return " ".join(words)
