"""The rejected pairs in the admin: who rejected which two quotes and when; editors un-reject."""

import pytest

from archive import models as m
from archive.statements.suggest import statements_suggest
from tests.admin_support import action, admin_url
from tests.conftest import soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(seed, editor_client):
    statements_suggest()
    statement = m.Statement.objects.get()
    action(editor_client, "statement", "reject", [statement])
    return statement


def test_the_rejected_pairs_list_says_who_rejected_which_quotes_and_when(
    rejected, editor_client, editor
):
    response = editor_client.get(admin_url("statementrejection"))
    assert response.status_code == 200
    rows = soup(response).select("#result_list tbody tr")
    assert len(rows) == 10  # every pair of the five quotes
    pair = m.StatementRejection.objects.select_related("first__article__outlet").first()
    assert pair.rejected_by == editor
    text = rows[0].get_text(" ", strip=True)
    assert "edna" in text
    assert f"“{pair.first.text}”" in text
    actions = [
        o["value"] for o in soup(response).select("select[name=action] option") if o["value"]
    ]
    assert actions == ["unreject"]


def test_a_rejected_pair_cannot_be_added_or_edited(rejected, editor_client):
    pair = m.StatementRejection.objects.first()
    assert editor_client.get(admin_url("statementrejection", "add")).status_code == 403
    page = editor_client.get(admin_url("statementrejection", "change", pair.pk))
    assert page.status_code == 200
    assert not soup(page).select("input[name=_save]")
    editor_client.post(admin_url("statementrejection", "change", pair.pk), {"first": 1})
    assert m.StatementRejection.objects.filter(pk=pair.pk).exists()


def test_an_editor_unrejects_a_pair_and_its_quotes_are_suggested_together_again(
    rejected, editor_client
):
    pairs = list(m.StatementRejection.objects.all())
    response = action(editor_client, "statementrejection", "unreject", pairs)
    assert "10 pairs un-rejected" in response.content.decode()
    assert not m.StatementRejection.objects.exists()
    report = statements_suggest()
    assert [len(group) for group in report.groups] == [5]


def test_a_contributor_sees_the_pairs_but_may_not_unreject_them(rejected, contributor_client):
    assert contributor_client.get(admin_url("statementrejection")).status_code == 200
    pairs = list(m.StatementRejection.objects.all())
    action(contributor_client, "statementrejection", "unreject", pairs)
    action(contributor_client, "statementrejection", "delete_selected", pairs, post="yes")
    response = contributor_client.post(
        admin_url("statementrejection", "delete", pairs[0].pk), {"post": "yes"}
    )
    assert response.status_code == 403
    assert m.StatementRejection.objects.count() == 10


def test_the_rejected_pairs_list_reads_a_fixed_number_of_queries(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import QuoteFactory

    def pairs(n):
        for _ in range(n):
            first, second = sorted([QuoteFactory(), QuoteFactory()], key=lambda q: q.natural_key())
            m.StatementRejection.objects.create(first=first, second=second)
        with CaptureQueriesContext(connection) as ctx:
            assert editor_client.get(admin_url("statementrejection")).status_code == 200
        return len(ctx)

    assert pairs(2) == pairs(8)
