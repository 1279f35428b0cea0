"""The change log the facet index follows, filled by triggers (archive.facetindex.changelog)."""

from django.db import migrations


def create(apps, schema_editor):
    from archive.facetindex.changelog import engine_for

    engine_for(schema_editor.connection).install()


def drop(apps, schema_editor):
    from archive.facetindex.changelog import engine_for

    engine_for(schema_editor.connection).uninstall()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0008_statementrejection_rejected_by"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
