"""What every full-text engine does for archive.search.query, and the SQL expression they share.

An engine keeps its index in objects the models do not declare (FTS5 tables on SQLite, a side
table of weighted tsvectors on PostgreSQL), maintained by triggers so that every write — admin
edits, fixture loads, bulk_create, queryset.update(), deletes and cascades — keeps it in step.
Triggers read only their own table and the index tables: on SQLite a trigger that named
another model's table would make Django's table rebuilds (used by many schema changes) fail.
Each engine also turns parsed query terms into a filter and a rank, and cuts snippets.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import numpy as np
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Expression

from archive.search.terms import Entry, TermIndex, WordPostings

# Separators snippets put around matched words; the caller splits on them, never shows them.
MARK_START, MARK_END = "\x01", "\x02"

Words = tuple[str, ...]
# One term of a query: any one of its spellings must match, each spelling a run of words.
Spellings = tuple[Words, ...]
# What is searched: an article (headline, standfirst, body, quotes, captions), a quote, a caption.
Kind = Literal["article", "quote", "caption"]


class SearchSQL(Expression):
    """Raw SQL around one column of the outer query (`{key}`), e.g. its primary key."""

    def __init__(self, template: str, params: Sequence, key: Any, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params, self.key = template, tuple(params), key

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def get_group_by_cols(self):
        # The score depends on the row only through its key.
        return self.key.get_group_by_cols()

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        before, after = self.template.split("{key}")
        split = before.count("%s")
        params = [*self.params[:split], *key_params, *self.params[split:]]
        return f"({before}{key_sql}{after})", params


class SearchBackend(ABC):
    """One database engine's full-text index: its tables and triggers, queries and snippets."""

    vendor: str
    # The names of the index's triggers, and the query that lists the triggers a database has.
    trigger_names: Sequence[str] = ()
    triggers_present_sql: str = ""

    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection

    # --- The index ------------------------------------------------------------------------

    def index_exists(self) -> bool:
        """Say whether the search index has been created in this database."""
        return "archive_search_article" in self.connection.introspection.table_names()

    @abstractmethod
    def create_index(self) -> None:
        """Create the index's tables (and functions), empty and without triggers."""

    @abstractmethod
    def drop_index(self) -> None:
        """Drop the index's tables and functions."""

    def missing_triggers(self) -> list[str]:
        """Return the names of the index's triggers this database lacks."""
        with self.connection.cursor() as cursor:
            cursor.execute(self.triggers_present_sql)
            present = {row[0] for row in cursor.fetchall()}
        return [name for name in self.trigger_names if name not in present]

    @abstractmethod
    def create_triggers(self, names: Sequence[str] | None = None) -> None:
        """Create the index's triggers (all of them, or those named)."""

    @abstractmethod
    def drop_triggers(self) -> None:
        """Drop the index's triggers."""

    @abstractmethod
    def rebuild(self) -> None:
        """Empty the index and index every article, quote and caption again."""

    @abstractmethod
    def fill_after(self, article_id: int) -> None:
        """Index the articles with an id above `article_id`, and their quotes and captions."""

    @abstractmethod
    def upgrade(self) -> None:
        """Bring what an earlier version of this code installed up to date, in place."""

    def folds_accents(self) -> bool:
        """Say whether the index ignores accents (Kyïv = Kyiv)."""
        return True

    def install(self) -> None:
        """Create the index, its triggers, and fill it from the archive's current rows."""
        self.create_index()
        self.create_triggers()
        self.rebuild()

    def uninstall(self) -> None:
        """Remove the index, its triggers and functions."""
        self.drop_triggers()
        self.drop_index()

    def ensure(self) -> list[str]:
        """Re-create what a schema change dropped, and re-index if any trigger was missing.

        On SQLite, Django changes most columns by copying the table into a new one, which
        drops the old table's triggers; this runs after every migrate to put them back.
        """
        if not self.index_exists():
            return []
        self.upgrade()
        missing = self.missing_triggers()
        if missing:
            self.create_triggers(missing)
            self.rebuild()
        return missing

    @abstractmethod
    def bulk_load_begin(self, cursor: CursorWrapper) -> None:
        """Stop the insert triggers indexing rows one by one, until bulk_load_end."""

    @abstractmethod
    def bulk_load_end(self, cursor: CursorWrapper) -> None:
        """Let the insert triggers index rows one by one again."""

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Index the rows inserted inside the block in one pass at its end; use in a transaction.

        Row by row, every quote or caption insert re-indexes its whole article; set-based at
        the end, each new article is indexed once.
        """
        if not self.index_exists():
            yield
            return
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM archive_article")
            (last,) = cursor.fetchone()
            self.bulk_load_begin(cursor)
            yield
            self.fill_after(last)
            self.bulk_load_end(cursor)

    # --- Queries --------------------------------------------------------------------------

    @abstractmethod
    def match(self, kind: Kind, terms: Sequence[Spellings]) -> tuple[Expression, Expression]:
        """Return a boolean expression (the row matches every term) and the row's rank."""

    def match_arrays(
        self,
        kind: Kind,
        terms: Sequence[Spellings],
        *,
        scored: bool,
        words: TermIndex | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the ids of every row that matches every term, and their ranks when `scored`.

        One pass over the index, joined to nothing and sorted by nothing: whether a row is
        published, and every other filter, is for the caller (the facet index) to apply. The
        rank is the one `match` gives, to the last bit. `words`, the posting lists of the
        archive's broad words, answers an article query whose every spelling is one word, one
        at least listed (the same ids and ranks, sooner); any other query is the engine's.

        A query that mixes a broad word with rarer ones ("troops Viniavka") is where the engine
        is slow: it scores every article holding the broad word and the rarer one. Here the
        engine only names the articles holding each unlisted word (few, or it would be listed),
        the lists do the rest, and the engine ranks only the matched articles that hold an
        unlisted word.
        """
        if kind == "article" and words is not None and words.words:
            spellings = [spelling for term in terms for spelling in term]
            found = self.words_of([" ".join(spelling) for spelling in spellings])
            cut = {spelling: found[" ".join(spelling)] for spelling in spellings}
            if words.lists_some(list(cut.values())):
                listed = [[cut[spelling][0] for spelling in term] for term in terms]
                unlisted = {cut[s][0]: s for s in spellings if cut[s][0] not in words.words}
                elsewhere = self.words_postings(unlisted) if unlisted else {}
                ids, scores = words.matches(listed, scored=scored, elsewhere=elsewhere)
                if scores is not None:
                    unranked = np.flatnonzero(np.isnan(scores))
                    if len(unranked):
                        scores[unranked] = self.engine_ranks(terms, ids[unranked])
                    if np.isnan(scores).any():  # an edit since the ids were read: ask again
                        return self.engine_arrays(kind, terms, scored=scored)
                return ids, scores
        return self.engine_arrays(kind, terms, scored=scored)

    def words_postings(self, spellings: Mapping[str, Words]) -> dict[str, WordPostings]:
        """Return, for each word the lists leave out (and a spelling that cuts to it), the ids
        of the articles holding it, ascending, and its weighted count in each where the engine
        gives it cheaply (else None: those articles are then ranked by `engine_ranks`)."""
        return {
            word: (np.sort(self.engine_arrays("article", [(spelling,)], scored=False)[0]), None)
            for word, spelling in spellings.items()
        }

    @abstractmethod
    def engine_arrays(
        self, kind: Kind, terms: Sequence[Spellings], *, scored: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return what `match_arrays` does, read from the engine's own index."""

    def engine_ranks(self, terms: Sequence[Spellings], ids: np.ndarray) -> np.ndarray:
        """Return the engine's rank of these articles, in their order: for the few articles
        the posting lists leave unranked (NaN)."""
        raise NotImplementedError

    def words_of(self, texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Return, per query text, the words the index holds for it (cut and stemmed as the
        engine cuts an article), for telling whether the posting lists can answer it."""
        raise NotImplementedError

    def term_index_build(self, min_rows: int, skip: Collection[str] = ()) -> TermIndex | None:
        """Return the posting lists of the words found in at least `min_rows` articles (those
        in `skip` left out), or None where this engine keeps none."""
        return None

    def term_entries(self, ids: Collection[int]) -> dict[int, Entry | None]:
        """Return each article's length and weighted count of every word, as the index holds
        them now (None: the article has no row)."""
        raise NotImplementedError

    @abstractmethod
    def snippets(
        self, ids: Sequence[int], terms: Sequence[Spellings], *, words: int
    ) -> dict[int, str]:
        """Return, per article id that matches, about `words` words with matches marked."""
