import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from archive.models import Article, PhotoCaption, PlaceAlias, Quote, SpeakerAlias
from archive.search.backends import search_backend
from archive.search.query import (
    article_search,
    caption_search,
    parse_terms,
    quote_search,
    search_snippets,
)
from tests.conftest import soup
from tests.factories import (
    ArticleFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def found(text, queryset=None):
    """Slugs of the articles a search finds, best first."""
    queryset = Article.objects.all() if queryset is None else queryset
    return list(
        article_search(queryset, text).order_by("-search_rank").values_list("slug", flat=True)
    )


def body(*paragraphs, **kwargs):
    return ArticleFactory(paragraphs=list(paragraphs), **kwargs)


@pytest.fixture
def places():
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    PlaceAlias.objects.create(owner=izyum, name="Izium")
    balakliya = PlaceFactory(name="Balakliya", slug="balakliya")
    PlaceAlias.objects.create(owner=balakliya, name="Balaklyia")
    oblast = PlaceFactory(name="Kharkiv Oblast", slug="kharkiv-oblast")
    PlaceAlias.objects.create(owner=oblast, name="Kharkiv region")
    zelenskyy = SpeakerFactory(name="Volodymyr Zelenskyy", slug="volodymyr-zelenskyy")
    SpeakerAlias.objects.create(owner=zelenskyy, name="Zelensky")
    SpeakerAlias.objects.create(owner=zelenskyy, name="Zelenskyy")
    # Only names that published material uses lend their spellings to a search.
    mentions = body("Nothing to find.", slug="mentions", places=[izyum, balakliya, oblast])
    QuoteFactory(article=mentions, speaker=zelenskyy, text="Nothing said.")


# --- Matching -------------------------------------------------------------------------------


def test_a_stemmed_word_finds_other_forms_of_it():
    body("The army said it would regroup near the river.", slug="regroup")
    body("Nothing about troops here.", slug="other")
    assert found("regrouping") == ["regroup"]
    assert found("REGROUPED") == ["regroup"]


def test_accents_in_the_query_are_ignored():
    if not search_backend(connection).folds_accents():
        pytest.skip("PostgreSQL without the unaccent extension matches accents exactly")
    body("Shelling was reported in Kyiv overnight.", slug="kyiv")
    assert found("Kyïv") == ["kyiv"]
    body("Shelling was reported in Kyïv again.", slug="kyiv-accented")
    assert sorted(found("Kyiv")) == ["kyiv", "kyiv-accented"]


def test_every_word_must_match_somewhere_in_the_article():
    regroup = body("Troops regroup.", slug="both")
    PhotoCaptionFactory(article=regroup, text="A road near Izyum.")
    body("Troops regroup elsewhere.", slug="regroup-only")
    body("Izyum was quiet.", slug="izyum-only")
    assert found("regrouping Izyum") == ["both"]


def test_a_quoted_phrase_must_match_in_order():
    body("a special military operation began", slug="phrase")
    body("an operation that was special and military", slug="scattered")
    assert found('"special military operation"') == ["phrase"]
    assert sorted(found("special military operation")) == ["phrase", "scattered"]


def test_headline_match_ranks_above_body_only_match():
    body("Troops began to regroup on Friday.", slug="in-body", headline="Friday report")
    body("Weather was mild.", slug="in-headline", headline="Russia regroups its forces")
    for n in range(5):
        body("Unrelated filler text.", slug=f"filler-{n}")
    assert found("regroup") == ["in-headline", "in-body"]
    ranks = article_search(Article.objects.all(), "regroup").values_list("search_rank", flat=True)
    assert all(isinstance(rank, float) and rank > 0 for rank in ranks)


def test_quotes_standfirst_and_captions_are_searched_with_the_article():
    quoted = body("Plain text.", slug="quoted")
    QuoteFactory(article=quoted, text="We will liberate every town")
    captioned = body("Plain text.", slug="captioned")
    PhotoCaptionFactory(article=captioned, text="A tank crosses a pontoon bridge")
    body("Plain text.", slug="standfirst", standfirst="Pontoon crossings continue")
    assert found("liberate") == ["quoted"]
    assert sorted(found("pontoon")) == ["captioned", "standfirst"]


def test_a_place_alias_finds_the_place_under_its_main_name(places):
    body("Russian forces left Izyum on Saturday.", slug="izyum")
    body("Russian forces left Balakliya on Saturday.", slug="balakliya")
    assert found("Izium") == ["izyum"]
    assert found("balaklyia") == ["balakliya"]


def test_a_main_name_finds_the_other_spellings_too(places):
    body("The Izium front was calm.", slug="izium")
    assert found("Izyum") == ["izium"]


def test_a_name_of_several_words_expands_as_a_whole(places):
    body("Fighting continued in the Kharkiv Oblast.", slug="oblast")
    body("Fighting continued in the region near Kharkiv.", slug="loose")
    assert found("Kharkiv region") == ["oblast"]
    assert parse_terms("kharkiv REGION")[0].spellings[1] == ("Kharkiv", "Oblast")


def test_a_speaker_alias_finds_the_speaker(places):
    body("Volodymyr Zelenskyy spoke on Friday.", slug="full-name")
    body("Zelenskyy spoke again.", slug="surname")
    assert sorted(found("Zelensky")) == ["full-name", "surname"]


def test_search_keeps_the_queryset_it_was_given():
    body("Troops regroup.", slug="published")
    body("Troops regroup.", slug="draft", status="draft")
    assert found("regroup", Article.objects.published()) == ["published"]


# --- The queryset stays a queryset ----------------------------------------------------------


def test_the_result_chains_counts_slices_and_aggregates():
    first = body("Troops regroup.", slug="a", headline="Regroup")
    QuoteFactory(article=first, text="We regroup")
    QuoteFactory(article=first, text="And we advance")
    body("Troops regroup.", slug="b")
    body("Nothing.", slug="c")
    results = article_search(Article.objects.all(), "regroup")
    assert results.count() == 2
    assert results.filter(slug="b").count() == 1
    assert [a.slug for a in results.order_by("-search_rank")[:1]] == ["a"]
    counted = results.annotate(n=Count("quotes", distinct=True)).order_by("-search_rank")
    assert [(a.slug, a.n) for a in counted] == [("a", 2), ("b", 0)]
    assert Quote.objects.filter(article__in=results).count() == 2
    assert list(results.order_by("slug").values_list("slug", flat=True).distinct()) == ["a", "b"]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "“”—…", "the of and"])
