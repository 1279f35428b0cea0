"""The proposal an ingest makes for one report: dataclasses and their JSON shape.

A proposal is plain data: nothing in it touches the database, so the admin page can show it,
the command can print it, and the writing service can create the draft from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


class IngestError(Exception):
    """A report that cannot be ingested at all; the message is one line for the editor."""


@dataclass
class QuoteProposal:
    text: str
    speaker: str | None
    speaker_slug: str | None
    paragraph: int
    partial: bool
    confidence: float
    # Offsets of the quoted words inside their paragraph, for highlighting.
    start: int = 0
    end: int = 0


@dataclass
class CaptionProposal:
    text: str
    credit: str | None
    photographer: str | None
    agency: str | None
    confidence: float
    distributor: str | None = None
    agency_slug: str | None = None
    distributor_slug: str | None = None
    taken_on: str | None = None


@dataclass
class PlaceProposal:
    name: str
    slug: str | None
    new: bool
    mentions: list[str]
    latitude: float | None
    longitude: float | None
    confidence: float
    kind: str = "city"
    parent: str | None = None
    parent_slug: str | None = None
    gazetteer_name: str | None = None


@dataclass
class SpeakerProposal:
    name: str
    slug: str | None
    new: bool
    role: str | None
    kind: str = "person"


@dataclass
class Proposal:
    """Everything found in one report, each item with its confidence."""

    source: str
    headline: str
    outlet: str | None = None
    published_on: str | None = None
    dateline: str | None = None
    byline: str | None = None
    standfirst: str | None = None
    syndication_note: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    quotes: list[QuoteProposal] = field(default_factory=list)
    photo_captions: list[CaptionProposal] = field(default_factory=list)
    places: list[PlaceProposal] = field(default_factory=list)
    speakers: list[SpeakerProposal] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    headline_confidence: float = 1.0
    content_hash: str = ""
    existing_article: str | None = None

    @property
    def published_date(self) -> date | None:
        return date.fromisoformat(self.published_on) if self.published_on else None

    def as_json(self) -> dict:
        """Return the proposal in the documented JSON shape (plus a few additive keys)."""
        data = asdict(self)
        for quote in data["quotes"]:
            del quote["start"], quote["end"]
        return data
