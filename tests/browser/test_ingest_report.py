"""An editor ingests a report in Chromium: paste, review the highlights, correct, create."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from archive.models import Article, ArticleStatus, Outlet, Place, Quote, Speaker
from tests.admin_support import make_user
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = """Harbour strike enters its second week

Published May 4, 2024

Dockers at the port of Kessel stayed out for an eighth day on Saturday.

"We will stay out for as long as it takes," union leader Ana Brest said.

The Harbour Authority called the strike "a holiday".

"Nobody has called us," said Piotr Lasko. "Not once."

Pickets at the gate in Kessel. | Lena Ostrova/AFP

Click here to get our app
"""


def log_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/admin/")


def test_contributor_ingests_a_report_and_corrects_a_speaker(page, live_server):
    call_command("setup_roles", stdout=io.StringIO())
    make_user("colin", "contributor")
    Outlet.objects.create(name="Norland Daily", slug="norland-daily")
    Place.objects.create(name="Kessel", slug="kessel", kind="city")
    Speaker.objects.create(name="Ana Brest", slug="ana-brest")
    Speaker.objects.create(name="Piotr Laskowski", slug="piotr-laskowski")
    base = live_server.url

    log_in(page, base, "colin")
    # From the admin index: "Ingested reports", Add.
    page.locator("a.addlink[href$='/archive/ingestedreport/add/']").click()
    expect(page.locator("h1")).to_have_text("Ingest a report")
    page.get_by_label("Report text").fill(REPORT)
    page.get_by_label("Outlet").select_option(label="Norland Daily")
    page.get_by_role("button", name="Read the report").click()

    # The proposal beside the report: quotes and places highlighted, furniture reported.
    source = page.locator(".ingest-source")
    source.locator("mark.ingest-quote").first.wait_for()
    assert source.locator("p[id^=ingest-paragraph] mark.ingest-quote").all_inner_texts() == [
        "We will stay out for as long as it takes,",
        "Nobody has called us,",
        "Not once.",
    ]
    assert "Kessel" in source.locator("p[id^=ingest-paragraph] mark.ingest-place").all_inner_texts()
    assert "Click here to get our app" in page.locator(".ingest-removed").inner_text()
    assert page.get_by_label("Headline").input_value() == "Harbour strike enters its second week"
    screenshot(page, "ingest-01-review")
    assert Article.objects.count() == 0

    # Untick the second of Lasko's quotes; pick the archive's spelling of his name for the first.
    page.locator("#ingest-quote-3").get_by_label("Keep this quote").uncheck()
    quote2 = page.locator("#ingest-quote-2")
    quote2.get_by_label("or a new speaker").fill("")
    quote2.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Lasko")
    page.get_by_role("option", name="Piotr Laskowski").click()
    screenshot(page, "ingest-02-corrected")
    page.get_by_role("button", name="Create the draft").click()

    page.wait_for_url(f"{base}/admin/archive/article/*/change/")
    assert "created for review" in page.locator(".messagelist").inner_text()
    screenshot(page, "ingest-03-created")
    article = Article.objects.get()
    assert article.status == ArticleStatus.IN_REVIEW
    quotes = Quote.objects.filter(article=article).order_by("position")
    assert list(quotes.values_list("speaker__slug", "text")) == [
        ("ana-brest", "We will stay out for as long as it takes,"),
        ("piotr-laskowski", "Nobody has called us,"),
    ]
    assert article.captions.get().photographer == "Lena Ostrova"
