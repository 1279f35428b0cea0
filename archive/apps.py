from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.models.signals import post_migrate


def search_index_ensure(sender, using="default", **kwargs):
    """Restore search triggers that a migration's table rebuild dropped."""
    from archive.search.backends import backend_for

    if backend := backend_for(connections[using]):
        backend.ensure()


def revision_triggers_ensure(sender, using="default", plan=None, **kwargs):
    """Restore the revision triggers that a migration's table rebuild dropped (SQLite)."""
    from archive import revision

    connection = connections[using]
    if revision.TABLE in connection.introspection.table_names():
        revision.install(connection)


def facet_log_triggers_ensure(sender, using="default", **kwargs):
    """Restore the facet change log's triggers that a table rebuild dropped (SQLite)."""
    from archive.facetindex.changelog import STATE, engine_for

    connection = connections[using]
    if STATE in connection.introspection.table_names():
        engine_for(connection).install()


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Editorial archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive.editorial import history
        from archive.facetindex import runtime as facetindex_runtime

        post_migrate.connect(search_index_ensure, sender=self)
        post_migrate.connect(revision_triggers_ensure, sender=self)
        post_migrate.connect(facet_log_triggers_ensure, sender=self)
        request_started.connect(facetindex_runtime.request_begun)
        request_finished.connect(facetindex_runtime.request_ended)
        history.connect_signals()
