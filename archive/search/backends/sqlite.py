"""The SQLite engine: FTS5 tables kept by row triggers, ranked with bm25, cut with snippet()."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Expression, F, FloatField

from archive.search.backends.base import (
    MARK_END,
    MARK_START,
    Kind,
    SearchBackend,
    SearchSQL,
    Spellings,
    Words,
)
from archive.search.terms import Entry, TermIndex, WordPostings

TOKENIZE = "porter unicode61 remove_diacritics 2"
# bm25 weights per column of archive_search_article: a headline hit counts most.
COLUMN_WEIGHTS = {"headline": 10.0, "standfirst": 4.0, "body": 1.0, "quotes": 1.0, "captions": 1.0}
WEIGHTS = ", ".join(str(weight) for weight in COLUMN_WEIGHTS.values())
# Scratch tables of this connection (temp): text cut into the article index's own words.
SCRATCH = "archive_search_scratch"
WORDS_CACHE = 4096
TABLES = {
    "archive_search_article": "headline, standfirst, body, quotes, captions",
    "archive_search_quote": "text",
    "archive_search_caption": "text",
}
# The FTS5 table each kind is found in, and the bm25 weights of its columns.
_TABLE_BY_KIND: dict[str, tuple[str, str]] = {
    "article": ("archive_search_article", f", {WEIGHTS}"),
    "quote": ("archive_search_quote", ""),
    "caption": ("archive_search_caption", ""),
}
_BODY = "coalesce((SELECT group_concat(value, char(10)) FROM json_each({row}.paragraphs)), '')"
_CHILDREN = (
    "coalesce((SELECT group_concat(text, char(10)) FROM {table} WHERE article_id = {id}), '')"
)


def _child_triggers(table: str, index: str, column: str) -> dict[str, str]:
    """Triggers that keep a quote or caption table's own index and its article's row current."""
    rows = f"UPDATE archive_search_article SET {column} = {_CHILDREN} WHERE rowid = {{id}};"
    refresh_new = rows.format(table=table, id="NEW.article_id")
    refresh_old = rows.format(table=table, id="OLD.article_id")
    return {
        f"{index}_ai": f"""AFTER INSERT ON {table} BEGIN
            INSERT INTO {index}(rowid, text) VALUES (NEW.id, NEW.text);
            {refresh_new}
        END""",
        f"{index}_au": f"""AFTER UPDATE OF text, article_id ON {table}
        WHEN NEW.text IS NOT OLD.text OR NEW.article_id IS NOT OLD.article_id BEGIN
            UPDATE {index} SET text = NEW.text WHERE rowid = NEW.id;
            {refresh_old}
            {refresh_new}
        END""",
        f"{index}_ad": f"""AFTER DELETE ON {table} BEGIN
            DELETE FROM {index} WHERE rowid = OLD.id;
            {refresh_old}
        END""",
    }


TRIGGERS = {
    "archive_search_article_ai": f"""AFTER INSERT ON archive_article BEGIN
        INSERT INTO archive_search_article(rowid, headline, standfirst, body, quotes, captions)
        VALUES (NEW.id, NEW.headline, NEW.standfirst, {_BODY.format(row="NEW")}, '', '');
    END""",
    "archive_search_article_au": f"""AFTER UPDATE OF headline, standfirst, paragraphs
    ON archive_article
    WHEN NEW.headline IS NOT OLD.headline OR NEW.standfirst IS NOT OLD.standfirst
        OR NEW.paragraphs IS NOT OLD.paragraphs BEGIN
        UPDATE archive_search_article SET headline = NEW.headline, standfirst = NEW.standfirst,
            body = {_BODY.format(row="NEW")} WHERE rowid = NEW.id;
    END""",
    "archive_search_article_ad": """AFTER DELETE ON archive_article BEGIN
        DELETE FROM archive_search_article WHERE rowid = OLD.id;
    END""",
    **_child_triggers("archive_quote", "archive_search_quote", "quotes"),
    **_child_triggers("archive_photocaption", "archive_search_caption", "captions"),
}

_FILL = [
    f"""INSERT INTO archive_search_article(rowid, headline, standfirst, body, quotes, captions)
    SELECT a.id, a.headline, a.standfirst, {_BODY.format(row="a")},
        {_CHILDREN.format(table="archive_quote", id="a.id")},
        {_CHILDREN.format(table="archive_photocaption", id="a.id")}
    FROM archive_article a WHERE a.id > %s""",
    "INSERT INTO archive_search_quote(rowid, text) SELECT id, text FROM archive_quote "
    "WHERE article_id > %s",
    "INSERT INTO archive_search_caption(rowid, text) SELECT id, text FROM archive_photocaption "
    "WHERE article_id > %s",
]


_words_cache: dict[str, tuple[str, ...]] = {}
_cutter: dict[str, sqlite3.Connection] = {}
_cutter_lock = threading.Lock()


def _cut(rows: Sequence[tuple]) -> list[tuple[int, str, str]]:
    """Cut (id, headline[, standfirst, body, quotes, captions]) rows into the article index's
    words: (id, word, column) for every word, in order.

    An FTS5 table with the same tokenizer, in a private in-memory database of this process,
    does the cutting, so that no word is ever split or stemmed otherwise than the index does
    (and a reader's request writes nothing to the archive's database).
    """
    if not rows:
        return []
    names = list(COLUMN_WEIGHTS)
    with _cutter_lock:
        if "db" not in _cutter:
            db = sqlite3.connect(":memory:", check_same_thread=False)
            db.execute(
                f"CREATE VIRTUAL TABLE cut USING fts5({', '.join(names)}, tokenize='{TOKENIZE}')"
            )
            db.execute("CREATE VIRTUAL TABLE cut_words USING fts5vocab(cut, instance)")
            _cutter["db"] = db
        db = _cutter["db"]
        width = len(rows[0]) - 1
        marks = ", ".join(["?"] * (width + 1))
        db.executemany(f"INSERT INTO cut(rowid, {', '.join(names[:width])}) VALUES ({marks})", rows)
        found = db.execute(
            "SELECT doc, term, col FROM cut_words ORDER BY doc, col, offset"
        ).fetchall()
        db.execute("DELETE FROM cut")
    return found


def _varint_sum(blob: bytes) -> int:
    """Return the sum of the varints in blob (an FTS5 row's per-column word counts)."""
    total = value = 0
    for byte in blob:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            total += value
            value = 0
    return total


def fts5_query(terms: Sequence[Spellings]) -> str:
    """Write terms as an FTS5 query: every word quoted, so nothing in it is syntax."""
    return " AND ".join(
        "(" + " OR ".join('"' + " ".join(words) + '"' for words in spellings) + ")"
        for spellings in terms
    )


# Every occurrence of every word: (word, article, column, offset), in word and article order.
_INSTANCES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.archive_search_article_instances "
    "USING fts5vocab('main', 'archive_search_article', 'instance')"
)
_WEIGHTS = np.array(list(COLUMN_WEIGHTS.values()))
_COLUMN_NUMBER = " ".join(f"WHEN '{name}' THEN {n}" for n, name in enumerate(COLUMN_WEIGHTS))


