"""Migration operations for PostgreSQL alone (the loader skips this module: its name starts
with an underscore)."""

from django.db import migrations


def postgresql_only(create: list[str], drop: list[str]) -> migrations.RunPython:
    """Return an operation that runs the `create` statements forwards and the `drop` ones
    backwards, on PostgreSQL only: SQLite gets nothing."""

    def running(statements: list[str]):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return run

    return migrations.RunPython(running(create), running(drop))
