"""Create the Editor and Contributor groups, and optionally give people those roles."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.editorial.roles import CONTRIBUTOR, EDITOR, role_assign, roles_setup


class Command(BaseCommand):
    help = (
        "Create or correct the Editor and Contributor groups (safe to run again). "
        "With --editor or --contributor, also give those accounts the role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--editor",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Make this account an editor (created if missing). Repeatable.",
        )
        parser.add_argument(
            "--contributor",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Make this account a contributor (created if missing). Repeatable.",
        )

    def handle(self, *args, **options):
        try:
            reports = roles_setup()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for report in reports:
            state = "created" if report.created else "updated" if report.changed else "unchanged"
            self.stdout.write(f"{report.name}: {report.permissions} permissions ({state})")
        people = [(n, EDITOR) for n in options["editor"]] + [
            (n, CONTRIBUTOR) for n in options["contributor"]
        ]
        for username, role in people:
            try:
                user, created = role_assign(username, role)
            except ValidationError as exc:
                raise CommandError(f"{username}: {' '.join(exc.messages)}") from None
            if created:
                self.stdout.write(
                    f"{user.username}: new {role.lower()} account; set a password with "
                    f"`manage.py changepassword {user.username}`"
                )
            else:
                self.stdout.write(f"{user.username}: now {role.lower()}")
        self.stdout.write(self.style.SUCCESS("Roles are set up."))
