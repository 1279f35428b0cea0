import pytest
from django.urls import reverse

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


def test_home_lists_published_articles_only(client):
    ArticleFactory(headline="Published report")
    ArticleFactory(headline="Draft report", status=ArticleStatus.DRAFT)
    page = soup(client.get("/"))
    headlines = [a.get_text() for a in page.select(".article-row-headline a")]
    assert headlines == ["Published report"]
    assert len(page.find_all("h1")) == 1


def test_article_page_marks_quotes_in_the_text_and_links_their_speakers(client):
    article = ArticleFactory(paragraphs=["He said “we stand” and left.", "Nothing quoted."])
    speaker = SpeakerFactory(name="Dmytro Kuleba", slug="dmytro-kuleba")
    QuoteFactory(article=article, speaker=speaker, text="we stand", paragraph=1)
    page = soup(client.get(article.get_absolute_url()))
    mark = page.select_one(".article-body a.quote-mark")
    assert mark.get_text() == "we stand"
    assert mark["href"] == "/speakers/dmytro-kuleba/"
    assert page.select(".article-body p")[0].get_text() == "He said “we stand” and left."
    assert page.select_one("blockquote p").get_text() == "we stand"
    assert page.select_one("figure.quote cite a").get_text() == "Dmytro Kuleba"


def test_article_page_shows_captions_with_credit_and_agency_places_and_tags(client):
    place = PlaceFactory(name="Izyum", slug="izyum")
    article = ArticleFactory(places=[place], tags=["troop-withdrawal"])
    agency = OutletFactory(name="AFP", slug="afp")
    PhotoCaptionFactory(
        article=article, text="A destroyed bridge", credit="Juan Barreto/AFP", agency=agency
    )
    page = soup(client.get(article.get_absolute_url()))
    figcaption = page.select_one("figure.caption figcaption")
    assert "A destroyed bridge" in figcaption.get_text()
    assert "Juan Barreto/AFP" in figcaption.get_text()
    assert "AFP" in figcaption.select_one(".credit").get_text()
    assert page.find("a", href="/places/izyum/").get_text() == "Izyum"
    assert page.find("a", href="/tags/troop-withdrawal/").get_text() == "troop-withdrawal"


