"""schema.org JSON-LD on article, place and speaker pages, read back with a real extractor."""

import datetime

import extruct
import pytest

from archive.models import ArticleStatus, SpeakerKind
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def jsonld(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return extruct.extract(response.content.decode(), base_url=BASE, syntaxes=["json-ld"])[
        "json-ld"
    ]


@pytest.fixture
def article(db):
    region = PlaceFactory(name="Kharkiv Oblast", slug="kharkiv-oblast", kind="region")
    izyum = PlaceFactory(
        name="Izyum", slug="izyum", parent=region, latitude="49.2100", longitude="37.2600"
    )
    izyum.aliases.create(name="Izium")
    ministry = SpeakerFactory(
        name="Defence Ministry", slug="defence-ministry", kind=SpeakerKind.ORGANISATION
    )
    konashenkov = SpeakerFactory(
        name="Igor Konashenkov", slug="konashenkov", role="spokesman", affiliation="Ministry"
    )
    afp = OutletFactory(name="AFP", slug="afp", homepage="https://www.afp.com")
    article = ArticleFactory(
        slug="regroup",
        headline="Russia regroups </script> troops",
        byline="Staff reporter",
        outlet=OutletFactory(name="Scroll.in", slug="scroll", homepage="https://scroll.in"),
        published_on=datetime.date(2022, 9, 10),
        places=[izyum],
        tags=["troop-withdrawal"],
    )
    QuoteFactory(article=article, position=1, speaker=ministry, text="We regroup")
    QuoteFactory(article=article, position=2, speaker=konashenkov, text="All is to plan")
    PhotoCaptionFactory(
        article=article,
        position=1,
        text="Soldiers on a road",
        credit="Juan Barreto/AFP",
        photographer="Juan Barreto",
        agency=afp,
        place=izyum,
    )
    draft = ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, places=[izyum])
    QuoteFactory(article=draft, speaker=SpeakerFactory(name="Unnamed Source"), text="Secret")
    return article


def test_article_page_is_a_news_article_with_quotations_and_images(article, client):
    [node] = jsonld(client, "/articles/regroup/")
    assert node["@type"] == "NewsArticle"
    assert node["headline"] == article.headline
    assert node["datePublished"] == "2022-09-10"
    assert node["publisher"] == {
        "@type": "Organization",
        "name": "Scroll.in",
        "url": "https://scroll.in",
    }
    assert node["author"] == {"@type": "Person", "name": "Staff reporter"}
    [place] = node["contentLocation"]
    assert place["name"] == "Izyum"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 49.21, "longitude": 37.26}
    assert {m["name"]: m["@type"] for m in node["mentions"]} == {
        "Defence Ministry": "Organization",
        "Igor Konashenkov": "Person",
    }
    quotes = {q["text"]: q for q in node["hasPart"]}
    assert set(quotes) == {"We regroup", "All is to plan"}
    assert quotes["All is to plan"]["spokenByCharacter"]["jobTitle"] == "spokesman"
    assert quotes["We regroup"]["creator"]["name"] == "Defence Ministry"
    assert quotes["We regroup"]["isPartOf"] == {"@id": f"{BASE}/articles/regroup/"}
    [image] = node["image"]
    assert image["@type"] == "ImageObject"
    assert image["caption"] == "Soldiers on a road"
    assert image["creditText"] == "Juan Barreto/AFP"
    assert [c["name"] for c in image["creator"]] == ["Juan Barreto", "AFP"]
    assert "Secret" not in str(node) and "Unnamed Source" not in str(node)


def test_article_jsonld_cannot_close_its_script_element(article, client):
    html = client.get("/articles/regroup/").content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003C/script\\u003E" in block


def test_place_page_is_a_place_inside_its_parent(article, client):
    [node] = jsonld(client, "/places/izyum/")
    assert node["@type"] == "Place"
    assert node["name"] == "Izyum"
    assert node["alternateName"] == ["Izium"]
    assert node["geo"]["latitude"] == 49.21
    assert node["containedInPlace"]["name"] == "Kharkiv Oblast"
    assert node["url"] == f"{BASE}/places/izyum/"


@pytest.mark.parametrize(
    ("slug", "kind"), [("konashenkov", "Person"), ("defence-ministry", "Organization")]
)
def test_speaker_page_is_a_person_or_organization(article, client, slug, kind):
    [node] = jsonld(client, f"/speakers/{slug}/")
    assert node["@type"] == kind
    assert node["url"] == f"{BASE}/speakers/{slug}/"
    if kind == "Person":
        assert node["jobTitle"] == "spokesman"
        assert node["affiliation"] == {"@type": "Organization", "name": "Ministry"}
