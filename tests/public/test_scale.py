"""Deep pages, cached counts and the revision that keeps them fresh."""

import datetime
import re

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


@pytest.fixture
def generated(settings):
    from archive.dataio.generate import archive_generate

    settings.ARCHIVE_PAGE_SIZE = 5
    archive_generate(articles=300, seed=5, batch=100)


def _popular(through, column):
    from django.db.models import Count

    return (
        through.objects.values(column)
        .annotate(n=Count("pk"))
        .order_by("-n", column)
        .values_list(column, flat=True)[0]
    )


def _all_pages(client, query):
    from django.core.cache import cache

    cache.clear()  # the page cache would otherwise answer the second pass
    seen, page = [], 1
    while True:
        response = client.get(f"/articles/?{query}&page={page}")
        if response.status_code == 404:
            return seen
        assert response.status_code == 200
        seen += slugs(response)
        page += 1


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_filtered_pages_follow_the_plain_sql_order(client, generated, sort):
    from django.db.models import Exists, OuterRef

    from archive.models import Outlet, Place, Quote, Speaker

    ArticlePlace = Article.places.through
    place = Place.objects.get(pk=_popular(ArticlePlace, "place_id"))
    tag = Tag.objects.get(pk=_popular(ArticleTag, "tag_id"))
    outlet = Outlet.objects.get(pk=_popular(Article, "outlet_id"))
    speaker = Speaker.objects.get(pk=_popular(Quote, "speaker_id"))
    queries = [
        f"place={place.slug}",
        f"place={place.slug}&tag={tag.slug}",
        f"place={place.slug}&tag={tag.slug}&outlet={outlet.slug}",
        f"speaker={speaker.slug}&outlet={outlet.slug}",
        f"tag={tag.slug}&from=2021-01-01",
    ]
    published = Article.objects.published().order_by(
        *(("-published_on", "-pk") if sort == "newest" else ("published_on", "pk"))
    )
    expected = {
        queries[0]: published.filter(
            Exists(ArticlePlace.objects.filter(article=OuterRef("pk"), place=place))
        ),
        queries[1]: published.filter(
            Exists(ArticlePlace.objects.filter(article=OuterRef("pk"), place=place)),
            Exists(ArticleTag.objects.filter(content_object=OuterRef("pk"), tag=tag)),
        ),
        queries[2]: published.filter(
            Exists(ArticlePlace.objects.filter(article=OuterRef("pk"), place=place)),
            Exists(ArticleTag.objects.filter(content_object=OuterRef("pk"), tag=tag)),
            outlet=outlet,
        ),
        queries[3]: published.filter(
            Exists(Quote.objects.filter(article=OuterRef("pk"), speaker=speaker)), outlet=outlet
        ),
        queries[4]: published.filter(
            Exists(ArticleTag.objects.filter(content_object=OuterRef("pk"), tag=tag)),
            published_on__gte=datetime.date(2021, 1, 1),
        ),
    }
    for query in queries:
        want = list(expected[query].values_list("slug", flat=True))
        assert len(want) > 10, query  # several pages, so pages are cut mid-list
        assert _all_pages(client, f"{query}&sort={sort}") == want, query


def test_a_list_page_fetches_just_its_own_rows_by_id(client, generated):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tag = Tag.objects.get(pk=_popular(ArticleTag, "tag_id"))
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/articles/?tag={tag.slug}&page=2").status_code == 200
    (sql,) = [q["sql"] for q in ctx.captured_queries if 'FROM "archive_article"' in q["sql"]]
    # The page's five ids, found by the facet index: no date walk, no OFFSET.
    assert re.search(r'"archive_article"."id" IN \((\d+(, )?){5}\)', sql), sql
    assert "OFFSET" not in sql and "EXISTS" not in sql


def test_best_match_pages_follow_the_full_ranking_and_rank_in_one_pass(client, generated):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from archive.search.query import article_search

    ranked = article_search(Article.objects.published(), "troops regroup").order_by(
        "-search_rank", "-published_on", "-pk"
    )
    want = list(ranked.values_list("slug", flat=True))
    assert len(want) > 20
    assert _all_pages(client, "q=troops+regroup") == want
    for page in (1, 3):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/articles/?q=troops+regroup&page={page}&fresh=1")
        ranking = [
            q["sql"] for q in ctx.captured_queries if "bm25(" in q["sql"] or "ts_rank(" in q["sql"]
        ]
        # One pass over the search index alone finds and ranks every match: not joined to the
        # articles, not sorted, not ranked again for the page.
        assert len(ranking) == 1, ranking
        assert not any(word in ranking[0] for word in ("ORDER BY", "LIMIT", "archive_article "))


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_a_filtered_search_follows_the_plain_sql_order_on_every_page(client, generated, sort):
    from archive.search.query import article_search

    tag = Tag.objects.get(pk=_popular(ArticleTag, "tag_id"))
    order = {
        "relevance": ("-search_rank", "-published_on", "-pk"),
        "newest": ("-published_on", "-pk"),
        "oldest": ("published_on", "pk"),
    }[sort]
    for text, extra in (("troops", ""), ("troops regroup", f"&tag={tag.slug}")):
        rows = article_search(Article.objects.published(), text)
        if extra:
            rows = rows.filter(tags=tag)
        want = list(rows.order_by(*order).values_list("slug", flat=True))
        assert len(want) > 10, text
        query = f"q={text.replace(' ', '+')}{extra}&sort={sort}"
        assert _all_pages(client, query) == want, query


