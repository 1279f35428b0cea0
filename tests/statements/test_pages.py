"""The public statement pages: published material only, one <h1>, at most ten queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import models as m
from archive.statements.suggest import statements_suggest
from tests.conftest import soup
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("archive:statement-list")


def _statement(*quotes, status=m.StatementStatus.CONFIRMED, slug="said"):
    statement = m.Statement.objects.create(
        slug=slug,
        speaker=quotes[0].speaker,
        said_on=quotes[0].article.published_on,
        status=status,
    )
    m.Quote.objects.filter(pk__in=[q.pk for q in quotes]).update(statement=statement)
    return statement


def _pair(*, draft_second=False, speaker=None):
    speaker = speaker or SpeakerFactory(name="Minister Public")
    first = ArticleFactory(
        outlet=OutletFactory(name="First Outlet", slug="first-outlet"),
        paragraphs=["Intro.", "She said “the bridge will open in May, as planned” today."],
    )
    second = ArticleFactory(
        outlet=OutletFactory(name="Second Outlet", slug="second-outlet"),
        status=m.ArticleStatus.DRAFT if draft_second else m.ArticleStatus.PUBLISHED,
        paragraphs=["The minister said the bridge “will open in May”."],
    )
    full = QuoteFactory(
        article=first, speaker=speaker, text="the bridge will open in May, as planned", paragraph=2
    )
    part = QuoteFactory(
        article=second, speaker=speaker, text="will open in May", paragraph=1, kind="partial"
    )
    return full, part


def test_the_seed_statement_page_lines_up_three_outlets(client, seed):
    statements_suggest()
    statement = m.Statement.objects.get()
    page = soup(client.get(statement.get_absolute_url()))
    assert len(page.find_all("h1")) == 1
    headings = [h.get_text(" ", strip=True) for h in page.select(".statement-version h2")]
    assert sorted({h.split(" fullest")[0] for h in headings}) == ["Fox News", "NDTV", "Scroll.in"]
    assert len(headings) == 5
    fox = [s for s in page.select(".statement-version") if "regrouped" in s.get_text()][0]
    assert "TASS" in fox.select_one(".relay figcaption").get_text()
    assert "Igor Konashenkov" in fox.select_one(".relay figcaption").get_text()
    assert fox.select_one(".word-diff del") is not None
    assert fox.select_one(".in-context mark").get_text() == "regrouped"
    link = fox.select_one("figcaption a")["href"]
    assert link.startswith("/articles/fox-") and link.endswith("#quote-2")
    article = soup(client.get(link.split("#")[0]))
    assert article.find(id="quote-2") is not None
    also = article.select_one("#quote-2 .also-quoted a")
    assert also.get_text() == "Also quoted by 2 other outlets"
    assert also["href"] == statement.get_absolute_url()


def test_a_statement_page_shows_only_published_quotes(client):
    full, part = _pair(draft_second=True)
    statement = _statement(full, part)
    page = soup(client.get(statement.get_absolute_url()))
    text = page.get_text(" ")
    assert "First Outlet" in text and "Second Outlet" not in text
    article = soup(client.get(full.article.get_absolute_url()))
    assert article.select(".also-quoted") == []


def test_a_statement_of_draft_quotes_only_or_rejected_is_not_found(client):
    full, part = _pair(draft_second=True)
    drafts = _statement(part, slug="drafts")
    assert client.get(drafts.get_absolute_url()).status_code == 404
    rejected = _statement(full, status=m.StatementStatus.REJECTED, slug="rejected")
    assert client.get(rejected.get_absolute_url()).status_code == 404
    assert client.get("/statements/999999/").status_code == 404
    listed = soup(client.get(LIST))
    assert listed.select(".statement-row") == []
    assert "Second Outlet" not in listed.get_text()


def test_the_list_filters_counts_and_exports(client):
    place = PlaceFactory(slug="kyiv")
    full, part = _pair()
    full.article.places.add(place)
    statement = _statement(full, part)
    other = QuoteFactory(text="Something else entirely")
    _statement(other, slug="other")
    page = soup(client.get(LIST))
    assert len(page.find_all("h1")) == 1
    assert page.find("h1").get_text() == "Statements — 2 results"
    for query, expected in (
        ({"speaker": full.speaker.slug}, [statement.pk]),
        ({"outlet": "second-outlet"}, [statement.pk]),
        ({"place": "kyiv"}, [statement.pk]),
        ({"q": "bridge"}, [statement.pk]),
        ({"from": "2030-01-01"}, []),
    ):
        data = client.get(LIST, {**query, "format": "json"}).json()
        assert [r["id"] for r in data["results"]] == expected, query
    row = client.get(LIST, {"speaker": full.speaker.slug, "format": "json"}).json()["results"][0]
    assert row["quotes"] == 2 and row["outlets"] == ["first-outlet", "second-outlet"]
    body = b"".join(client.get(LIST, {"format": "csv"}).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 2 and str(statement.pk) in {r["id"] for r in rows}
    facet = page.select_one("#facet-outlet").find_parent("section")
    assert "Second Outlet" in facet.get_text()


def test_bad_list_input_is_a_clear_400_not_an_error(client):
    assert client.get(LIST, {"from": "not-a-date"}).status_code == 400
    assert client.get(LIST, {"speaker": "<script>"}).status_code == 400
    assert client.get(LIST, {"format": "xml"}).status_code == 400
    assert client.get(LIST, {"page": "999"}).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_statement_pages_stay_within_ten_queries(client, size):
    speaker = SpeakerFactory()
    quotes = []
    for n in range(size):
        article = ArticleFactory(
            published_on=datetime.date(2024, 5, 1), paragraphs=[f"“Words number {n}” he said."]
        )
        quotes.append(QuoteFactory(article=article, speaker=speaker, text=f"Words number {n}"))
    statement = _statement(*quotes)
    for n in range(size):
        _statement(QuoteFactory(speaker=speaker), slug=f"more-{n}")
    # The first page after the edits brings the facet index up to date (the article page's
    # related articles come from it); pages at the same revision read nothing more for it.
    client.get(quotes[0].article.get_absolute_url() + "?n=0")
    for url in (
        statement.get_absolute_url(),
        LIST,
        LIST + "?format=json",
        quotes[0].article.get_absolute_url(),
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(ctx.captured_queries) <= 10, (url, len(ctx.captured_queries))
