"""The public lists: filters, facets, chips, exports and bad parameters."""

import csv
import datetime
import io

import pytest

from archive.facetindex.runtime import index_current
from archive.models import ArticleStatus, Place
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
def world():
    """A small archive with known counts."""
    ukraine = PlaceFactory(name="Ukraine", slug="ukraine", kind="country")
    region = PlaceFactory(
        name="Kharkiv Oblast", slug="kharkiv-oblast", kind="region", parent=ukraine
    )
    izyum = PlaceFactory(name="Izyum", slug="izyum", parent=region)
    balakliya = PlaceFactory(name="Balakliya", slug="balakliya", parent=region)
    kyiv = PlaceFactory(name="Kyiv", slug="kyiv", parent=ukraine)
    izyum.aliases.create(name="Izium")
    balakliya.aliases.create(name="Balaklyia")
    scroll, ndtv = (
        OutletFactory(name="Scroll.in", slug="scroll-in"),
        OutletFactory(name="NDTV", slug="ndtv"),
    )
    d = datetime.date
    a1 = ArticleFactory(
        headline="Izyum retreat",
        slug="a1",
        outlet=scroll,
        places=[izyum],
        tags=["troop-withdrawal"],
        published_on=d(2022, 9, 10),
    )
    a2 = ArticleFactory(
        headline="Balakliya fighting",
        slug="a2",
        outlet=ndtv,
        places=[balakliya],
        tags=["troop-withdrawal", "casualties"],
        published_on=d(2022, 9, 9),
    )
    a3 = ArticleFactory(
        headline="Kyiv talks",
        slug="a3",
        outlet=ndtv,
        places=[kyiv],
        tags=["diplomacy"],
        published_on=d(2022, 8, 1),
    )
    a4 = ArticleFactory(
        headline="Both towns",
        slug="a4",
        outlet=scroll,
        places=[izyum, balakliya],
        tags=["troop-withdrawal", "casualties"],
        published_on=d(2022, 9, 11),
    )
    ArticleFactory(
        headline="Secret draft",
        slug="draft",
        outlet=scroll,
        places=[izyum],
        tags=["troop-withdrawal"],
        status=ArticleStatus.DRAFT,
    )
    zelenskyy = SpeakerFactory(name="Volodymyr Zelenskyy", slug="volodymyr-zelenskyy")
    kuleba = SpeakerFactory(name="Dmytro Kuleba", slug="dmytro-kuleba")
    QuoteFactory(article=a1, speaker=zelenskyy, text="show its back", tags=["morale"])
    QuoteFactory(article=a2, speaker=kuleba, text="more weapons", place=balakliya)
    QuoteFactory(article=a3, speaker=kuleba, text="talks go on")
    afp = OutletFactory(name="AFP", slug="afp", kind="photo_agency")
    PhotoCaptionFactory(
        article=a1,
        agency=afp,
        photographer="Juan Barreto",
        place=izyum,
        text="A destroyed building",
    )
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4}


def headlines(response):
    return [a.get_text() for a in soup(response).select(".article-row-headline a")]


def facet(response, name):
    page = soup(response)
    section = page.find("section", attrs={"aria-labelledby": f"facet-{name}"})
    return {
        li.a.get_text().replace("Remove filter: ", ""): int(li.select_one(".count").get_text())
        for li in section.select("li")
        if li.a
    }


def test_article_list_shows_published_articles_newest_first(client, world):
    response = client.get("/articles/")
    assert headlines(response) == [
        "Both towns",
        "Izyum retreat",
        "Balakliya fighting",
        "Kyiv talks",
    ]
    assert soup(response).h1.get_text() == "Articles — 4 results"


def test_place_filter_takes_in_places_inside_it(client, world):
    response = client.get("/articles/?place=kharkiv-oblast")
    assert headlines(response) == ["Both towns", "Izyum retreat", "Balakliya fighting"]


def test_two_places_are_ored_and_a_tag_is_anded(client, world):
    response = client.get("/articles/?place=izyum&place=kyiv&tag=troop-withdrawal")
    assert headlines(response) == ["Both towns", "Izyum retreat"]
    response = client.get("/articles/?place=izyum&place=kyiv")
    assert headlines(response) == ["Both towns", "Izyum retreat", "Kyiv talks"]


def test_an_article_matching_two_selected_values_appears_once(client, world):
    response = client.get(
        "/articles/?place=izyum&place=balakliya&tag=troop-withdrawal&tag=casualties"
    )
    assert headlines(response) == ["Both towns", "Izyum retreat", "Balakliya fighting"]


def test_place_filter_accepts_a_spelling_variant(client, world):
    assert headlines(client.get("/articles/?place=izium")) == ["Both towns", "Izyum retreat"]
    assert headlines(client.get("/articles/?place=balaklyia")) == [
        "Both towns",
        "Balakliya fighting",
    ]


