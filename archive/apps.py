from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def search_index_ensure(sender, using="default", **kwargs):
    """Restore search triggers that a migration's table rebuild dropped."""
    from archive import search_backends

    search_backends.ensure(connections[using])


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Editorial archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive import history

        post_migrate.connect(search_index_ensure, sender=self)
        history.connect_signals()
