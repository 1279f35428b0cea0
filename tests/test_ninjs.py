"""Published articles as IPTC ninjs 2.2: every field from the right column, valid by the schema."""

import datetime

import pytest

from archive.models import ArticleStatus, OutletKind, SpeakerKind
from archive.ninjs import article_ninjs, ninjs_articles, ninjs_documents
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)
from tests.ninjs_support import ninjs_errors

pytestmark = pytest.mark.django_db

BASE = "https://archive.example.org"


def absolute(path: str) -> str:
    return f"{BASE}{path}"


@pytest.fixture
def story(db):
    """A published article naming one of everything ninjs carries, and a draft."""
    izyum = PlaceFactory(name="Izyum", slug="izyum", latitude=49.2103, longitude=37.2563)
    region = PlaceFactory(name="Kharkiv Oblast", slug="kharkiv-oblast", kind="region")
    scroll = OutletFactory(name="Scroll", slug="scroll")
    reuters = OutletFactory(name="Reuters", slug="reuters", kind=OutletKind.AGENCY)
    afp = OutletFactory(name="AFP", slug="afp", kind=OutletKind.PHOTO_AGENCY)
    article = ArticleFactory(
        slug="regroup",
        headline="Russia regroups troops near Izyum",
        standfirst="The ministry calls it a regrouping.",
        byline="A. Reporter",
        dateline="KYIV",
        outlet=scroll,
        published_on=datetime.date(2022, 9, 10),
        paragraphs=["First paragraph here.", "Second one."],
        source_url="https://scroll.in/article/1",
        language="en",
        places=[region, izyum],
        tags=["troop-withdrawal", "counter-offensive"],
    )
    article.cited_outlets.add(reuters)
    ministry = SpeakerFactory(
        name="Defence Ministry", slug="defence-ministry", kind=SpeakerKind.ORGANISATION
    )
    mayor = SpeakerFactory(name="The Mayor", slug="the-mayor", kind=SpeakerKind.PERSON)
    QuoteFactory(article=article, position=1, speaker=ministry, text="We regroup")
    QuoteFactory(article=article, position=2, speaker=mayor, text="The town is free")
    QuoteFactory(article=article, position=3, speaker=mayor, text="Again")
    PhotoCaptionFactory(
        article=article,
        position=2,
        text="A bridge",
        credit="",
        photographer="",
        agency=None,
    )
    PhotoCaptionFactory(
        article=article,
        position=1,
        text="Soldiers on a road",
        credit="Juan Barreto/AFP",
        photographer="Juan Barreto",
        agency=afp,
        place=izyum,
        taken_on=datetime.date(2022, 9, 9),
    )
    ArticleFactory(slug="draft-story", status=ArticleStatus.DRAFT, headline="Secret")
    return article


def document(slug="regroup") -> dict:
    return article_ninjs(ninjs_articles().get(slug=slug), absolute=absolute)


def test_ninjs_document_is_valid_by_the_ninjs_2_2_schema(story):
    assert ninjs_errors(document()) == []


def test_ninjs_schema_check_can_fail(story):
    broken = {**document(), "versioncreated": "2022-09-10", "headline": "1.x field"}
    errors = ninjs_errors(broken)
    assert any(error.startswith("versioncreated:") for error in errors)
    assert any("'headline' was unexpected" in error for error in errors)


def test_ninjs_document_carries_the_article_fields(story):
    story.refresh_from_db()
    found = document()
    page = f"{BASE}/articles/regroup/"
    assert found["uri"] == page
    assert found["type"] == "text"
    assert found["standard"]["version"] == "2.2"
    assert found["version"] == str(story.version)
    assert found["firstcreated"] == story.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert found["versioncreated"] == story.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert found["contentcreated"] == "2022-09-10T00:00:00Z"
    assert found["language"] == "en"
    assert found["headlines"] == [
        {"role": "main", "contenttype": "text/plain", "value": "Russia regroups troops near Izyum"}
    ]
    assert found["descriptions"][0]["value"] == "The ministry calls it a regrouping."
    body = found["bodies"][0]
    assert body["value"] == "First paragraph here.\n\nSecond one."
    assert (body["charcount"], body["wordcount"]) == (len(body["value"]), 5)
    assert (found["by"], found["located"]) == ("A. Reporter", "KYIV")
    assert found["copyrightholder"] == "Scroll"
    assert [(s["name"], s["role"]) for s in found["infosources"]] == [
        ("Scroll", "publisher"),
        ("Reuters", "cited"),
    ]
    assert [r["href"] for r in found["renditions"]] == [page, "https://scroll.in/article/1"]


def test_ninjs_subjects_places_and_speakers_are_sorted_with_addresses(story):
    found = document()
    assert [s["literal"] for s in found["subjects"]] == ["counter-offensive", "troop-withdrawal"]
    assert found["subjects"][0]["uri"] == f"{BASE}/tags/counter-offensive/"
    assert [p["literal"] for p in found["places"]] == ["izyum", "kharkiv-oblast"]
    assert found["places"][0]["geojson"] == {"type": "Point", "coordinates": [37.2563, 49.2103]}
    assert "geojson" not in found["places"][1]
    # Each speaker once, however often quoted; people and organisations apart.
    assert found["people"] == [
        {
            "name": "The Mayor",
            "literal": "the-mayor",
            "uri": f"{BASE}/speakers/the-mayor/",
            "rel": "quoted",
        }
    ]
    assert [o["name"] for o in found["organisations"]] == ["Defence Ministry"]


def test_ninjs_photo_captions_are_associated_pictures(story):
    first, second = document()["associations"]
    assert first == {
        "name": "photo-1",
        "uri": f"{BASE}/articles/regroup/#photo-1",
        "type": "picture",
        "descriptions": [
            {"role": "caption", "contenttype": "text/plain", "value": "Soldiers on a road"},
            {"role": "creditline", "value": "Juan Barreto/AFP"},
        ],
        "by": "Juan Barreto",
        "copyrightholder": "AFP",
        "infosources": [
            {"name": "AFP", "literal": "afp", "uri": f"{BASE}/outlets/afp/", "role": "agency"}
        ],
        "contentcreated": "2022-09-09T00:00:00Z",
        "places": [
            {
                "name": "Izyum",
                "literal": "izyum",
                "uri": f"{BASE}/places/izyum/",
                "geojson": {"type": "Point", "coordinates": [37.2563, 49.2103]},
            }
        ],
    }
    # A caption without credit, photographer or agency leaves those fields out, not empty.
    assert set(second) == {"name", "uri", "type", "descriptions"}


def test_ninjs_documents_are_published_articles_only_by_slug(story):
    ArticleFactory(slug="another", headline="Another")
    ArticleFactory(slug="in-review", status=ArticleStatus.IN_REVIEW)
    documents = list(ninjs_documents(absolute=absolute))
    assert [d["uri"] for d in documents] == [
        f"{BASE}/articles/another/",
        f"{BASE}/articles/regroup/",
    ]
    assert all(ninjs_errors(d) == [] for d in documents)


def test_ninjs_document_of_a_bare_article_leaves_optional_fields_out(db):
    ArticleFactory(slug="bare", standfirst="", byline="", dateline="", paragraphs=[])
    found = document("bare")
    for field in ("descriptions", "by", "located", "people", "places", "subjects", "associations"):
        assert field not in found
    assert found["bodies"][0]["value"] == ""
    assert ninjs_errors(found) == []
