"""Score the ingester on the raw seed reports against the archive's own fixtures."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.ingest.scoring import MODES, gold_load, seeds_score
from archive.models import Place

DEFAULT_SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"
DEFAULT_FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = (
        "Propose every raw seed report (dry run, nothing written) and print the precision and "
        "recall of (speaker, quote) pairs, captions with credits, and places against the "
        "fixtures; mode 'gazetteer' hides the seed articles' places and speakers first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=DEFAULT_SEEDS,
            help="Folder of raw seed reports (*.txt); default ../shared/seeds.",
        )
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=DEFAULT_FIXTURES,
            help="Folder of the fixtures holding what a person extracted; default fixtures/.",
        )
        parser.add_argument(
            "--mode", choices=[*MODES, "both"], default="both", help="Which mode(s) to score."
        )
        parser.add_argument(
            "--fail-under",
            type=float,
            default=None,
            help="Exit with an error if any precision or recall is below this (e.g. 0.9).",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        seeds = sorted(options["seeds"].glob("*.txt"))
        if not seeds:
            raise CommandError(f"No seed reports (*.txt) in {options['seeds']}.")
        if not options["fixtures"].is_dir():
            raise CommandError(f"No fixtures folder at {options['fixtures']}.")
        gold = gold_load(options["fixtures"])
        modes = MODES if options["mode"] == "both" else (options["mode"],)
        wanted = set().union(*gold.places.values())
        if "archive" in modes and wanted and not Place.objects.filter(slug__in=wanted).exists():
            raise CommandError(
                "None of the fixtures' places is in the database: load them first "
                "(manage.py load_archive), or score --mode gazetteer."
            )
        scores = [seeds_score(seeds, gold, mode=mode) for mode in modes]
        if options["json"]:
            self.stdout.write(json.dumps([_as_json(s) for s in scores], indent=2))
        else:
            for score in scores:
                self._print(score)
        low = [
            f"{s.mode} {name} {label} {value:.3f}"
            for s in scores
            for name, tally in s.measures().items()
            for label, value in (("precision", tally.precision), ("recall", tally.recall))
            if options["fail_under"] is not None and value < options["fail_under"]
        ]
        if low:
            raise CommandError(f"Below {options['fail_under']}: " + ", ".join(low))

    def _print(self, score) -> None:
        self.stdout.write(f"Mode {score.mode}: {len(score.seeds)} seed reports")
        for line in score.seeds:
            self.stdout.write(f"  {line}")
        for problem in score.problems:
            self.stdout.write(self.style.WARNING(f"  {problem}"))
        self.stdout.write(
            f"  {'measure':<10}{'precision':>10}{'recall':>8}   found/proposed/expected"
        )
        for name, tally in score.measures().items():
            self.stdout.write(
                f"  {name:<10}{tally.precision:>10.3f}{tally.recall:>8.3f}   "
                f"{tally.matched}/{tally.proposed}/{tally.expected}"
            )


def _as_json(score) -> dict:
    return {
        "mode": score.mode,
        "seeds": score.seeds,
        "problems": score.problems,
        **{
            name: {
                "precision": round(t.precision, 4),
                "recall": round(t.recall, 4),
                "matched": t.matched,
                "proposed": t.proposed,
                "expected": t.expected,
            }
            for name, t in score.measures().items()
        },
    }