def _instance_postings(cursor, word: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the articles holding a word (ids ascending) and its weighted count in each (the
    column weights bm25 ranks with), from the instance vocabulary; None if no article does."""
    cursor.execute(
        f"SELECT group_concat(doc), group_concat(CASE col {_COLUMN_NUMBER} END) "
        "FROM temp.archive_search_article_instances WHERE term = %s",
        [word],
    )
    docs_text, columns_text = cursor.fetchone()
    if not docs_text:
        return None
    docs = np.array(docs_text.split(","), dtype=np.int64)
    hits = _WEIGHTS[np.array(columns_text.split(","), dtype=np.int64)]
    # Instances come ordered by article: one weighted sum per run.
    starts = np.flatnonzero(np.concatenate([[True], docs[1:] != docs[:-1]]))
    return docs[starts], np.add.reduceat(hits, starts)


class SQLiteSearchBackend(SearchBackend):
    """FTS5 virtual tables: one per article (five weighted columns), quote and caption."""

    vendor = "sqlite"
    trigger_names = tuple(TRIGGERS)
    triggers_present_sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"

    def create_index(self) -> None:
        with self.connection.cursor() as cursor:
            for table, columns in TABLES.items():
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} "
                    f"USING fts5({columns}, tokenize='{TOKENIZE}')"
                )

    def drop_index(self) -> None:
        with self.connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def create_triggers(self, names: Sequence[str] | None = None) -> None:
        with self.connection.cursor() as cursor:
            for name, body in TRIGGERS.items():
                if names is None or name in names:
                    cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")

    def drop_triggers(self) -> None:
        with self.connection.cursor() as cursor:
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

    def rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
            self.fill_after(0)
            cursor.execute(
                "INSERT INTO archive_search_article(archive_search_article) VALUES ('optimize')"
            )

    def fill_after(self, article_id: int) -> None:
        with self.connection.cursor() as cursor:
            for statement in _FILL:
                cursor.execute(statement, [article_id])

    def upgrade(self) -> None:
        # Nothing is replaced in place: missing triggers are put back by ensure().
        return None

    def bulk_load_begin(self, cursor: CursorWrapper) -> None:
        # Set aside inside the caller's transaction: other writers wait for it anyway.
        self.drop_triggers()

    def bulk_load_end(self, cursor: CursorWrapper) -> None:
        self.create_triggers()

    def match(self, kind: Kind, terms: Sequence[Spellings]) -> tuple[Expression, Expression]:
        table, weights = _TABLE_BY_KIND[kind]
        query = fts5_query(terms)
        match = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
        found = SearchSQL(f"{{key}} IN ({match})", (query,), F("pk"), BooleanField())
        # Scored once for the whole statement and looked up per row: a MATCH per row would
        # re-read the term's whole posting list each time.
        rank = SearchSQL(
            f"WITH scored AS MATERIALIZED (SELECT rowid AS id, -bm25({table}"
            f"{weights}) AS score FROM {table} WHERE {table} MATCH %s) "
            "SELECT score FROM scored WHERE id = {key}",
            (query,),
            F("pk"),
            FloatField(),
        )
        return found, rank

    def engine_arrays(
        self, kind: Kind, terms: Sequence[Spellings], *, scored: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        table, weights = _TABLE_BY_KIND[kind]
        if scored:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT rowid, -bm25({table}{weights}) FROM {table} WHERE {table} MATCH %s",
                    [fts5_query(terms)],
                )
                rows = cursor.fetchall()
            ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
            ranks = np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))
            return ids, ranks
        # Ids alone come back as one string: far quicker than a row per match.
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH %s",
                [fts5_query(terms)],
            )
            (joined,) = cursor.fetchone()
        if not joined:
            return np.zeros(0, dtype=np.int64), None
        return np.array(joined.split(","), dtype=np.int64), None

    # --- The broad words' posting lists (archive.search.terms) -----------------------------

    def words_postings(self, spellings: Mapping[str, Words]) -> dict[str, WordPostings]:
        # Read from the engine's own index, as the lists are: a word the lists leave out is
        # in few articles, so this is quick (about a microsecond an occurrence).
        none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
        with self.connection.cursor() as cursor:
            cursor.execute(_INSTANCES)
            return {word: _instance_postings(cursor, word) or none for word in spellings}

    def words_of(self, texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Return, per text, the index's words for it, cut as a query or an article would be."""
        missing = sorted({text for text in texts if text not in _words_cache})
        if missing:
            found: dict[int, list[str]] = {}
            for doc, word, _column in _cut([(n, text) for n, text in enumerate(missing, 1)]):
                found.setdefault(doc, []).append(word)
            if len(_words_cache) + len(missing) > WORDS_CACHE:
                _words_cache.clear()
            for n, text in enumerate(missing, 1):
                _words_cache[text] = tuple(found.get(n, ()))
        return {text: _words_cache[text] for text in texts}

    def term_index_build(self, min_rows: int, skip: Collection[str] = ()) -> TermIndex | None:
        if not self.index_exists():
            return None
        skipped = {word for cut in self.words_of(sorted(skip)).values() for word in cut}
        lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        with self.connection.cursor() as cursor:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.archive_search_article_rows "
                "USING fts5vocab('main', 'archive_search_article', 'row')"
            )
            cursor.execute(_INSTANCES)
            cursor.execute(
                "SELECT term FROM temp.archive_search_article_rows WHERE doc >= %s ORDER BY term",
                [min_rows],
            )
            broad = [row[0] for row in cursor.fetchall() if row[0] not in skipped]
            for word in broad:
                found = _instance_postings(cursor, word)
                if found is not None:
                    lists[word] = found
            cursor.execute("SELECT id, sz FROM archive_search_article_docsize")
            sizes = cursor.fetchall()
        top = max((row[0] for row in sizes), default=0) + 1
        lengths = np.zeros(top, dtype=np.float64)
        present = np.zeros(top, dtype=np.bool_)
        for pk, blob in sizes:
            lengths[pk] = _varint_sum(blob)
            present[pk] = True
        return TermIndex.from_lists(lists, lengths, present)

    def term_entries(self, ids: Collection[int]) -> dict[int, Entry | None]:
        found: dict[int, Entry | None] = dict.fromkeys(ids)
        wanted = sorted(ids)
        with self.connection.cursor() as cursor:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                cursor.execute(
                    f"SELECT rowid, {', '.join(COLUMN_WEIGHTS)} FROM archive_search_article "
                    f"WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                rows = cursor.fetchall()
                for row in rows:
                    found[row[0]] = (0, {})
                for doc, word, column in _cut(rows):
                    length, counts = found[doc] or (0, {})
                    counts[word] = counts.get(word, 0.0) + COLUMN_WEIGHTS[column]
                    found[doc] = (length + 1, counts)
        return found

    def snippets(
        self, ids: Sequence[int], terms: Sequence[Spellings], *, words: int
    ) -> dict[int, str]:
        # One snippet per column a list row does not print already (body, captions, quotes);
        # the one with most matches wins.
        columns = ", ".join(
            f"snippet(archive_search_article, {column}, %s, %s, '…', {words})"
            for column in (2, 4, 3)
        )
        marks = [MARK_START, MARK_END] * 3
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {columns} FROM archive_search_article "
                "WHERE archive_search_article MATCH %s "
                f"AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [*marks, fts5_query(terms), *ids],
            )
            rows = cursor.fetchall()
        result = {}
        for rowid, *snippets in rows:
            # A column without a match still gives its opening words: only marked ones count.
            candidates = [s for s in snippets if s and MARK_START in s]
            if candidates:
                result[rowid] = max(candidates, key=lambda s: s.count(MARK_START))
        return result
