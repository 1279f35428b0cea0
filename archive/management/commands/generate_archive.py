"""Add a large synthetic archive, for trying the archive at scale."""

import sys

from django.core.management.base import BaseCommand, CommandError

from archive.dataio.generate import archive_generate


class Command(BaseCommand):
    help = (
        "Add N synthetic articles with quotes, captions, places, speakers and tags, written "
        "in bulk. The same seed gives the same archive. Slugs start with 'gen-'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many articles to add.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed, the same archive."
        )
        parser.add_argument(
            "--batch", type=int, default=5000, help="Articles written per transaction."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, **options):
        if options["articles"] < 1 or options["batch"] < 1:
            raise CommandError("--articles and --batch must be at least 1.")
        show = not options["no_progress"]
        report = archive_generate(
            articles=options["articles"],
            seed=options["seed"],
            batch=options["batch"],
            progress=self._progress if show else None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.articles} articles, {report.quotes} quotes, "
                f"{report.captions} captions, {report.places} places and {report.speakers} "
                f"speakers in {report.seconds:.1f} s."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        filled = done * 30 // total
        bar = "#" * filled + "-" * (30 - filled)
        end = "\n" if done == total else ""
        if sys.stderr.isatty() or done == total:
            self.stderr.write(f"\r[{bar}] {done}/{total} articles", ending=end)
