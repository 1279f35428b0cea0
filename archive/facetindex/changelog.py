"""The change log the facet index follows: which articles and subjects changed, kept by triggers.

Every write that can change a facet count, a day or a facet's label (an article's status, date
or outlet; its places, tags, quotes and captions; a place, tag, outlet or speaker's name, slug
or parent; a place's or speaker's aliases), or the words search ranks an article by (its
headline, standfirst and body, its quotes' and captions' text: see archive.search.terms), adds a
row naming what changed: kind "a" with an article id, or "p", "t", "o", "s" with a place, tag,
outlet or speaker id. Database triggers write the rows, so the admin, commands, bulk loads and
plain SQL are all seen, and a rolled-back transaction leaves none.

Each worker remembers how far it has read (a position) and, at the start of a request, reads only
the rows after it. On SQLite, writers take turns, so row ids are in commit order and the position
is the last id read. On PostgreSQL, ids are handed out before commit, so a later id can become
visible first: each row carries its transaction id, and the position is the oldest transaction
still running when the rows were read (the snapshot's xmin); rows of that transaction or newer
are read again next time, and applying a row twice is harmless.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "archive_facet_change"
STATE = "archive_facet_state"

# table: (kind, the article or subject id for a row `r`, the columns whose change counts or None
# for any change). `{r}` stands for the row (NEW or OLD, or a transition table's alias).
WATCHED: dict[str, tuple[str, str, tuple[str, ...] | None]] = {
    "archive_article": (
        "a",
        "{r}.id",
        ("status", "outlet_id", "published_on", "headline", "standfirst", "paragraphs"),
    ),
    "archive_article_places": ("a", "{r}.article_id", None),
    "archive_article_cited_outlets": ("a", "{r}.article_id", None),
    "archive_articletag": ("a", "{r}.content_object_id", None),
    "archive_quote": ("a", "{r}.article_id", ("article_id", "speaker_id", "place_id", "text")),
    "archive_quotetag": (
        "a",
        "(SELECT q.article_id FROM archive_quote q WHERE q.id = {r}.content_object_id)",
        None,
    ),
    "archive_photocaption": (
        "a",
        "{r}.article_id",
        ("article_id", "agency_id", "distributor_id", "place_id", "photographer", "text"),
    ),
    "archive_captiontag": (
        "a",
        "(SELECT c.article_id FROM archive_photocaption c WHERE c.id = {r}.content_object_id)",
        None,
    ),
    "archive_place": ("p", "{r}.id", ("name", "slug", "parent_id")),
    "archive_tag": ("t", "{r}.id", ("name", "slug")),
    "archive_outlet": ("o", "{r}.id", ("name", "slug")),
    "archive_speaker": ("s", "{r}.id", ("name", "slug")),
    # An alias moved to another owner changes both: the old row names one, the new the other.
    "archive_placealias": ("p", "{r}.owner_id", ("owner_id", "name")),
    "archive_speakeralias": ("s", "{r}.owner_id", ("owner_id", "name")),
}
EVENTS = ("INSERT", "UPDATE", "DELETE")
# Indexes that hold every column the index is built from, so a build reads them instead of
# the wide rows (an article's body, a quote's text): index-only scans.
COVERING = {
    "archive_facet_article": "archive_article (status, id, outlet_id, published_on)",
    "archive_facet_quote": "archive_quote (article_id, id, speaker_id, place_id)",
    "archive_facet_caption": (
        "archive_photocaption (article_id, id, agency_id, distributor_id, place_id)"
    ),
}


def _name(table: str, event: str) -> str:
    return f"archive_facet_{table.removeprefix('archive_')}_{event.lower()}"


@dataclass
class Changes:
    """What changed since a position: article ids and subject ids by kind, and the new position."""

    position: int
    # The log was pruned past the position asked for: what happened in between is unknown.
    stale: bool = False
    articles: set[int] = field(default_factory=set)
    subjects: dict[str, set[int]] = field(default_factory=dict)
    entries: int = 0
    # The log rows read (PostgreSQL reads some rows again until their transactions are all
    # older than the position; rows already applied are skipped, see `changes_since`).
    read: frozenset[int] = frozenset()

    def add(self, kind: str, item: int | None) -> None:
        if item is None:
            return
        self.entries += 1
        if kind == "a":
            self.articles.add(item)
        else:
            self.subjects.setdefault(kind, set()).add(item)

    def __bool__(self) -> bool:
        return bool(self.articles or self.subjects)


class Engine:
    """What differs between the databases: triggers, the position, the day of a date."""

    vendor = ""

    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection

    def day_sql(self, column: str) -> str:
        """Return SQL for a date column as its proleptic ordinal (date.toordinal())."""
        raise NotImplementedError

    def create_table(self, cursor) -> None:
        raise NotImplementedError

    def install_triggers(self, cursor, table: str, kind: str, item: str, columns) -> None:
        raise NotImplementedError

    def drop_triggers(self, cursor, table: str) -> None:
        raise NotImplementedError

    def position(self) -> int:
        """Return a position such that every change after it will be read from the log."""
        raise NotImplementedError

    def changes_since(self, position: int, applied: frozenset[int] = frozenset()) -> Changes:
        """Return the changes after position, and the position to read from next time; log
        rows in `applied` (read and applied last time) are not returned again."""
        raise NotImplementedError

    def install(self) -> None:
        """Create the log, its state row and a trigger per watched table and event."""
        with self.connection.cursor() as cursor:
            self.create_table(cursor)
            described = self.connection.introspection.get_table_description(cursor, STATE)
            if "pruned" not in {column.name for column in described}:
                cursor.execute(f"ALTER TABLE {STATE} ADD COLUMN pruned bigint NOT NULL DEFAULT 0")
            cursor.execute(
                f"INSERT INTO {STATE} (id, token) SELECT 1, %s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {STATE} WHERE id = 1)",
                [secrets.token_hex(16)],
            )
            existing = set(self.connection.introspection.table_names(cursor))
            for table, (kind, item, columns) in WATCHED.items():
                if table in existing:
                    self.install_triggers(cursor, table, kind, item, columns)
            for name, covered in COVERING.items():
                table = covered.split(" ", 1)[0]
                # Only when missing: PostgreSQL refuses even CREATE INDEX IF NOT EXISTS on a
                # table with pending trigger events (a migrate inside a transaction).
                if table in existing and name not in self.connection.introspection.get_constraints(
                    cursor, table
                ):
                    cursor.execute(f"CREATE INDEX {name} ON {covered}")

    def uninstall(self) -> None:
        """Drop the triggers, the log and its state."""
        with self.connection.cursor() as cursor:
            existing = set(self.connection.introspection.table_names(cursor))
            for table in WATCHED:
                if table in existing:
                    self.drop_triggers(cursor, table)
            for name in COVERING:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {STATE}")

    def token(self) -> str:
        """Return this database's own token: a snapshot of another database is never used."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {STATE} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else ""

    def prune(self, position: int) -> int:
        """Delete the rows up to a saved snapshot's position, and remember that position: a
        reader whose own position is older must start again from the snapshot."""
        with self.connection.cursor() as cursor:
            cursor.execute(self.prune_sql, [position])
            deleted = cursor.rowcount
            cursor.execute(
                f"UPDATE {STATE} SET pruned = %s WHERE id = 1 AND pruned < %s", [position, position]
            )
        return deleted

    prune_sql = ""


