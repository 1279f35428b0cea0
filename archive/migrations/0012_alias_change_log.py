"""The change log follows places' and speakers' aliases too: the facet index keeps them with
the labels, so a search and a spellings table read them without a query."""

from django.db import migrations

TABLES = ("archive_placealias", "archive_speakeralias")


def create(apps, schema_editor):
    from archive.facetindex.changelog import engine_for

    engine_for(schema_editor.connection).install()


def drop(apps, schema_editor):
    from archive.facetindex.changelog import engine_for

    engine = engine_for(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            engine.drop_triggers(cursor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0011_caption_photographer_index"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
