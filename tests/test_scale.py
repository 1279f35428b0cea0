"""Deep pages, cached counts and the revision that keeps them fresh."""

import datetime

import pytest

from archive.models import Article, ArticleTag, Tag
from archive.revision import archive_revision
from tests.conftest import soup
from tests.factories import ArticleFactory, OutletFactory, PlaceFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def slugs(response):
    return [a["href"].split("/")[2] for a in soup(response).select(".article-row-headline a")]


@pytest.fixture
def many(settings):
    settings.ARCHIVE_PAGE_SIZE = 20
    outlet = OutletFactory()
    start = datetime.date(2022, 1, 1)
    # 53 articles over 9 days, unevenly, so pages start in the middle of a day.
    for n in range(53):
        ArticleFactory(
            outlet=outlet,
            slug=f"a{n:03d}",
            published_on=start + datetime.timedelta(days=n % 9 * n % 7),
        )


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_every_page_matches_the_full_ordering(client, many, sort):
    desc = sort == "newest"
    ordered = list(
        Article.objects.order_by(
            *(("-published_on", "-pk") if desc else ("published_on", "pk"))
        ).values_list("slug", flat=True)
    )
    seen = []
    for page in (1, 2, 3):
        seen += slugs(client.get(f"/articles/?sort={sort}&page={page}"))
    assert seen == ordered
    assert client.get(f"/articles/?sort={sort}&page=4").status_code == 404


def test_deep_page_query_count_is_the_same_as_the_first(client, many):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/articles/")  # fills the cached counts
    counts = []
    for page in (1, 3):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/articles/?page={page}")
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_revision_goes_up_on_every_kind_of_write():
    steps = []
    before = archive_revision()
    article = ArticleFactory()
    steps.append(archive_revision())
    Article.objects.filter(pk=article.pk).update(headline="Changed in bulk")
    steps.append(archive_revision())
    article.tags.add("new-tag")
    steps.append(archive_revision())
    article.places.add(PlaceFactory())
    steps.append(archive_revision())
    QuoteFactory(article=article)
    steps.append(archive_revision())
    Tag.objects.filter(name="new-tag").update(name="renamed")
    steps.append(archive_revision())
    ArticleTag.objects.all().delete()
    steps.append(archive_revision())
    article.delete()
    steps.append(archive_revision())
    values = [before, *steps]
    assert all(later > earlier for earlier, later in zip(values, values[1:], strict=False)), values


def test_facet_counts_are_cached_and_refreshed_by_an_edit(client):
    article = ArticleFactory(tags=["casualties"])
    ArticleFactory(tags=["casualties"])

    def tag_count():
        page = soup(client.get("/articles/"))
        section = page.find("section", attrs={"aria-labelledby": "facet-tag"})
        return {li.a.get_text(): li.select_one(".count").get_text() for li in section.select("li")}

    assert tag_count() == {"casualties": "2"}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cold:
        client.get("/articles/?outlet=x")
    with CaptureQueriesContext(connection) as warm:
        client.get("/articles/?outlet=x")
    assert len(warm) < len(cold)
    ArticleTag.objects.filter(content_object=article).delete()
    assert tag_count() == {"casualties": "1"}


def test_migrate_puts_back_revision_triggers_a_table_rebuild_dropped():
    from django.core.management import call_command
    from django.db import connection

    from archive import revision

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER archive_rev_article_insert")
        else:
            cursor.execute("DROP TRIGGER archive_rev_article_insert ON archive_article")
    outlet = OutletFactory()
    before = revision.archive_revision()
    ArticleFactory(outlet=outlet)
    assert revision.archive_revision() == before  # the drop is real: an insert went unseen
    call_command("migrate", verbosity=0)
    ArticleFactory(outlet=outlet)
    assert revision.archive_revision() > before


def test_a_public_page_is_served_from_the_cache_until_the_next_edit(client):
    article = ArticleFactory(headline="First headline")
    first = client.get("/articles/")
    assert first["X-Archive-Cache"] == "miss"
    again = client.get("/articles/")
    assert again["X-Archive-Cache"] == "hit"
    assert again.content == first.content
    assert again["X-Frame-Options"] == "DENY"  # headers still come from the middleware above
    article.headline = "Second headline"
    article.save()
    fresh = client.get("/articles/")
    assert fresh["X-Archive-Cache"] == "miss"
    assert b"Second headline" in fresh.content


def test_editors_errors_and_the_admin_are_never_served_from_the_page_cache(client, admin_client):
    ArticleFactory()
    admin_client.get("/articles/")
    assert "X-Archive-Cache" not in admin_client.get("/articles/")
    assert "X-Archive-Cache" not in client.get("/admin/login/")
    client.get("/articles/no-such-article/")
    assert client.get("/articles/no-such-article/")["X-Archive-Cache"] == "miss"
    client.get("/articles/?from=nonsense")
    assert client.get("/articles/?from=nonsense")["X-Archive-Cache"] == "miss"
