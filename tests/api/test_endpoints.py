"""The read API: published material only, the public lists' filters, cursors and errors."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.api.cursor import Cursor
from archive.facetindex.runtime import index_current
from tests.factories import ArticleFactory, PhotoCaptionFactory, PlaceFactory, QuoteFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/articles",
    "/api/quotes",
    "/api/photos",
    "/api/places",
    "/api/speakers",
    "/api/tags",
    "/api/outlets",
]
# Everything only the draft names: none of it may appear anywhere in the API.
DRAFT_ONLY = [
    "draft-story",
    "secret-village",
    "Secret Village",
    "hidden-wire",
    "Hidden Wire",
    "unnamed-source",
    "Unnamed Source",
    "embargoed",
    "Say nothing",
    "Hidden photo",
    "Kemal Aktas",
]


def get(client, url, **params):
    response = client.get(url, params)
    assert response["Content-Type"].startswith("application/json")
    return response, response.json()


def slugs(body) -> list[str]:
    return [row["slug"] for row in body["results"]]


@pytest.mark.parametrize("url", LISTS)
def test_api_list_never_shows_draft_material(archive, client, url):
    response, body = get(client, url, limit=100)
    assert response.status_code == 200
    text = json.dumps(body)
    assert body["results"]
    for secret in DRAFT_ONLY:
        assert secret not in text


@pytest.mark.parametrize(
    "url",
    [
        "/api/articles/draft-story",
        "/api/quotes/draft-story/1",
        "/api/photos/draft-story/1",
        "/api/places/secret-village",
        "/api/speakers/unnamed-source",
        "/api/tags/embargoed",
        "/api/outlets/hidden-wire",
        "/api/articles/no-such-article",
        "/api/places/nowhere",
        "/api/quotes/regroup/99",
    ],
)
def test_api_detail_of_unpublished_or_unknown_slug_is_a_json_404(archive, client, url):
    response, body = get(client, url)
    assert response.status_code == 404
    assert body["status"] == 404
    assert body["detail"].startswith("No published ")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/articles/regroup", "Russia regroups troops near Izyum"),
        ("/api/places/izyum", "Izyum"),
        ("/api/places/kharkiv-oblast", "Kharkiv Oblast"),
        ("/api/speakers/defence-ministry", "Defence Ministry"),
        ("/api/tags/army", "army"),
        ("/api/outlets/afp", "AFP"),
    ],
)
def test_api_detail_of_published_material_answers(archive, client, url, name):
    response, body = get(client, url)
    assert response.status_code == 200
    assert body.get("headline", body.get("name")) == name
    assert body["api_url"] == f"http://testserver{url}"


def test_api_article_detail_carries_body_quotes_captions_and_links(archive, client):
    _, body = get(client, "/api/articles/regroup")
    assert body["paragraphs"] == ["First paragraph.", "Second paragraph."]
    assert [q["speaker"]["slug"] for q in body["quotes"]] == ["defence-ministry"]
    assert body["quotes"][0]["api_url"] == "http://testserver/api/quotes/regroup/1"
    assert body["captions"][0]["credit"] == "Juan Barreto/AFP"
    assert body["captions"][0]["agency"]["api_url"] == "http://testserver/api/outlets/afp"
    assert body["outlet"] == {
        "slug": "scroll",
        "name": "Scroll",
        "url": "http://testserver/outlets/scroll/",
        "api_url": "http://testserver/api/outlets/scroll",
    }
    assert [place["slug"] for place in body["places"]] == ["izyum"]


def test_api_place_detail_counts_link_to_filtered_lists(archive, client):
    _, body = get(client, "/api/places/kharkiv-oblast")
    counts = body["counts"]
    assert (counts["articles"], counts["quotes"], counts["captions"]) == (2, 1, 1)
    _, listed = get(client, counts["articles_url"].removeprefix("http://testserver"))
    assert listed["count"] == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["regroup", "balakliya-retaken"]),
        ({"place": "izyum"}, ["regroup"]),
        ({"place": "kharkiv-oblast"}, ["regroup", "balakliya-retaken"]),
        ({"place": ["izyum", "balakliya"]}, ["regroup", "balakliya-retaken"]),
        ({"place": "izyum", "tag": "counter-offensive"}, []),
        ({"tag": "troop-withdrawal"}, ["regroup"]),
        ({"outlet": "ndtv"}, ["balakliya-retaken"]),
        ({"speaker": "the-mayor"}, ["balakliya-retaken"]),
        ({"from": "2022-09-10"}, ["regroup"]),
        ({"to": "2022-09-09"}, ["balakliya-retaken"]),
        ({"sort": "oldest"}, ["balakliya-retaken", "regroup"]),
        ({"q": "regroups"}, ["regroup"]),
        ({"place": "embargoed-nothing"}, []),
    ],
)
def test_api_article_list_filters_like_the_public_list(archive, client, params, expected):
    response, body = get(client, "/api/articles", **params)
    assert response.status_code == 200
    assert slugs(body) == expected
    assert body["count"] == len(expected)


def test_api_quote_and_photo_lists_filter_by_their_own_facets(archive, client):
    _, quotes = get(client, "/api/quotes", speaker="the-mayor")
    assert [q["text"] for q in quotes["results"]] == ["The town is free"]
    _, quotes = get(client, "/api/quotes", place="balakliya")
    assert [q["speaker"]["slug"] for q in quotes["results"]] == ["the-mayor"]
    _, photos = get(client, "/api/photos", agency="afp")
    assert [p["text"] for p in photos["results"]] == ["Soldiers on a road"]
    _, photos = get(client, "/api/photos", photographer="Juan Barreto")
    assert photos["count"] == 1


def test_api_list_facets_count_the_filtered_set_and_mark_the_selection(archive, client):
    _, body = get(client, "/api/articles", place="izyum")
    facets = {facet["name"]: facet for facet in body["facets"]}
    # A facet's own counts ignore its selection, so a second place can be added.
    assert {v["slug"]: (v["count"], v["selected"]) for v in facets["place"]["values"]} == {
        "izyum": (1, True),
        "balakliya": (1, False),
    }
    assert [v["slug"] for v in facets["outlet"]["values"]] == ["scroll"]


def test_api_cursor_walks_forward_and_back(archive, client):
    _, first = get(client, "/api/articles", limit=1, place="kharkiv-oblast")
    assert slugs(first) == ["regroup"] and first["previous"] is None
    assert "place=kharkiv-oblast" in first["next"]
    _, second = get(client, first["next"].removeprefix("http://testserver"))
    assert slugs(second) == ["balakliya-retaken"] and second["next"] is None
    _, back = get(client, second["previous"].removeprefix("http://testserver"))
    assert slugs(back) == ["regroup"]
    assert back["previous"] is None and back["next"]


def test_api_cursor_pages_a_best_match_list_and_an_index(archive, client):
    _, first = get(client, "/api/places", limit=2)
    assert first["count"] == 3 and len(first["results"]) == 2
    _, rest = get(client, first["next"].removeprefix("http://testserver"))
    assert len(rest["results"]) == 1 and rest["next"] is None and rest["previous"]
    seen = slugs(first) + slugs(rest)
    assert sorted(seen) == ["balakliya", "izyum", "kharkiv-oblast"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "2022-13-45"}, "from"),
        ({"from": "2022-09-10", "to": "2022-09-01"}, "to"),
        ({"place": "no/such place"}, "place"),
        ({"q": "x" * 600}, "q"),
        ({"sort": "random"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": Cursor(offset=20).encode()}, "cursor"),
    ],
)
def test_api_bad_parameter_is_a_json_400_naming_it(archive, client, params, parameter):
    response, body = get(client, "/api/articles", **params)
    assert response.status_code == 400
    assert body["status"] == 400
    assert parameter in [error["parameter"] for error in body["errors"]]
    assert parameter in body["detail"]


def test_api_bad_path_position_is_a_json_400(archive, client):
    response, body = get(client, "/api/quotes/regroup/first")
    assert response.status_code == 400
    assert body["errors"][0]["parameter"] == "position"


def test_api_nul_character_is_a_json_400_not_a_text_page(archive, client):
    response, body = get(client, "/api/quotes", tag="a\x00b")
    assert response.status_code == 400
    assert body == {
        "status": 400,
        "detail": "This address holds a NUL character, which no page of the archive has.",
        "errors": [],
    }
    assert client.get("/articles/", {"tag": "a\x00b"})["Content-Type"].startswith("text/plain")


def test_api_refuses_writes(archive, client):
    assert client.post("/api/articles").status_code == 405
    assert client.delete("/api/articles/regroup").status_code == 405


def _queries(client, url) -> int:
    cache.clear()
    index_current()  # the facet index follows a batch of edits once, not on every request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _more_rows(count: int, place, tag: str):
    for _ in range(count):
        article = ArticleFactory(places=[place], tags=[tag])
        QuoteFactory(article=article, tags=[tag])
        PhotoCaptionFactory(article=article, place=place, tags=[tag])


@pytest.mark.parametrize(
    "url",
    [
        "/api/articles?limit=100",
        "/api/articles?limit=100&tag=bulk",
        "/api/quotes?limit=100",
        "/api/photos?limit=100&place=bulk-town",
        "/api/places?limit=100",
        "/api/speakers?limit=100",
        "/api/tags?limit=100",
        "/api/outlets?limit=100",
    ],
)
def test_api_list_query_count_is_the_same_for_2_and_10_rows(db, client, url):
    place = PlaceFactory(slug="bulk-town")
    _more_rows(2, place, "bulk")
    few = _queries(client, url)
    _more_rows(8, place, "bulk")
    assert _queries(client, url) == few


def test_api_article_detail_query_count_does_not_grow_with_quotes(db, client):
    article = ArticleFactory(slug="long-read", tags=["one"])
    QuoteFactory(article=article, tags=["a"])
    PhotoCaptionFactory(article=article, tags=["b"])
    few = _queries(client, "/api/articles/long-read")
    for _ in range(9):
        QuoteFactory(article=article, tags=["a"])
        PhotoCaptionFactory(article=article, tags=["b"])
    assert _queries(client, "/api/articles/long-read") == few


def test_api_index_lists_every_endpoint(archive, client):
    _, body = get(client, "/api/")
    assert body["openapi"] == "http://testserver/api/openapi.json"
    for name in ("articles", "quotes", "photos", "places", "speakers", "tags", "outlets"):
        assert body["endpoints"][name] == f"http://testserver/api/{name}"
