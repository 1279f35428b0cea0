"""The full-text search index: FTS5 tables on SQLite, weighted tsvectors on PostgreSQL.

Neither is a model: the index lives in tables and triggers written here (see
archive/search/backends/), so the models and makemigrations never see it.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    from archive.search.backends import backend_for

    if backend := backend_for(schema_editor.connection):
        backend.install()


def drop_index(apps, schema_editor):
    from archive.search.backends import backend_for

    if backend := backend_for(schema_editor.connection):
        backend.uninstall()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_history_versions_tag_redirects"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
