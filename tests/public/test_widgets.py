"""The filter form's date boxes hold only what HTML allows a date box: an ISO date or nothing."""

import pytest

from archive.public.widgets import IsoDateInput
from tests.conftest import soup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("2022-09-01", "2022-09-01"),
        (" 2022-09-01 ", "2022-09-01"),
        ("bad", None),
        ("2022-02-30", None),
        ("", None),
    ],
)
def test_date_box_shows_an_iso_date_or_nothing(typed, shown):
    assert IsoDateInput().format_value(typed) == shown


@pytest.mark.parametrize("url", ["/articles/", "/quotes/", "/photos/"])
def test_a_bad_date_in_the_address_leaves_the_box_empty_and_names_the_error(client, url):
    page = soup(client.get(url, {"from": "bad", "to": "2022-09-30"}))
    start, end = page.select_one("input[name=from]"), page.select_one("input[name=to]")
    assert (start["type"], start.get("value")) == ("date", None)
    assert start["aria-invalid"] == "true"
    assert page.select_one("#id_from_error").get_text() == "Enter a valid date."
    assert end["value"] == "2022-09-30"


def test_statement_filter_form_has_no_empty_action(client):
    form = soup(client.get("/statements/")).select_one("form.filter-form")
    assert form is not None and not form.has_attr("action")
