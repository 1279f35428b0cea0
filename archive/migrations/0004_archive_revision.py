"""A revision number kept by triggers, for caches that must never serve a stale count."""

from django.db import migrations


def create(apps, schema_editor):
    from archive import revision

    revision.install(schema_editor.connection)


def drop(apps, schema_editor):
    from archive import revision

    revision.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_search_index"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
