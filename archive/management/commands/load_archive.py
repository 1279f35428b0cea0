"""Load fixture files into the archive, all or nothing."""

import sys

from django.core.management.base import BaseCommand, CommandError

from archive.dataio.load import ArchiveImportError, archive_import, seed_fixture_paths

PROGRESS_FROM = 500  # records; smaller loads finish before a bar would help


class Command(BaseCommand):
    help = (
        "Load archive fixture files (default: the seed fixtures). Every object is validated; "
        "if any is invalid nothing is written. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            help="Fixture files to load, in any order (default: fixtures/*.json).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, but write nothing."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, **options):
        paths = options["files"] or seed_fixture_paths()
        if not paths:
            raise CommandError("No fixture files found.")
        show = not options["no_progress"]
        try:
            report = archive_import(
                paths, dry_run=options["dry_run"], progress=self._progress if show else None
            )
        except ArchiveImportError as exc:
            count = len(exc.problems)
            listing = "\n".join(f"  {problem}" for problem in exc.problems[:50])
            more = f"\n  … and {count - 50} more" if count > 50 else ""
            raise CommandError(
                f"Nothing was loaded: {count} problem{'s' if count != 1 else ''} found.\n"
                f"{listing}{more}"
            ) from None
        self._summary(report)

    def _progress(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        step = max(total // 50, 1)
        if done % step and done != total:
            return
        filled = done * 30 // total
        bar = "#" * filled + "-" * (30 - filled)
        end = "\n" if done == total else ""
        if sys.stderr.isatty() or done == total or done % (step * 10) == 0:
            self.stderr.write(f"\r[{bar}] {done}/{total}", ending=end)

    def _summary(self, report) -> None:
        for label in report.models():
            self.stdout.write(
                f"{label}: {report.created[label]} created, {report.updated[label]} updated, "
                f"{report.unchanged[label]} unchanged"
            )
        created, updated, unchanged = report.totals()
        verb = "Would load" if report.dry_run else "Loaded"
        line = f"{verb}: {created} created, {updated} updated, {unchanged} unchanged."
        if not created and not updated:
            line += " Nothing to change."
        self.stdout.write(self.style.SUCCESS(line))
