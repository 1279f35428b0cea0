"""The PostgreSQL engine: a side table of weighted tsvectors kept by statement triggers.

Quotes and captions are matched through expression indexes on their own text; articles
through archive_search_article, which a trigger function refreshes from the article, its
quotes and its captions. Ranked with ts_rank, cut with ts_headline.

The broad words' posting lists (archive.search.terms) are read from the tsvectors themselves:
each word's positions with their weights, so a query of broad words is matched and ranked
(archive.search.tsrank) without the engine scoring most of the archive.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from contextlib import nullcontext

import numpy as np
from django.db import DatabaseError, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Expression, F, FloatField

from archive.search.backends.base import (
    MARK_END,
    MARK_START,
    Kind,
    SearchBackend,
    SearchSQL,
    Spellings,
)
from archive.search.ragged import ragged_take, run_offsets, run_starts
from archive.search.terms import Entry, TermIndex

CONFIG = "archive_search"
# Articles read per statement when the broad words' lists are built.
TERM_BATCH = 50_000
# Query texts whose words are remembered (see `words_of`), before the memo starts over.
WORDS_CACHE = 4096
_lexemes_cache: dict[str, tuple[str, ...]] = {}
# A word of a tsquery as PostgreSQL prints it: 'word' (a quote inside doubled).
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
# A weight letter's 2 bits in a position (WordEntryPos): A = 3 … D = 0.
_WEIGHT_BITS = np.zeros(256, dtype=np.uint16)
for _letter, _bits in zip(b"ABCD", (3, 2, 1, 0), strict=True):
    _WEIGHT_BITS[_letter] = _bits << 14
# What a posting is read as: its word's number, the article, its positions with their weights
# (an int2[] in binary: a 20-byte header, then per element a 4-byte length and 2-byte value).
_POSTINGS_SQL = """
    SELECT b.n, string_agg(int4send(s.article_id::int4), ''::bytea),
        string_agg(int2send(cardinality(u.positions)::int2), ''::bytea),
        string_agg(array_send(u.positions), ''::bytea),
        string_agg(array_to_string(u.weights, ''), '')
    FROM archive_search_article s
    CROSS JOIN LATERAL unnest(s.document) u
    JOIN unnest(%s::text[]) WITH ORDINALITY b(word, n) ON b.word = u.lexeme
    WHERE s.article_id > %s AND s.article_id <= %s
    GROUP BY b.n"""

_BODY = (
    "CASE WHEN jsonb_typeof(a.paragraphs) = 'array' THEN (SELECT string_agg(p, E'\\n') "
    "FROM jsonb_array_elements_text(a.paragraphs) AS p) ELSE a.paragraphs #>> '{}' END"
)
_CHILDREN = "(SELECT string_agg(text, E'\\n') FROM {table} WHERE article_id = a.id)"
# What a search snippet is cut from: the text a list row does not already show (the headline
# and standfirst are printed above the snippet).
SNIPPET_TEXT = (
    f"concat_ws(E'\\n', {_BODY}, "
    f"{_CHILDREN.format(table='archive_photocaption')}, "
    f"{_CHILDREN.format(table='archive_quote')})"
)
_DOCUMENT = " || ".join(
    f"setweight(to_tsvector('{CONFIG}', coalesce({expr}, '')), '{weight}')"
    for expr, weight in [
        ("a.headline", "A"),
        ("a.standfirst", "B"),
        (_CHILDREN.format(table="archive_quote"), "C"),
        (_CHILDREN.format(table="archive_photocaption"), "C"),
        (_BODY, "D"),
    ]
)
OBJECTS = [
    """CREATE TABLE IF NOT EXISTS archive_search_article (
        article_id bigint PRIMARY KEY, document tsvector NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS archive_search_article_document
        ON archive_search_article USING gin (document)""",
    f"""CREATE INDEX IF NOT EXISTS archive_search_quote_text
        ON archive_quote USING gin (to_tsvector('{CONFIG}'::regconfig, text))""",
    f"""CREATE INDEX IF NOT EXISTS archive_search_caption_text
        ON archive_photocaption USING gin (to_tsvector('{CONFIG}'::regconfig, text))""",
    f"""CREATE OR REPLACE FUNCTION archive_search_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM archive_search_article s WHERE s.article_id = ANY(ids)
            AND NOT EXISTS (SELECT 1 FROM archive_article a WHERE a.id = s.article_id);
        INSERT INTO archive_search_article (article_id, document)
            SELECT a.id, {_DOCUMENT} FROM archive_article a WHERE a.id = ANY(ids)
            ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
    $$""",
    # Statement-level triggers see all rows of a bulk insert at once, so a batch of quotes
    # re-indexes each of its articles once rather than once per quote.
    """CREATE OR REPLACE FUNCTION archive_search_article_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP = 'INSERT' AND current_setting('archive_search.bulk_load', true) = 'on' THEN
            RETURN NULL;  -- bulk_load() indexes these rows at the end of its transaction
        END IF;
        IF TG_OP = 'INSERT' THEN
            PERFORM archive_search_refresh(ARRAY(SELECT id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM archive_search_refresh(ARRAY(
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.headline IS DISTINCT FROM o.headline
                    OR n.standfirst IS DISTINCT FROM o.standfirst
                    OR n.paragraphs IS DISTINCT FROM o.paragraphs));
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM archive_search_article WHERE article_id IN (SELECT id FROM old_rows);
        ELSE
            TRUNCATE archive_search_article;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION archive_search_child_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP = 'INSERT' AND current_setting('archive_search.bulk_load', true) = 'on' THEN
            RETURN NULL;  -- bulk_load() indexes these rows at the end of its transaction
        END IF;
        IF TG_OP = 'INSERT' THEN
            PERFORM archive_search_refresh(ARRAY(SELECT DISTINCT article_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM archive_search_refresh(ARRAY(
                SELECT unnest(ARRAY[n.article_id, o.article_id])
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.text IS DISTINCT FROM o.text OR n.article_id <> o.article_id));
        ELSE
            PERFORM archive_search_refresh(ARRAY(SELECT DISTINCT article_id FROM old_rows));
        END IF;
        RETURN NULL;
    END $$""",
]
_EVENTS = {
    "ai": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "au": ("UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    "ad": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
}
TRIGGERS = {
    f"{prefix}_{suffix}": (
        table,
        f"AFTER {event} ON {table} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    )
    for prefix, table, function in [
        ("archive_search_article", "archive_article", "archive_search_article_changed"),
        ("archive_search_quote", "archive_quote", "archive_search_child_changed"),
        ("archive_search_caption", "archive_photocaption", "archive_search_child_changed"),
    ]
    for suffix, (event, referencing) in _EVENTS.items()
}
TRIGGERS["archive_search_article_at"] = (
    "archive_article",
    "AFTER TRUNCATE ON archive_article FOR EACH STATEMENT "
    "EXECUTE FUNCTION archive_search_article_changed()",
)


def _create_config(cursor) -> bool:
    """Create the text search configuration, folding accents if unaccent can be installed."""
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
    if cursor.fetchone():
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        return bool(cursor.fetchone())
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    unaccent = bool(cursor.fetchone())
    if unaccent:
        try:
            with transaction.atomic(using=cursor.db.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        except DatabaseError:
            # Not allowed to install it: search still works, without folding accents.
            unaccent = False
    cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.english)")
    if unaccent:
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
        )
    return unaccent


def _searched(kind: Kind) -> tuple[str, str, str]:
    """Return the table, key and tsvector a kind is searched in."""
    if kind == "article":
        return "archive_search_article", "article_id", "document"
    table = {"quote": "archive_quote", "caption": "archive_photocaption"}[kind]
    return table, "id", f"to_tsvector('{CONFIG}'::regconfig, text)"


# A binary COPY: a 19-byte header, then per row a field count and each field's length and
# value (big-endian), then a 2-byte trailer. An id is int8; ts_rank's score is float4.
_COPY_HEADER = 19
_ID_ROW = np.dtype([("fields", ">i2"), ("id_size", ">i4"), ("id", ">i8")])
_SCORED_ROW = np.dtype(
    [("fields", ">i2"), ("id_size", ">i4"), ("id", ">i8"), ("score_size", ">i4"), ("score", ">f4")]
)


def tsquery(terms: Sequence[Spellings]) -> tuple[str, list[str]]:
    """Write terms as a PostgreSQL tsquery expression, every spelling a bound parameter."""
    one = f"websearch_to_tsquery('{CONFIG}'::regconfig, %s)"
    sql = " && ".join("(" + " || ".join([one] * len(spellings)) + ")" for spellings in terms)
    params = ['"' + " ".join(words) + '"' for spellings in terms for words in spellings]
    return f"({sql})", params


class PostgresSearchBackend(SearchBackend):
    """Text search with the archive_search configuration (English stems, unaccent if allowed)."""

    vendor = "postgresql"
    trigger_names = tuple(TRIGGERS)
    triggers_present_sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"

    def create_index(self) -> None:
        with self.connection.cursor() as cursor:
            _create_config(cursor)
            for statement in OBJECTS:
                cursor.execute(statement)

    def drop_index(self) -> None:
        with self.connection.cursor() as cursor:
            for statement in [
                "DROP FUNCTION IF EXISTS archive_search_article_changed()",
                "DROP FUNCTION IF EXISTS archive_search_child_changed()",
                "DROP FUNCTION IF EXISTS archive_search_refresh(bigint[])",
                "DROP INDEX IF EXISTS archive_search_quote_text",
                "DROP INDEX IF EXISTS archive_search_caption_text",
                "DROP TABLE IF EXISTS archive_search_article",
                f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
            ]:
                cursor.execute(statement)

    def create_triggers(self, names: Sequence[str] | None = None) -> None:
        with self.connection.cursor() as cursor:
            for name, (table, body) in TRIGGERS.items():
                if names is None or name in names:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(f"CREATE TRIGGER {name} {body}")

    def drop_triggers(self) -> None:
        with self.connection.cursor() as cursor:
            for name, (table, _body) in TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")

    def rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("TRUNCATE archive_search_article")
            self.fill_after(0)

    def fill_after(self, article_id: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO archive_search_article (article_id, document)
                SELECT a.id, {_DOCUMENT} FROM archive_article a WHERE a.id > %s
                ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document""",
                [article_id],
            )

    def upgrade(self) -> None:
        # Trigger functions are replaced in place, so a database migrated earlier gets the
        # current ones.
        with self.connection.cursor() as cursor:
            for statement in OBJECTS:
                if statement.startswith("CREATE OR REPLACE FUNCTION"):
                    cursor.execute(statement)

    def folds_accents(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg "
                "JOIN pg_ts_dict d ON d.oid = m.mapdict "
                "WHERE c.cfgname = %s AND d.dictname = 'unaccent'",
                [CONFIG],
            )
            return cursor.fetchone() is not None

    def bulk_load_begin(self, cursor: CursorWrapper) -> None:
        # A setting local to the transaction tells the insert triggers to leave its rows to
        # the final pass.
        cursor.execute("SELECT set_config('archive_search.bulk_load', 'on', true)")

    def bulk_load_end(self, cursor: CursorWrapper) -> None:
        cursor.execute("SELECT set_config('archive_search.bulk_load', 'off', true)")

    def match(self, kind: Kind, terms: Sequence[Spellings]) -> tuple[Expression, Expression]:
        query, params = tsquery(terms)
        if kind != "article":
            # Quotes and captions: their own text, through its expression index.
            vector = f"to_tsvector('{CONFIG}'::regconfig, {{key}})"
            found = SearchSQL(f"{vector} @@ {query}", params, F("text"), BooleanField())
            rank = SearchSQL(f"ts_rank({vector}, {query})", params, F("text"), FloatField())
            return found, rank
        side = "SELECT {} FROM archive_search_article s WHERE s.{}"
        found = SearchSQL(
            "{key} IN (" + side.format("article_id", f"document @@ {query}") + ")",
            params,
            F("pk"),
            BooleanField(),
        )
        rank = SearchSQL(
            side.format(f"ts_rank(s.document, {query})", "article_id = {key}"),
            params,
            F("pk"),
            FloatField(),
        )
        return found, rank

    def engine_arrays(
        self, kind: Kind, terms: Sequence[Spellings], *, scored: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        # The rows come as one binary COPY straight into arrays: a Python tuple per match
        # would cost more than the search itself when most articles match.
        table, key, vector = _searched(kind)
        query, params = tsquery(terms)
        score = f", ts_rank({vector}, {query})" if scored else ""
        sql = (
            f"COPY (SELECT {key}::int8{score} FROM {table} WHERE {vector} @@ {query}) "
            "TO STDOUT (FORMAT BINARY)"
        )
        values = [*(params if scored else []), *params]
        with self.connection.cursor() as cursor:
            # Logged like any query where queries are logged (DEBUG, tests counting them), and
            # its errors raised as Django's.
            logged = (
                cursor.debug_sql(sql, values) if hasattr(cursor, "debug_sql") else nullcontext()
            )
            with (
                logged,
                self.connection.wrap_database_errors,
                cursor.cursor.copy(sql, values) as copy,
            ):
                data = b"".join(bytes(block) for block in copy)
        rows = np.frombuffer(
            data,
            dtype=_SCORED_ROW if scored else _ID_ROW,
            offset=_COPY_HEADER,
            count=max(len(data) - _COPY_HEADER - 2, 0)
            // (_SCORED_ROW if scored else _ID_ROW).itemsize,
        )
        ids = rows["id"].astype(np.int64)
        return ids, rows["score"].astype(np.float64) if scored else None

    # --- The broad words' posting lists (archive.search.terms) -----------------------------

    def words_of(self, texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Return, per query text, the words (lexemes) the engine searches for: one for a
        plain word, none for a stop word, several for a phrase."""
        missing = sorted({text for text in texts if text not in _lexemes_cache})
        if missing:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT t, numnode(q), q::text FROM unnest(%s::text[]) t, "
                    f"websearch_to_tsquery('{CONFIG}'::regconfig, '\"' || t || '\"') q",
                    [missing],
                )
                rows = cursor.fetchall()
            if len(_lexemes_cache) + len(missing) > WORDS_CACHE:
                _lexemes_cache.clear()
            for text, nodes, printed in rows:
                found = [word.replace("''", "'") for word in _QUOTED.findall(printed)]
                if "\\" in printed or (nodes == 1 and len(found) != 1):
                    found = [""]  # a word not printed plainly: left to the engine
                _lexemes_cache[text] = tuple(found)
        return {text: _lexemes_cache[text] for text in texts}

    def engine_ranks(self, terms: Sequence[Spellings], ids: np.ndarray) -> np.ndarray:
        query, params = tsquery(terms)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id, ts_rank(document, {query}) FROM archive_search_article "
                "WHERE article_id = ANY(%s)",
                [*params, [int(pk) for pk in ids]],
            )
            found = dict(cursor.fetchall())
        # A float4 is printed exactly enough to be read back as the same single float; an
        # article that no longer matches (edited since) is NaN.
        ranks = [found.get(int(pk), np.nan) for pk in ids]
        return np.array(ranks, dtype=np.float32).astype(np.float64)

    def term_index_build(self, min_rows: int, skip: Collection[str] = ()) -> TermIndex | None:
        if not self.index_exists():
            return None
        skipped = {word for cut in self.words_of(sorted(skip)).values() for word in cut}
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM ts_stat('SELECT document FROM archive_search_article') "
                "WHERE ndoc >= %s ORDER BY word",
                [min_rows],
            )
            broad = [row[0] for row in cursor.fetchall() if row[0] not in skipped]
            cursor.execute("SELECT coalesce(max(article_id), 0) FROM archive_search_article")
            (top,) = cursor.fetchone()
            cursor.execute("SELECT article_id FROM archive_search_article")
            have = np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)
            parts: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
            for low in range(0, top if broad else 0, TERM_BATCH):
                cursor.execute(_POSTINGS_SQL, [broad, low, low + TERM_BATCH])
                for n, ids, counts, arrays, weights in cursor.fetchall():
                    parts.setdefault(n - 1, []).append(_postings(ids, counts, arrays, weights))
        present = np.zeros(top + 1, dtype=np.bool_)
        present[have] = True
        lists = {}
        for n, word in enumerate(broad):
            chunks = parts.get(n, [])
            ids = np.concatenate([c[0] for c in chunks]) if chunks else np.zeros(0, np.int64)
            counts = np.concatenate([c[1] for c in chunks]) if chunks else np.zeros(0, np.int64)
            flat = np.concatenate([c[2] for c in chunks]) if chunks else np.zeros(0, np.uint16)
            lists[word] = _sorted_postings(ids, counts, flat)
        return TermIndex.from_positions(lists, present)

    def term_entries(self, ids: Collection[int]) -> dict[int, Entry | None]:
        found: dict[int, Entry | None] = dict.fromkeys(ids)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.article_id, u.lexeme, array_send(u.positions), "
                "array_to_string(u.weights, '') FROM archive_search_article s "
                "LEFT JOIN LATERAL unnest(s.document) u ON true WHERE s.article_id = ANY(%s)",
                [list(ids)],
            )
            rows = cursor.fetchall()
        for pk, lexeme, array, weights in rows:
            entry = found[pk] or (0, {})
            if lexeme is not None:
                entry[1][lexeme] = _positions(array, weights)
            found[pk] = entry
        return found

    def snippets(
        self, ids: Sequence[int], terms: Sequence[Spellings], *, words: int
    ) -> dict[int, str]:
        query, params = tsquery(terms)
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={words}, "
            "MinWords=12, MaxFragments=1"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.id, ts_headline('{CONFIG}'::regconfig, {SNIPPET_TEXT}, {query}, %s) "
                "FROM archive_article a WHERE a.id = ANY(%s)",
                [*params, options, list(ids)],
            )
            rows = cursor.fetchall()
        return {pk: headline for pk, headline in rows if headline and MARK_START in headline}


def _positions(array: bytes, weights: str) -> np.ndarray:
    """Return one posting's positions with their weight bits, from its int2[] in binary and
    its weights' letters."""
    values = np.frombuffer(array, dtype=[("size", ">i4"), ("value", ">u2")], offset=20)
    letters = np.frombuffer(weights.encode("ascii"), dtype=np.uint8)
    return values["value"].astype(np.uint16) | _WEIGHT_BITS[letters]


def _postings(
    ids: bytes, counts: bytes, arrays: bytes, weights: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the ids, position counts and positions (with their weight bits) of postings
    read as `_POSTINGS_SQL` aggregates them: one after another, in the same order."""
    id_array = np.frombuffer(ids, dtype=">i4").astype(np.int64)
    count_array = np.frombuffer(counts, dtype=">i2").astype(np.int64)
    raw = np.frombuffer(arrays, dtype=np.uint8)
    # Each int2[] is a 20-byte header and 6 bytes per element; the value is the last 2.
    firsts = run_starts(20 + 6 * count_array)
    at = np.repeat(firsts, count_array) + 20 + 6 * run_offsets(count_array) + 4
    values = (raw[at].astype(np.uint16) << 8) | raw[at + 1].astype(np.uint16)
    letters = np.frombuffer(weights.encode("ascii"), dtype=np.uint8)
    return id_array, count_array, values | _WEIGHT_BITS[letters]


def _sorted_postings(
    ids: np.ndarray, counts: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the postings ordered by article id, each keeping its own positions."""
    order = np.argsort(ids, kind="stable")
    return (
        ids[order],
        counts[order],
        ragged_take(positions, run_starts(counts)[order], counts[order]),
    )
