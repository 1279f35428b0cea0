"""Places a report mentions: the archive's Places and their other spellings, then the gazetteer.

Every capitalised phrase of up to `max_words` words is looked up, folded (so "Ukraine's",
"KHARKIV" and "Kup'iansk" match), among the archive's Place names and PlaceAliases as the
database has them at the start of the ingest. A phrase the archive does not know is looked up
in the bundled gazetteer: a country anywhere, a city only where the grammar says a place
(after "in", "from", "near", "town of"…, before "region", or as "CITY, COUNTRY"), and once
accepted every other mention of it counts. "X region" for a gazetteer city X is proposed as a
region. A bare "Kharkiv" in a report that also names the Kharkiv region is read as the region.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.ingest.gazetteer import GazetteerPlace, gazetteer
from archive.ingest.proposal import PlaceProposal
from archive.ingest.text import fold
from archive.ingest.words import MONTHS, WEEKDAYS, Token, is_org_word, is_title, tokenise

REGION_WORDS = frozenset(
    {"region", "oblast", "province", "county", "district", "governorate", "prefecture"}
)
_LOCATIVE = frozenset(
    """in from to near at around outside towards toward across into through via of between
    inside within""".split()
)
_LIST = frozenset({"and", "or", ","})


@dataclass(frozen=True)
class KnownPlace:
    slug: str
    name: str
    kind: str
    parent_slug: str | None
    latitude: float | None
    longitude: float | None


@dataclass
class PlaceIndex:
    """Every spelling of every archive place, folded, mapped to the place."""

    by_key: dict[str, KnownPlace] = field(default_factory=dict)
    by_slug: dict[str, KnownPlace] = field(default_factory=dict)
    spellings: dict[str, set[str]] = field(default_factory=dict)
    max_words: int = 1

    def add(self, place: KnownPlace, spelling: str) -> None:
        key = fold(spelling)
        if not key:
            return
        self.by_key.setdefault(key, place)
        self.by_slug[place.slug] = place
        self.spellings.setdefault(place.slug, set()).add(key)
        self.max_words = max(self.max_words, len(key.split()))


@dataclass
class _Hit:
    key: str  # "slug:…" or "new:…"
    printed: str
    confidence: float
    place: KnownPlace | None = None
    gazetteer: GazetteerPlace | None = None
    region_of: GazetteerPlace | KnownPlace | None = None


def places_find(
    texts: list[str], index: PlaceIndex, *, use_gazetteer: bool = True
) -> tuple[list[PlaceProposal], list[list[str]]]:
    """Return the places the texts mention, and for each text the keys found in it, in order."""
    geo = gazetteer() if use_gazetteer else None
    tokenised = [tokenise(text) for text in texts]
    countries = _countries_named(tokenised, index, geo)
    accepted: set[str] = set()
    hits: list[list[_Hit]] = []
    for _ in range(2):  # the second pass counts every mention of a place accepted in the first
        hits = [_scan(tokens, index, geo, countries, accepted) for tokens in tokenised]
        accepted |= {fold(h.printed) for found in hits for h in found if h.gazetteer}
    proposals = _proposals([h for found in hits for h in found], index)
    merged = _merge_bare_into_regions(proposals, index)
    per_text = [[merged.get(h.key, h.key) for h in found] for found in hits]
    return list(proposals.values()), per_text


def _countries_named(tokenised, index: PlaceIndex, geo) -> set[str]:
    codes = set()
    for tokens in tokenised:
        for token in tokens:
            if not token.capitalised:
                continue
            known = index.by_key.get(fold(token.word))
            name = known.name if known and known.kind == "country" else token.word
            if geo is not None:
                codes |= {p.country for p in geo.find(name) if p.kind == "country"}
    return codes


def _scan(tokens: list[Token], index, geo, countries: set[str], accepted: set[str]) -> list[_Hit]:
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.capitalised or not token.text[:1].isalpha():
            i += 1
            continue
        width = max(index.max_words, 3)
        words = _word_run(tokens, i, width)
        hit, used = _match_known(words, index)
        region, region_used = _match_region(words, index, geo, countries)
        if region is not None and region_used > used:
            hit, used = region, region_used
        if hit is None and geo is not None:
            hit, used = _match_gazetteer(tokens, i, words, geo, countries, accepted, hits)
        if hit is None:
            i += 1
            continue
        hits.append(hit)
        i += used
    return hits


def _word_run(tokens: list[Token], i: int, width: int) -> list[Token]:
    run = []
    for token in tokens[i : i + width]:
        if not token.text[:1].isalpha():
            break
        run.append(token)
    return run


def _printed(words: list[Token]) -> str:
    text = " ".join(t.word for t in words)
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _match_known(words: list[Token], index: PlaceIndex) -> tuple[_Hit | None, int]:
    for n in range(min(len(words), index.max_words), 0, -1):
        phrase = _printed(words[:n])
        place = index.by_key.get(fold(phrase))
        if place is not None:
            exact = fold(place.name) == fold(phrase)
            return _Hit("slug:" + place.slug, phrase, 0.95 if exact else 0.9, place=place), n
    return None, 0


def _match_gazetteer(tokens, i, words, geo, countries, accepted, hits) -> tuple[_Hit | None, int]:
    for n in range(min(len(words), 3), 0, -1):
        phrase_tokens = words[:n]
        last = phrase_tokens[-1]
        if any(not t.capitalised for t in phrase_tokens[:-1]):
            continue
        if n >= 2 and last.lower in REGION_WORDS:
            continue
        if not last.capitalised or not _plausible(phrase_tokens):
            continue
        if _inside_longer_name(tokens, i, n):
            continue
        printed = _printed(phrase_tokens)
        found = geo.find(printed)
        if not found:
            continue
        if found[0].kind == "country":
            return _Hit("new:" + fold(found[0].name), printed, 0.85, gazetteer=found[0]), n
        city = _choose(found, countries)
        mid_sentence = i > 0 and tokens[i - 1].text not in {".", "!", "?", ":"}
        if (
            fold(printed) in accepted
            or _placed(tokens, i, n, hits, geo)
            or (city.prominent and mid_sentence)
        ):
            confidence = 0.7 if city.country in countries else 0.55
            return _Hit("new:" + fold(city.name), printed, confidence, gazetteer=city), n
    return None, 0


def _match_region(words, index: PlaceIndex, geo, countries) -> tuple[_Hit | None, int]:
    """ "X region" (X a known place or a gazetteer city) that the archive does not know."""
    for n in range(min(len(words), 4), 1, -1):
        phrase_tokens = words[:n]
        if phrase_tokens[-1].lower not in REGION_WORDS or not _plausible(phrase_tokens[:-1]):
            continue
        if any(not t.capitalised for t in phrase_tokens[:-1]):
            continue
        base = _printed(phrase_tokens[:-1])
        printed = _printed(phrase_tokens)
        known = index.by_key.get(fold(base))
        if known is not None:
            country = _country_of(known, index)
            return _Hit("new:" + fold(printed), printed, 0.6, region_of=country or known), n
        found = [p for p in geo.find(base) if p.kind == "city"] if geo is not None else []
        if found:
            city = _choose(found, countries)
            return _Hit("new:" + fold(printed), printed, 0.6, region_of=city), n
    return None, 0


def _country_of(place: KnownPlace, index: PlaceIndex) -> KnownPlace | None:
    seen = set()
    current: KnownPlace | None = place
    while current is not None and current.kind != "country" and current.slug not in seen:
        seen.add(current.slug)
        current = index.by_slug.get(current.parent_slug) if current.parent_slug else None
    return current


def _inside_longer_name(tokens: list[Token], i: int, n: int) -> bool:
    """'Mai' in 'Mai Mahiu': a gazetteer name that is only part of a longer capitalised name."""
    after = tokens[i + n] if i + n < len(tokens) else None
    if after is not None and after.capitalised and after.text[:1].isalpha():
        return after.lower not in REGION_WORDS
    before = tokens[i - 1] if i > 0 else None
    if before is not None and before.capitalised and before.text[:1].isalpha() and i > 1:
        sentence_start = tokens[i - 2].text in {".", "!", "?"}
        return not sentence_start and before.lower not in _LOCATIVE
    return False


def _plausible(words: list[Token]) -> bool:
    """Not a month, weekday, title or organisation word that happens to name a town."""
    for token in words:
        lower = token.lower
        if lower in MONTHS or lower in WEEKDAYS or is_title(token) or is_org_word(token):
            return False
    return True


def _placed(tokens: list[Token], i: int, n: int, hits: list[_Hit], geo) -> bool:
    """Whether the grammar around tokens[i:i+n] says a place."""
    before = tokens[i - 1] if i > 0 else None
    after = tokens[i + n : i + n + 2]
    if before is not None and before.lower in _LOCATIVE:
        return True
    if before is not None and before.lower == "the" and i > 1 and tokens[i - 2].lower in _LOCATIVE:
        return True
    if before is not None and before.lower in _LIST and hits and hits[-1].printed:
        previous = tokens[i - 2] if i > 1 else None
        if previous is not None and fold(previous.word) in fold(hits[-1].printed):
            return True
    if len(after) == 2 and after[0].text == "," and after[1].capitalised:
        return any(p.kind == "country" for p in geo.find(after[1].word))
    return False


def _choose(found: list[GazetteerPlace], countries: set[str]) -> GazetteerPlace:
    cities = [p for p in found if p.kind == "city"] or found
    return sorted(cities, key=lambda p: (p.country not in countries, -p.population))[0]


def _proposals(hits: list[_Hit], index: PlaceIndex) -> dict[str, PlaceProposal]:
    proposals: dict[str, PlaceProposal] = {}
    for hit in hits:
        proposal = proposals.get(hit.key)
        if proposal is None:
            proposal = proposals[hit.key] = _proposal(hit, index)
        if hit.printed not in proposal.mentions:
            proposal.mentions.append(hit.printed)
        proposal.confidence = max(proposal.confidence, hit.confidence)
    return proposals


def _proposal(hit: _Hit, index: PlaceIndex) -> PlaceProposal:
    if hit.place is not None:
        place = hit.place
        parent = index.by_slug.get(place.parent_slug) if place.parent_slug else None
        return PlaceProposal(
            name=place.name,
            slug=place.slug,
            new=False,
            mentions=[],
            latitude=place.latitude,
            longitude=place.longitude,
            confidence=hit.confidence,
            kind=place.kind,
            parent=parent.name if parent else None,
            parent_slug=place.parent_slug,
        )
    if hit.region_of is not None:
        of = hit.region_of
        country = of.country_name if isinstance(of, GazetteerPlace) else of.name
        return PlaceProposal(
            name=hit.printed,
            slug=None,
            new=True,
            mentions=[],
            latitude=None,
            longitude=None,
            confidence=hit.confidence,
            kind="region",
            parent=country,
            parent_slug=_slug_of(country, index),
        )
    geo = hit.gazetteer
    if geo is None:
        raise ValueError(f"place hit {hit.key!r} names no archive place, region or gazetteer entry")
    is_country = geo.kind == "country"
    return PlaceProposal(
        name=_as_printed(hit.printed),
        gazetteer_name=geo.name,
        slug=None,
        new=True,
        mentions=[],
        latitude=geo.latitude,
        longitude=geo.longitude,
        confidence=hit.confidence,
        kind="country" if is_country else "city",
        parent=None if is_country else geo.country_name,
        parent_slug=None if is_country else _slug_of(geo.country_name, index),
    )


def _as_printed(text: str) -> str:
    """The spelling as printed, with a name set in capitals (KHARKIV) in ordinary case."""
    if not text.isupper():
        return text
    return " ".join(word.capitalize() for word in text.split())


def _slug_of(name: str, index: PlaceIndex) -> str | None:
    place = index.by_key.get(fold(name))
    return place.slug if place else None


def _merge_bare_into_regions(
    proposals: dict[str, PlaceProposal], index: PlaceIndex
) -> dict[str, str]:
    """Read a bare "X" as the region "X region"/"X Oblast" when the report names that region."""
    merged: dict[str, str] = {}
    regions = [(k, p) for k, p in proposals.items() if p.kind in {"region", "area"}]
    for key, proposal in list(proposals.items()):
        if proposal.kind in {"region", "area", "country"}:
            continue
        bare = fold(proposal.name)
        spellings = {fold(m) for m in proposal.mentions} | {bare}
        for region_key, region in regions:
            names = {fold(region.name)} | {fold(m) for m in region.mentions}
            if region.slug:
                names |= index.spellings.get(region.slug, set())
            related = None in (region.slug, proposal.slug) or proposal.parent_slug == region.slug
            if related and any(n.startswith(s + " ") for n in names for s in spellings):
                for mention in proposal.mentions:
                    if mention not in region.mentions:
                        region.mentions.append(mention)
                region.confidence = min(region.confidence, 0.95)
                merged[key] = region_key
                del proposals[key]
                break
    return merged
