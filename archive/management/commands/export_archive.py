"""Write the whole archive as a natural-key fixture, or its published articles as ninjs."""

import os
import sys
import tempfile
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from archive.dataio.export import archive_export, archive_export_ninjs


def _base_url(value: str | None) -> str:
    """Return the site's public address, or a CommandError saying what is wrong with it."""
    if not value:
        raise CommandError(
            "--format ninjs needs --base-url, the site's public address "
            "(e.g. https://archive.example.org): ninjs documents carry whole addresses."
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CommandError(
            f"--base-url {value!r} is not a site address like https://archive.example.org."
        )
    return value.rstrip("/")


class Command(BaseCommand):
    help = (
        "Export the whole archive (tags, outlets, places, speakers, articles, quotes, captions) "
        "in the fixture format that load_archive and loaddata read, or, with --format ninjs, "
        "every published article as an IPTC ninjs 2.2 document (one JSON line each, by slug)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="File to write (default: standard output). Written atomically."
        )
        parser.add_argument(
            "--format",
            choices=["fixture", "ninjs"],
            default="fixture",
            help="fixture (default): everything, for load_archive; ninjs: published articles "
            "only, as IPTC ninjs 2.2 JSON Lines.",
        )
        parser.add_argument(
            "--base-url",
            help="With --format ninjs: the site's public address that document addresses "
            "start with, e.g. https://archive.example.org.",
        )

    def handle(self, *args, **options):
        if options["format"] == "ninjs":
            export = partial(archive_export_ninjs, base_url=_base_url(options["base_url"]))
            what = "published articles as ninjs"
        else:
            export, what = archive_export, "objects"
        output = options["output"]
        if not output or output == "-":
            count = export(self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout)
            self.stderr.write(f"Exported {count} {what}.")
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {target}: folder {target.parent} does not exist.")
        # Write beside the target and rename, so a crash never leaves half a backup behind.
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                count = export(stream)
            os.replace(tmp, target)
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror or exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Exported {count} {what} to {target}."))
