"""Rebuild the full-text search index from scratch."""

from django.core.management.base import BaseCommand

from archive.search.query import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Empty the full-text search index and index every article, quote and caption again, "
        "e.g. after restoring a database backup. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default="default", help="Database alias to rebuild (default: default)."
        )

    def handle(self, *args, **options):
        counts = search_index_rebuild(using=options["database"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the search index: {counts['articles']} articles, "
                f"{counts['quotes']} quotes, {counts['captions']} captions."
            )
        )
