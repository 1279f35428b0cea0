"""Read raw reports and propose (or create) draft articles from them."""

import json
import sys
from datetime import date

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from archive.ingest.proposal import IngestError
from archive.ingest.services import (
    draft_create,
    draft_problems,
    ingest_allowed,
    reports_propose,
)

PROGRESS_FROM = 20  # reports; a handful finish before a bar would help


class Command(BaseCommand):
    help = (
        "Read raw reports (plain text or saved web pages) and propose for each a draft article "
        "with its quotes, photo captions, places and speakers. Without --dry-run, create the "
        "drafts (status 'in review') in one transaction; a file that cannot be read stops "
        "everything and nothing is written. A text ingested before is reported, not repeated."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Report files (.txt or saved .html).")
        parser.add_argument("--outlet", help="Slug of the outlet that published the reports.")
        parser.add_argument(
            "--published-on",
            type=date.fromisoformat,
            help="Publication date (YYYY-MM-DD) when the report prints none; also the date "
            "that 'Saturday' is resolved against.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Propose and report, but write nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the proposals as a JSON list."
        )
        parser.add_argument(
            "--user",
            help="Username of the Editor or Contributor the drafts are made by (default: none).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, **options):
        user = None
        if not options["dry_run"]:
            user = self._user(options["user"])
        show = not options["no_progress"] and len(options["files"]) >= PROGRESS_FROM
        batch = reports_propose(
            options["files"],
            outlet=options["outlet"],
            published_on=options["published_on"],
            progress=self._progress if show else None,
        )
        problems = list(batch.problems)
        if not options["dry_run"]:
            for proposal in batch.proposals:
                if not proposal.existing_article:
                    problems += [f"{proposal.source}: {p}" for p in draft_problems(proposal)]
        if problems:
            raise CommandError(_problem_text(problems))
        if options["json"]:
            self.stdout.write(json.dumps([p.as_json() for p in batch.proposals], indent=2))
        if options["dry_run"]:
            if not options["json"]:
                for proposal in batch.proposals:
                    self.stdout.write(_summary(proposal, verb="Would create"))
            return
        self._write(batch.proposals, user, quiet=options["json"])

    def _user(self, username: str | None):
        if not username:
            return None  # the operator at the command line, as for load_archive
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named '{username}'.")
        if not ingest_allowed(user):
            raise CommandError(f"'{username}' may not create articles from reports.")
        return user

    def _write(self, proposals, user, *, quiet: bool) -> None:
        from django.db import transaction

        out = self.stderr if quiet else self.stdout
        made = 0
        seen: dict[str, str] = {}
        try:
            with transaction.atomic():
                for proposal in proposals:
                    if proposal.existing_article or proposal.content_hash in seen:
                        slug = proposal.existing_article or seen[proposal.content_hash]
                        out.write(
                            f"{proposal.source}: already ingested as article '{slug}'; "
                            "nothing created."
                        )
                        continue
                    article = draft_create(proposal, user=user)
                    seen[proposal.content_hash] = article.slug
                    made += 1
                    out.write(_summary(proposal, verb=f"Created draft '{article.slug}':"))
        except IngestError as exc:
            raise CommandError(f"Nothing was written: {proposal.source}: {exc}") from None
        out.write(self.style.SUCCESS(f"{made} draft{'s' if made != 1 else ''} created."))

    def _progress(self, done: int, total: int) -> None:
        step = max(total // 50, 1)
        if done % step and done != total:
            return
        filled = done * 30 // total
        bar = "#" * filled + "-" * (30 - filled)
        end = "\n" if done == total else ""
        if sys.stderr.isatty() or done == total or done % (step * 10) == 0:
            self.stderr.write(f"\r[{bar}] {done}/{total}", ending=end)


def _problem_text(problems: list[str]) -> str:
    if len(problems) == 1:
        return f"Nothing was written: {problems[0]}"
    listing = "\n".join(f"  {p}" for p in problems[:50])
    more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
    return f"Nothing was written: {len(problems)} problems found.\n{listing}{more}"


def _summary(proposal, *, verb: str) -> str:
    if proposal.existing_article:
        return (
            f"{proposal.source}: already ingested as article '{proposal.existing_article}'; "
            "nothing would be created."
        )
    new_places = sum(1 for p in proposal.places if p.new)
    new_speakers = sum(1 for s in proposal.speakers if s.new)
    attributed = sum(1 for q in proposal.quotes if q.speaker)
    return (
        f"{proposal.source}: {verb} “{proposal.headline[:70]}” — {len(proposal.paragraphs)} "
        f"paragraphs, {attributed} quotes, {len(proposal.photo_captions)} captions, "
        f"{len(proposal.places)} places ({new_places} new), {len(proposal.speakers)} speakers "
        f"({new_speakers} new), {len(proposal.removed)} furniture lines removed"
    )
