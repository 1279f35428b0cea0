"""Numbers that go up on changes to the archive, kept by database triggers.

Cached reads carry one in their cache key, so any edit, made by the admin, a command, a bulk
insert or plain SQL, makes every older cached answer unreachable. The content revision goes up
on every change; cached pages, search rankings and place and speaker spellings use it.
The counts revision goes up only on changes to what counts are made of (publication status,
dates, outlets, links to places and tags, who said a quote, names and slugs), so the facet,
per-day and subject counts survive the most common edit, a correction to an article's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "archive_revision"
# Row 1 counts every change; row 2 only changes to what counts and facets are made of.
CONTENT, COUNTS = 1, 2

# Every archive table, and the columns whose change alters a count, a facet value or its label,
# or a day: None means any change does (link tables), () that no update does (spellings).
# Inserts and deletes always change both numbers.
WATCHED: dict[str, tuple[str, ...] | None] = {
    "archive_outlet": ("name", "slug"),
    "archive_place": ("name", "slug", "parent_id"),
    "archive_placealias": (),
    "archive_speaker": ("name", "slug"),
    "archive_speakeralias": (),
    "archive_tag": ("name", "slug"),
    "archive_article": ("status", "outlet_id", "published_on"),
    "archive_article_places": None,
    "archive_article_cited_outlets": None,
    "archive_quote": ("article_id", "speaker_id", "place_id"),
    "archive_photocaption": ("article_id", "agency_id", "distributor_id", "place_id"),
    "archive_articletag": None,
    "archive_quotetag": None,
    "archive_captiontag": None,
    "archive_placetag": None,
    "archive_speakertag": None,
    "archive_statement": ("status", "speaker_id", "said_on"),
    "archive_statementrejection": (),
}
EVENTS = ("INSERT", "UPDATE", "DELETE")
BUMP = f"UPDATE {TABLE} SET number = number + 1 WHERE id"


def _trigger(table: str, event: str) -> str:
    return f"archive_rev_{table.removeprefix('archive_')}_{event.lower()}"


def _changed(columns: tuple[str, ...], old: str, new: str, differ: str) -> str:
    return " OR ".join(f"{old}.{c} {differ} {new}.{c}" for c in columns) or "FALSE"


def _sqlite_body(event: str, counted: tuple[str, ...] | None) -> str:
    if event != "UPDATE" or counted is None:
        return f"{BUMP} IN ({CONTENT}, {COUNTS});"
    changed = _changed(counted, "OLD", "NEW", "IS NOT")
    return f"{BUMP} = {CONTENT}; {BUMP} = {COUNTS} AND ({changed});"


def _pg_update_function(table: str, counted: tuple[str, ...]) -> tuple[str, str]:
    name = f"archive_revision_bump_{table.removeprefix('archive_')}"
    changed = _changed(counted, "o", "n", "IS DISTINCT FROM")
    sql = (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
        f"{BUMP} = {CONTENT}; "
        f"IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {changed}) "
        f"THEN {BUMP} = {COUNTS}; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql"
    )
    return name, sql


def install(conn: BaseDatabaseWrapper) -> None:
    """Create the two revision rows and a trigger per watched table and event."""
    with conn.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, number bigint NOT NULL)"
        )
        for row in (CONTENT, COUNTS):
            cursor.execute(
                f"INSERT INTO {TABLE} (id, number) SELECT {row}, 1 WHERE NOT EXISTS "
                f"(SELECT 1 FROM {TABLE} WHERE id = {row})"
            )
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION archive_revision_bump() RETURNS trigger AS $$ "
                f"BEGIN {BUMP} IN ({CONTENT}, {COUNTS}); RETURN NULL; END; "
                "$$ LANGUAGE plpgsql"
            )
        # An early migration installs the triggers before later tables exist; the
        # post-migrate step installs them again once they do.
        existing = set(conn.introspection.table_names(cursor))
        for table, counted in WATCHED.items():
            if table not in existing:
                continue
            for event in EVENTS:
                name = _trigger(table, event)
                if conn.vendor == "postgresql":
                    # One bump per statement: a bulk insert of 5,000 rows bumps once. An update
                    # compares the statement's old and new rows to decide on the counts' number.
                    function, rows = "archive_revision_bump", ""
                    if event == "UPDATE" and counted is not None:
                        function, sql = _pg_update_function(table, counted)
                        cursor.execute(sql)
                        rows = "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {table} {rows}"
                        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                    )
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                        f"BEGIN {_sqlite_body(event, counted)} END"
                    )


def uninstall(conn: BaseDatabaseWrapper) -> None:
    """Drop the triggers and the revision table."""
    with conn.cursor() as cursor:
        existing = set(conn.introspection.table_names(cursor))
        for table in WATCHED:
            if table not in existing:
                continue
            for event in EVENTS:
                name = _trigger(table, event)
                if conn.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if conn.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS archive_revision_bump()")
            for table, counted in WATCHED.items():
                if counted is not None:
                    name, _sql = _pg_update_function(table, counted)
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@dataclass(frozen=True)
class Revisions:
    """The archive's two revision numbers, read together."""

    content: int  # any change at all: pages, search results, spellings
    counts: int  # changes to what counts, facets and days are made of


def archive_revisions() -> Revisions:
    """Return both revision numbers (one query on a two-row table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, number FROM {TABLE} WHERE id IN ({CONTENT}, {COUNTS})")
        numbers = dict(cursor.fetchall())
    return Revisions(numbers.get(CONTENT, 0), numbers.get(COUNTS, 0))


def archive_revision() -> int:
    """Return the number that goes up on every change to the archive."""
    return archive_revisions().content
