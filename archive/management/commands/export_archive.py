"""Write the whole archive as a natural-key fixture."""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.dataio.export import archive_export


class Command(BaseCommand):
    help = (
        "Export the whole archive (tags, outlets, places, speakers, articles, quotes, captions) "
        "in the fixture format that load_archive and loaddata read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="File to write (default: standard output). Written atomically."
        )

    def handle(self, *args, **options):
        output = options["output"]
        if not output or output == "-":
            count = archive_export(self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout)
            self.stderr.write(f"Exported {count} objects.")
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {target}: folder {target.parent} does not exist.")
        # Write beside the target and rename, so a crash never leaves half a backup behind.
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                count = archive_export(stream)
            os.replace(tmp, target)
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror or exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Exported {count} objects to {target}."))
