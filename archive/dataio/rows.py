"""A batch's new rows into the database: COPY on PostgreSQL, multi-row INSERT … RETURNING elsewhere.

archive.dataio.batches decides what to insert; this module only writes the rows and gives each
object its primary key. On PostgreSQL the keys are taken from the table's sequence first (one
query for the whole batch) and the rows, keys included, are streamed with one `COPY … FROM
STDIN`: no SQL text to build or parse per row, one round trip per batch. COPY fires the same
statement triggers (search index, facet change log, revision numbers) and checks the same
constraints as an INSERT, and runs inside the caller's transaction, so a refused batch rolls
back with it. Elsewhere (SQLite) a multi-row `INSERT … RETURNING` a few hundred rows at a time,
and many-to-many links with one `executemany`.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

PER_STATEMENT = 500  # rows of one INSERT, within SQLite's usual limit of 999 parameters


def insert_rows(model: type[models.Model], objs: list[Any]) -> None:
    """Insert new objects and set their primary keys as the database gave them.

    What bulk_create does, without its per-value query compilation (most of a load's time); a
    model with a field that needs its own SQL placeholder goes through bulk_create.
    """
    if not objs:
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    if any(hasattr(f, "get_placeholder") or f.generated for f in fields):
        model._default_manager.bulk_create(objs)
        return
    # The connection itself, not django.db.connection: every attribute read through that
    # proxy costs a thread-local look-up, and a load reads one per value.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and _copy(connection, model, fields, objs):
        return
    _insert_returning(connection, model, fields, objs)


def insert_links(model: type[models.Model], columns: tuple[str, str], pairs: list[tuple]) -> None:
    """Insert rows of a many-to-many table, (one id, the other id) each; nothing links to them,
    so their own keys are not asked for."""
    if not pairs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for pair in pairs:
                    copy.write_row(pair)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES (%s, %s)", pairs)


def _values(connection, fields: list, obj: Any) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


def _insert_returning(connection, model: type[models.Model], fields: list, objs: list[Any]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(PER_STATEMENT, 999 // len(fields)))
    for start in range(0, len(objs), per_statement):
        chunk = objs[start : start + per_statement]
        params = [value for obj in chunk for value in _values(connection, fields, obj)]
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "
            f"RETURNING {quote(model._meta.pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [found for (found,) in cursor.fetchall()]
        _keyed(connection, chunk, ids)


def _copy(connection, model: type[models.Model], fields: list, objs: list[Any]) -> bool:
    """Stream the rows with COPY; return False if the table hands out no keys to take."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    columns = [quote(f.column) for f in fields]
    with connection.cursor() as cursor:
        # Keys from the table's own sequence (an identity column's), as INSERT would take them:
        # unique even with other writers, in ascending order for the rows in order.
        cursor.execute(
            "SELECT nextval(s) FROM pg_get_serial_sequence(%s, %s) AS s, "
            "generate_series(1, %s) WHERE s IS NOT NULL",
            [quote(table), pk.column, len(objs)],
        )
        ids = sorted(found for (found,) in cursor.fetchall())
        if len(ids) != len(objs):
            return False
        columns.insert(0, quote(pk.column))
        sql = f"COPY {quote(table)} ({', '.join(columns)}) FROM STDIN"
        with connection.wrap_database_errors, cursor.copy(sql) as copy:
            for obj, key in zip(objs, ids, strict=True):
                copy.write_row([key, *_values(connection, fields, obj)])
    _keyed(connection, objs, ids)
    return True


def _keyed(connection, objs: list[Any], ids: list[int]) -> None:
    for obj, key in zip(objs, ids, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
