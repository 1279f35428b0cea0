"""Who a phrase names: the archive's Speakers and their other spellings, or a new speaker.

`SpeakerIndex` holds every Speaker name and SpeakerAlias, folded (case, diacritics,
possessives, dots), as the database has them at the start of an ingest: an alias an editor
adds is used by the next ingest. `DocumentSpeakers` follows one report: who has been named so
far (for "he said"), surnames that refer back to a full name, and new speakers with the role
printed beside their name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from archive.ingest.proposal import SpeakerProposal
from archive.ingest.text import fold
from archive.ingest.words import (
    DETERMINERS,
    OPENERS,
    PRONOUNS,
    TITLES,
    Token,
    is_org_word,
    is_title,
    possessive_stripped,
)


@dataclass(frozen=True)
class KnownSpeaker:
    slug: str
    name: str
    kind: str
    role: str


@dataclass
class SpeakerIndex:
    """Every spelling of every archive speaker, folded, mapped to the speaker."""

    by_key: dict[str, KnownSpeaker] = field(default_factory=dict)

    def add(self, speaker: KnownSpeaker, spelling: str) -> None:
        key = fold(spelling)
        if key:
            self.by_key.setdefault(key, speaker)
            words = key.split()
            if words[0] == "the" and len(words) > 1:
                self.by_key.setdefault(" ".join(words[1:]), speaker)

    def find(self, phrase: str) -> KnownSpeaker | None:
        key = fold(phrase)
        if key.startswith("the "):
            return self.by_key.get(key) or self.by_key.get(key[4:])
        return self.by_key.get(key)


@dataclass
class Mention:
    """A speaker named at a place in the report: (paragraph, offset) orders them."""

    where: tuple[int, int]
    key: str


@dataclass
class DocumentSpeakers:
    """The speakers of one report, and who was named last at any point."""

    index: SpeakerIndex
    proposals: dict[str, SpeakerProposal] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    def resolve_phrase(
        self, tokens: list[Token], where: tuple[int, int], *, role: str | None = None
    ) -> str | None:
        """Return the key of the speaker a subject phrase names, registering it; None if none.

        `role` is one printed apart from the name ('X, director of the agency, said').
        """
        tokens = _trim(tokens)
        if not tokens:
            return None
        if len(tokens) == 1 and tokens[0].lower in PRONOUNS:
            return self.last_person(before=where)
        words = [t.word for t in tokens]
        if words[0].casefold() in DETERMINERS and not any(t.capitalised for t in tokens[1:]):
            return self._definite(words, where)
        for start in range(len(words)):
            known = self.index.find(" ".join(words[start:]))
            if known and (start == 0 or len(words) - start >= 1):
                return self._register_known(known, where)
        name, printed_role, kind = name_and_role(tokens)
        role = printed_role or role
        if not name:
            return None
        linked = self._link_surname(name, kind)
        if linked:
            self.mentions.append(Mention(where, linked))
            return linked
        if kind == "person" and len(name.split()) == 1 and not role:
            # A lone capitalised word naming nobody known: too weak to propose as a speaker.
            return None
        key = "new:" + fold(name)
        if key not in self.proposals:
            self.proposals[key] = SpeakerProposal(
                name=name, slug=None, new=True, role=role or None, kind=kind
            )
        elif role and not self.proposals[key].role:
            self.proposals[key].role = role
        self.mentions.append(Mention(where, key))
        return key

    def note_person(self, tokens: list[Token], where: tuple[int, int], *, subject: bool) -> None:
        """Record a person named outside an attribution (for later pronouns).

        A new name counts when a title goes with it or when it is the subject of a verb of
        saying; a known speaker or a surname already named always counts.
        """
        tokens = _trim(tokens)
        words = [t.word for t in tokens]
        for start in range(len(words)):
            known = self.index.find(" ".join(words[start:]))
            if known:
                self._register_known(known, where, propose=False)
                return
        name, role, kind = name_and_role(tokens)
        if kind != "person" or not name:
            return
        linked = self._link_surname(name, kind)
        if linked:
            self.mentions.append(Mention(where, linked))
        elif len(name.split()) >= 2 and (role or subject):
            key = "new:" + fold(name)
            self.proposals.setdefault(
                key, SpeakerProposal(name=name, slug=None, new=True, role=role, kind=kind)
            )
            self.mentions.append(Mention(where, key))

    def last_person(self, *, before: tuple[int, int]) -> str | None:
        earlier = [
            m for m in self.mentions if m.where < before and self.proposals[m.key].kind == "person"
        ]
        return max(earlier, key=lambda m: m.where).key if earlier else None

    def used(self, keys: set[str]) -> list[SpeakerProposal]:
        return [proposal for key, proposal in self.proposals.items() if key in keys]

    def _register_known(self, known: KnownSpeaker, where, *, propose: bool = True) -> str:
        key = "slug:" + known.slug
        self.proposals.setdefault(
            key,
            SpeakerProposal(
                name=known.name,
                slug=known.slug,
                new=False,
                role=known.role or None,
                kind=known.kind,
            ),
        )
        self.mentions.append(Mention(where, key))
        return key

    def _definite(self, words: list[str], where) -> str | None:
        """ "the ministry said": the last organisation named whose name ends the same way."""
        head = fold(" ".join(words[1:]))
        last_word = head.split()[-1] if head else ""
        for mention in sorted(self.mentions, key=lambda m: m.where, reverse=True):
            proposal = self.proposals[mention.key]
            if mention.where >= where or not head:
                continue
            if proposal.kind == "organisation" and fold(proposal.name).endswith(head):
                return mention.key
            # "the minister said": the last person whose printed role ends so.
            if proposal.kind == "person" and fold(proposal.role or "").endswith(last_word):
                if last_word in TITLES:
                    return mention.key
        known = self.index.find(" ".join(words))
        return self._register_known(known, where) if known else None

    def _link_surname(self, name: str, kind: str) -> str | None:
        """A surname alone (or misspelt) after the full name: the same person."""
        if kind != "person":
            return None
        parts = fold(name).split()
        if len(parts) != 1:
            return None
        surname = parts[0]
        for key, proposal in self.proposals.items():
            if proposal.kind != "person":
                continue
            last = fold(proposal.name).split()[-1]
            if last == surname or _misspelt(last, surname):
                return key
        return None


def _misspelt(known: str, printed: str) -> bool:
    """Zelenksyy for Zelenskyy: the same length give or take one, and nearly the same letters."""
    if len(printed) < 5 or abs(len(known) - len(printed)) > 1 or known[0] != printed[0]:
        return False
    matcher = difflib.SequenceMatcher(None, known, printed)
    return matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop sentence openers and punctuation around a subject phrase."""
    tokens = [t for t in tokens if t.word[:1].isalnum()]
    while tokens and tokens[0].lower in OPENERS and len(tokens) > 1:
        tokens = tokens[1:]
    return tokens


