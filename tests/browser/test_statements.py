"""Statements in Chromium: an editor splits and confirms in the admin queue; a reader compares."""

import io

import pytest
from django.core.management import call_command

from archive import models as m
from tests.admin_support import make_user
from tests.browser.conftest import describe_violations, screenshot
from tests.browser.test_admin_tagging import log_in, run_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_works_the_queue_and_a_reader_compares_the_versions(
    page, audit_page, axe, live_server
):
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    call_command("suggest_statements", stdout=io.StringIO())
    call_command("setup_roles", stdout=io.StringIO())
    make_user("edna", "editor")
    base = live_server.url
    statement = m.Statement.objects.get()

    log_in(page, base, "edna")
    page.goto(f"{base}/admin/archive/statement/?status__exact=suggested")
    row = page.locator("#result_list tbody tr").filter(has_text="Russian Defence Ministry")
    row.locator("input.action-select").check()
    run_action(page, "confirm")
    page.get_by_text("1 statement confirmed.").wait_for()
    screenshot(page, "statements-01-confirmed")
    statement.refresh_from_db()
    assert statement.status == m.StatementStatus.CONFIRMED

    # A reader opens the article, follows "also quoted by" to the statement page.
    page.goto(f"{base}/articles/fox-russian-troops-pull-back-kharkiv-2022-09-10/")
    page.locator("#quote-2").get_by_role("link", name="Also quoted by 2 other outlets").click()
    page.wait_for_url(f"{base}/statements/{statement.pk}/")
    versions = page.locator(".statement-version")
    assert versions.count() == 5
    fox = versions.filter(has_text="regrouped")
    assert "TASS" in fox.locator(".relay figcaption").inner_text()
    fox.get_by_role("link", name="Russian troops pull back").click()
    page.wait_for_url("**#quote-2")
    assert page.locator("#quote-2").is_visible()
    screenshot(page, "statements-02-article-at-quote")

    audit_page.goto(f"{base}/statements/{statement.pk}/")
    violations = axe(audit_page)
    assert not violations, describe_violations(violations)
    audit_page.goto(f"{base}/statements/")
    violations = axe(audit_page)
    assert not violations, describe_violations(violations)


LABEL_SIZES = """() => Array.from(document.querySelectorAll('.relay svg')).flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll('text')).map(
        text => parseFloat(getComputedStyle(text).fontSize) * scale);
})"""


@pytest.mark.parametrize("tab", ["page", "audit_mobile_page"])
def test_the_relay_diagrams_labels_are_legible_on_desktop_and_phone(tab, request, live_server):
    tab = request.getfixturevalue(tab)
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    call_command("suggest_statements", stdout=io.StringIO())
    statement = m.Statement.objects.get()
    tab.goto(f"{live_server.url}/statements/{statement.pk}/")
    sizes = tab.evaluate(LABEL_SIZES)
    # Five versions; the Fox News relays have four boxes, the others three.
    assert len(sizes) == 17
    assert min(sizes) >= 12, sizes
    screenshot(tab, f"statements-03-relay-{tab.viewport_size['width']}")


def test_a_photos_journey_and_a_places_spellings_pass_the_accessibility_checks(
    page, audit_page, audit_mobile_page, axe, live_server
):
    import datetime

    from tests.factories import ArticleFactory, OutletFactory, PhotoCaptionFactory, PlaceFactory

    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    izyum = m.Place.objects.get(slug="izyum")
    agency = OutletFactory(name="Photo Agency", slug="photo-agency", kind="photo_agency")
    texts = (
        "Soldiers walk past a burnt tank near Izium, Kharkiv region, on September 11.",
        "Ukrainian soldiers walk past a burnt Russian tank near Izyum on September 11, 2022.",
    )
    articles = []
    for number, text in enumerate(texts):
        article = ArticleFactory(
            outlet=OutletFactory(name=f"Outlet {number}", slug=f"outlet-{number}"),
            published_on=datetime.date(2022, 9, 11),
            paragraphs=[text],
            places=[izyum, PlaceFactory()],
        )
        caption = PhotoCaptionFactory(
            article=article, text=text, agency=agency, photographer="Ann Lee"
        )
        articles.append(article)
        if number == 0:
            journey = f"/photos/{article.slug}/{caption.position}/"
    base = live_server.url

    page.goto(f"{base}{articles[0].get_absolute_url()}")
    page.get_by_role("link", name="Compare the captions word by word").click()
    page.wait_for_url(f"{base}{journey}")
    assert page.locator(".statement-version").count() == 2
    screenshot(page, "statements-04-photo-journey")

    for tab in (audit_page, audit_mobile_page):
        for url in (journey, "/places/izyum/"):
            tab.goto(f"{base}{url}")
            violations = axe(tab)
            assert not violations, describe_violations(violations)
    rows = audit_page.locator(".spellings-table tbody tr").all_inner_texts()
    assert [" ".join(row.split()) for row in rows] == [
        "Fox News Izyum 3",
        "NDTV Izyum 1",
        "Outlet 0 Izium 1",
        "Outlet 1 Izyum 1",
        "Scroll.in Izyum 2",
    ]
