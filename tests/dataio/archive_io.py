"""Helpers for tests that export the archive and load it back into an empty database."""

import io

from django.core.management import call_command

from archive.models import Article, Outlet, Place, Speaker, Statement, Tag


def export() -> str:
    """Return the whole archive as export_archive writes it."""
    out = io.StringIO()
    call_command("export_archive", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def flush_archive() -> None:
    """Delete every archive object, children before the rows they depend on."""
    Article.objects.all().delete()
    Statement.objects.all().delete()
    Speaker.objects.all().delete()
    Place.objects.update(parent=None)
    Place.objects.all().delete()
    Outlet.objects.all().delete()
    Tag.objects.all().delete()
