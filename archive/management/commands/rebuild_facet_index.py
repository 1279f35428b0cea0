"""Rebuild the facet index from the database and save its snapshot."""

import time

from django.core.management.base import BaseCommand

from archive.facetindex.runtime import index_prune, index_rebuild
from archive.facetindex.snapshot import snapshot_path


class Command(BaseCommand):
    help = (
        "Read every published article, quote and caption into the facet index again and save "
        "the snapshot workers start from; then delete the change-log rows the snapshot already "
        "includes. The database stays the source of truth: safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-log",
            action="store_true",
            help="Keep the change log's rows (by default those before the snapshot are deleted).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        index = index_rebuild(save=True)
        seconds = time.perf_counter() - started
        pruned = 0 if options["keep_log"] else index_prune(index)
        counts = ", ".join(f"{docs.live_count()} {kind}s" for kind, docs in index.docs.items())
        where = snapshot_path() or "nowhere (ARCHIVE_FACET_SNAPSHOT_DIR is empty)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Built the facet index in {seconds:.1f} s: {counts}, "
                f"{index.nbytes() / 1e6:.1f} MB; saved to {where}; "
                f"{pruned} change-log rows deleted."
            )
        )
