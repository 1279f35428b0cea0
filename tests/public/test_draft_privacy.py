"""A speaker, place, tag or outlet that only unpublished articles use is named nowhere public.

The names and slugs below are used by one draft (or in-review) article alone. Every public
address must leave them unsaid and their own pages must not be found, until the article is
published; then they appear, which shows the checks can fail.
"""

import datetime

import pytest

from archive.models import ArticleStatus, Outlet, Place, PlaceAlias, Speaker, Tag, TagRedirect
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

# Names (and a role) that only the unpublished article uses, and their slugs, which are not
# derived from the names so that either can be looked for on its own.
SECRET_NAMES = {
    "speaker": "Oksana Hiddenova",
    "role": "Deputy Minister of Secrets",
    "place": "Hiddenville",
    "quote_place": "Quoteburg",
    "caption_place": "Captionford",
    "region": "Murkland Oblast",
    "tag": "Hushtag Secret",
    "outlet": "Covert Press",
    "cited": "Whisper Wire",
    "agency": "Shadow Photos",
    "distributor": "Veil Images",
    "headline": "Unpublished scoop",
}
SECRET_SLUGS = {
    "speaker": "zq-s1",
    "place": "zq-p1",
    "quote_place": "zq-p2",
    "caption_place": "zq-p3",
    "region": "zq-p4",
    "tag": "zq-t1",
    "outlet": "zq-o1",
    "cited": "zq-o2",
    "agency": "zq-o3",
    "distributor": "zq-o4",
}
SUBJECT_PAGES = [
    "/speakers/zq-s1/",
    "/places/zq-p1/",
    "/places/zq-p2/",
    "/places/zq-p3/",
    "/places/zq-p4/",
    "/tags/zq-t1/",
    "/outlets/zq-o1/",
    "/outlets/zq-o2/",
    "/outlets/zq-o3/",
    "/outlets/zq-o4/",
]
PUBLIC_PAGES = [
    "/",
    "/articles/",
    "/quotes/",
    "/photos/",
    "/places/",
    "/speakers/",
    "/places/kharkiv-oblast/",  # the places inside it, and its map
    "/places/izyum/",  # a map whose neighbours would include Hiddenville
    "/speakers/pavlo-public/",
    "/tags/troop-withdrawal/",
    "/outlets/open-news/",
    "/articles/public-report/",  # the same story elsewhere
    "/articles/feed/",
    "/sitemap.xml",
    "/robots.txt",
    *(
        f"/{kind}/?format={fmt}"
        for kind in ("articles", "quotes", "photos")
        for fmt in "json csv".split()
    ),
]
# Filters a reader could type: the chip, title and facets must treat the slug as unknown.
FILTER_PAGES = [
    "/quotes/?speaker=zq-s1",
    "/articles/?speaker=zq-s1",
    "/articles/?place=zq-p1",
    "/articles/?place=hidnvil",  # a spelling of Hiddenville: must not resolve to its slug
    "/quotes/?place=zq-p2",
    "/photos/?place=zq-p3",
    "/articles/?tag=zq-t1",
    "/quotes/?tag=zq-t1",
    "/articles/?outlet=zq-o1",
    "/photos/?agency=zq-o3",
    "/photos/?agency=zq-o4",
    "/articles/feed/?speaker=zq-s1",
    "/quotes/?speaker=zq-s1&format=json",
    "/articles/?tag=zq-t1&outlet=zq-o1&place=zq-p1&speaker=zq-s1&from=2030-01-01",
]


