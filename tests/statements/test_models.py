"""Statements, spokesmen and relays: stored, validated and exported by natural key."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from archive import models as m
from archive.dataio.checksum import archive_checksum
from archive.statements.suggest import statements_suggest
from tests.dataio.archive_io import export, flush_archive
from tests.factories import OutletFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_quote_keeps_its_statement():
    quote = QuoteFactory()
    statement = m.Statement.objects.create(
        slug="s-1", speaker=quote.speaker, said_on=quote.article.published_on
    )
    quote.statement = statement
    quote.save()
    quote.delete()
    assert m.Statement.objects.filter(pk=statement.pk).exists()


def test_deleting_a_statement_leaves_its_quotes_unattached():
    quote = QuoteFactory()
    statement = m.Statement.objects.create(
        slug="s-1", speaker=quote.speaker, said_on=quote.article.published_on
    )
    m.Quote.objects.filter(pk=quote.pk).update(statement=statement)
    statement.delete()
    quote.refresh_from_db()
    assert quote.statement is None


def test_a_speaker_cannot_speak_for_itself_through_a_chain():
    ministry = SpeakerFactory()
    spokesman = SpeakerFactory(speaks_for=ministry)
    ministry.speaks_for = spokesman
    with pytest.raises(ValidationError, match="cannot speak for itself"):
        ministry.full_clean()


def test_a_relay_names_existing_outlets_only():
    OutletFactory(slug="tass")
    quote = QuoteFactory(relay=["tass"])
    quote.full_clean()
    quote.relay = ["tass", "nobody"]
    with pytest.raises(ValidationError, match="nobody"):
        quote.full_clean()
    quote.relay = "tass"
    with pytest.raises(ValidationError, match="list of outlet slugs"):
        quote.full_clean()


def test_the_seed_spokesman_speaks_for_his_ministry(seed):
    spokesman = m.Speaker.objects.get(slug="igor-konashenkov")
    assert spokesman.speaks_for.slug == "russian-defence-ministry"


def test_statements_relays_and_rejections_survive_export_and_load(seed, tmp_path):
    statements_suggest()
    statement = m.Statement.objects.get()
    statement.status = m.StatementStatus.CONFIRMED
    statement.summary = "Russia regroups its troops from Izyum and Balakliya."
    statement.save()
    fox = m.Quote.objects.get(article__slug__startswith="fox-", position=1)
    zelenskyy = m.Quote.objects.get(article__slug__startswith="scroll-", position=3)
    first, second = sorted([fox, zelenskyy], key=lambda q: q.natural_key())
    m.StatementRejection.objects.create(first=first, second=second)
    original_checksum, original = archive_checksum(), export()
    records = json.loads(original)
    assert {"archive.statement", "archive.statementrejection"} <= {r["model"] for r in records}

    flush_archive()
    assert not m.Statement.objects.exists()
    backup = tmp_path / "backup.json"
    backup.write_text(original, encoding="utf-8")
    call_command("load_archive", "--no-progress", str(backup), stdout=io.StringIO())

    assert export() == original
    assert archive_checksum() == original_checksum
    restored = m.Statement.objects.get()
    assert restored.status == m.StatementStatus.CONFIRMED
    assert restored.quotes.count() == 5
    assert m.StatementRejection.objects.count() == 1