class SQLiteEngine(Engine):
    vendor = "sqlite"

    def day_sql(self, column: str) -> str:
        return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"

    def create_table(self, cursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "kind varchar(1) NOT NULL, item_id bigint)"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE} (id integer PRIMARY KEY, token varchar(64))"
        )

    def install_triggers(self, cursor, table, kind, item, columns) -> None:
        for event in EVENTS:
            name = _name(table, event)
            rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            inserts = " ".join(
                f"INSERT INTO {TABLE} (kind, item_id) VALUES ('{kind}', {item.format(r=r)});"
                for r in rows
            )
            when = ""
            if event == "UPDATE" and columns:
                when = "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} {when} BEGIN {inserts} END"
            )

    def drop_triggers(self, cursor, table) -> None:
        for event in EVENTS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")

    def position(self) -> int:
        # The last id handed out, not the largest id left: once pruning has emptied the log,
        # MAX(id) would fall back to 0, behind the pruned position, and every reader would
        # take its index for stale and rebuild it.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"COALESCE((SELECT MAX(id) FROM {TABLE}), 0))",
                [TABLE],
            )
            return int(cursor.fetchone()[0])

    def changes_since(self, position: int, applied: frozenset[int] = frozenset()) -> Changes:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.pruned, c.id, c.kind, c.item_id FROM {STATE} s "
                f"LEFT JOIN {TABLE} c ON c.id > %s WHERE s.id = 1 ORDER BY c.id",
                [position],
            )
            rows = cursor.fetchall()
        last = rows[-1][1] if rows and rows[-1][1] is not None else position
        changes = Changes(last, stale=bool(rows) and position < rows[0][0])
        for _pruned, _id, kind, item in rows:
            if kind is not None:
                changes.add(kind, item)
        return changes

    prune_sql = f"DELETE FROM {TABLE} WHERE id <= %s"