def test_outlet_speaker_and_date_filters(client, world):
    assert headlines(client.get("/articles/?outlet=ndtv")) == ["Balakliya fighting", "Kyiv talks"]
    assert headlines(client.get("/articles/?speaker=dmytro-kuleba")) == [
        "Balakliya fighting",
        "Kyiv talks",
    ]
    assert headlines(client.get("/articles/?from=2022-09-09&to=2022-09-10")) == [
        "Izyum retreat",
        "Balakliya fighting",
    ]
    assert headlines(client.get("/articles/?sort=oldest&from=2022-09-01")) == [
        "Balakliya fighting",
        "Izyum retreat",
        "Both towns",
    ]


def test_facet_counts_follow_the_other_filters(client, world):
    response = client.get("/articles/?outlet=scroll-in")
    assert facet(response, "tag") == {"troop-withdrawal": 2, "casualties": 1}
    assert facet(response, "place") == {"Izyum": 2, "Balakliya": 1}
    # The outlet facet ignores its own selection, so another outlet can be added.
    assert facet(response, "outlet") == {"Scroll.in": 2, "NDTV": 2}


def test_facet_counts_never_include_drafts(client, world):
    assert facet(client.get("/articles/"), "tag")["troop-withdrawal"] == 3


def test_facet_links_add_or_remove_one_value_and_keep_the_rest(client, world):
    page = soup(client.get("/articles/?tag=casualties&from=2022-01-01&page=1"))
    section = page.find("section", attrs={"aria-labelledby": "facet-place"})
    hrefs = {li.a.get_text(): li.a["href"] for li in section.select("li")}
    assert hrefs["Izyum"] == "?tag=casualties&from=2022-01-01&place=izyum"
    tags = page.find("section", attrs={"aria-labelledby": "facet-tag"})
    selected = tags.select_one("li.selected a")
    assert selected["href"] == "?from=2022-01-01"
    assert selected["aria-current"] == "true"


def test_active_filters_show_as_removable_chips(client, world):
    page = soup(client.get("/articles/?place=izyum&tag=casualties&q=&from=2022-09-01"))
    chips = {a.get_text(" ", strip=True): a["href"] for a in page.select(".chips a")}
    assert chips == {
        "Place: Izyum × (remove)": "?tag=casualties&q=&from=2022-09-01",
        "Tag: casualties × (remove)": "?place=izyum&q=&from=2022-09-01",
        "From 1 Sep 2022 × (remove)": "?place=izyum&tag=casualties&q=",
    }


def test_title_and_heading_say_what_is_shown(client, world):
    page = soup(client.get("/articles/?place=izyum&tag=casualties"))
    assert page.h1.get_text() == "Articles about Izyum tagged casualties — 1 result"
    assert page.title.get_text().startswith("Articles about Izyum tagged casualties — 1 result")


def test_a_zero_result_page_says_which_filter_to_drop(client, world):
    page = soup(client.get("/articles/?place=kyiv&tag=casualties"))
    empty = page.select_one(".empty")
    assert "Nothing matches" in empty.get_text()
    options = [li.get_text(" ", strip=True) for li in empty.select("li")]
    assert options == ["Drop places: Kyiv : 2 results", "Drop tags: casualties : 1 result"]
    assert empty.select("a")[0]["href"] == "?tag=casualties"


def test_quote_list_filters_by_speaker_place_and_outlet(client, world):
    def texts(url):
        return [p.get_text() for p in soup(client.get(url)).select("blockquote p")]

    assert texts("/quotes/?speaker=dmytro-kuleba") == ["more weapons", "talks go on"]
    assert texts("/quotes/?place=kharkiv-oblast") == ["show its back", "more weapons"]
    assert texts("/quotes/?outlet=scroll-in") == ["show its back"]
    assert texts("/quotes/?tag=morale") == ["show its back"]


def test_photo_list_filters_by_agency_photographer_and_place(client, world):
    def texts(url):
        return [p.get_text() for p in soup(client.get(url)).select("figcaption > p:first-child")]

    assert texts("/photos/?agency=afp") == ["A destroyed building"]
    assert texts("/photos/?photographer=juan+barreto") == ["A destroyed building"]
    assert texts("/photos/?place=kyiv") == []


def test_json_export_has_the_same_filters(client, world):
    data = client.get("/articles/?place=izyum&format=json").json()
    assert data["count"] == 2
    assert [row["slug"] for row in data["results"]] == ["a4", "a1"]
    assert data["results"][0]["url"] == "http://testserver/articles/a4/"
    assert set(data["results"][0]["tags"]) == {"troop-withdrawal", "casualties"}