def test_an_unpublished_article_is_not_found(client):
    article = ArticleFactory(status=ArticleStatus.IN_REVIEW)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_an_unknown_article_is_not_found(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_place_page_gathers_the_places_inside_it(client):
    region = PlaceFactory(name="Kharkiv region", slug="kharkiv-oblast")
    town = PlaceFactory(name="Izyum", slug="izyum", parent=region)
    ArticleFactory(headline="About Izyum", places=[town])
    ArticleFactory(headline="Hidden draft", places=[town], status=ArticleStatus.DRAFT)
    QuoteFactory(place=town, text="About the town")
    page = soup(client.get(reverse("archive:place-detail", args=["kharkiv-oblast"])))
    assert [a.get_text() for a in page.select(".article-row-headline a")] == ["About Izyum"]
    assert "About the town" in page.select_one("blockquote").get_text()


def test_speaker_tag_and_outlet_pages_list_their_material(client):
    speaker = SpeakerFactory(slug="igor-konashenkov", name="Igor Konashenkov")
    outlet = OutletFactory(slug="tass", name="TASS")
    article = ArticleFactory(headline="Regrouping", tags=["official-statement"])
    article.cited_outlets.add(outlet)
    QuoteFactory(article=article, speaker=speaker, text="regrouped")
    for url in ("/speakers/igor-konashenkov/", "/tags/official-statement/", "/outlets/tass/"):
        page = soup(client.get(url))
        assert [a.get_text() for a in page.select(".article-row-headline a")] == ["Regrouping"], url
        assert len(page.find_all("h1")) == 1


@pytest.mark.parametrize("url", ["/places/x/", "/speakers/x/", "/tags/x/", "/outlets/x/"])
def test_unknown_subjects_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_article_page_query_count_does_not_grow_with_quotes(client, django_assert_num_queries):
    small = ArticleFactory(tags=["a"])
    QuoteFactory(article=small, tags=["b"])
    PhotoCaptionFactory(article=small)
    big = ArticleFactory(tags=["a", "c"])
    for n in range(10):
        QuoteFactory(article=big, tags=[f"t{n}"], speaker=SpeakerFactory())
        PhotoCaptionFactory(article=big, tags=[f"t{n}"])
    # A first page after the edits brings the facet index up to date (it names the related
    # articles); later pages at the same revision read nothing more for it. The tags of the
    # article, its quotes and its captions come from the index too.
    client.get(small.get_absolute_url() + "?n=0")
    with django_assert_num_queries(7):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(7):
        client.get(big.get_absolute_url())


def test_a_merged_tags_old_address_redirects_to_the_new_tag(client):
    from archive.models import Tag, TagRedirect

    tag = Tag.objects.create(name="kharkiv-counteroffensive", slug="kharkiv-counteroffensive")
    ArticleFactory(tags=[tag])
    TagRedirect.objects.create(old_slug="kharkiv-offensive", tag=tag)
    response = client.get("/tags/kharkiv-offensive/")
    assert response.status_code == 301
    assert response["Location"] == "/tags/kharkiv-counteroffensive/"
    assert client.get("/tags/never-existed/").status_code == 404


def test_place_page_query_count_stays_within_ten_whatever_its_size(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    region = PlaceFactory(slug="region", kind="region", latitude=49, longitude=36)
    town = PlaceFactory(parent=region, latitude=49.2, longitude=37.2)

    def count(suffix):
        index_current()  # brought up to date once per batch of edits, not counted per page
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/places/region/?n={suffix}").status_code == 200
        return len(ctx)

    article = ArticleFactory(places=[town], tags=["a"])
    QuoteFactory(article=article, place=town, tags=["q"])
    PhotoCaptionFactory(article=article, place=town, tags=["c"])
    small = count(1)
    for n in range(8):
        other = ArticleFactory(places=[PlaceFactory(parent=region)], tags=[f"t{n}"])
        QuoteFactory(article=other, place=town, tags=[f"q{n}"], speaker=SpeakerFactory())
        PhotoCaptionFactory(article=other, place=town, tags=[f"c{n}"])
    assert count(2) == small
    assert small <= 10


def test_home_counts_are_the_article_list_s_facet_counts_and_follow_edits(client):
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    speaker = SpeakerFactory(name="Oleh Synehubov", slug="oleh-synehubov")
    first = ArticleFactory(places=[izyum], tags=["counter-offensive"])
    ArticleFactory(places=[izyum], tags=["counter-offensive"])
    ArticleFactory(places=[izyum], status=ArticleStatus.DRAFT)
    QuoteFactory(article=first, speaker=speaker)
    QuoteFactory(article=first, speaker=speaker)
    PhotoCaptionFactory(article=first)

    def side():
        page = soup(client.get("/"))
        lede = " ".join(page.select_one(".lede").get_text().split())
        counts = {
            a["href"]: a.find_next_sibling("span").get_text() for a in page.select(".count-list a")
        }
        return lede, counts

    lede, counts = side()
    assert lede == "2 published articles, 2 quotes and 1 photo caption."
    assert counts == {
        "/places/izyum/": "2",
        "/tags/counter-offensive/": "2",
        "/speakers/oleh-synehubov/": "1",  # quoted in one article
    }
    facets = soup(client.get("/articles/")).select("#facet-place ~ ul .count")
    assert [span.get_text() for span in facets] == ["2"]
    ArticleFactory(places=[izyum])
    lede, counts = side()
    assert lede == "3 published articles, 2 quotes and 1 photo caption."
    assert counts["/places/izyum/"] == "3"


def test_places_index_ranks_every_place_by_published_articles_a_page_at_a_time(client):
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    balakliya = PlaceFactory(name="Balakliya", slug="balakliya")
    article = ArticleFactory(places=[izyum, balakliya])
    for n in range(120):
        # Named by a quote, not by an article: listed, with no articles.
        QuoteFactory(article=article, place=PlaceFactory(name=f"Village {n:03d}"))
    PlaceFactory(name="Unused village")
    ArticleFactory(places=[izyum])
    ArticleFactory(places=[balakliya], status=ArticleStatus.DRAFT)

    def rows(address):
        page = soup(client.get(address))
        return page, [
            (tr.th.a["href"], tr.select_one("td.num").get_text()) for tr in page.select("tbody tr")
        ]

    page, first = rows("/places/")
    assert page.h1.get_text() == "Places — 122"
    village = "/places/" + Place.objects.get(name="Village 000").slug + "/"
    assert first[:3] == [("/places/izyum/", "2"), ("/places/balakliya/", "1"), (village, "0")]
    assert len(first) == 100
    assert page.select_one(".pagination").get_text(" ", strip=True) == "Page 1 of 2 Next"
    _page, second = rows("/places/?page=2")
    village = "/places/" + Place.objects.get(name="Village 119").slug + "/"
    assert second[-1] == (village, "0") and len(second) == 22
    assert rows("/places/?page=99")[1] == second  # a page past the end shows the last
    assert rows("/places/?page=x")[1] == first
    ArticleFactory(places=[balakliya])
    ArticleFactory(places=[balakliya])
    assert rows("/places/")[1][:2] == [("/places/balakliya/", "3"), ("/places/izyum/", "2")]


def test_speakers_index_ranks_speakers_by_published_quotes(client):
    kuleba = SpeakerFactory(name="Dmytro Kuleba", slug="dmytro-kuleba")
    zelenskyy = SpeakerFactory(name="Volodymyr Zelenskyy", slug="volodymyr-zelenskyy")
    SpeakerFactory(name="Anna Malyar", slug="anna-malyar")
    article = ArticleFactory()
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    QuoteFactory(article=article, speaker=zelenskyy)
    QuoteFactory(article=article, speaker=zelenskyy)
    QuoteFactory(article=article, speaker=kuleba)
    QuoteFactory(article=draft, speaker=kuleba)
    QuoteFactory(article=draft, speaker=kuleba)
    page = soup(client.get("/speakers/"))
    ranked = [
        (tr.th.get_text(), tr.select_one("td.num").get_text()) for tr in page.select("tbody tr")
    ]
    # Anna Malyar, quoted nowhere, is not listed.
    assert ranked == [("Volodymyr Zelenskyy", "2"), ("Dmytro Kuleba", "1")]
    assert page.select_one(".pagination") is None
