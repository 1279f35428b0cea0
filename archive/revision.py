"""A number that goes up on every change to the archive, kept by database triggers.

Cached reads (facet counts, per-day counts) carry it in their cache key, so any edit, made by
the admin, a command, a bulk insert or plain SQL, makes every older cached answer unreachable.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "archive_revision"
WATCHED = [
    "archive_outlet",
    "archive_place",
    "archive_placealias",
    "archive_speaker",
    "archive_speakeralias",
    "archive_tag",
    "archive_article",
    "archive_article_places",
    "archive_article_cited_outlets",
    "archive_quote",
    "archive_photocaption",
    "archive_articletag",
    "archive_quotetag",
    "archive_captiontag",
    "archive_placetag",
    "archive_speakertag",
]
EVENTS = ("INSERT", "UPDATE", "DELETE")


def _trigger(table: str, event: str) -> str:
    return f"archive_rev_{table.removeprefix('archive_')}_{event.lower()}"


def install(conn: BaseDatabaseWrapper) -> None:
    """Create the revision row and a trigger per watched table and event."""
    with conn.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, number bigint NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {TABLE} (id, number) SELECT 1, 1 WHERE NOT EXISTS "
            f"(SELECT 1 FROM {TABLE} WHERE id = 1)"
        )
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION archive_revision_bump() RETURNS trigger AS $$ "
                f"BEGIN UPDATE {TABLE} SET number = number + 1 WHERE id = 1; RETURN NULL; END; "
                "$$ LANGUAGE plpgsql"
            )
        for table in WATCHED:
            for event in EVENTS:
                name = _trigger(table, event)
                if conn.vendor == "postgresql":
                    # One bump per statement: a bulk insert of 5,000 rows bumps once.
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                        "FOR EACH STATEMENT EXECUTE FUNCTION archive_revision_bump()"
                    )
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                        f"BEGIN UPDATE {TABLE} SET number = number + 1 WHERE id = 1; END"
                    )


def uninstall(conn: BaseDatabaseWrapper) -> None:
    """Drop the triggers and the revision table."""
    with conn.cursor() as cursor:
        for table in WATCHED:
            for event in EVENTS:
                name = _trigger(table, event)
                if conn.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if conn.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS archive_revision_bump()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def archive_revision() -> int:
    """Return the archive's current revision number (one indexed row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0
