"""The two full-text engines behind archive.search.query: SQLite FTS5 and PostgreSQL text search.

Both keep their index in objects the models do not declare (FTS5 tables on SQLite, a side
table of weighted tsvectors on PostgreSQL), maintained by triggers so that every write —
admin edits, fixture loads, bulk_create, queryset.update(), deletes and cascades — keeps it in
step. Triggers read only their own table and the index tables: on SQLite a trigger that named
another model's table would make Django's table rebuilds (used by many schema changes) fail.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Separators snippets put around matched words; the caller splits on them, never shows them.
MARK_START, MARK_END = "\x01", "\x02"

SQLITE_TOKENIZE = "porter unicode61 remove_diacritics 2"
# bm25 weights per column of archive_search_article: a headline hit counts most.
SQLITE_WEIGHTS = "10.0, 4.0, 1.0, 1.0, 1.0"
SQLITE_TABLES = {
    "archive_search_article": "headline, standfirst, body, quotes, captions",
    "archive_search_quote": "text",
    "archive_search_caption": "text",
}
_SQLITE_BODY = (
    "coalesce((SELECT group_concat(value, char(10)) FROM json_each({row}.paragraphs)), '')"
)
_SQLITE_CHILDREN = (
    "coalesce((SELECT group_concat(text, char(10)) FROM {table} WHERE article_id = {id}), '')"
)


def _sqlite_child_triggers(table: str, index: str, column: str) -> dict[str, str]:
    """Triggers that keep a quote or caption table's own index and its article's row current."""
    rows = f"UPDATE archive_search_article SET {column} = {_SQLITE_CHILDREN} WHERE rowid = {{id}};"
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


SQLITE_TRIGGERS = {
    "archive_search_article_ai": f"""AFTER INSERT ON archive_article BEGIN
        INSERT INTO archive_search_article(rowid, headline, standfirst, body, quotes, captions)
        VALUES (NEW.id, NEW.headline, NEW.standfirst, {_SQLITE_BODY.format(row="NEW")}, '', '');
    END""",
    "archive_search_article_au": f"""AFTER UPDATE OF headline, standfirst, paragraphs
    ON archive_article
    WHEN NEW.headline IS NOT OLD.headline OR NEW.standfirst IS NOT OLD.standfirst
        OR NEW.paragraphs IS NOT OLD.paragraphs BEGIN
        UPDATE archive_search_article SET headline = NEW.headline, standfirst = NEW.standfirst,
            body = {_SQLITE_BODY.format(row="NEW")} WHERE rowid = NEW.id;
    END""",
    "archive_search_article_ad": """AFTER DELETE ON archive_article BEGIN
        DELETE FROM archive_search_article WHERE rowid = OLD.id;
    END""",
    **_sqlite_child_triggers("archive_quote", "archive_search_quote", "quotes"),
    **_sqlite_child_triggers("archive_photocaption", "archive_search_caption", "captions"),
}

_SQLITE_FILL = [
    f"""INSERT INTO archive_search_article(rowid, headline, standfirst, body, quotes, captions)
    SELECT a.id, a.headline, a.standfirst, {_SQLITE_BODY.format(row="a")},
        {_SQLITE_CHILDREN.format(table="archive_quote", id="a.id")},
        {_SQLITE_CHILDREN.format(table="archive_photocaption", id="a.id")}
    FROM archive_article a WHERE a.id > %s""",
    "INSERT INTO archive_search_quote(rowid, text) SELECT id, text FROM archive_quote "
    "WHERE article_id > %s",
    "INSERT INTO archive_search_caption(rowid, text) SELECT id, text FROM archive_photocaption "
    "WHERE article_id > %s",
]

# --- PostgreSQL -----------------------------------------------------------------------------

PG_CONFIG = "archive_search"
_PG_BODY = (
    "CASE WHEN jsonb_typeof(a.paragraphs) = 'array' THEN (SELECT string_agg(p, E'\\n') "
    "FROM jsonb_array_elements_text(a.paragraphs) AS p) ELSE a.paragraphs #>> '{}' END"
)
_PG_CHILDREN = "(SELECT string_agg(text, E'\\n') FROM {table} WHERE article_id = a.id)"
# What a search snippet is cut from: the text a list row does not already show (the headline
# and standfirst are printed above the snippet).
PG_SNIPPET_TEXT = (
    f"concat_ws(E'\\n', {_PG_BODY}, "
    f"{_PG_CHILDREN.format(table='archive_photocaption')}, "
    f"{_PG_CHILDREN.format(table='archive_quote')})"
)
_PG_DOCUMENT = " || ".join(
    f"setweight(to_tsvector('{PG_CONFIG}', coalesce({expr}, '')), '{weight}')"
    for expr, weight in [
        ("a.headline", "A"),
        ("a.standfirst", "B"),
        (_PG_CHILDREN.format(table="archive_quote"), "C"),
        (_PG_CHILDREN.format(table="archive_photocaption"), "C"),
        (_PG_BODY, "D"),
    ]
)
PG_OBJECTS = [
    """CREATE TABLE IF NOT EXISTS archive_search_article (
        article_id bigint PRIMARY KEY, document tsvector NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS archive_search_article_document
        ON archive_search_article USING gin (document)""",
    f"""CREATE INDEX IF NOT EXISTS archive_search_quote_text
        ON archive_quote USING gin (to_tsvector('{PG_CONFIG}'::regconfig, text))""",
    f"""CREATE INDEX IF NOT EXISTS archive_search_caption_text
        ON archive_photocaption USING gin (to_tsvector('{PG_CONFIG}'::regconfig, text))""",
    f"""CREATE OR REPLACE FUNCTION archive_search_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM archive_search_article s WHERE s.article_id = ANY(ids)
            AND NOT EXISTS (SELECT 1 FROM archive_article a WHERE a.id = s.article_id);
        INSERT INTO archive_search_article (article_id, document)
            SELECT a.id, {_PG_DOCUMENT} FROM archive_article a WHERE a.id = ANY(ids)
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
_PG_EVENTS = {
    "ai": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "au": ("UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    "ad": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
}
PG_TRIGGERS = {
    f"{prefix}_{suffix}": (
        table,
        f"AFTER {event} ON {table} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    )
    for prefix, table, function in [
        ("archive_search_article", "archive_article", "archive_search_article_changed"),
        ("archive_search_quote", "archive_quote", "archive_search_child_changed"),
        ("archive_search_caption", "archive_photocaption", "archive_search_child_changed"),
    ]
    for suffix, (event, referencing) in _PG_EVENTS.items()
}
PG_TRIGGERS["archive_search_article_at"] = (
    "archive_article",
    "AFTER TRUNCATE ON archive_article FOR EACH STATEMENT "
    "EXECUTE FUNCTION archive_search_article_changed()",
)


def _pg_create_config(cursor) -> bool:
    """Create the text search configuration, folding accents if unaccent can be installed."""
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [PG_CONFIG])
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
    cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = pg_catalog.english)")
    if unaccent:
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
        )
    return unaccent