XID = "pg_current_xact_id()::text::bigint"
XMIN = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


class PostgresEngine(Engine):
    vendor = "postgresql"

    def day_sql(self, column: str) -> str:
        return f"({column} - DATE '0001-01-01' + 1)"

    def create_table(self, cursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, "
            "kind varchar(1) NOT NULL, item_id bigint, xid bigint NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_xid ON {TABLE} (xid)")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE} (id integer PRIMARY KEY, token varchar(64))"
        )

    def install_triggers(self, cursor, table, kind, item, columns) -> None:
        # One statement per statement, not per row: a bulk insert of 5,000 rows writes its
        # log rows in one INSERT … SELECT from the transition table.
        for event in EVENTS:
            name = _name(table, event)
            function = f"{name}_fn"
            if event == "INSERT":
                source, refs = (
                    f"SELECT {item.format(r='n')} FROM new_rows n",
                    "NEW TABLE AS new_rows",
                )
            elif event == "DELETE":
                source, refs = (
                    f"SELECT {item.format(r='o')} FROM old_rows o",
                    "OLD TABLE AS old_rows",
                )
            else:
                changed = (
                    " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns)
                    if columns
                    else "TRUE"
                )
                joined = f"FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {changed}"
                source = (
                    f"SELECT {item.format(r='o')} {joined} "
                    f"UNION SELECT {item.format(r='n')} {joined}"
                )
                refs = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
                f"INSERT INTO {TABLE} (kind, item_id, xid) "
                f"SELECT DISTINCT '{kind}', changed.item, {XID} FROM ({source}) AS changed(item) "
                "WHERE changed.item IS NOT NULL; RETURN NULL; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )

    def drop_triggers(self, cursor, table) -> None:
        for event in EVENTS:
            name = _name(table, event)
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}_fn()")

    def position(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {XMIN}")
            return int(cursor.fetchone()[0])

    def changes_since(self, position: int, applied: frozenset[int] = frozenset()) -> Changes:
        # The snapshot's xmin and the rows come from one statement, so from one snapshot: every
        # transaction older than xmin had ended, and its rows are among those read.
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.xmin, st.pruned, c.kind, c.item_id, c.id FROM (SELECT {XMIN} AS xmin) s "
                f"JOIN {STATE} st ON st.id = 1 LEFT JOIN {TABLE} c ON c.xid >= %s",
                [position],
            )
            rows = cursor.fetchall()
        changes = Changes(
            int(rows[0][0]) if rows else position, stale=bool(rows) and position < rows[0][1]
        )
        for _xmin, _pruned, kind, item, row in rows:
            if kind is not None and row not in applied:
                changes.add(kind, item)
        changes.read = frozenset(row for *_rest, row in rows if row is not None)
        return changes

    prune_sql = f"DELETE FROM {TABLE} WHERE xid < %s"


def engine_for(connection: BaseDatabaseWrapper) -> Engine:
    """Return the change log's engine for this connection's database."""
    return (
        PostgresEngine(connection)
        if connection.vendor == "postgresql"
        else SQLiteEngine(connection)
    )
