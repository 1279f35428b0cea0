"""What a new reader and editor stumbled on (#15): each fix, held by a test."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from archive.models import ArticleStatus, OutletKind
from archive.public.indexes import RankedIndexView
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


@pytest.fixture
def material(db):
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    afp = OutletFactory(name="Agence France-Presse", slug="afp", kind=OutletKind.PHOTO_AGENCY)
    reuters = OutletFactory(name="Reuters", slug="reuters", kind=OutletKind.PHOTO_AGENCY)
    scroll = OutletFactory(name="Scroll", slug="scroll")
    article = ArticleFactory(
        slug="regroup",
        outlet=scroll,
        headline="Troops regroup",
        standfirst="Troops <withdraw> & regroup",
        source_url="https://example.com/news/kharkiv café?a=1 2",
        places=[izyum],
        tags=["troop-withdrawal"],
    )
    draft = ArticleFactory(
        slug="draft", status=ArticleStatus.DRAFT, outlet=OutletFactory(slug="secret-wire")
    )
    QuoteFactory(article=article, speaker=SpeakerFactory(slug="ministry"))
    PhotoCaptionFactory(article=article, text="A tank", photographer="Kemal Aktas", agency=afp)
    PhotoCaptionFactory(article=article, text="A bridge", credit="Ozan Kose/AFP", agency=afp)
    PhotoCaptionFactory(article=article, text="A road", agency=reuters)
    PhotoCaptionFactory(article=draft, text="Hidden", photographer="Kemal Aktas", agency=reuters)
    ArticleFactory(slug="draft-tagged", status=ArticleStatus.DRAFT, tags=["embargoed"])
    return article


def photo_texts(client, **params):
    response = client.get("/photos/", {"format": "json", **params})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_photo_search_finds_photos_by_photographer_credit_and_agency(material, client):
    assert photo_texts(client, q="Aktas") == ["A tank"]
    assert photo_texts(client, q="aktas") == ["A tank"]
    assert photo_texts(client, q="Ozan Kose") == ["A bridge"]
    assert sorted(photo_texts(client, q="Agence France-Presse")) == ["A bridge", "A tank"]
    # The caption's own words still match, and rank above a credit-only match.
    assert photo_texts(client, q="road") == ["A road"]
    assert photo_texts(client, q="nobody-at-all") == []


def test_photo_search_page_shows_the_photographer_match(material, client):
    page = soup(client.get("/photos/", {"q": "Aktas"}))
    assert "A tank" in page.get_text()
    assert "Hidden" not in page.get_text()


@pytest.mark.parametrize(
    ("url", "shown", "hidden"),
    [
        ("/tags/", ["troop-withdrawal"], ["embargoed"]),
        ("/outlets/", ["Scroll", "Agence France-Presse", "Reuters"], ["secret-wire"]),
    ],
)
def test_tag_and_outlet_indexes_list_public_subjects_only(material, client, url, shown, hidden):
    response = client.get(url)
    assert response.status_code == 200
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    names = [row.th.get_text(strip=True) for row in page.select("tbody tr")]
    for name in shown:
        assert name in names
    text = page.get_text()
    for name in hidden:
        assert name not in text


def test_outlet_index_is_ranked_by_published_articles(material, client):
    ArticleFactory(outlet=material.outlet)
    page = soup(client.get("/outlets/"))
    first = page.select("tbody tr")[0]
    assert first.th.get_text(strip=True) == "Scroll"
    assert first.select_one("td.num").get_text() == "2"


def test_tag_index_is_paged(material, client, monkeypatch):
    monkeypatch.setattr(RankedIndexView, "per_page", 1)
    ArticleFactory(tags=["second-tag"])
    first = soup(client.get("/tags/"))
    assert len(first.select("tbody tr")) == 1
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    second = soup(client.get("/tags/?page=2"))
    assert len(second.select("tbody tr")) == 1


def test_navigation_links_the_tag_and_outlet_indexes(material, client):
    nav = soup(client.get("/tags/")).select_one("nav[aria-label=Site]")
    links = {a["href"]: a for a in nav.find_all("a")}
    assert "/outlets/" in links
    assert links["/tags/"]["aria-current"] == "page"


def test_admin_index_shows_one_tags_entry(admin_client):
    page = soup(admin_client.get(f"/{settings.ADMIN_URL}"))
    entries = [a.get_text(strip=True) for a in page.select("#content-main th a")]
    assert entries.count("Tags") == 1
    assert page.find(id="app-taggit") is None


def test_article_form_widens_long_text_inputs(admin_client):
    page = soup(admin_client.get(f"/{settings.ADMIN_URL}archive/article/add/"))
    assert "vTextField" in page.find("input", attrs={"name": "headline"})["class"]
    sheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert any(href.endswith("archive/admin/forms.css") for href in sheets)
    css = open(finders.find("archive/admin/forms.css")).read()
    assert "input.vTextField" in css and "max-width: 60rem" in css


def test_atom_summary_is_declared_as_plain_text(material, client):
    response = client.get("/articles/feed/")
    atom = "{http://www.w3.org/2005/Atom}"
    entry = ET.fromstring(response.content).find(f"{atom}entry")
    summary = entry.find(f"{atom}summary")
    assert summary.get("type") == "text"
    assert summary.text == "Troops <withdraw> & regroup"


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"from": "2022-02-30"}, 400, "from"),
        ({"from": "2022-09-10", "to": "2022-09-01"}, 400, "to"),
        ({"place": "not a slug!"}, 400, "place"),
        ({"page": "99"}, 404, None),
        ({"page": "first"}, 404, None),
    ],
)
@pytest.mark.parametrize("url", ["/articles/", "/quotes/", "/photos/"])
def test_json_list_errors_answer_json_with_the_status(
    material, client, url, params, status, parameter
):
    response = client.get(url, {"format": "json", **params})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == status and body["detail"]
    if parameter:
        assert parameter in [error["parameter"] for error in body["errors"]]


@pytest.mark.parametrize("url", ["/articles/", "/quotes/", "/photos/"])
def test_filter_form_has_no_empty_action(material, client, url):
    form = soup(client.get(url)).select_one("form.filter-form")
    assert form is not None and not form.has_attr("action")


def test_quote_cite_carries_an_encoded_address(material, client):
    blockquote = soup(client.get("/articles/regroup/")).find("blockquote")
    assert blockquote["cite"] == "https://example.com/news/kharkiv%20caf%C3%A9?a=1%202"


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    path = response["Location"].removeprefix(settings.STATIC_URL.rstrip("/") + "/")
    icon = finders.find(path.lstrip("/"))
    assert icon and open(icon, "rb").read(4) == b"\x00\x00\x01\x00"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/quotes/",
        "/photos/",
        "/places/",
        "/speakers/",
        "/tags/",
        "/outlets/",
        "/articles/regroup/",
        "/places/izyum/",
        "/speakers/ministry/",
        "/tags/troop-withdrawal/",
        "/outlets/scroll/",
    ],
)
def test_every_page_has_a_meta_description_and_an_icon(material, client, url):
    page = soup(client.get(url))
    descriptions = page.find_all("meta", attrs={"name": "description"})
    assert len(descriptions) == 1
    assert descriptions[0]["content"].strip()
    assert page.find("link", rel="icon")


def test_article_meta_description_is_its_standfirst(material, client):
    page = soup(client.get("/articles/regroup/"))
    content = page.find("meta", attrs={"name": "description"})["content"]
    assert content == "Troops <withdraw> & regroup"
    # Without a standfirst, the headline, outlet and date describe the article.
    ArticleFactory(slug="bare", standfirst="", headline="Bare report")
    bare = soup(client.get("/articles/bare/")).find("meta", attrs={"name": "description"})
    assert bare["content"].startswith("Bare report — ")
