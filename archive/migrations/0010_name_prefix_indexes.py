"""Indexes for finding a place or speaker by the start of its name or alias, case aside.

A search looks up which places and speakers its words may name (`name__istartswith`, which
PostgreSQL runs as UPPER(name) LIKE 'WORD%'): without an index each search reads all four
tables. SQLite reads them in memory quickly and gets none.
"""

from django.db import migrations

from archive.migrations._postgresql import postgresql_only

TABLES = ("archive_place", "archive_placealias", "archive_speaker", "archive_speakeralias")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_facet_change_log"),
    ]

    operations = [
        postgresql_only(
            [
                f"CREATE INDEX IF NOT EXISTS {table}_name_upper ON {table} "
                "(UPPER(name) text_pattern_ops)"
                for table in TABLES
            ],
            [f"DROP INDEX IF EXISTS {table}_name_upper" for table in TABLES],
        ),
    ]
