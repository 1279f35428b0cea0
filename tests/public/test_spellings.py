import re
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from archive.facetindex.runtime import index_current
from archive.models import ArticleStatus, PlaceAlias, SpeakerAlias
from archive.public import spellings
from archive.public.spellings import spelling_pattern, spellings_count, whole_words
from tests.conftest import soup
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def izyum():
    region = PlaceFactory(name="Kharkiv Oblast", slug="kharkiv-oblast", kind="region")
    PlaceAlias.objects.create(owner=region, name="Izyum district")
    place = PlaceFactory(name="Izyum", slug="izyum", parent=region)
    PlaceAlias.objects.create(owner=place, name="Izium")
    scroll = OutletFactory(name="Scroll.in", slug="scroll-in")
    ndtv = OutletFactory(name="NDTV", slug="ndtv")
    ArticleFactory(
        outlet=scroll,
        headline="Troops leave Izyum",
        paragraphs=["Forces left IZYUM and Izium’s outskirts.", "Izyumsky is another word."],
        places=[place],
    )
    ArticleFactory(
        outlet=ndtv, headline="Izium retaken", paragraphs=["In Izium, calm."], places=[place]
    )
    # Not counted: a draft, and an article not about the place.
    ArticleFactory(
        outlet=ndtv, paragraphs=["Izium Izium Izium"], places=[place], status=ArticleStatus.DRAFT
    )
    ArticleFactory(outlet=ndtv, paragraphs=["Izium again"])
    # The region's longer name holds the town's: its words are not the town's spelling.
    ArticleFactory(
        outlet=ndtv, paragraphs=["Fighting in the Izyum district went on."], places=[place]
    )
    return place


def test_place_page_counts_each_outlets_spellings_in_published_articles(client, izyum):
    page = soup(client.get("/places/izyum/"))
    rows = {
        row.th.get_text(strip=True): [
            " ".join(span.get_text(" ", strip=True).split()) for span in row.select(".spelling")
        ]
        for row in page.select(".spellings-table tbody tr")
    }
    assert rows == {"NDTV": ["Izium 2"], "Scroll.in": ["Izyum 2", "Izium 1"]}
    assert page.select_one(".spellings-table a")["href"] == "/outlets/ndtv/"


def test_place_page_offers_the_spellings_as_json(client, izyum):
    response = client.get("/places/izyum/?format=json")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Izyum"
    assert data["spellings"] == ["Izyum", "Izium"]
    assert data["spellings_by_outlet"] == [
        {"outlet": "ndtv", "outlet_name": "NDTV", "spellings": [{"spelling": "Izium", "count": 2}]},
        {
            "outlet": "scroll-in",
            "outlet_name": "Scroll.in",
            "spellings": [{"spelling": "Izyum", "count": 2}, {"spelling": "Izium", "count": 1}],
        },
    ]
    bad = client.get("/places/izyum/?format=xml")
    assert bad.status_code == 400
    assert b"Choose: json" in bad.content


def test_spellings_follow_an_edit_to_an_articles_text(client, izyum):
    assert client.get("/places/izyum/?format=json").json()["spellings_by_outlet"][0]["spellings"]
    article = izyum.articles.get(headline="Izium retaken")
    article.headline = "Izyum retaken"
    article.save()
    ndtv = client.get("/places/izyum/?format=json").json()["spellings_by_outlet"][0]
    assert ndtv["spellings"] == [
        {"spelling": "Izium", "count": 1},
        {"spelling": "Izyum", "count": 1},
    ]


def test_speaker_page_counts_the_longest_spelling_found_at_each_place(client):
    speaker = SpeakerFactory(name="Volodymyr Zelenskyy", slug="volodymyr-zelenskyy")
    SpeakerAlias.objects.create(owner=speaker, name="Zelenskyy")
    SpeakerAlias.objects.create(owner=speaker, name="Zelensky")
    fox = OutletFactory(name="Fox News", slug="fox-news")
    article = ArticleFactory(
        outlet=fox,
        paragraphs=["Volodymyr Zelenskyy spoke.", "Later Zelenskyy and zelensky said more."],
    )
    QuoteFactory(article=article, speaker=speaker, text="spoke")
    data = client.get("/speakers/volodymyr-zelenskyy/?format=json").json()
    assert data["spellings_by_outlet"] == [
        {
            "outlet": "fox-news",
            "outlet_name": "Fox News",
            "spellings": [
                {"spelling": "Volodymyr Zelenskyy", "count": 1},
                {"spelling": "Zelensky", "count": 1},
                {"spelling": "Zelenskyy", "count": 1},
            ],
        }
    ]
    page = soup(client.get("/speakers/volodymyr-zelenskyy/"))
    assert page.select_one("#spellings-heading").get_text() == "Spellings by outlet"


