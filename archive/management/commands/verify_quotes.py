"""Check that every quote's words are printed in its article's body."""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Quote
from archive.statements.verify import quotes_verify


def _one_line(text: str) -> str:
    return " ".join(text.split())


class Command(BaseCommand):
    help = (
        "Find every quote's text in its article's body, allowing only for quotation marks, "
        "white space and the ellipsis convention, and report each with its paragraph and "
        "anchor (exact text, prefix, suffix). Exits 1 if any quote is not found."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article", action="append", default=[], help="Check only this article (slug)."
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Report only the quotes that are not found."
        )

    def handle(self, *args, **options):
        quotes = Quote.objects.select_related("article").order_by("article__slug", "position")
        if options["article"]:
            quotes = quotes.filter(article__slug__in=options["article"])
        checks = quotes_verify(quotes.iterator(chunk_size=2000))
        missing = [c for c in checks if not c.found]
        for check in checks:
            if not check.found or options["quiet"]:
                continue
            where = check.location
            note = ""
            if check.paragraph_differs:
                note = f" (the quote says paragraph {check.paragraph})"
            self.stdout.write(
                f"{check.article} #{check.position}: paragraph {where.paragraph}{note}: "
                f"prefix “{_one_line(where.prefix[-30:])}” exact “{_one_line(where.exact)}” "
                f"suffix “{_one_line(where.suffix[:30])}”"
            )
        for check in missing:
            self.stderr.write(
                f"NOT FOUND {check.article} #{check.position} "
                f"(paragraph {check.paragraph or '?'}): “{_one_line(check.text)}”"
            )
        summary = f"{len(checks) - len(missing)} of {len(checks)} quotes found in their articles."
        if missing:
            raise CommandError(f"{summary} {len(missing)} not found.")
        self.stdout.write(self.style.SUCCESS(summary))
