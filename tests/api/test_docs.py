"""The API's documentation page works offline: every file it loads is served by this site."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_api_docs_page_loads_only_this_sites_own_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assets = [tag["src"] for tag in page.find_all("script", src=True)]
    assets += [tag["href"] for tag in page.find_all("link", href=True)]
    assert static("ninja/swagger-ui-bundle.js") in assets
    assert static("ninja/swagger-ui.css") in assets
    for address in assets:
        assert address.startswith("/static/"), address
        assert finders.find(address.removeprefix("/static/")), address
    assert "cdn" not in response.content.decode().lower()
    assert page.find("meta", attrs={"name": "description"})["content"]


def test_api_docs_page_policy_allows_its_files_and_nothing_remote(client):
    policy = client.get("/api/docs")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "http" not in policy


def test_api_docs_page_points_at_the_schema(client):
    response = client.get("/api/docs")
    assert b"/api/openapi.json" in response.content
    assert client.get("/api/openapi.json")["Content-Type"].startswith("application/json")
