"""The full-text search index: FTS5 tables on SQLite, weighted tsvectors on PostgreSQL.

Neither is a model: the index lives in tables and triggers written here (see
archive/search_backends.py), so the models and makemigrations never see it.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    from archive.search import backends as search_backends

    if schema_editor.connection.vendor in {"sqlite", "postgresql"}:
        search_backends.install(schema_editor.connection)


def drop_index(apps, schema_editor):
    from archive.search import backends as search_backends

    if schema_editor.connection.vendor in {"sqlite", "postgresql"}:
        search_backends.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_history_versions_tag_redirects"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
