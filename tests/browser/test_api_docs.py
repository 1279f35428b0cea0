"""The API's docs page in a real browser: it draws every endpoint from this site's own files,
under the site's Content-Security-Policy, and asks nothing of any other host."""

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_page_renders_every_endpoint_offline(page, archive):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(f"{archive}/api/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/articles" in paths and "/api/outlets/{slug}" in paths
    assert hosts == {urlparse(archive).netloc}
    assert [m.text for m in page.console_errors] == []


def test_api_docs_page_tries_a_request(page, archive):
    page.goto(f"{archive}/api/docs")
    page.locator(".opblock-summary-path", has_text="/api/tags").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector(".live-responses-table tbody .response-col_status")
    assert (
        "200" in page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    )