def test_csv_export_has_the_same_filters_and_neutralises_formulas(client, world):
    world["a3"].headline = "=HYPERLINK(1)"
    world["a3"].save()
    response = client.get("/articles/?outlet=ndtv&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["slug"] for row in rows] == ["a2", "a3"]
    assert rows[1]["headline"] == "'=HYPERLINK(1)"


def test_quote_and_photo_exports(client, world):
    quotes = client.get("/quotes/?speaker=volodymyr-zelenskyy&format=json").json()["results"]
    assert quotes[0]["speaker"] == "volodymyr-zelenskyy" and quotes[0]["outlet"] == "scroll-in"
    photos = client.get("/photos/?format=csv")
    body = b"".join(photos.streaming_content).decode()
    assert "Juan Barreto" in body and "afp" in body


def test_atom_feed_has_the_same_filters_and_no_drafts(client, world):
    response = client.get("/articles/feed/?tag=troop-withdrawal")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 3
    assert "Secret draft" not in body and "Kyiv talks" not in body


def test_sitemap_lists_published_pages_only(client, world):
    body = client.get("/sitemap.xml").content.decode()
    assert "/articles/a1/" in body
    assert "/articles/draft/" not in body
    assert "/places/izyum/" in body


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=0", 404),
        ("page=-1", 404),
        (f"page={10**9}", 404),
        ("page=abc", 404),
        ("from=2022-13-45", 400),
        ("to=yesterday", 400),
        ("from=2022-09-10&to=2022-09-01", 400),
        ("place=not a slug!", 400),
        ("sort=; DROP TABLE archive_article", 400),
        ("format=xml", 400),
        ("q=" + "x" * 5000, 400),
    ],
)
def test_bad_parameters_get_a_clear_answer_not_an_error(client, world, query, status):
    for url in ("/articles/", "/quotes/", "/photos/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == status, (url, query)
        if status == 400 and "format" not in query:
            assert soup(response).select(".error"), (url, query)


def test_an_unknown_slug_gives_no_results_and_a_way_back(client, world):
    page = soup(client.get("/articles/?place=atlantis"))
    assert page.h1.get_text() == "Articles about atlantis — 0 results"
    assert "Drop places: atlantis" in page.select_one(".empty").get_text(" ", strip=True)


def test_html_in_parameters_is_shown_as_text(client, world):
    response = client.get("/articles/?q=<script>alert(1)</script>")
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("url", ["/articles/", "/quotes/", "/photos/"])
def test_list_query_count_does_not_grow_with_rows(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run():
        # The facet index follows a batch of edits once, not on every page: bring it up to
        # date first, so that what is counted is the page's own queries.
        index_current()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + "?tag=t").status_code == 200
        return len(ctx)

    def caption(article):
        # Each row shows its agency, the agency it came through and its place.
        PhotoCaptionFactory(
            article=article, tags=["t"], distributor=OutletFactory(), place=PlaceFactory()
        )

    place = PlaceFactory()
    for _ in range(2):
        a = ArticleFactory(tags=["t", "u"], places=[place])
        QuoteFactory(article=a, tags=["t"])
        caption(a)
    small = run()
    for _ in range(10):
        a = ArticleFactory(tags=["t", "v"], places=[PlaceFactory()])
        QuoteFactory(article=a, tags=["t"], speaker=SpeakerFactory())
        caption(a)
    assert run() == small
    assert small <= 10


def test_every_public_page_has_one_h1(client, world):
    Place.objects.filter(slug="izyum").update(latitude=49.2, longitude=37.25)
    urls = [
        "/",
        "/articles/",
        "/quotes/",
        "/photos/",
        "/places/",
        "/speakers/",
        "/articles/a1/",
        "/places/izyum/",
        "/places/ukraine/",
        "/speakers/dmytro-kuleba/",
        "/tags/casualties/",
        "/outlets/ndtv/",
        "/articles/?place=atlantis",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(soup(response).find_all("h1")) == 1, url


def test_home_shows_totals_and_most_used(client, world):
    page = soup(client.get("/"))
    lede = " ".join(page.select_one(".lede").get_text().split())
    assert lede == "4 published articles, 3 quotes and 1 photo caption."
    tags = page.find("section", attrs={"aria-labelledby": "tags-heading"})
    assert tags.select("li")[0].get_text(" ", strip=True) == "troop-withdrawal 3"


def test_article_page_lists_the_same_story_elsewhere(client, world):
    page = soup(client.get("/articles/a1/"))
    related = [a.get_text() for a in page.select(".related a")]
    assert related == ["Both towns", "Balakliya fighting"]  # Kyiv talks is weeks away


def test_place_page_draws_a_map(client, world):
    Place.objects.filter(slug="izyum").update(latitude=49.2, longitude=37.25)
    Place.objects.filter(slug="balakliya").update(latitude=49.46, longitude=36.86)
    page = soup(client.get("/places/izyum/"))
    svg = page.select_one("figure.place-map svg")
    assert svg is not None
    assert [t.get_text() for t in svg.select("text")] == ["Balakliya", "Izyum"]
    assert page.select_one(".map-current")


def test_timeline_draws_one_bar_per_day(client, world):
    page = soup(client.get("/articles/?from=2022-09-09"))
    bars = page.select(".timeline-chart rect")
    assert [bar.title.get_text() for bar in bars] == [
        "9 Sep 2022: 1",
        "10 Sep 2022: 1",
        "11 Sep 2022: 1",
    ]