def test_best_match_order_follows_an_edit_at_once(client, generated):
    from archive.search.query import article_search

    first = slugs(client.get("/articles/?q=troops+regroup"))
    assert first
    # The last-ranked match gets both words in its headline many times over: it moves up.
    last = (
        article_search(Article.objects.published(), "troops regroup")
        .order_by("search_rank", "published_on", "pk")
        .first()
    )
    assert last.slug not in first
    Article.objects.filter(pk=last.pk).update(headline="Troops regroup: troops regroup, regroup")
    assert slugs(client.get("/articles/?q=troops+regroup"))[0] == last.slug


def test_subject_pages_show_the_latest_rows_the_plain_sql_finds(client, generated):
    from django.core.cache import cache

    from archive.models import Outlet, PhotoCaption, Place, Quote, Speaker
    from archive.public import selectors

    subjects = [
        Place.objects.get(pk=_popular(Article.places.through, "place_id")),
        Speaker.objects.get(pk=_popular(Quote, "speaker_id")),
        Tag.objects.get(pk=_popular(ArticleTag, "tag_id")),
        Outlet.objects.get(pk=_popular(Article, "outlet_id")),
        Outlet.objects.get(pk=_popular(PhotoCaption, "agency_id")),
    ]
    pages = {
        Place: selectors.place_page,
        Speaker: selectors.speaker_page,
        Tag: selectors.tag_page,
        Outlet: selectors.outlet_page,
    }
    for subject in subjects:
        cache.clear()
        response = client.get(subject.get_absolute_url())
        assert response.status_code == 200
        # The plain SQL answer: the page's own querysets, ordered and cut by the database.
        page = pages[type(subject)](**{subject._meta.model_name: subject})
        for section, rows, date_field in (
            ("articles", page.articles, "published_on"),
            ("quotes", page.quotes, "article__published_on"),
            ("captions", page.captions, "article__published_on"),
        ):
            want = list(rows.order_by(f"-{date_field}", "-pk").values_list("pk", flat=True)[:20])
            assert [row.pk for row in response.context[section]] == want, (subject, section)
        assert response.context["articles"] or response.context["captions"]


def test_the_counts_revision_follows_only_what_counts_are_made_of():
    from archive.models import Outlet, Place, PlaceAlias, Quote
    from archive.revision import archive_revisions
    from tests.factories import SpeakerFactory

    article = ArticleFactory(tags=["artillery"])
    quote = QuoteFactory(article=article)
    place = PlaceFactory()
    alias = PlaceAlias.objects.create(owner=place, name="Another spelling")
    outcomes = []

    def step(label, change):
        before = archive_revisions()
        change()
        after = archive_revisions()
        assert after.content > before.content, label  # every change is a new content revision
        outcomes.append((label, after.counts > before.counts))

    articles = Article.objects.filter(pk=article.pk)
    step("headline", lambda: articles.update(headline="Corrected headline"))
    step("body", lambda: articles.update(paragraphs=["A corrected paragraph."]))
    step("quote text", lambda: Quote.objects.filter(pk=quote.pk).update(text="Corrected"))
    step("place spelling", lambda: PlaceAlias.objects.filter(pk=alias.pk).update(name="x"))
    step("place latitude", lambda: Place.objects.filter(pk=place.pk).update(latitude=49.2))
    step("same status", lambda: articles.update(status=article.status))
    step("status", lambda: articles.update(status="draft"))
    step("date", lambda: articles.update(published_on=datetime.date(2022, 9, 11)))
    step("outlet", lambda: articles.update(outlet=OutletFactory()))
    step("place link", lambda: article.places.add(place))
    step("tag link", lambda: article.tags.add("counter-offensive"))
    step("speaker", lambda: Quote.objects.filter(pk=quote.pk).update(speaker=SpeakerFactory()))
    step("place name", lambda: Place.objects.filter(pk=place.pk).update(name="Renamed"))
    step("outlet slug", lambda: Outlet.objects.filter(pk=article.outlet_id).update(slug="moved"))
    step("tag delete", lambda: ArticleTag.objects.filter(content_object=article).delete())
    assert outcomes == [
        ("headline", False),
        ("body", False),
        ("quote text", False),
        ("place spelling", False),
        ("place latitude", False),
        ("same status", False),
        ("status", True),
        ("date", True),
        ("outlet", True),
        ("place link", True),
        ("tag link", True),
        ("speaker", True),
        ("place name", True),
        ("outlet slug", True),
        ("tag delete", True),
    ]


