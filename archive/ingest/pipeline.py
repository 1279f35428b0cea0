"""From a raw report to a Proposal: read the file, lay it out, find quotes, captions, places.

`archive_index_load()` reads the archive's own speakers, places and outlets (with every other
spelling) once per ingest run; `report_propose()` is pure and never writes.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from archive.ingest.layout import DATE_PATTERN, layout_read
from archive.ingest.places import KnownPlace, PlaceIndex, places_find
from archive.ingest.proposal import CaptionProposal, IngestError, Proposal
from archive.ingest.quotes import quotes_find
from archive.ingest.speakers import DocumentSpeakers, KnownSpeaker, SpeakerIndex
from archive.ingest.text import (
    content_hash,
    fold,
    html_main_text,
    looks_like_html,
    report_decode,
    split_blocks,
)
from archive.ingest.words import WEEKDAYS

MONTH_DAY = re.compile(
    r"\b(?:on\s+)?((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})\b(?!,?\s*\d{4})"
)


@dataclass
class ArchiveIndex:
    """What the archive knows, as the ingester reads it: speakers, places, outlets."""

    speakers: SpeakerIndex = field(default_factory=SpeakerIndex)
    places: PlaceIndex = field(default_factory=PlaceIndex)
    outlets: dict[str, tuple[str, str]] = field(default_factory=dict)

    def outlet(self, name: str | None) -> tuple[str, str] | None:
        return self.outlets.get(fold(name)) if name else None


def archive_index_load(
    *,
    without_places: Collection[str] = frozenset(),
    without_speakers: Collection[str] = frozenset(),
) -> ArchiveIndex:
    """Read every speaker, place and outlet spelling from the database (minus those excluded)."""
    from archive.models import Outlet, Place, PlaceAlias, Speaker, SpeakerAlias

    index = ArchiveIndex()
    speakers = {
        s.pk: KnownSpeaker(s.slug, s.name, s.kind, s.role)
        for s in Speaker.objects.exclude(slug__in=without_speakers).only(
            "slug", "name", "kind", "role"
        )
    }
    for known in speakers.values():
        index.speakers.add(known, known.name)
    for owner, name in SpeakerAlias.objects.values_list("owner_id", "name"):
        if owner in speakers:
            index.speakers.add(speakers[owner], name)
    rows = Place.objects.exclude(slug__in=without_places).values_list(
        "pk", "slug", "name", "kind", "parent__slug", "latitude", "longitude"
    )
    places = {
        pk: KnownPlace(
            slug,
            name,
            kind,
            parent if parent not in without_places else None,
            float(lat) if lat is not None else None,
            float(lon) if lon is not None else None,
        )
        for pk, slug, name, kind, parent, lat, lon in rows
    }
    for place in places.values():
        index.places.add(place, place.name)
    for owner, name in PlaceAlias.objects.values_list("owner_id", "name"):
        if owner in places:
            index.places.add(places[owner], name)
    for slug, name in Outlet.objects.values_list("slug", "name"):
        for spelling in (name, slug.replace("-", " "), re.sub(r"\s*\(.*\)$", "", name)):
            index.outlets.setdefault(fold(spelling), (slug, name))
    return index


def report_read(raw: bytes, *, max_bytes: int) -> tuple[str, dict]:
    """Decode a report and, for a saved page, extract its main text; raise IngestError if unfit."""
    text = report_decode(raw, max_bytes=max_bytes)
    if looks_like_html(text):
        return html_main_text(text)
    return text, {}


def report_propose(
    text: str,
    *,
    source: str,
    index: ArchiveIndex,
    outlet: str | None = None,
    published_on: date | None = None,
    meta: dict | None = None,
    use_gazetteer: bool = True,
) -> Proposal:
    """Return what the report holds, as a proposal for an editor to confirm."""
    meta = meta or {}
    blocks = split_blocks(text)
    if not blocks:
        raise IngestError("the report has no text")
    layout = layout_read(blocks, title=meta.get("title"))
    if not layout.paragraphs:
        raise IngestError("no body paragraphs were found in the report")
    printed = layout.printed_date or meta.get("date")
    when = published_on or (date_parse(printed) if printed else None)
    proposal = Proposal(
        source=source,
        headline=layout.headline or "",
        headline_confidence=layout.headline_confidence,
        outlet=outlet or _outlet_guess(layout.removed + layout.syndication, index),
        published_on=when.isoformat() if when else None,
        dateline=layout.dateline,
        byline=layout.byline or meta.get("author"),
        standfirst=layout.standfirst,
        syndication_note=" ".join(layout.syndication) or None,
        paragraphs=layout.paragraphs,
        removed=layout.removed,
        content_hash=content_hash(text),
    )
    speakers = DocumentSpeakers(index.speakers)
    proposal.quotes = quotes_find(layout.paragraphs, speakers)
    proposal.speakers = speakers.used({q.speaker for q in proposal.quotes if q.speaker})
    for quote in proposal.quotes:
        if quote.speaker is not None:
            speaker = speakers.proposals[quote.speaker]
            quote.speaker, quote.speaker_slug = speaker.name, speaker.slug
    proposal.photo_captions = [_caption(c, index, when) for c in layout.captions]
    texts = [
        t for t in (proposal.headline, proposal.standfirst, proposal.dateline) if t
    ] + proposal.paragraphs
    texts += [c.text for c in proposal.photo_captions]
    proposal.places, _ = places_find(texts, index.places, use_gazetteer=use_gazetteer)
    if when:
        proposal.dates = _weekdays(proposal.paragraphs, when)
    return proposal


def _caption(caption, index: ArchiveIndex, when: date | None) -> CaptionProposal:
    agency = index.outlet(caption.agency)
    distributor = index.outlet(caption.distributor)
    return CaptionProposal(
        text=caption.text,
        credit=caption.credit or None,
        photographer=caption.photographer,
        agency=agency[1] if agency else caption.agency,
        agency_slug=agency[0] if agency else None,
        distributor=distributor[1] if distributor else caption.distributor,
        distributor_slug=distributor[0] if distributor else None,
        confidence=caption.confidence,
        taken_on=_taken_on(caption.text, when),
    )


def _taken_on(text: str, when: date | None) -> str | None:
    full = DATE_PATTERN.search(text)
    if full:
        parsed = date_parse(full.group(0))
        return parsed.isoformat() if parsed else None
    partial = MONTH_DAY.search(text)
    if partial and when:
        parsed = date_parse(f"{partial.group(1)} {when.year}")
        return parsed.isoformat() if parsed else None
    return None


def _outlet_guess(lines: list[str], index: ArchiveIndex) -> str | None:
    """An outlet the page names in its own furniture ("… by NDTV staff", "THE FOX NEWS APP")."""
    for line in lines:
        words = fold(line).split()
        for n in (3, 2, 1):
            for k in range(len(words) - n + 1):
                found = index.outlets.get(" ".join(words[k : k + n]))
                if found:
                    return found[0]
    return None


def _weekdays(paragraphs: list[str], when: date) -> list[dict]:
    """Resolve "Saturday" against the report's date: the last such day on or before it."""
    seen: dict[str, dict] = {}
    for number, paragraph in enumerate(paragraphs, start=1):
        for word in re.findall(r"\b(" + "|".join(d.title() for d in WEEKDAYS) + r")\b", paragraph):
            if word not in seen:
                back = (when.weekday() - WEEKDAYS.index(word.lower())) % 7
                day = when - timedelta(days=back)
                seen[word] = {"text": word, "date": day.isoformat(), "paragraph": number}
    return list(seen.values())


@cache
def _dateparser():
    import dateparser

    return dateparser.DateDataParser(
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
    )


_PLAIN_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")


def date_parse(text: str) -> date | None:
    """Parse a printed date ("Sep 10, 2022", "10 September 2022", "2022-09-10").

    The common English forms are read directly; anything else goes to dateparser, whose
    import costs half a second, so a run that meets only plain dates never pays it.
    """
    plain = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|[,.]", " ", text.strip())
    plain = " ".join(plain.split()).replace("Sept ", "Sep ")
    for pattern in _PLAIN_FORMATS:
        try:
            return datetime.strptime(plain, pattern).date()
        except ValueError:
            continue
    data = _dateparser().get_date_data(text.strip())
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date()