# --- Both -----------------------------------------------------------------------------------


def index_exists(connection: BaseDatabaseWrapper) -> bool:
    """Say whether the search index has been created in this database."""
    return "archive_search_article" in connection.introspection.table_names()


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Return the names of the index's triggers this database lacks."""
    with connection.cursor() as cursor:
        expected: Mapping[str, object]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = SQLITE_TRIGGERS
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = PG_TRIGGERS
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]


def create_triggers(connection: BaseDatabaseWrapper, names: Sequence[str] | None = None) -> None:
    """Create the index's triggers (all of them, or those named)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, body in SQLITE_TRIGGERS.items():
                if names is None or name in names:
                    cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        else:
            for name, (table, body) in PG_TRIGGERS.items():
                if names is None or name in names:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(f"CREATE TRIGGER {name} {body}")


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    """Drop the index's triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name, (table, _body) in PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index, its triggers, and fill it from the archive's current rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table, columns in SQLITE_TABLES.items():
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} "
                    f"USING fts5({columns}, tokenize='{SQLITE_TOKENIZE}')"
                )
        elif connection.vendor == "postgresql":
            _pg_create_config(cursor)
            for statement in PG_OBJECTS:
                cursor.execute(statement)
        else:
            return
    create_triggers(connection)
    rebuild(connection)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove the index, its triggers and functions."""
    drop_triggers(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in SQLITE_TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        elif connection.vendor == "postgresql":
            for statement in [
                "DROP FUNCTION IF EXISTS archive_search_article_changed()",
                "DROP FUNCTION IF EXISTS archive_search_child_changed()",
                "DROP FUNCTION IF EXISTS archive_search_refresh(bigint[])",
                "DROP INDEX IF EXISTS archive_search_quote_text",
                "DROP INDEX IF EXISTS archive_search_caption_text",
                "DROP TABLE IF EXISTS archive_search_article",
                f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}",
            ]:
                cursor.execute(statement)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Empty the index and index every article, quote and caption again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in SQLITE_TABLES:
                cursor.execute(f"DELETE FROM {table}")
            fill_after(connection, 0)
            cursor.execute(
                "INSERT INTO archive_search_article(archive_search_article) VALUES ('optimize')"
            )
        else:
            cursor.execute("TRUNCATE archive_search_article")
            fill_after(connection, 0)


def fill_after(connection: BaseDatabaseWrapper, article_id: int) -> None:
    """Index the articles with an id above `article_id`, and their quotes and captions."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _SQLITE_FILL:
                cursor.execute(statement, [article_id])
        else:
            cursor.execute(
                f"""INSERT INTO archive_search_article (article_id, document)
                SELECT a.id, {_PG_DOCUMENT} FROM archive_article a WHERE a.id > %s
                ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document""",
                [article_id],
            )