def name_and_role(tokens: list[Token]) -> tuple[str | None, str | None, str]:
    """Split a subject phrase into (name, role as printed, kind).

    "Russian Defense Ministry spokesman Igor Konashenkov" gives ("Igor Konashenkov",
    "Russian Defense Ministry spokesman", "person"); "the British military" gives
    ("the British military", None, "organisation").
    """
    if not tokens:
        return None, None, "person"
    name_start = len(tokens)
    while name_start > 0:
        token = tokens[name_start - 1]
        if not token.capitalised or is_title(token) or is_org_word(token):
            break
        if name_start < len(tokens) and token.word.endswith(("'s", "’s")):
            break
        name_start -= 1
    name_tokens = tokens[name_start:]
    if name_tokens and len(name_tokens) <= 4:
        role_tokens = tokens[:name_start]
        while role_tokens and role_tokens[0].lower in DETERMINERS:
            role_tokens = role_tokens[1:]
        role = " ".join(t.word for t in role_tokens) or None
        name = " ".join(possessive_stripped(t.word) for t in name_tokens)
        return name, role, "person"
    if any(is_org_word(t) for t in tokens) or tokens[0].lower in DETERMINERS:
        words = [t.word for t in tokens]
        if words[0].casefold() in DETERMINERS:
            words = words[1:]
        return " ".join(words) or None, None, "organisation"
    return None, None, "person"