def test_a_text_correction_keeps_the_cached_counts_and_refreshes_the_page(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = ArticleFactory(headline="Troops regroup near Izyum", tags=["casualties"])
    ArticleFactory(tags=["casualties"])
    client.get("/articles/?tag=casualties")  # computes and caches the counts
    Article.objects.filter(pk=article.pk).update(headline="Troops regroup near Izium")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/articles/?tag=casualties")
    assert response["X-Archive-Cache"] == "miss"
    assert "Troops regroup near Izium" in response.content.decode()
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    # A change to what the counts are made of is seen at once.
    ArticleTag.objects.filter(content_object=article).delete()
    page = soup(client.get("/articles/?tag=casualties"))
    assert page.select_one("#facet-tag ~ ul .count").get_text() == "1"


def test_an_admin_save_that_corrects_only_text_keeps_the_counts_revision(editor_client):
    from archive.revision import archive_revisions
    from tests.admin_support import admin_url, form_data

    place = PlaceFactory()
    article = ArticleFactory(tags=["artillery", "casualties"], places=[place])
    QuoteFactory(article=article, text="Before")
    data = form_data(editor_client.get(admin_url("article", "change", article.pk)))
    data["headline"] = "A corrected headline"
    data["quotes-0-text"] = "A corrected quote"
    before = archive_revisions()
    response = editor_client.post(admin_url("article", "change", article.pk), data)
    assert response.status_code == 302
    after = archive_revisions()
    assert after.content > before.content
    assert after.counts == before.counts


def test_a_filter_s_ids_follow_a_new_tag_and_a_moved_place(client):
    from archive.models import Place

    def listed(query):
        return slugs(client.get(f"/articles/?{query}"))

    assert listed("tag=shelling") == []
    article = ArticleFactory(slug="shelled", tags=["shelling"])
    assert listed("tag=shelling") == ["shelled"]
    region = PlaceFactory(slug="kharkiv-oblast")
    town = PlaceFactory(slug="balakliia")
    article.places.add(town)
    assert listed("place=kharkiv-oblast") == []
    Place.objects.filter(pk=town.pk).update(parent=region)  # the town is inside the region now
    assert listed("place=kharkiv-oblast") == ["shelled"]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_quote_and_photo_list_pages_follow_the_plain_sql_order(client, generated, settings, sort):
    from django.core.cache import cache
    from django.http import QueryDict

    from archive.models import CaptionTag, Outlet, PhotoCaption, Place, Quote, QuoteTag, Speaker
    from archive.public.filters import PhotoCaptionFilter, QuoteFilter

    place = Place.objects.get(pk=_popular(Article.places.through, "place_id"))
    speaker = Speaker.objects.get(pk=_popular(Quote, "speaker_id"))
    agency = Outlet.objects.get(pk=_popular(PhotoCaption, "agency_id"))
    quote_tag = Tag.objects.create(name="front-line")
    caption_tag = Tag.objects.create(name="destroyed-bridge")
    QuoteTag.objects.bulk_create(
        QuoteTag(tag=quote_tag, content_object=quote) for quote in Quote.objects.all()[::2]
    )
    CaptionTag.objects.bulk_create(
        CaptionTag(tag=caption_tag, content_object=caption)
        for caption in PhotoCaption.objects.all()[::2]
    )
    addresses = [
        ("quotes", QuoteFilter, f"speaker={speaker.slug}"),
        ("quotes", QuoteFilter, f"place={place.slug}"),
        ("quotes", QuoteFilter, f"place={place.slug}&tag={quote_tag.slug}"),
        ("photos", PhotoCaptionFilter, f"place={place.slug}"),
        ("photos", PhotoCaptionFilter, f"agency={agency.slug}&tag={caption_tag.slug}"),
    ]
    settings.ARCHIVE_PAGE_SIZE = 40

    for path, filter_class, query in addresses:
        # The plain SQL answer: the FilterSet alone, with no facet index.
        model = filter_class._meta.model
        filterset = filter_class(
            data=QueryDict(f"{query}&sort={sort}"), queryset=model.objects.published()
        )
        want = list(filterset.qs.values_list("pk", flat=True))
        cache.clear()
        seen, page = [], 1
        while True:
            response = client.get(f"/{path}/?{query}&sort={sort}&page={page}")
            if response.status_code == 404:
                break
            assert response.status_code == 200
            seen += [row.pk for row in response.context["page_obj"].object_list]
            page += 1
        assert page > 2, query  # several pages, cut mid-list
        assert seen == want, query


def test_only_a_narrowing_filter_counts_as_filtered_and_the_whole_list_shares_its_key():
    from archive.public.filters import ArticleFilter, QuoteFilter

    def filterset(cls, data):
        made = cls(data=data, queryset=cls._meta.model.objects.all())
        assert made.is_valid()
        return made

    assert not filterset(ArticleFilter, {}).is_filtered()
    assert not filterset(ArticleFilter, {"sort": "oldest"}).is_filtered()
    assert filterset(ArticleFilter, {"from": "2022-09-01"}).is_filtered()
    assert filterset(QuoteFilter, {"q": "regroup"}).is_filtered()
    assert filterset(ArticleFilter, {}).cache_params() == ArticleFilter.whole_list_params()
    assert QuoteFilter.whole_list_params() == {"model": "archive.quote"}
