"""The statement queue in the admin: confirm, reject, merge and split, each asking the policy."""

import pytest

from archive import models as m
from archive.statements.suggest import statements_suggest
from tests.admin_support import action, admin_url
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def _suggested():
    statements_suggest()
    return m.Statement.objects.get()


def test_an_editor_confirms_a_suggestion_and_it_is_in_the_history(seed, editor_client, editor):
    statement = _suggested()
    response = action(editor_client, "statement", "confirm", [statement])
    assert "1 statement confirmed." in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == m.StatementStatus.CONFIRMED
    latest = statement.history.order_by("-history_id").first()
    assert latest.history_user == editor and latest.history_change_reason == "Confirmed"
    history = editor_client.get(admin_url("statement", "history", statement.pk))
    assert history.status_code == 200 and "Confirmed" in history.content.decode()


def test_a_contributor_may_not_confirm_a_statement_of_published_quotes(seed, contributor_client):
    statement = _suggested()
    response = action(contributor_client, "statement", "confirm", [statement])
    assert "Only editors may change a statement" in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == m.StatementStatus.SUGGESTED


def test_a_contributor_confirms_a_statement_of_drafts(contributor_client):
    speaker = SpeakerFactory()
    quotes = [
        QuoteFactory(article=ArticleFactory(status=m.ArticleStatus.DRAFT), speaker=speaker)
        for _ in range(2)
    ]
    statement = m.Statement.objects.create(slug="d", speaker=speaker, said_on="2022-09-10")
    m.Quote.objects.filter(pk__in=[q.pk for q in quotes]).update(statement=statement)
    action(contributor_client, "statement", "confirm", [statement])
    statement.refresh_from_db()
    assert statement.status == m.StatementStatus.CONFIRMED


def test_rejecting_lets_the_quotes_go_and_they_are_not_suggested_again(seed, editor_client):
    statement = _suggested()
    members = set(statement.quotes.values_list("pk", flat=True))
    response = action(editor_client, "statement", "reject", [statement])
    assert "5 quotes let go" in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == m.StatementStatus.REJECTED
    assert not statement.quotes.exists()
    assert m.StatementRejection.objects.count() == 10  # every pair of five
    report = statements_suggest()
    assert report.groups == []
    assert not m.Quote.objects.filter(pk__in=members, statement__isnull=False).exists()


def test_splitting_moves_the_chosen_quotes_and_keeps_the_parts_apart(seed, editor_client):
    statement = _suggested()
    fox = list(statement.quotes.filter(article__slug__startswith="fox-"))
    response = action(
        editor_client,
        "statement",
        "split",
        [statement],
        step=True,
        apply="1",
        quotes=[q.pk for q in fox],
    )
    assert "Split into" in response.content.decode()
    part = m.Statement.objects.exclude(pk=statement.pk).get()
    assert set(part.quotes.all()) == set(fox)
    assert statement.quotes.count() == 3
    fox_history = fox[0].history.order_by("-history_id").first()
    assert fox_history.statement_id == part.pk
    assert {s.status for s in m.Statement.objects.all()} == {m.StatementStatus.CONFIRMED}
    statements_suggest()
    assert set(m.Statement.objects.get(pk=part.pk).quotes.all()) == set(fox)
    assert statement.quotes.count() == 3


def test_splitting_off_every_quote_is_refused(seed, editor_client):
    statement = _suggested()
    everything = list(statement.quotes.values_list("pk", flat=True))
    response = action(
        editor_client, "statement", "split", [statement], step=True, apply="1", quotes=everything
    )
    assert "but not all of them" in response.content.decode()
    assert m.Statement.objects.count() == 1


def test_merging_joins_two_statements_of_one_speaker(seed, editor_client):
    statement = _suggested()
    fox = list(statement.quotes.filter(article__slug__startswith="fox-"))
    action(
        editor_client,
        "statement",
        "split",
        [statement],
        step=True,
        apply="1",
        quotes=[q.pk for q in fox],
    )
    both = list(m.Statement.objects.all())
    response = action(editor_client, "statement", "merge", both)
    assert "Merged into" in response.content.decode()
    assert m.Statement.objects.count() == 1
    assert m.Statement.objects.get().quotes.count() == 5


def test_merging_statements_of_two_speakers_is_refused(editor_client):
    first, second = QuoteFactory(), QuoteFactory()
    statements = []
    for n, quote in enumerate((first, second)):
        statement = m.Statement.objects.create(
            slug=f"s{n}", speaker=quote.speaker, said_on="2022-09-10"
        )
        m.Quote.objects.filter(pk=quote.pk).update(statement=statement)
        statements.append(statement)
    response = action(editor_client, "statement", "merge", statements)
    assert "same speaker" in response.content.decode()
    assert m.Statement.objects.count() == 2


def test_the_queue_lists_suggestions_with_their_counts(seed, editor_client):
    _suggested()
    response = editor_client.get(admin_url("statement"), {"status__exact": "suggested"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Russian Defence Ministry" in page
    change = editor_client.get(admin_url("statement", "change", m.Statement.objects.get().pk))
    assert "regrouped" in change.content.decode()
