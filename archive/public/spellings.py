"""Which spellings of a place's or a speaker's name each outlet printed (Izyum, Izium), counted.

The spellings are the subject's name and its aliases; they are looked for in the headline and
paragraphs of the published articles about the place (linked to it) or quoting the speaker, as
whole words, ignoring case and the shape of apostrophes. A longer name of another place or
speaker that holds one of the subject's spellings ("Kharkiv region" for the city of Kharkiv)
is matched too, and not counted, so a region's name is not taken for its city's.

One query reads the articles' texts; the facet index gives the latest `MAX_ARTICLES` articles,
the subject's aliases and every other name and alias of its kind (the masks). A place named in
tens of thousands of articles costs a bounded time.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection

from archive.facetindex.store import FacetIndex
from archive.facetindex.subjects import subject_latest
from archive.models import Article, Outlet, Place, Speaker

_APOSTROPHE_SHAPES = ("’", "‘", "ʼ", "`")
# At most this many articles (the latest) are read for one subject.
MAX_ARTICLES = 200


@dataclass(frozen=True)
class SpellingCount:
    """One spelling and how many times an outlet printed it."""

    spelling: str
    count: int


@dataclass(frozen=True)
class OutletSpellings:
    """The spellings one outlet printed of a name, most used first."""

    outlet: str
    outlet_slug: str
    spellings: list[SpellingCount]

    def as_json(self) -> dict:
        return {
            "outlet": self.outlet_slug,
            "outlet_name": self.outlet,
            "spellings": [{"spelling": s.spelling, "count": s.count} for s in self.spellings],
        }


def _fold(text: str) -> str:
    if text.isascii():  # NFKC changes no ASCII text, and its case folding is lower()
        return text.replace("`", "'").lower()
    text = unicodedata.normalize("NFKC", text)
    for apostrophe in _APOSTROPHE_SHAPES:  # str.replace is far quicker than translate
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text.casefold()


@functools.lru_cache(maxsize=65536)
def _words_key(text: str) -> str:
    # Names and aliases come back on every page (as masks): each is folded once a process.
    return " ".join(_fold(text).split())


def spelling_pattern(spellings: Iterable[str]) -> re.Pattern[str]:
    """Return a pattern matching any of the spellings ending a word, longest first; with
    `whole_words` it finds them as whole words.

    Longest first, so that at any one place in a text the longest spelling wins
    ("Volodymyr Zelenskyy" rather than "Zelenskyy" inside it). The pattern has no look-behind
    for the start of a word: without one, the engine skips ahead to the spellings' first
    letters instead of trying every position of the text (several times quicker).
    """
    keys = sorted({_words_key(s) for s in spellings if s.strip()}, key=lambda k: (-len(k), k))
    body = "|".join(r"\s+".join(re.escape(word) for word in key.split()) for key in keys)
    return re.compile(rf"(?:{body})(?!\w)")


_WORD_CHARACTER = re.compile(r"\w")


def whole_words(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    r"""Yield the matches of a `spelling_pattern` that start a word, leftmost first.

    The same matches as the pattern with a look-behind `(?<!\w)` would give: a match that
    does not start a word is passed over by one character only, so one starting inside it
    is still found. An empty match (a pattern of no spellings) is not a spelling.
    """
    position = 0
    while match := pattern.search(text, position):
        start, end = match.span()
        if start == end or (start and _WORD_CHARACTER.match(text, start - 1)):
            position = start + 1
            continue
        yield match
        position = end


@dataclass(frozen=True)
class NameMasks:
    """Names to mask with, folded to their words and joined by a character no spelling can
    span: one scan finds every name holding a spelling.

    The names and aliases of a kind's subjects change only with the facet index's labels, so
    `_counted` folds and joins them once for the labels, not once a page.
    """

    names: list[str]
    keys: list[str]
    starts: list[int]
    text: str

    @classmethod
    def of(cls, names: Iterable[str]) -> NameMasks:
        names = list(names)
        keys = [_words_key(name) for name in names]
        starts = list(itertools.accumulate((len(key) + 1 for key in keys), initial=0))
        return cls(names, keys, starts, "\0".join(keys))

    def holding(self, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
        """Return (name, its words' key) of each name that holds a match of `pattern` (a
        match cannot span the character between two names)."""
        found = {
            bisect.bisect_right(self.starts, match.start()) - 1
            for match in whole_words(pattern, self.text)
        }
        return [(self.names[i], self.keys[i]) for i in sorted(found)]


@dataclass(frozen=True)
class SubjectSpellings:
    """A subject's spellings (its name first, then its aliases) and each outlet's use of them."""

    spellings: list[str]
    by_outlet: list[OutletSpellings]
    articles_read: int
    capped: bool

    @property
    def aliases(self) -> list[str]:
        return self.spellings[1:]


ARTICLE, OWN, MASK = "a", "s", "m"


def spellings_count(
    rows: Iterable[tuple], *, name: str, masks: Iterable[str] | NameMasks = ()
) -> SubjectSpellings:
    """Count each spelling of a subject per outlet, from rows of (kind, a, b, c, d) in any order.

    Kind "s" is one of the subject's aliases (in `a`); kind "m" another subject's name or alias,
    a mask: where it holds one of the subject's spellings its words are not counted; kind "a"
    an article: (outlet name, outlet slug, headline, paragraphs). A spelling is counted under
    its first form: the name, then the aliases in name order. `masks` gives more masks, as
    names or already joined (`NameMasks`); the subject's own name among them masks nothing.
    """
    aliases: list[str] = []
    given = masks if isinstance(masks, NameMasks) else NameMasks.of(masks)
    more: list[str] = []  # the masks among the rows
    articles: list[tuple[tuple[str, str], list[str]]] = []
    for kind, first, second, headline, paragraphs in rows:
        if kind == OWN:
            aliases.append(first)
        elif kind == MASK:
            more.append(first)
        else:
            if isinstance(paragraphs, str):  # JSON text, decoded for articles only
                paragraphs = json.loads(paragraphs)
            texts = [headline, *(paragraphs if isinstance(paragraphs, list) else [])]
            articles.append(((first, second), [t for t in texts if isinstance(t, str)]))
    aliases.sort()
    spellings = [name, *aliases]
    shown: dict[str, str] = {}
    for spelling in spellings:
        if spelling.strip():
            shown.setdefault(_words_key(spelling), spelling)
    ours = spelling_pattern(shown)
    # A mask starts where the spelling it holds starts, or before: matched together, longest
    # first and leftmost first, a mask takes the words before the spelling inside it can.
    # The masks holding a spelling, from one scan of all their names.
    holding = given.holding(ours) + NameMasks.of(more).holding(ours)
    longer = [mask for mask, key in holding if key not in shown]
    pattern = spelling_pattern([*shown, *longer])
    # One scan of each outlet's articles: their texts joined by a character no spelling can span.
    outlet_texts: dict[tuple[str, str], list[str]] = {}
    for outlet, texts in articles:
        outlet_texts.setdefault(outlet, []).extend(texts)
    counts: dict[tuple[str, str], Counter[str]] = {}
    for outlet, texts in outlet_texts.items():
        found = Counter(
            key
            for match in whole_words(pattern, _fold("\0".join(texts)))
            if (key := " ".join(match.group().split())) in shown
        )
        if found:
            counts[outlet] = found
    by_outlet = [
        OutletSpellings(
            outlet=outlet,
            outlet_slug=slug,
            spellings=[
                SpellingCount(shown[key], n)
                for key, n in sorted(tally.items(), key=lambda item: (-item[1], shown[item[0]]))
            ],
        )
        for (outlet, slug), tally in sorted(counts.items(), key=lambda item: item[0][0].casefold())
    ]
    return SubjectSpellings(
        spellings=spellings,
        by_outlet=by_outlet,
        articles_read=len(articles),
        capped=len(articles) >= MAX_ARTICLES,
    )


def _texts(latest: list[int]) -> list[tuple]:
    """Read the latest articles' texts as article rows, in one query (none for no articles).

    Written in SQL: the ORM took longer to build the query than the database to run it.
    Paragraphs come as JSON text, decoded by `spellings_count`.
    """
    if not latest:
        return []
    quote = connection.ops.quote_name
    article, outlet = quote(Article._meta.db_table), quote(Outlet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT '{ARTICLE}', o.{quote('name')}, o.{quote('slug')}, a.{quote('headline')},"
            f" CAST(a.{quote('paragraphs')} AS TEXT) FROM {article} a"
            f" JOIN {outlet} o ON o.{quote('id')} = a.{quote('outlet_id')}"
            f" WHERE a.{quote('id')} IN ({', '.join(['%s'] * len(latest))})",
            latest,
        )
        return cursor.fetchall()


def place_spellings(*, place: Place, index: FacetIndex) -> SubjectSpellings:
    """Return which of a place's spellings each outlet printed in the published articles about it.

    Only the articles linked to the place itself are read, not those about places inside it:
    a country's page would otherwise read most of the archive. The facet index names the
    latest articles and the other places' names without a query.
    """
    return _counted(index, "place", place)


def speaker_spellings(*, speaker: Speaker, index: FacetIndex) -> SubjectSpellings:
    """Return which of a speaker's spellings each outlet printed in the published articles
    that quote them (`index` as for `place_spellings`)."""
    return _counted(index, "speaker", speaker)


def _counted(index: FacetIndex, subject: str, owner) -> SubjectSpellings:
    latest = subject_latest(index, subject, [owner.pk], MAX_ARTICLES, kinds=("article",))[
        "articles"
    ]
    # The subject's aliases and every name and alias of its kind, current, from the facet
    # index's labels: only the articles are read. The names and aliases are folded and joined
    # once for the labels; the subject's own among them mask nothing.
    labels = index.labels
    aliases = labels.aliases.get(subject, {})
    key = ((subject,), "spelling-masks")
    if key not in labels.memo:
        everyone = itertools.chain(
            labels.name.get(subject, {}).values(), itertools.chain.from_iterable(aliases.values())
        )
        labels.memo[key] = NameMasks.of(everyone)
    own = [(OWN, alias, "", "", None) for alias in aliases.get(owner.pk, ())]
    return spellings_count([*own, *_texts(latest)], name=owner.name, masks=labels.memo[key])
