"""An editor's day in the admin: tag with suggestions, bulk-tag quotes, merge two tags."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from archive.models import Article, Quote, Tag
from tests.admin_support import make_user
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLL = "scroll-russia-retreats-izyum-balakliya-2022-09-10"
NDTV = "ndtv-russia-regrouping-forces-kharkiv-2022-09-10"


def log_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/admin/")


def run_action(page, action):
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Go").click()


def test_editor_tags_bulk_tags_merges_and_sees_it_on_the_public_page(page, live_server):
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    call_command("setup_roles", stdout=io.StringIO())
    make_user("edna", "editor")
    # A near-duplicate someone made earlier, on an article that already has the real tag.
    Article.objects.get(slug=NDTV).tags.add("kharkiv-offensive")
    base = live_server.url

    log_in(page, base, "edna")
    screenshot(page, "admin-01-logged-in")

    # 1. Tag an article, picking the tag from the suggestions.
    scroll = Article.objects.get(slug=SCROLL)
    page.goto(f"{base}/admin/archive/article/{scroll.pk}/change/")
    tags = page.locator("input#id_tags")
    tags.press("End")
    tags.press_sequentially(", video-a", delay=30)
    option = page.get_by_role("option", name="video-address")
    option.wait_for()
    screenshot(page, "admin-02-tag-suggestion")
    tags.press("ArrowDown")
    tags.press("Enter")
    assert tags.input_value().endswith("video-address, ")
    assert page.locator(".tag-suggest-list [role=option]").count() == 0
    page.locator("input[name=_save]").first.click()
    page.wait_for_url(f"{base}/admin/archive/article/")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    screenshot(page, "admin-03-article-saved")
    assert "video-address" in set(scroll.tags.names())

    # 2. Add a tag to two quotes at once.
    first, second = Quote.objects.filter(article=scroll).order_by("position")[:2]
    page.goto(f"{base}/admin/archive/quote/")
    for quote in (first, second):
        page.locator(f"input[name=_selected_action][value='{quote.pk}']").check()
    run_action(page, "add_tags")
    field = page.locator("input[name=tags]")
    field.press_sequentially("kharkiv-off", delay=30)
    page.get_by_role("option", name="kharkiv-offensive").click()
    screenshot(page, "admin-04-bulk-tag-form")
    page.get_by_role("button", name="Add these tags").click()
    expect(page.locator(".messagelist")).to_contain_text("Added kharkiv-offensive to 2 quotes.")
    screenshot(page, "admin-05-bulk-tagged")
    for quote in (first, second):
        assert "kharkiv-offensive" in set(quote.tags.names())

    # 3. Merge the near-duplicate into the real tag, after seeing the counts.
    page.goto(f"{base}/admin/archive/tag/?q=kharkiv")
    for name in ("kharkiv-offensive", "kharkiv-counteroffensive"):
        pk = Tag.objects.get(name=name).pk
        page.locator(f"input[name=_selected_action][value='{pk}']").check()
    run_action(page, "merge_tags")
    page.get_by_label("kharkiv-counteroffensive").check()
    page.get_by_role("button", name="Show what the merge will do").click()
    articles = page.locator("#merge-preview tbody tr", has_text="Articles").locator("td")
    # counteroffensive on 3 articles, the duplicate on 1 (which has both), 3 after; the
    # preview arrives with the next page, so wait for it rather than read the old one
    expect(articles).to_have_text(["3", "1", "1", "3"])
    quotes = page.locator("#merge-preview tbody tr", has_text="Quotes").locator("td")
    expect(quotes.nth(1)).to_have_text("2")
    screenshot(page, "admin-06-merge-preview")
    page.get_by_role("button", name="Yes, merge").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Merged kharkiv-offensive into kharkiv-counteroffensive"
    )
    screenshot(page, "admin-07-merged")

    # 4. Readers see one tag where there were two.
    page.goto(f"{base}/articles/{NDTV}/")
    names = page.locator("a.tag").all_inner_texts()
    assert names.count("kharkiv-counteroffensive") == 1
    assert "kharkiv-offensive" not in names
    screenshot(page, "admin-08-public-article-after-merge")
    page.goto(f"{base}/articles/{SCROLL}/")
    assert "video-address" in page.locator("a.tag").all_inner_texts()
    for quote in (first, second):
        assert "kharkiv-counteroffensive" in set(quote.tags.names())
    # Nothing refused or missing (the admin declares no favicon; browsers ask anyway).
    errors = [m.location["url"] for m in page.console_errors]
    assert [url for url in errors if not url.endswith("/favicon.ico")] == []


def test_editor_edits_one_quote_inline_and_is_stopped_from_doubling_a_position(page, live_server):
    """Only the quote the editor changes is checked and saved; a position another, untouched
    quote holds is refused with a message, and nothing is saved until it is put right."""
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    call_command("setup_roles", stdout=io.StringIO())
    make_user("edna", "editor")
    base = live_server.url
    scroll = Article.objects.get(slug=SCROLL)
    first, second = Quote.objects.filter(article=scroll).order_by("position")[:2]
    log_in(page, base, "edna")
    page.goto(f"{base}/admin/archive/article/{scroll.pk}/change/")
    # The quotes are folded away; open the group, then the second quote's position.
    page.locator("#quotes-group details summary").first.click()
    position = page.locator("input#id_quotes-1-position")
    expect(position).to_have_value(str(second.position))
    position.fill(str(first.position))
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#quotes-group")).to_contain_text("Please correct the duplicate")
    screenshot(page, "admin-10-duplicate-position")
    second.refresh_from_db()
    assert second.position != first.position

    # Put right: a new position and new words for that quote only.
    page.locator("input#id_quotes-1-position").fill("99")
    page.locator("textarea#id_quotes-1-text").fill("Words the editor corrected")
    page.locator("input[name=_save]").first.click()
    page.wait_for_url(f"{base}/admin/archive/article/")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    screenshot(page, "admin-11-quote-saved")
    second.refresh_from_db()
    first_after = Quote.objects.get(pk=first.pk)
    assert (second.position, second.text) == (99, "Words the editor corrected")
    assert (first_after.position, first_after.text, first_after.version) == (
        first.position,
        first.text,
        first.version,
    )