def test_a_mask_found_before_or_after_the_articles_hides_the_same_words():
    article = ("a", "NDTV", "ndtv", "Kharkiv region and Kharkiv", ["Kharkiv Region, Kharkov."])
    mask = ("m", "Kharkiv region", "", "", None)
    alias = ("s", "Kharkov", "", "", None)
    for rows in ([mask, alias, article], [article, alias, mask]):
        counted = spellings_count(rows, name="Kharkiv")
        assert counted.spellings == ["Kharkiv", "Kharkov"]
        assert [
            (r.outlet, [(s.spelling, s.count) for s in r.spellings]) for r in counted.by_outlet
        ] == [("NDTV", [("Kharkiv", 1), ("Kharkov", 1)])]


def test_names_joined_once_mask_as_the_same_names_given_one_by_one():
    article = (
        "a",
        "NDTV",
        "ndtv",
        "Kharkiv region and Kharkiv",
        ["Kharkiv Region, Kharkov, New Kharkiv"],
    )
    alias = ("s", "Kharkov", "", "", None)
    names = ["Kharkiv region", "New  Kharkiv", "Izyum", "Kupiansk"]

    def counted(masks):
        result = spellings_count([article, alias], name="Kharkiv", masks=masks)
        return [(r.outlet, [(s.spelling, s.count) for s in r.spellings]) for r in result.by_outlet]

    by_name = counted(names)
    assert by_name == [("NDTV", [("Kharkiv", 1), ("Kharkov", 1)])]
    # Joined once (as an index keeps them), the subject's own name among them masks nothing.
    assert counted(spellings.NameMasks.of([*names, "Kharkiv"])) == by_name
    assert counted(spellings.NameMasks.of([])) == [("NDTV", [("Kharkiv", 4), ("Kharkov", 1)])]


@pytest.mark.parametrize("url", ["/places/izyum/", "/speakers/speaker/"])
def test_spelling_pages_stay_within_ten_queries(client, izyum, url):
    speaker = SpeakerFactory(slug="speaker")
    for article in izyum.articles.all():
        QuoteFactory(article=article, speaker=speaker, text="calm")
    index_current()  # brought up to date once per batch of edits, not counted per page
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx) <= 10


def test_another_places_longer_name_is_not_counted_as_the_places_spelling(client, izyum):
    """The other places' names come from the facet index's labels on the page; a name edited a
    moment ago masks at once."""
    raion = PlaceFactory(name="Izyum Rayon", slug="izyum-rayon")
    ArticleFactory(
        outlet=OutletFactory(name="Kyiv Independent", slug="kyiv-independent"),
        paragraphs=["The Izyum Raion council met in Izyum."],
        places=[izyum],
    )

    def counted() -> dict[str, int]:
        rows = client.get("/places/izyum/?format=json").json()["spellings_by_outlet"]
        row = next(row for row in rows if row["outlet"] == "kyiv-independent")
        return {s["spelling"]: s["count"] for s in row["spellings"]}

    assert counted() == {"Izyum": 2}  # no place is named "Izyum Raion" yet
    raion.name = "Izyum Raion"
    raion.save()
    assert counted() == {"Izyum": 1}


def test_whole_words_finds_what_a_look_behind_for_a_word_start_finds():
    # The scan checks the start of a word outside the pattern, so the engine can skip ahead;
    # it must find the same spellings, at the same places, as `(?<!\w)` in the pattern would.
    spellings = ["Izyum", "Izium", "Kharkiv", "Kharkiv region", "Region", "Vasyl", "Yum"]
    pattern = spelling_pattern(spellings)
    with_look_behind = re.compile(r"(?<!\w)" + pattern.pattern)
    texts = [
        "Izyum, izium and IZYUM; not Izyumka nor xizyum.",
        "near kharkiv region\nand kharkiv  region, kharkiv-region, akharkiv region",
        "vasylyum yum _yum 9yum izyum_ ukharkiv kharkiv",
        "ízyum izyum\0izium",
        "",
    ]
    for text in texts:
        text = text.casefold()
        expected = [m.group() for m in with_look_behind.finditer(text)]
        assert [m.group() for m in whole_words(pattern, text)] == expected
    assert [m.span() for m in whole_words(pattern, "xizyum kharkiv region")] == [(7, 21)]


# Texts whose folding is not one character for one: ß, the dotted capital I, final sigma,
# ligatures, Cyrillic capitals beside ASCII, a lone surrogate (from JSON).
FOLDED = ["STRASSE Straße", "İzyum İZYUM", "ΟΔΥΣΣΕΥΣ Σ", "ﬁnal ＦＵＬＬ", "Ізюм IZYUM", "a\ud800B"]


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.sampled_from(FOLDED))
def test_folding_a_text_is_casefold_after_nfkc_and_apostrophes(text):
    expected = unicodedata.normalize("NFKC", text)
    for apostrophe in ("’", "‘", "ʼ", "`"):
        expected = expected.replace(apostrophe, "'")
    assert spellings._fold(text) == expected.casefold()
