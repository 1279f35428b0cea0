"""Every public page type passes axe-core and holds together on a desktop and a phone screen."""

import pytest

from tests.browser.conftest import describe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOX = "fox-russian-troops-pull-back-kharkiv-2022-09-10"

# One URL per page type and state a reader can reach; the name labels the screenshots.
PAGES = {
    "home": "/",
    "articles": "/articles/",
    "articles-filtered": "/articles/?place=kharkiv-oblast&tag=troop-withdrawal&from=2022-09-01",
    "articles-no-results": "/articles/?place=lyman&tag=morale",
    "articles-invalid-date": "/articles/?from=2022-09-10&to=2022-09-01",
    "article": f"/articles/{FOX}/",
    "quotes": "/quotes/",
    "quotes-filtered": "/quotes/?speaker=volodymyr-zelenskyy",
    "photos": "/photos/",
    "places": "/places/",
    "place": "/places/izyum/",
    "speakers": "/speakers/",
    "speaker": "/speakers/volodymyr-zelenskyy/",
    "tag": "/tags/troop-withdrawal/",
    "outlet": "/outlets/ndtv/",
}


def open_page(page, url):
    response = page.goto(url)
    assert response is not None
    return response


def stylesheet_applied(page) -> bool:
    """Tell whether archive.css reached the page (the header's bottom rule comes from it)."""
    return page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).borderBottomStyle === 'solid'"
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(audit_page, archive, axe, name):
    page = audit_page
    response = open_page(page, archive + PAGES[name])
    expected = 400 if name == "articles-invalid-date" else 200
    assert response.status == expected, name
    assert stylesheet_applied(page), "archive.css did not load"
    screenshot(page, f"desktop-{name}")
    violations = axe(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_screen_and_passes_axe_there(audit_mobile_page, archive, axe, name):
    mobile_page = audit_mobile_page
    open_page(mobile_page, archive + PAGES[name])
    screenshot(mobile_page, f"mobile-{name}")
    overflow = mobile_page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .filter(el => !el.closest('.visually-hidden, .skip-link'))
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
        }"""
    )
    assert overflow == [], f"wider than the 390 px screen: {overflow}"
    violations = axe(mobile_page)
    assert not violations, describe_violations(violations)


def test_pages_load_under_the_content_security_policy_without_errors(page, archive):
    for name, path in PAGES.items():
        open_page(page, archive + path)
        assert stylesheet_applied(page), f"{name}: archive.css did not load"
    # A 400 for the invalid filter is reported as a failed load; nothing else may be.
    errors = [
        message.text for message in page.console_errors if "status of 400" not in message.text
    ]
    assert errors == []