@pytest.fixture(params=[ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW])
def unpublished(request):
    """A published report and an unpublished one that alone uses the secret names."""
    region = PlaceFactory(
        name="Kharkiv Oblast", slug="kharkiv-oblast", kind="region", latitude=49.5, longitude=36.5
    )
    izyum = PlaceFactory(name="Izyum", slug="izyum", parent=region, latitude=49.21, longitude=37.26)
    public = ArticleFactory(
        headline="Public report",
        slug="public-report",
        outlet=OutletFactory(name="Open News", slug="open-news"),
        places=[izyum],
        tags=["troop-withdrawal"],
        published_on=datetime.date(2022, 9, 10),
    )
    QuoteFactory(article=public, speaker=SpeakerFactory(name="Pavlo Public", slug="pavlo-public"))
    PhotoCaptionFactory(article=public, place=izyum)

    hiddenville = PlaceFactory(
        name=SECRET_NAMES["place"],
        slug=SECRET_SLUGS["place"],
        parent=region,
        latitude=49.3,
        longitude=37.0,
    )
    PlaceAlias.objects.create(owner=hiddenville, name="Hidnvil")
    murkland = PlaceFactory(name=SECRET_NAMES["region"], slug=SECRET_SLUGS["region"], kind="region")
    tag = Tag.objects.create(name=SECRET_NAMES["tag"], slug=SECRET_SLUGS["tag"])
    TagRedirect.objects.create(old_slug="zq-old", tag=tag)

    def outlet(key):
        return OutletFactory(name=SECRET_NAMES[key], slug=SECRET_SLUGS[key])

    draft = ArticleFactory(
        headline=SECRET_NAMES["headline"],
        outlet=outlet("outlet"),
        status=request.param,
        places=[hiddenville, izyum],
        tags=[tag, "troop-withdrawal"],
        published_on=datetime.date(2022, 9, 11),
    )
    draft.cited_outlets.add(outlet("cited"))
    QuoteFactory(
        article=draft,
        speaker=SpeakerFactory(
            name=SECRET_NAMES["speaker"], slug=SECRET_SLUGS["speaker"], role=SECRET_NAMES["role"]
        ),
        place=PlaceFactory(name=SECRET_NAMES["quote_place"], slug=SECRET_SLUGS["quote_place"]),
        tags=[tag],
    )
    PhotoCaptionFactory(
        article=draft,
        agency=outlet("agency"),
        distributor=outlet("distributor"),
        place=PlaceFactory(
            name=SECRET_NAMES["caption_place"],
            slug=SECRET_SLUGS["caption_place"],
            parent=murkland,
        ),
        tags=[tag],
    )
    return draft


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def leaks(text: str, words) -> list[str]:
    return [word for word in words if word.casefold() in text.casefold()]


def publish(article, status=ArticleStatus.PUBLISHED):
    article.status = status
    article.save()


def test_public_pages_never_name_what_only_an_unpublished_article_uses(client, unpublished):
    for url in PUBLIC_PAGES:
        text = text_of(client, url)
        assert leaks(text, [*SECRET_NAMES.values(), *SECRET_SLUGS.values()]) == [], url


def test_a_filter_on_an_unpublished_subject_treats_its_slug_as_unknown(client, unpublished):
    for url in FILTER_PAGES:
        text = text_of(client, url)
        assert leaks(text, SECRET_NAMES.values()) == [], url
    page = soup(client.get("/quotes/?speaker=zq-s1"))
    assert [chip.get_text(" ", strip=True) for chip in page.select(".chips a")] == [
        "Speaker: zq-s1 × (remove)"
    ]
    # The spelling is shown as typed; it does not lead to Hiddenville's own slug.
    assert "zq-p1" not in text_of(client, "/articles/?place=hidnvil")


def test_subject_pages_of_what_only_an_unpublished_article_uses_are_not_found(client, unpublished):
    for url in [*SUBJECT_PAGES, "/tags/zq-old/"]:
        assert client.get(url).status_code == 404, url


def test_once_published_the_same_names_appear_and_their_pages_answer(client, unpublished):
    publish(unpublished)
    for url in SUBJECT_PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get("/tags/zq-old/")["Location"] == "/tags/zq-t1/"
    pages = [*PUBLIC_PAGES, *FILTER_PAGES, *SUBJECT_PAGES]
    everything = "".join(text_of(client, url) for url in pages)
    assert leaks(everything, SECRET_NAMES.values()) == list(SECRET_NAMES.values())
    speakers = text_of(client, "/speakers/")
    assert SECRET_NAMES["speaker"] in speakers and SECRET_NAMES["role"] in speakers
    izyum_map = soup(client.get("/places/izyum/")).select(".place-map text")
    assert SECRET_NAMES["place"] in [label.get_text() for label in izyum_map]
    chips = soup(client.get("/quotes/?speaker=zq-s1")).select(".chips a")
    assert chips[0].get_text(" ", strip=True) == f"Speaker: {SECRET_NAMES['speaker']} × (remove)"
    related = soup(client.get("/articles/public-report/")).select(".related a")
    assert [a.get_text() for a in related] == [SECRET_NAMES["headline"]]
    sitemap = text_of(client, "/sitemap.xml")
    assert all(f"/{slug}/" in sitemap for slug in SECRET_SLUGS.values())


