"""Score the ingester against what a person extracted from the same reports (the fixtures).

Each raw seed report is proposed with the archive's index (never written) and paired with the
fixture article whose paragraphs it contains most of. Then, over all seeds:

- quotes: (speaker, quote text) pairs with a speaker; text compared folded, speakers by slug,
  or, for a proposed new speaker, by the fixtures' name and other spellings of that speaker;
- captions: (caption text, photographer, agency, distributor), all four must agree;
- places: the article's places, a proposed new place counted as found when its name or a
  spelling printed in the report is the fixture place's name or one of its other spellings.

Mode "archive" uses the database as it is; mode "gazetteer" hides the seed articles' own
places and speakers from the ingester (as if deleted), so new speakers and gazetteer places
are what is scored.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest.pipeline import ArchiveIndex, archive_index_load
from archive.ingest.proposal import Proposal
from archive.ingest.services import reports_propose
from archive.ingest.text import fold

MODES = ("archive", "gazetteer")


@dataclass
class Tally:
    matched: int = 0
    proposed: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def add(self, proposed: set, expected: set) -> None:
        self.matched += len(proposed & expected)
        self.proposed += len(proposed)
        self.expected += len(expected)


@dataclass
class Score:
    mode: str
    quotes: Tally = field(default_factory=Tally)
    captions: Tally = field(default_factory=Tally)
    places: Tally = field(default_factory=Tally)
    seeds: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def measures(self) -> dict[str, Tally]:
        return {"quotes": self.quotes, "captions": self.captions, "places": self.places}


@dataclass
class Gold:
    """The fixtures, as the scorer needs them."""

    articles: dict[str, dict] = field(default_factory=dict)
    quotes: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    captions: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    places: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    speaker_spellings: dict[str, str] = field(default_factory=dict)
    place_spellings: dict[str, str] = field(default_factory=dict)
    outlet_spellings: dict[str, str] = field(default_factory=dict)

    def speaker(self, name: str | None, slug: str | None) -> str | None:
        if slug:
            return slug
        key = _spelling(name or "")
        return self.speaker_spellings.get(key, "new:" + key) if key else None

    def place(self, names: list[str], slug: str | None) -> str:
        if slug:
            return slug
        for name in names:
            found = self.place_spellings.get(_spelling(name))
            if found:
                return found
        return "new:" + _spelling(names[0])

    def outlet(self, name: str | None, slug: str | None) -> str:
        if slug:
            return slug
        return self.outlet_spellings.get(fold(name or ""), fold(name or ""))


def _spelling(text: str) -> str:
    key = fold(text)
    return key[4:] if key.startswith("the ") else key


def gold_load(fixtures: Path) -> Gold:
    """Read the seed articles, quotes, captions, places, speakers and outlets from fixtures."""
    gold = Gold()
    records = []
    for path in sorted(fixtures.glob("*.json")):
        records += json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        model, fields = record["model"], record["fields"]
        if model == "archive.article":
            gold.articles[fields["slug"]] = fields
            gold.places[fields["slug"]] = {p[0] for p in fields.get("places", [])}
        elif model == "archive.quote":
            gold.quotes[fields["article"][0]].add((fields["speaker"][0], fold(fields["text"])))
        elif model == "archive.photocaption":
            gold.captions[fields["article"][0]].add(
                (
                    fold(fields["text"]),
                    fold(fields.get("photographer") or ""),
                    (fields.get("agency") or [""])[0],
                    (fields.get("distributor") or [""])[0],
                )
            )
        elif model in {"archive.speaker", "archive.place", "archive.outlet"}:
            target = {
                "archive.speaker": gold.speaker_spellings,
                "archive.place": gold.place_spellings,
                "archive.outlet": gold.outlet_spellings,
            }[model]
            target.setdefault(_spelling(fields["name"]), fields["slug"])
        elif model in {"archive.speakeralias", "archive.placealias"}:
            target = gold.speaker_spellings if "speaker" in model else gold.place_spellings
            target.setdefault(_spelling(fields["name"]), fields["owner"][0])
    return gold


def _article_for(proposal: Proposal, gold: Gold) -> str | None:
    """The fixture article whose paragraphs the proposal holds most of."""
    mine = {fold(p) for p in proposal.paragraphs}
    best, best_count = None, 0
    for slug, article in gold.articles.items():
        count = sum(1 for p in article.get("paragraphs", []) if fold(p) in mine)
        if count > best_count:
            best, best_count = slug, count
    return best


def seeds_score(
    seeds: list[Path], gold: Gold, *, mode: str, index: ArchiveIndex | None = None
) -> Score:
    """Propose every seed (dry run) and score the proposals against the fixtures."""
    if index is None:
        hidden_places = set().union(*gold.places.values()) if mode == "gazetteer" else set()
        hidden_speakers = (
            {s for pairs in gold.quotes.values() for s, _ in pairs}
            if mode == "gazetteer"
            else set()
        )
        index = archive_index_load(without_places=hidden_places, without_speakers=hidden_speakers)
    batch = reports_propose(seeds, index=index)
    score = Score(mode=mode, problems=list(batch.problems))
    for proposal in batch.proposals:
        slug = _article_for(proposal, gold)
        if slug is None:
            score.problems.append(f"{proposal.source}: no fixture article holds its paragraphs")
            continue
        score.seeds.append(f"{proposal.source} → {slug}")
        quotes = {
            (gold.speaker(q.speaker, q.speaker_slug), fold(q.text))
            for q in proposal.quotes
            if q.speaker
        }
        score.quotes.add(quotes, gold.quotes[slug])
        captions = {
            (
                fold(c.text),
                fold(c.photographer or ""),
                gold.outlet(c.agency, c.agency_slug) if c.agency else "",
                gold.outlet(c.distributor, c.distributor_slug) if c.distributor else "",
            )
            for c in proposal.photo_captions
        }
        score.captions.add(captions, gold.captions[slug])
        places = {gold.place([p.name, *p.mentions], p.slug) for p in proposal.places}
        score.places.add(places, gold.places[slug])
    return score
