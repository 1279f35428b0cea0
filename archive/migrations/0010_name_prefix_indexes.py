"""Indexes for finding a place or speaker by the start of its name or alias, case aside.

A search looks up which places and speakers its words may name (`name__istartswith`, which
PostgreSQL runs as UPPER(name) LIKE 'WORD%'): without an index each search reads all four
tables. SQLite reads them in memory quickly and gets none.
"""

from django.db import migrations

TABLES = ("archive_place", "archive_placealias", "archive_speaker", "archive_speakeralias")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_name_upper ON {table} "
            "(UPPER(name) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_name_upper")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_facet_change_log"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
