"""Ranked full-text search over articles, quotes and captions, on SQLite or PostgreSQL.

The engine follows the database in use (archive.search.backends picks it; each engine keeps
its index and writes its own SQL). Query text is user input and never reaches either engine as
syntax: it is cut into words and "quoted phrases", each word or phrase must match (AND), and a
word or run of words that names a place or speaker, in any of its spellings, matches any of
them (Izium finds Izyum). Text with no words left (empty, only punctuation, only common words
such as "the") does not filter: the queryset comes back whole, every row ranked 0.0.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connections, transaction
from django.db.models import CharField, FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from archive.models import Article, PhotoCaption, Place, PlaceAlias, Quote, Speaker, SpeakerAlias
from archive.search.backends import search_backend
from archive.search.backends.base import MARK_END, MARK_START, Kind, Words
from archive.search.terms import BROAD_ROWS, TermIndex

MAX_CHARS = 1000  # of query text read; more is ignored
MAX_TERMS = 24  # words or phrases that must all match
MAX_WORD = 64  # characters; longer "words" are noise, not names
MAX_SPELLINGS = 12  # per term, the user's own included
MAX_NAME_WORDS = 8  # longest place or speaker name recognised inside the query
SNIPPET_WORDS = 30

WORD = re.compile(r"[^\W_]+")
PHRASE_OR_CHUNK = re.compile(r'"([^"]*)"|(\S+)')
# PostgreSQL's English stop words; dropped on both engines so the two find the same articles.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now""".split()
)


@dataclass(frozen=True)
class Term:
    """One thing the text must contain: any one of its spellings, each a run of words."""

    spellings: tuple[Words, ...]


def _key(words: Words) -> str:
    return " ".join(words).casefold()


def _units(text: str) -> list[tuple[Words, bool]]:
    """Cut text into words and quoted phrases; say for each whether the user quoted it."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    units = []
    for match in PHRASE_OR_CHUNK.finditer(text):
        quoted = match.group(1) is not None
        chunk = match.group(1) if quoted else match.group(2)
        words = tuple(w for w in WORD.findall(chunk) if len(w) <= MAX_WORD)
        if words:
            units.append((words, quoted))
    return units[: MAX_TERMS * 2]


def _runs(units: list[tuple[Words, bool]], i: int):
    """Yield the runs of units starting at i that could spell a name, longest first."""
    for n in range(min(len(units) - i, MAX_NAME_WORDS), 0, -1):
        run = units[i : i + n]
        if n == 1 or not any(quoted for _words, quoted in run):
            yield n, tuple(word for words, _quoted in run for word in words)


NAMED = ("place", "speaker")  # the kinds whose names and aliases a search understands


@functools.lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[Words, str]:
    # Names come back at every new table (after an edit of a place or speaker): each is cut
    # into words once a process.
    words = tuple(WORD.findall(name))
    return words, _key(words)


@dataclass(frozen=True)
class NameTable:
    """Every place's and speaker's spellings as runs of words: the owners each run names, and
    each owner's spellings, its name first, then its aliases in the order they were added."""

    owners: dict[str, tuple[tuple[str, int], ...]]
    spellings: dict[tuple[str, int], tuple[Words, ...]]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, int, str]]) -> NameTable:
        """Build from (kind, owner id, name or alias) rows, each owner's name before its
        aliases (`name_rows`)."""
        owners: dict[str, list[tuple[str, int]]] = {}
        spellings: dict[tuple[str, int], list[Words]] = {}
        for kind, pk, name in rows:
            words, key = _name_words(name)
            if not words:
                continue
            owner = (kind, pk)
            spellings.setdefault(owner, []).append(words)
            named = owners.setdefault(key, [])
            if owner not in named:
                named.append(owner)
        return cls(
            {key: tuple(found) for key, found in owners.items()},
            {owner: tuple(words) for owner, words in spellings.items()},
        )

    @classmethod
    def from_database(cls) -> NameTable:
        """Build from the database in one query, for a caller without the facet index."""
        parts: list[QuerySet] = []
        for kind, owner, alias in (
            ("place", Place, PlaceAlias),
            ("speaker", Speaker, SpeakerAlias),
        ):
            label = Value(kind, output_field=CharField())
            for model, fields in ((owner, ("pk", Value(0))), (alias, ("owner_id", "pk"))):
                parts.append(model._default_manager.order_by().values_list(label, *fields, "name"))
        rows = list(parts[0].union(*parts[1:], all=True))
        names: dict[str, dict[int, str]] = {}
        aliases: dict[str, dict[int, list[str]]] = {}
        for kind, pk, alias_pk, name in sorted(rows, key=lambda row: (row[0], row[1], row[2])):
            if alias_pk:
                aliases.setdefault(kind, {}).setdefault(pk, []).append(name)
            else:
                names.setdefault(kind, {})[pk] = name
        return cls.from_rows(name_rows(names, aliases))


