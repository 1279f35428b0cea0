import datetime

import pytest

from archive.models import ArticleStatus
from archive.public.photos import article_captions
from tests.conftest import soup
from tests.factories import ArticleFactory, OutletFactory, PhotoCaptionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2022, 9, 10)


@pytest.fixture
def afp():
    return OutletFactory(name="AFP", slug="afp", kind="photo_agency")


def _caption(outlet, afp, text, *, days=0, photographer="Juan Barreto", status="published", **kw):
    article = ArticleFactory(
        outlet=outlet, published_on=DAY + datetime.timedelta(days=days), status=status
    )
    return PhotoCaptionFactory(
        article=article, text=text, agency=afp, photographer=photographer, **kw
    )


@pytest.fixture
def journey(afp):
    scroll = OutletFactory(name="Scroll.in", slug="scroll-in")
    fox = OutletFactory(name="Fox News", slug="fox-news")
    ndtv = OutletFactory(name="NDTV", slug="ndtv")
    mine = _caption(
        scroll,
        afp,
        "A woman rides a bike past a destroyed building in Balakliya, Kharkiv region.",
        taken_on=DAY,
    )
    same = _caption(
        fox,
        afp,
        "This photograph taken in Balakliya shows a woman riding a bike past a destroyed "
        "building in Kharkiv region.",
        days=1,
        photographer="JUAN BARRETO",
        taken_on=DAY,
    )
    # Not the same photo: other words, another photographer, too late, a draft, same outlet.
    _caption(fox, afp, "A Russian armoured vehicle stands in Balakliya, Kharkiv region.", days=1)
    _caption(ndtv, afp, "A woman rides a bike past a destroyed building.", photographer="Ann Lee")
    _caption(ndtv, afp, "A woman rides a bike past a destroyed building in Balakliya.", days=9)
    _caption(
        ndtv,
        afp,
        "A woman rides a bike past a destroyed building in Balakliya.",
        status=ArticleStatus.DRAFT,
    )
    _caption(scroll, afp, "A woman rides a bike past a destroyed building in Balakliya.")
    return mine, same


def test_an_agency_photo_in_another_outlet_is_found_by_credit_date_and_words(journey):
    mine, same = journey
    (caption,) = article_captions(article=mine.article)
    assert caption == mine
    assert caption.siblings == [same]
    (back,) = article_captions(article=same.article)
    # From Fox News, Scroll.in's second print of the photo is the same photo too.
    assert mine in back.siblings
    assert {c.article.outlet.slug for c in back.siblings} == {"scroll-in"}


def test_the_article_page_shows_the_same_photo_in_other_outlets(client, journey):
    mine, same = journey
    page = soup(client.get(mine.article.get_absolute_url()))
    section = page.select_one(".photo-journey")
    assert section.h3.get_text() == "Same photo in other outlets"
    links = [(a.get_text(), a["href"]) for a in section.select("a")]
    assert links == [
        ("Fox News", same.article.get_absolute_url()),
        ("Compare the captions word by word", f"/photos/{mine.article.slug}/{mine.position}/"),
    ]


def test_the_journey_page_lines_up_the_captions_with_their_word_differences(client, journey):
    mine, same = journey
    response = client.get(f"/photos/{mine.article.slug}/{mine.position}/")
    assert response.status_code == 200
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    outlets = [h.contents[0].strip() for h in page.select(".statement-version h2")]
    assert outlets == ["Scroll.in", "Fox News"]
    assert page.select_one(".statement-version .badge").get_text() == "fullest caption"
    diff = page.select_one(".word-diff")
    assert [d.get_text() for d in diff.select("ins")] == ["Balakliya,"]
    assert [d.get_text() for d in diff.select("del")] == [
        "This photograph taken in Balakliya shows"
    ]


def test_a_photo_without_siblings_or_unpublished_has_no_journey_page(client, journey, afp):
    mine, _ = journey
    alone = _caption(OutletFactory(), afp, "Nothing like it anywhere else.")
    assert client.get(f"/photos/{alone.article.slug}/{alone.position}/").status_code == 404
    assert client.get(f"/photos/{mine.article.slug}/99/").status_code == 404
    mine.article.status = ArticleStatus.DRAFT
    mine.article.save()
    assert client.get(f"/photos/{mine.article.slug}/{mine.position}/").status_code == 404


def test_an_article_page_with_shared_photos_stays_within_ten_queries(
    client, journey, afp, django_assert_max_num_queries
):
    mine, _ = journey
    for n in range(5):
        _caption(OutletFactory(), afp, "A woman rides a bike past a destroyed building, Balakliya.")
        PhotoCaptionFactory(article=mine.article, text=f"Another photo {n}", tags=[f"t{n}"])
    # The first page after the edits brings the facet index up to date (it names the related
    # articles); a page at the same revision reads nothing more for it.
    client.get(mine.article.get_absolute_url() + "?n=0")
    with django_assert_max_num_queries(10):
        page = soup(client.get(mine.article.get_absolute_url()))
    assert len(page.select(".photo-journey li")) == 6
