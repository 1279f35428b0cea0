"""Following links between articles and speakers, and getting around by keyboard."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOX = (
    "Russian troops pull back from key areas in Ukraine’s Kharkiv region "
    "as Ukrainian soldiers advance"
)


def test_open_an_article_and_follow_a_quote_to_its_speaker(page, archive):
    page.goto(f"{archive}/articles/")
    page.get_by_role("link", name=FOX, exact=True).click()
    page.wait_for_url("**/articles/fox-russian-troops-pull-back-kharkiv-2022-09-10/")
    assert page.get_by_role("heading", level=1).inner_text() == FOX

    quote = page.locator(".article-body a.quote-mark", has_text="liberated")
    assert quote.locator("mark").inner_text() == "liberated"
    assert quote.get_attribute("title") == "Volodymyr Zelenskyy"
    quote.click()
    page.wait_for_url("**/speakers/volodymyr-zelenskyy/")
    assert page.get_by_role("heading", level=1).inner_text() == "Volodymyr Zelenskyy"
    quotes = page.get_by_role("region", name="Quotes")
    assert "…liberated…" in quotes.locator("blockquote").all_inner_texts()
    screenshot(page, "flow-speaker-from-article")


@pytest.mark.parametrize("path", ["/", "/articles/", "/articles/?place=lyman&tag=morale"])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page, archive, path):
    page.goto(archive + path)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content"
    assert skip.get_attribute("href") == "#main-content"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "focused skip link is off-screen"
    screenshot(page, f"keyboard-skip-link{path.replace('/', '-')}")

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    screenshot(page, f"keyboard-first-in-content{path.replace('/', '-')}")
