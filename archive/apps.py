from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Editorial archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive import history

        history.connect_signals()