def name_rows(
    names: Mapping[str, Mapping[int, str]], aliases: Mapping[str, Mapping[int, Sequence[str]]]
) -> Iterator[tuple[str, int, str]]:
    """Yield (kind, owner id, spelling): places then speakers, by id, each name before its
    aliases; from names and aliases by kind and owner (the facet index's labels hold both)."""
    for kind in NAMED:
        owned = aliases.get(kind, {})
        for pk, name in sorted(names.get(kind, {}).items()):
            yield kind, pk, name
            for alias in owned.get(pk, ()):
                yield kind, pk, alias


def _spellings_by_name(
    units: list[tuple[Words, bool]],
    names: NameTable,
    public: Mapping[str, Collection[int]] | None = None,
) -> dict[str, list[Words]]:
    """Map each place or speaker spelling found in the text to all spellings of its owner.

    `public` gives, per kind, the ids readers may see when the caller knows them (the facet
    index does); otherwise the database is asked."""
    keys = {_key(words) for i in range(len(units)) for _n, words in _runs(units, i)}
    found = {owner for key in keys for owner in names.owners.get(key, ())}
    if not found:
        return {}
    if public is None:
        models: dict[str, Any] = {"place": Place, "speaker": Speaker}
        public = {
            kind: set(
                models[kind]
                ._default_manager.public()
                .filter(pk__in=[pk for named, pk in found if named == kind])
                .values_list("pk", flat=True)
            )
            for kind in NAMED
        }
    # Only a public place or speaker lends its spellings: one only drafts name stays unnamed.
    shown = sorted(
        (owner for owner in found if owner[1] in public[owner[0]]),
        key=lambda owner: (NAMED.index(owner[0]), owner[1]),
    )
    by_name: dict[str, list[Words]] = {}
    for owner in shown:
        spellings = names.spellings[owner]
        for words in spellings:
            by_name.setdefault(_key(words), []).extend(spellings)
    return by_name


def parse_terms(
    text: str,
    *,
    public: Mapping[str, Collection[int]] | None = None,
    names: NameTable | None = None,
) -> list[Term]:
    """Turn query text into the terms an article must contain, spellings expanded.

    `public`: the ids of the places and speakers readers may see, and `names` every place's
    and speaker's spellings, if the caller knows them (the facet index does)."""
    units = _units(text or "")
    by_name = {}
    if units:
        by_name = _spellings_by_name(units, names or NameTable.from_database(), public)
    terms: list[Term] = []
    i = 0
    while i < len(units) and len(terms) < MAX_TERMS:
        for n, words in _runs(units, i):
            if _key(words) in by_name:
                spellings = {_key(words): words}
                for other in by_name[_key(words)]:
                    spellings.setdefault(_key(other), other)
                terms.append(Term(tuple(spellings.values())[:MAX_SPELLINGS]))
                i += n
                break
        else:
            words, quoted = units[i]
            if quoted or len(words) > 1 or words[0].casefold() not in STOP_WORDS:
                terms.append(Term((words,)))
            i += 1
    return terms


# --- Queries --------------------------------------------------------------------------------


def _filter_and_rank(
    queryset: QuerySet,
    text: str,
    *,
    kind: Kind,
    terms: list[Term] | None = None,
    also: Q | None = None,
) -> QuerySet:
    terms = parse_terms(text) if terms is None else terms
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    backend = search_backend(connections[queryset.db])
    found, rank = backend.match(kind, [term.spellings for term in terms])
    if also is not None:
        # Rows found only by `also` have no score of their own: ranked below every text match.
        unscored = Coalesce(rank, Value(0.0, output_field=FloatField()))
        return queryset.filter(Q(found) | also).annotate(search_rank=unscored)
    return queryset.filter(found).annotate(search_rank=rank)


def article_search(
    queryset: QuerySet[Article], text: str, *, terms: list[Term] | None = None
) -> QuerySet[Article]:
    """Return the articles whose headline, standfirst, body, quotes or captions match text."""
    return _filter_and_rank(
        queryset,
        text,
        kind="article",
        terms=terms,
    )


