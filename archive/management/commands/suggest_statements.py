"""Suggest statements: quotes of one speaker, a few days apart, whose words overlap."""

from django.core.management.base import BaseCommand, CommandError

from archive.statements.suggest import MIN_SHARE, WINDOW_DAYS, statements_suggest


def _share(value: str) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Group quotes of the same speaker (or of one speaking for another) published within a "
        "few days whose words overlap into suggested statements for editors to confirm. "
        "Confirmed statements and rejected pairs are kept; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=WINDOW_DAYS,
            help=f"How many days apart two reports of one statement may be ({WINDOW_DAYS}).",
        )
        parser.add_argument(
            "--min-share",
            type=_share,
            default=MIN_SHARE,
            help="The share of a longer quote's words that must be found in the fuller one "
            f"(default {MIN_SHARE}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, **options):
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        report = statements_suggest(
            window_days=options["days"], min_share=options["min_share"], dry_run=options["dry_run"]
        )
        prefix = "Would suggest" if options["dry_run"] else "Suggested"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} {len(report.groups)} statements from {report.quotes_read} quotes: "
                f"{report.created} created, {report.removed} removed, "
                f"{report.unchanged} unchanged."
            )
        )
