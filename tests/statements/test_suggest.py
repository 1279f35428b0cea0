"""Suggesting statements: the seed statement found whole, nothing else pulled in, and repeatable."""

import datetime
import io

import pytest
from django.core.management import call_command

from archive import models as m
from archive.statements.suggest import statements_suggest
from archive.statements.text import text_terms
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

SEED_STATEMENT = {
    ("scroll-russia-retreats-izyum-balakliya-2022-09-10", 1),
    ("scroll-russia-retreats-izyum-balakliya-2022-09-10", 2),
    ("ndtv-russia-regrouping-forces-kharkiv-2022-09-10", 1),
    ("fox-russian-troops-pull-back-kharkiv-2022-09-10", 2),
    ("fox-russian-troops-pull-back-kharkiv-2022-09-10", 3),
}


def _keys(statement):
    return {q.natural_key() for q in statement.quotes.select_related("article")}


def test_the_seed_defence_ministry_statement_is_one_suggestion_across_three_outlets(seed):
    out = io.StringIO()
    call_command("suggest_statements", stdout=out)
    assert "1 created" in out.getvalue()
    statement = m.Statement.objects.get()
    assert statement.status == m.StatementStatus.SUGGESTED
    assert statement.speaker.slug == "russian-defence-ministry"
    assert statement.said_on == datetime.date(2022, 9, 10)
    assert _keys(statement) == SEED_STATEMENT
    outlets = set(statement.quotes.values_list("article__outlet__slug", flat=True))
    assert outlets == {"scroll-in", "ndtv", "fox-news"}
    # Precision on the seeds: no quote outside the statement was given to any statement.
    assert m.Quote.objects.filter(statement__isnull=False).count() == len(SEED_STATEMENT)


def test_a_second_run_changes_nothing(seed):
    statements_suggest()
    first = m.Statement.objects.get()
    out = io.StringIO()
    call_command("suggest_statements", stdout=out)
    assert "0 created, 0 removed, 1 unchanged" in out.getvalue()
    assert m.Statement.objects.get().pk == first.pk


def test_a_dry_run_writes_nothing(seed):
    out = io.StringIO()
    call_command("suggest_statements", "--dry-run", stdout=out)
    assert "Would suggest 1 statements" in out.getvalue()
    assert not m.Statement.objects.exists()


def test_a_rejected_pair_is_not_suggested_again(seed):
    statements_suggest()
    ndtv = m.Quote.objects.get(article__slug__startswith="ndtv-", position=1)
    fox = m.Quote.objects.get(article__slug__startswith="fox-", position=3)
    first, second = sorted([ndtv, fox], key=lambda q: q.natural_key())
    m.StatementRejection.objects.create(first=first, second=second)
    statements_suggest()
    for statement in m.Statement.objects.all():
        assert not {ndtv.pk, fox.pk} <= set(statement.quotes.values_list("pk", flat=True))
    assert m.Statement.objects.filter(quotes=ndtv).exists()


def test_confirmed_statements_are_left_alone(seed):
    statements_suggest()
    statement = m.Statement.objects.get()
    statement.status = m.StatementStatus.CONFIRMED
    statement.save()
    out = io.StringIO()
    call_command("suggest_statements", stdout=out)
    assert "0 created, 0 removed, 0 unchanged" in out.getvalue()
    assert _keys(m.Statement.objects.get()) == SEED_STATEMENT


def _quote(speaker, text, day, **kwargs):
    article = ArticleFactory(published_on=datetime.date(2024, 3, day))
    return QuoteFactory(article=article, speaker=speaker, text=text, **kwargs)


def test_quotes_too_far_apart_or_of_other_speakers_are_not_joined():
    minister, other = SpeakerFactory(), SpeakerFactory()
    full = _quote(minister, "We will rebuild every bridge on the river before winter", 1)
    _quote(minister, "rebuild every bridge on the river", 9)  # eight days later
    _quote(other, "rebuild every bridge on the river", 2)  # someone else
    near = _quote(minister, "every bridge on the river", 3)
    statements_suggest()
    statement = m.Statement.objects.get()
    assert set(statement.quotes.values_list("pk", flat=True)) == {full.pk, near.pk}


def test_a_spokesman_s_words_join_the_statement_of_whom_he_speaks_for():
    ministry = SpeakerFactory()
    spokesman = SpeakerFactory(speaks_for=ministry)
    full = _quote(ministry, "The convoy reached the port and unloaded its grain", 4)
    part = _quote(spokesman, "unloaded its grain", 5)
    statements_suggest()
    statement = m.Statement.objects.get()
    assert statement.speaker == ministry
    assert set(statement.quotes.values_list("pk", flat=True)) == {full.pk, part.pk}


def test_a_fragment_whose_words_are_mostly_elsewhere_is_not_joined():
    speaker = SpeakerFactory()
    _quote(speaker, "The harvest was the largest in ten years across the south", 4)
    _quote(speaker, "ten years of war have ruined the railway and the ports", 5)
    statements_suggest()
    assert not m.Statement.objects.exists()


def test_terms_ignore_case_quotes_punctuation_and_inflection():
    assert text_terms("“Regrouped,” the troops’ efforts") == text_terms("regroup troop effort")
