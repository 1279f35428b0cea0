"""Print a checksum of the whole archive, to prove a backup restored it exactly."""

from django.core.management.base import BaseCommand

from archive.dataio.checksum import archive_checksum, archive_checksums


class Command(BaseCommand):
    help = (
        "Print a SHA-256 checksum over every archive object (tags, taggings and aliases "
        "included), keyed by natural keys: equal checksums mean equal archives, whatever the "
        "database or its primary keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--by-model",
            action="store_true",
            help="Also print one checksum per model, to see where two archives differ.",
        )

    def handle(self, *args, **options):
        if options["by_model"]:
            for label, digest in archive_checksums().items():
                self.stdout.write(f"{digest}  {label}")
        self.stdout.write(archive_checksum())