def ensure(connection: BaseDatabaseWrapper) -> list[str]:
    """Re-create what a schema change dropped, and re-index if any trigger was missing.

    On SQLite, Django changes most columns by copying the table into a new one, which
    drops the old table's triggers; this runs after every migrate to put them back.
    """
    if connection.vendor not in {"sqlite", "postgresql"} or not index_exists(connection):
        return []
    if connection.vendor == "postgresql":
        # Trigger functions are replaced in place, so a database migrated earlier gets the
        # current ones.
        with connection.cursor() as cursor:
            for statement in PG_OBJECTS:
                if statement.startswith("CREATE OR REPLACE FUNCTION"):
                    cursor.execute(statement)
    missing = missing_triggers(connection)
    if missing:
        create_triggers(connection, missing)
        rebuild(connection)
    return missing


def folds_accents(connection: BaseDatabaseWrapper) -> bool:
    """Say whether the index ignores accents (Kyïv = Kyiv)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg "
            "JOIN pg_ts_dict d ON d.oid = m.mapdict "
            "WHERE c.cfgname = %s AND d.dictname = 'unaccent'",
            [PG_CONFIG],
        )
        return cursor.fetchone() is not None


@contextmanager
def bulk_load(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Index the rows inserted inside the block in one pass at its end; use in a transaction.

    Row by row, every quote or caption insert re-indexes its whole article; set-based at the
    end, each new article is indexed once. On SQLite the triggers are set aside inside the
    caller's transaction (other writers wait for it anyway); on PostgreSQL a setting local to
    the transaction tells the insert triggers to leave its rows to the final pass.
    """
    if connection.vendor not in {"sqlite", "postgresql"} or not index_exists(connection):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM archive_article")
        (last,) = cursor.fetchone()
        if connection.vendor == "sqlite":
            drop_triggers(connection)
        else:
            cursor.execute("SELECT set_config('archive_search.bulk_load', 'on', true)")
        yield
        fill_after(connection, last)
        if connection.vendor == "sqlite":
            create_triggers(connection)
        else:
            cursor.execute("SELECT set_config('archive_search.bulk_load', 'off', true)")
