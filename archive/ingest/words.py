"""Words and tokens shared by the quote, speaker and place finders.

The lists are English newsroom grammar (verbs of saying, titles, organisation nouns), never
names: every name comes from the archive's own Speakers and Places or from the gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPEECH_VERBS = frozenset(
    """said says say saying told tells added adds stated states noted notes wrote writes
    asked asks explained explains warned warns insisted insists declared declares announced
    announces claimed claims argued argues replied replies responded responds continued
    suggested suggests assessed assesses acknowledged acknowledges admitted admits confirmed
    confirms urged urges promised promises vowed vows tweeted posted recalled remarked stressed
    emphasised emphasized cautioned predicted concluded conceded boasted complained reported
    reports insisted maintained observed pointed commented asserted shouted joked quipped
    pledged agreed countered retorted demanded lamented disclosed revealed hinted alleged
    contended testified reiterated elaborated""".split()
)
# Between a subject and its verb: "Konashenkov reportedly said", "he has also said".
VERB_FILLERS = frozenset(
    """has had have also later earlier then further previously again would will once
    separately first subsequently""".split()
)
TITLES = frozenset(
    """president vice prime minister ministers secretary spokesman spokeswoman spokesperson
    leader chief head governor mayor senator sen rep representative chancellor king queen
    pope prince general gen colonel col lieutenant lt major maj commander captain capt
    admiral adm sergeant sgt ambassador envoy director adviser advisor analyst professor
    prof dr mr mrs ms official officer chairman chairwoman chair ceo founder deputy foreign
    defence defense interior finance justice health state press national security premier
    mp lawmaker judge attorney counsel coordinator commissioner representative""".split()
)
ORG_WORDS = frozenset(
    """ministry ministries department office agency press news times post council committee
    army military forces force government kremlin service services police party company
    inc ltd corp corporation university bank union organisation organization commission
    court parliament embassy command staff guard navy administration authority authorities
    institute foundation group association federation network channel newspaper agency
    television radio media republic cabinet senate congress assembly bureau""".split()
)
PRONOUNS = {"he": "person", "she": "person"}
DETERMINERS = frozenset({"the", "a", "an"})
# Sentence openers that are not part of a name: "But Pushilin said", "Earlier Saturday …".
OPENERS = frozenset(
    """but and meanwhile earlier later however also then still yet now today yesterday on in
    at after before while when as so separately monday tuesday wednesday thursday friday
    saturday sunday""".split()
)
NP_CONNECTORS = frozenset({"of", "for", "the", "de", "van", "von", "al", "bin", "la", "le", "da"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
ABBREVIATIONS = frozenset(
    """mr mrs ms dr gen lt col sgt capt gov sen rep st jan feb mar apr jun jul aug sep sept
    oct nov dec no vs inc ltd jr sr prof rev maj adm cmdr pres mt ft""".split()
)

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.]*[\w])?\.?|\d[\d,.:]*|Q+|[,;:()—–]|[.!?]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """The token without a final full stop (kept for U.K.)."""
        text = self.text
        if text.endswith(".") and text.count(".") == 1:
            text = text[:-1]
        return text

    @property
    def lower(self) -> str:
        return self.word.casefold()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_placeholder(self) -> bool:
        return self.text.startswith("Q") and set(self.text) == {"Q"}


def tokenise(text: str, offset: int = 0) -> list[Token]:
    """Return the words and punctuation of a text with their offsets; hyphens split words."""
    return [
        Token(m.group(0), m.start() + offset, m.end() + offset)
        for m in _TOKEN.finditer(text.replace("-", " "))
    ]


def possessive_stripped(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def is_title(token: Token) -> bool:
    return possessive_stripped(token.lower) in TITLES


def is_org_word(token: Token) -> bool:
    return possessive_stripped(token.lower) in ORG_WORDS