def test_text_without_words_returns_the_queryset_whole_with_rank_zero(text):
    body("Troops regroup.", slug="a")
    body("Nothing.", slug="b")
    results = article_search(Article.objects.all(), text).order_by("-search_rank", "slug")
    assert [(a.slug, a.search_rank) for a in results] == [("a", 0.0), ("b", 0.0)]


HOSTILE = [
    '"',
    '"regroup',
    'regroup"',
    '"" "',
    "regroup OR troops NOT x NEAR(a b) AND *",
    "regr*",
    "headline:regroup",
    "^regroup",
    "'; DROP TABLE archive_article; --",
    "1=1) OR (1=1",
    "<script>alert('x')</script>",
    "%s %% %(x)s {key}",
    "\\ \\\\ \x00 \x01 \x02",
    "\ud800 broken surrogate",
    "x" * 5000,
    "regroup " * 700,
    "a " * 2500,
    "-regroup !troops & | <-> :*",
    "(((",
    "Izium Izium Izium",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(text, places):
    article = body("Troops regroup near Izyum.", slug="a")
    QuoteFactory(article=article, text="We regroup")
    PhotoCaptionFactory(article=article, text="Troops regroup")
    list(article_search(Article.objects.all(), text).order_by("-search_rank"))
    article_search(Article.objects.all(), text).count()
    list(quote_search(Quote.objects.all(), text))
    list(caption_search(PhotoCaption.objects.all(), text))
    assert set(search_snippets([article], text)) == {article.pk}


def test_operators_in_the_text_are_words_not_syntax():
    body("Troops regroup.", slug="a")
    assert found("regroup OR nothing") == []
    assert found("regroup*") == ["a"]


# --- Index kept in step ---------------------------------------------------------------------


def test_index_follows_a_saved_edit():
    article = body("Troops regroup.", slug="a")
    article.paragraphs = ["Troops withdraw."]
    article.headline = "A new headline"
    article.save()
    assert found("regroup") == []
    assert found("withdraw") == ["a"]
    assert found("new headline") == ["a"]


def test_index_follows_a_delete_and_its_cascade():
    article = body("Troops regroup.", slug="a")
    QuoteFactory(article=article, text="We regroup")
    PhotoCaptionFactory(article=article, text="Regrouping troops")
    article.delete()
    assert found("regroup") == []
    assert not quote_search(Quote.objects.all(), "regroup").exists()
    assert not caption_search(PhotoCaption.objects.all(), "regroup").exists()
    body("Troops regroup.", slug="b")
    assert found("regroup") == ["b"]


def test_index_follows_queryset_update():
    body("Troops regroup.", slug="a", headline="Old headline")
    body("Troops regroup.", slug="b", headline="Old headline")
    Article.objects.filter(slug="a").update(headline="Pontoon bridge")
    Article.objects.update(standfirst="Counteroffensive")
    assert found("pontoon") == ["a"]
    assert sorted(found("counteroffensive")) == ["a", "b"]
    Article.objects.update(status="draft")
    assert sorted(found("regroup")) == ["a", "b"]


def test_index_follows_bulk_create():
    outlet = ArticleFactory().outlet
    Article.objects.bulk_create(
        [
            Article(
                outlet=outlet,
                slug=f"bulk-{n}",
                headline=f"Bulk {n}",
                paragraphs=["Regroup"],
                published_on=datetime.date(2022, 9, 10),
            )
            for n in range(3)
        ]
    )
    article = Article.objects.get(slug="bulk-0")
    speaker = SpeakerFactory()
    Quote.objects.bulk_create(
        [Quote(article=article, position=n, speaker=speaker, text="Pontoon") for n in range(2)]
    )
    assert sorted(found("regroup")) == ["bulk-0", "bulk-1", "bulk-2"]
    assert found("pontoon") == ["bulk-0"]
    assert quote_search(Quote.objects.all(), "pontoon").count() == 2


def test_index_follows_a_quote_edit():
    article = body("Plain text.", slug="a")
    quote = QuoteFactory(article=article, text="We regroup")
    quote.text = "We withdraw"
    quote.save()
    assert found("regroup") == []
    assert found("withdraw") == ["a"]
    assert list(quote_search(Quote.objects.all(), "withdraw")) == [quote]
    Quote.objects.update(text="Pontoon")
    assert found("pontoon") == ["a"]


def test_index_follows_a_quote_moved_to_another_article():
    first, second = body("Plain.", slug="first"), body("Plain.", slug="second")
    quote = QuoteFactory(article=first, text="We regroup")
    quote.article = second
    quote.save()
    assert found("regroup") == ["second"]


def test_index_follows_a_caption_delete():
    article = body("Plain text.", slug="a")
    keep = PhotoCaptionFactory(article=article, text="A pontoon bridge")
    gone = PhotoCaptionFactory(article=article, text="A burnt tank")
    gone.delete()
    assert found("tank") == []
    assert found("pontoon") == ["a"]
    assert list(caption_search(PhotoCaption.objects.all(), "bridge")) == [keep]


def test_index_follows_a_fixture_load(seed):
    assert set(found("regrouping Izium")) == set(Article.objects.values_list("slug", flat=True))
    assert quote_search(Quote.objects.all(), "Donbas").count() >= 1


def test_rebuild_search_index_restores_a_damaged_index():
    body("Troops regroup.", slug="a")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM archive_search_article")
        else:
            cursor.execute("TRUNCATE archive_search_article")
    assert found("regroup") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    call_command("rebuild_search_index", stdout=out)
    assert found("regroup") == ["a"]
    assert "1 articles, 0 quotes, 0 captions" in out.getvalue()


def test_migrate_puts_back_triggers_a_table_rebuild_dropped():
    search_backend(connection).drop_triggers()
    body("Troops regroup.", slug="a")
    assert search_backend(connection).missing_triggers()
    call_command("migrate", verbosity=0)
    assert search_backend(connection).missing_triggers() == []
    assert found("regroup") == ["a"]


# --- Snippets -------------------------------------------------------------------------------


def test_snippets_mark_the_matched_words(places):
    article = body(
        "Filler. " * 40,
        "Russian troops will regroup around Izyum, the ministry said.",
        slug="a",
    )
    snippets = search_snippets([article], "regrouping Izium")
    marked = [text for text, highlighted in snippets[article.pk] if highlighted]
    assert marked == ["regroup", "Izyum"]
    assert "around" in "".join(text for text, _ in snippets[article.pk])


def test_snippets_are_text_not_html():
    article = body("Regroup & retreat: 5 < 7", slug="a")
    segments = search_snippets([article], "regroup")[article.pk]
    assert segments[0] == ("Regroup", True)
    assert segments[1] in [(" & retreat: 5 < 7", False), (" & retreat", False)]


def test_snippets_take_one_query_per_page(django_assert_num_queries):
    articles = [body("Troops regroup.", slug=f"a{n}") for n in range(10)]
    with django_assert_num_queries(2):  # names that could be places or speakers, snippets
        snippets = search_snippets(articles, "regroup")
    assert all(("regroup", True) in snippets[a.pk] for a in articles)


def test_snippets_without_a_match_show_the_opening():
    article = body("First words of the body.", slug="a", standfirst="")
    assert search_snippets([article], "") == {article.pk: [("First words of the body.", False)]}


def test_a_new_spelling_expands_the_public_search_at_once(client):
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    body("Russian forces left Izyum on Saturday.", headline="Troops leave Izyum", places=[izyum])

    def listed(text):
        response = client.get("/articles/", {"q": text})
        assert response.status_code == 200
        return "Troops leave Izyum" in response.content.decode()

    assert listed("Izyum")
    assert not listed("Iziumm")  # its words are parsed once, and cached until the next edit
    PlaceAlias.objects.create(owner=izyum, name="Iziumm")
    assert listed("Iziumm")


def test_a_snippet_does_not_repeat_the_standfirst_the_row_prints():
    in_body = body(
        "Later, the troops began to regroup near the river.",
        slug="in-body",
        standfirst="Troops regroup near Izyum.",
    )
    only_standfirst = body("Nothing relevant here.", slug="only", standfirst="Troops regroup.")
    snippets = search_snippets([in_body, only_standfirst], "regroup")
    assert ("regroup", True) in snippets[in_body.pk]
    assert "river" in "".join(text for text, _ in snippets[in_body.pk])
    assert snippets[only_standfirst.pk] == []


def test_the_sort_menu_says_best_match_when_a_search_orders_by_it(client):
    body("Troops regroup.", slug="a")
    page = soup(client.get("/articles/?q=regroup"))
    assert page.select_one("select[name=sort] option[selected]").get_text() == "Best match"
    page = soup(client.get("/articles/?q=regroup&sort=oldest"))
    assert page.select_one("select[name=sort] option[selected]").get_text() == "Oldest first"
    page = soup(client.get("/articles/"))
    assert page.select_one("select[name=sort] option[selected]") is None  # newest, the default