def article_matches(
    terms: list[Term], *, scored: bool = False, words: TermIndex | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the ids of every article, published or not, whose text matches every term, and
    when `scored` their ranks (the rank `article_search` gives), from one pass over the index.

    Nothing is joined or sorted: the caller keeps the published rows its other filters keep
    (the facet index does it over arrays) and orders them. Terms must not be empty. `words`,
    the broad words' posting lists (see `search_words_build`), answers a query of broad words
    where the engine can read them.
    """
    backend = search_backend(connections[Article.objects.db])
    spellings = [term.spellings for term in terms]
    return backend.match_arrays("article", spellings, scored=scored, words=words)


def search_words_build(using: str = "default") -> TermIndex | None:
    """Return the posting lists of the archive's broad words (None where the engine keeps
    none). Stop words are left out: a query never searches for them alone."""
    min_rows = getattr(settings, "ARCHIVE_SEARCH_BROAD_ROWS", BROAD_ROWS)
    if not min_rows:
        return None
    return search_backend(connections[using]).term_index_build(min_rows, skip=STOP_WORDS)


def search_words_changed(
    words: TermIndex, ids: Collection[int], using: str = "default"
) -> TermIndex:
    """Return the posting lists with these articles read again."""
    if not words.words:  # nothing listed: nothing to keep current
        return words
    return words.changed(search_backend(connections[using]).term_entries(ids))


def quote_search(
    queryset: QuerySet[Quote], text: str, *, terms: list[Term] | None = None
) -> QuerySet[Quote]:
    """Return the quotes whose words match text, ranked by how well."""
    return _filter_and_rank(
        queryset,
        text,
        kind="quote",
        terms=terms,
    )


def caption_search(
    queryset: QuerySet[PhotoCaption],
    text: str,
    *,
    terms: list[Term] | None = None,
    also: Q | None = None,
) -> QuerySet[PhotoCaption]:
    """Return the photo captions whose words match text, ranked by how well.

    `also` admits more rows (e.g. by credit), ranked after the text's own matches.
    """
    return _filter_and_rank(
        queryset,
        text,
        kind="caption",
        terms=terms,
        also=also,
    )


# --- Snippets -------------------------------------------------------------------------------

Segments = list[tuple[str, bool]]


def _segments(marked: str) -> Segments:
    """Split snippet text at its markers into (text, highlighted) runs."""
    segments: Segments = []
    marked = " ".join(marked.split())
    for piece in re.split(f"({MARK_START}.*?{MARK_END})", marked):
        highlighted = piece.startswith(MARK_START)
        piece = piece.strip(MARK_START + MARK_END)
        if not piece:
            continue
        if segments and segments[-1][1] == highlighted:
            segments[-1] = (segments[-1][0] + piece, highlighted)
        else:
            segments.append((piece, highlighted))
    return segments


def _opening(article: Article) -> Segments:
    """Return the first words of an article's body, unhighlighted, if it has no standfirst.

    A list row prints the standfirst already; repeating it as the snippet says nothing.
    """
    if article.standfirst:
        return []
    words = " ".join(p for p in article.paragraphs or [] if isinstance(p, str)).split()
    if not words:
        return []
    return [(" ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else ""), False)]


def search_snippets(
    articles: list[Article], text: str, *, terms: list[Term] | None = None
) -> dict[int, Segments]:
    """Return, per article id, a short extract of each article with the matched words marked."""
    terms = parse_terms(text) if terms is None else terms
    ids = [article.pk for article in articles]
    found: dict[int, Segments] = {}
    if terms and ids:
        backend = search_backend(connections[Article.objects.db])
        marked = backend.snippets(ids, [term.spellings for term in terms], words=SNIPPET_WORDS)
        found = {pk: _segments(snippet) for pk, snippet in marked.items()}
    return {article.pk: found.get(article.pk) or _opening(article) for article in articles}


def search_index_rebuild(using: str = "default") -> dict[str, int]:
    """Rebuild the search index from the archive's rows; return how many of each it holds."""
    with transaction.atomic(using=using):
        search_backend(connections[using]).rebuild()
    return {
        "articles": Article.objects.using(using).count(),
        "quotes": Quote.objects.using(using).count(),
        "captions": PhotoCaption.objects.using(using).count(),
    }
