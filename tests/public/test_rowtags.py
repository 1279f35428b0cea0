"""The tags a page's rows show come from the facet index: current after an edit, in name order,
and a row the index does not hold yet still shows its own."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from archive.facetindex import runtime
from archive.models import Article, ArticleStatus
from archive.public import selectors
from archive.public.rowtags import tags_from_index
from tests.factories import ArticleFactory, PhotoCaptionFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def _row_tags(html: bytes, slug: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    link = soup.find("a", href=f"/articles/{slug}/")
    row = link.find_parent("article")
    return [tag.get_text() for tag in row.select(".tag-list .tag")]


def test_a_lists_rows_show_their_tags_in_name_order_and_an_edit_on_the_next_page(client):
    article = ArticleFactory(tags=["zulu", "Alpha", "mike"])
    ArticleFactory(tags=["other"])
    assert _row_tags(client.get("/articles/").content, article.slug) == ["Alpha", "mike", "zulu"]
    article.tags.remove("mike")
    article.tags.add("bravo")
    assert _row_tags(client.get("/articles/?page=1").content, article.slug) == [
        "Alpha",
        "bravo",
        "zulu",
    ]


def test_a_renamed_tag_shows_its_new_name_and_address_on_the_next_page(client):
    article = ArticleFactory(tags=["before"])
    client.get("/articles/")
    tag = article.tags.get()
    tag.name, tag.slug = "after", "after-slug"
    tag.save()
    soup = BeautifulSoup(client.get("/articles/?n=1").content, "html.parser")
    assert [(a.get_text(), a["href"]) for a in soup.select(".tag-list a.tag")] == [
        ("after", "/tags/after-slug/")
    ]


def test_the_json_page_and_the_article_page_show_the_tags_of_each_row(
    client, django_assert_num_queries
):
    article = ArticleFactory(tags=["b", "a"])
    QuoteFactory(article=article, tags=["q2", "q1"])
    PhotoCaptionFactory(article=article, tags=["c1"])
    rows = json.loads(client.get("/articles/?format=json").content)["results"]
    assert [row["tags"] for row in rows] == [["a", "b"]]
    quotes = json.loads(client.get("/quotes/?format=json").content)["results"]
    assert [row["tags"] for row in quotes] == [["q1", "q2"]]
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert [tag.get_text() for tag in page.select(".tag-list .tag")] == ["a", "b"]
    # The article page's article carries its quotes' and captions' tags too (the API's
    # article reads it), read from the index.
    loaded = selectors.article_for_page(slug=article.slug)
    with django_assert_num_queries(0):
        assert [t.name for t in loaded.tags.all()] == ["a", "b"]
        assert [[t.name for t in q.tags.all()] for q in loaded.quotes.all()] == [["q1", "q2"]]
        assert [[t.name for t in c.tags.all()] for c in loaded.captions.all()] == [["c1"]]


def test_a_row_the_index_does_not_hold_yet_reads_its_own_tags(django_assert_num_queries):
    held = ArticleFactory(tags=["held"])
    index = runtime.index_current()
    # Published after the index caught up, and a draft: neither is in this index.
    late = ArticleFactory(tags=["late", "also", "Beta"])
    draft = ArticleFactory(tags=["draft"], status=ArticleStatus.DRAFT)
    rows = list(Article.objects.filter(pk__in=[held.pk, late.pk, draft.pk]).order_by("pk"))
    with django_assert_num_queries(1):  # the two rows the index does not hold, in one prefetch
        tags_from_index(rows, index=index)
    with django_assert_num_queries(0):  # in name order, as the rows the index gave tags to
        assert [[t.name for t in row.tags.all()] for row in rows] == [
            ["held"],
            ["also", "Beta", "late"],
            ["draft"],
        ]


def test_rows_of_a_model_the_index_does_not_hold_keep_their_prefetched_tags(
    django_assert_num_queries,
):
    from archive.models import Place
    from archive.public.pagination import rows_by_id
    from tests.factories import PlaceFactory

    places = [PlaceFactory(), PlaceFactory()]
    places[0].tags.add("front line")
    with django_assert_num_queries(2):  # the rows, then their tags in one prefetch
        rows = rows_by_id(Place.objects.prefetch_related("tags"), [p.pk for p in places][::-1])
    with django_assert_num_queries(0):
        assert [[t.name for t in row.tags.all()] for row in rows] == [[], ["front line"]]
