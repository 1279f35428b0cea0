"""A reader narrows the article list by clicking facets and dates, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLL = (
    "Russia says its troops are retreating from key areas in Kharkiv after Ukraine’s counterattack"
)
NDTV = 'Russia "Regrouping" Its Forces After Ukraine Announces Gains In Kharkiv'
FOX = (
    "Russian troops pull back from key areas in Ukraine’s Kharkiv region "
    "as Ukrainian soldiers advance"
)


def headlines(page) -> list[str]:
    return page.locator(".article-row-headline a").all_inner_texts()


def facet(page, label):
    """The sidebar section of one facet, found by its accessible name."""
    return page.get_by_role("complementary", name="Refine").get_by_role("region", name=label)


def test_filter_by_place_tag_and_dates_by_clicking(page, archive):
    page.goto(f"{archive}/articles/")
    assert sorted(headlines(page)) == sorted([SCROLL, NDTV, FOX])

    facet(page, "Places").get_by_role("link", name="Kupiansk", exact=True).click()
    page.wait_for_url(re.compile(r"\?place=kupiansk$"))
    assert sorted(headlines(page)) == sorted([NDTV, FOX])
    assert page.locator("h1").inner_text() == "Articles about Kupiansk — 2 results"

    facet(page, "Tags").get_by_role("link", name="territory-recaptured", exact=True).click()
    page.wait_for_url(re.compile(r"\?place=kupiansk&tag=territory-recaptured$"))
    assert headlines(page) == [FOX]

    page.get_by_label("From").fill("2022-09-10")
    page.get_by_label("To").fill("2022-09-10")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"from=2022-09-10"))
    query = page.url.split("?", 1)[1]
    assert sorted(query.split("&")) == sorted(
        [
            "q=",
            "from=2022-09-10",
            "to=2022-09-10",
            "sort=newest",
            "place=kupiansk",
            "tag=territory-recaptured",
        ]
    )
    assert headlines(page) == [FOX]
    chips = page.get_by_role("list", name="Active filters").get_by_role("link").all_inner_texts()
    assert [" ".join(chip.split()) for chip in chips] == [
        "Place: Kupiansk × (remove)",
        "Tag: territory-recaptured × (remove)",
        "From 10 Sep 2022 × (remove)",
        "Until 10 Sep 2022 × (remove)",
    ]
    screenshot(page, "flow-articles-filtered-by-clicking")

    # The selected place is marked in its facet, and clicking it again removes only that filter.
    selected = facet(page, "Places").get_by_role("link", name="Remove filter: Kupiansk")
    assert selected.get_attribute("aria-current") == "true"
    selected.click()
    page.wait_for_url(lambda url: "place=" not in url)
    assert sorted(headlines(page)) == sorted([SCROLL, FOX])


def test_dates_outside_the_archive_give_an_empty_list_with_a_way_back(page, archive):
    page.goto(f"{archive}/articles/?place=izyum")
    page.get_by_label("From").fill("2022-09-11")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"from=2022-09-11"))
    assert headlines(page) == []
    empty = page.get_by_role("status")
    assert "Nothing matches all of these filters." in empty.inner_text()
    empty.get_by_role("link").first.click()
    # the way back is a new page: wait for its rows, not for the load state of this one
    expect(page.locator(".article-row-headline a").first).to_be_visible()
    assert len(headlines(page)) > 0


def test_filter_form_works_without_javascript(no_js_page, archive):
    page = no_js_page
    page.goto(f"{archive}/articles/?place=kharkiv-oblast")
    assert page.evaluate("1 + 1") == 2  # Playwright's own scripts still run; the page's cannot.
    page.get_by_label("From").fill("2022-09-01")
    page.get_by_label("To").fill("2022-09-30")
    page.get_by_label("Sort").select_option("oldest")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"sort=oldest"))
    assert "place=kharkiv-oblast" in page.url
    assert "from=2022-09-01" in page.url and "to=2022-09-30" in page.url
    assert sorted(headlines(page)) == sorted([SCROLL, NDTV, FOX])
    assert page.get_by_label("Sort").input_value() == "oldest"


def test_filter_form_shows_its_errors_without_javascript(no_js_page, archive):
    page = no_js_page
    page.goto(f"{archive}/articles/")
    page.get_by_label("From").fill("2022-09-30")
    page.get_by_label("To").fill("2022-09-01")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Apply").click()
    assert navigation.value.status == 400
    to = page.get_by_label("To")
    assert to.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{to.get_attribute('aria-describedby')}")
    assert message.inner_text() == "The end date is before the start date."
    assert headlines(page) == []
