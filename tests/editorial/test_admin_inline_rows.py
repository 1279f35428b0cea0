"""An article's change form and its save cost what they show and what they change.

The quotes and captions inline: a row the editor left as it was is neither checked again nor
saved (its choices, foreign keys, constraints and version cost about ten queries a row before),
and the autocompletes show the row's chosen speaker, place or agency from the row itself.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.admin.forms import KnownChoiceSelect
from archive.models import ArticleStatus, Quote
from tests.admin_support import admin_url, form_data
from tests.conftest import soup
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def article_with(quotes: int, captions: int = 2):
    article = ArticleFactory(status=ArticleStatus.DRAFT, tags=["war"])
    for i in range(quotes):
        QuoteFactory(
            article=article,
            position=i + 1,
            speaker=SpeakerFactory(),
            place=PlaceFactory(),
            tags=[f"q{i}"],
        )
    for i in range(captions):
        PhotoCaptionFactory(
            article=article,
            position=i + 1,
            agency=OutletFactory(),
            place=PlaceFactory(),
            tags=[f"c{i}"],
        )
    return article


def queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return response, len(captured)


def test_the_change_form_runs_as_many_queries_for_eight_quotes_as_for_one(editor_client):
    small, large = article_with(1, 1), article_with(8, 3)
    editor_client.get(admin_url("article", "change", small.pk))  # session, permissions warm
    _, few = queries(editor_client, "get", admin_url("article", "change", small.pk))
    response, many = queries(editor_client, "get", admin_url("article", "change", large.pk))
    assert response.status_code == 200
    assert many == few
    # Each row's chosen speaker and place are on the page, selected.
    page = soup(response)
    for quote in Quote.objects.filter(article=large).select_related("speaker", "place"):
        i = quote.position - 1
        chosen = page.select_one(f"select#id_quotes-{i}-speaker option[selected]")
        assert (chosen["value"], chosen.text) == (str(quote.speaker_id), quote.speaker.name)
        chosen = page.select_one(f"select#id_quotes-{i}-place option[selected]")
        assert (chosen["value"], chosen.text) == (str(quote.place_id), quote.place.name)


def test_saving_the_article_costs_the_same_for_eight_untouched_quotes_as_for_one(editor_client):
    costs = []
    # The first save warms what the process keeps (content types, permissions).
    for article in (article_with(1, 1), article_with(1, 1), article_with(8, 3)):
        url = admin_url("article", "change", article.pk)
        data = form_data(editor_client.get(url))
        data["tags"] = "war, peace"
        response, n = queries(editor_client, "post", url, data)
        assert response.status_code == 302, soup(response).select(".errorlist")
        assert sorted(article.tags.names()) == ["peace", "war"]
        costs.append(n)
    assert costs[2] == costs[1]


def test_a_quote_changed_by_someone_else_meanwhile_refuses_the_save_and_keeps_theirs(
    editor_client,
):
    """The editor did not touch the row, but it posts what they saw, which would overwrite
    the other change: the row counts as changed, and its version check refuses it."""
    article = article_with(2)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    theirs = Quote.objects.get(article=article, position=2)
    theirs.text = "Their words"
    theirs.save()
    data["headline"] = "My headline"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "changed this quote" in response.content.decode()
    article.refresh_from_db()
    theirs.refresh_from_db()
    assert (article.headline, theirs.text) == (article.headline, "Their words")
    assert article.headline != "My headline"


def test_a_changed_row_is_still_checked_against_the_untouched_ones(editor_client):
    article = article_with(2)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["quotes-1-position"] = "1"  # the first quote, untouched, holds position 1
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "position" in " ".join(e.text for e in soup(response).select(".errorlist")).lower()
    assert sorted(Quote.objects.filter(article=article).values_list("position", flat=True)) == [
        1,
        2,
    ]


def test_a_changed_row_with_an_empty_text_is_refused_and_nothing_is_saved(editor_client):
    article = article_with(2)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["headline"] = "Not saved"
    data["quotes-0-text"] = ""
    response = editor_client.post(url, data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline != "Not saved"


def test_deleting_an_untouched_row_deletes_it(editor_client):
    article = article_with(3)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["quotes-1-DELETE"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302, soup(response).select(".errorlist")
    assert sorted(Quote.objects.filter(article=article).values_list("position", flat=True)) == [
        1,
        3,
    ]


def test_a_row_id_of_another_article_never_changes_that_row(editor_client):
    article, other = article_with(1), article_with(1)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    stranger = Quote.objects.get(article=other)
    data["quotes-0-id"] = str(stranger.pk)
    data["quotes-0-text"] = "Hijacked"
    response = editor_client.post(url, data)
    assert response.status_code in (200, 302)
    stranger.refresh_from_db()
    assert stranger.text != "Hijacked"


def test_the_known_choice_is_used_only_for_the_value_it_holds(editor_client):
    """A posted value that differs from the row's is looked up, as Django does."""
    article = article_with(1)
    quote = Quote.objects.get(article=article)
    other = SpeakerFactory(name="Someone Else")
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["quotes-0-speaker"] = str(other.pk)
    data["quotes-0-text"] = ""  # invalid: the form comes back with the posted speaker
    page = soup(editor_client.post(url, data))
    chosen = page.select_one("select#id_quotes-0-speaker option[selected]")
    assert (chosen["value"], chosen.text) == (str(other.pk), "Someone Else")
    assert quote.speaker_id != other.pk


def test_known_choice_select_renders_as_djangos_autocomplete():
    from django.contrib import admin
    from django.contrib.admin.widgets import AutocompleteSelect

    quote = QuoteFactory(speaker=SpeakerFactory(name="Ada <b>"))
    field = Quote._meta.get_field("speaker")
    theirs = AutocompleteSelect(field, admin.site)
    ours = KnownChoiceSelect(field, admin.site)
    for widget in (theirs, ours):
        widget.choices = field.formfield().choices
    ours.known = quote.speaker
    with CaptureQueriesContext(connection) as captured:
        mine = ours.render("speaker", quote.speaker_id)
    assert len(captured) == 0
    assert mine == theirs.render("speaker", quote.speaker_id)
    assert "Ada &lt;b&gt;" in mine