def test_unpublishing_hides_the_names_again_despite_the_caches(client, unpublished):
    publish(unpublished)
    assert SECRET_NAMES["speaker"] in text_of(client, "/speakers/")
    assert SECRET_NAMES["region"] in text_of(client, "/places/")
    assert client.get("/speakers/zq-s1/").status_code == 200
    publish(unpublished, ArticleStatus.DRAFT)
    for url in ["/speakers/", "/places/", "/", "/places/kharkiv-oblast/", "/sitemap.xml"]:
        assert leaks(text_of(client, url), SECRET_NAMES.values()) == [], url
    assert client.get("/speakers/zq-s1/").status_code == 404


def test_a_place_named_only_in_an_unpublished_caption_or_quote_stays_hidden(client):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    QuoteFactory(article=article, place=PlaceFactory(name="Quotetown", slug="qt"))
    PhotoCaptionFactory(article=article, place=PlaceFactory(name="Snapton", slug="sn"))
    ArticleFactory(places=[PlaceFactory(name="Openfield", slug="of")])
    listed = text_of(client, "/places/")
    assert "Openfield" in listed
    assert leaks(listed, ["Quotetown", "Snapton"]) == []
    assert client.get("/places/qt/").status_code == 404
    assert client.get("/places/sn/").status_code == 404
    publish(article)
    assert leaks(text_of(client, "/places/"), ["Quotetown", "Snapton"]) == ["Quotetown", "Snapton"]
    assert client.get("/places/qt/").status_code == 200


def test_a_spelling_of_an_unpublished_place_does_not_widen_a_search(client):
    hidden = PlaceFactory(name="Hiddenville", slug="zq-p1")
    PlaceAlias.objects.create(owner=hidden, name="Hidnvil")
    ArticleFactory(headline="Shelling reported", paragraphs=["Shelling near Hiddenville."])
    draft = ArticleFactory(places=[hidden], status=ArticleStatus.DRAFT)

    def found(text):
        page = soup(client.get("/articles/", {"q": text}))
        return [a.get_text() for a in page.select(".article-row-headline a")]

    # Otherwise "Hidnvil" finding this article would tell that it is Hiddenville's spelling.
    assert found("Hidnvil") == []
    publish(draft)
    assert found("Hidnvil") == ["Shelling reported"]


def test_a_subject_page_answers_exactly_when_its_queryset_calls_it_public(client, unpublished):
    # Subject pages decide from their counts; the indexes, maps and chips from public().
    kinds = ((Place, "places"), (Speaker, "speakers"), (Tag, "tags"), (Outlet, "outlets"))
    for status in (unpublished.status, ArticleStatus.PUBLISHED):
        publish(unpublished, status)
        for model, prefix in kinds:
            public = set(model.objects.public().values_list("slug", flat=True))
            for slug in model.objects.values_list("slug", flat=True):
                answered = client.get(f"/{prefix}/{slug}/").status_code == 200
                assert answered == (slug in public), (status, prefix, slug)


@pytest.mark.django_db
def test_a_chosen_public_value_without_results_keeps_its_name_from_the_index(client, unpublished):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Nothing after 2030: every chosen value is missing from its facet and needs its label.
    with CaptureQueriesContext(connection) as queries:
        page = soup(
            client.get(
                "/articles/?place=izyum&place=kharkiv-oblast&tag=troop-withdrawal&from=2030-01-01"
            )
        )
    chips = [chip.get_text(" ", strip=True) for chip in page.select(".chips a")]
    assert "Place: Izyum × (remove)" in chips
    assert "Place: Kharkiv Oblast × (remove)" in chips  # public through the place inside it
    # The names came from the facet index: the database was not asked which places are used.
    assert not [
        q for q in queries.captured_queries if "EXISTS" in q["sql"] and "archive_place" in q["sql"]
    ]
    # A slug only drafts use still shows as typed (the database says it is not public).
    page = soup(client.get(f"/articles/?place={SECRET_SLUGS['place']}&from=2030-01-01"))
    assert SECRET_NAMES["place"] not in page.get_text()
