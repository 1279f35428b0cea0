import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from archive.dataio.generate import archive_generate
from archive.models import (
    Article,
    ArticleStatus,
    ArticleTag,
    PhotoCaption,
    Place,
    PlaceAlias,
    Quote,
    Speaker,
    Tag,
)
from archive.search.backends import search_backend
from archive.search.query import article_search, caption_search, quote_search
from tests.dataio.archive_io import export, flush_archive

pytestmark = pytest.mark.django_db


def test_generate_writes_articles_with_their_quotes_captions_places_and_tags():
    report = archive_generate(articles=120, seed=3, batch=50)
    assert (report.articles, Article.objects.count()) == (120, 120)
    assert report.quotes == Quote.objects.count()
    assert report.captions == PhotoCaption.objects.count()
    per_article = Article.objects.aggregate(
        quotes=Count("quotes", distinct=True) * 1.0 / Count("id", distinct=True),
    )
    assert 4 <= per_article["quotes"] <= 6
    assert 1.5 <= PhotoCaption.objects.count() / 120 <= 2.5
    assert 3 <= Article.places.through.objects.count() / 120 <= 5
    assert 4 <= ArticleTag.objects.count() / 120 <= 6
    assert Place.objects.count() >= 60 and Speaker.objects.count() >= 40
    assert PlaceAlias.objects.exists()
    assert not Article.objects.exclude(slug__startswith="gen-").exists()
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).count()
    assert 0.8 * 120 <= published < 120


def test_generated_facets_are_skewed():
    archive_generate(articles=200, seed=4, batch=100)
    counts = sorted(
        Place.objects.annotate(n=Count("articles")).filter(n__gt=0).values_list("n", flat=True)
    )
    assert counts[-1] >= 5 * counts[len(counts) // 2]


def test_quotes_are_printed_in_their_paragraph():
    archive_generate(articles=20, seed=5)
    for quote in Quote.objects.select_related("article")[:30]:
        assert quote.text in quote.article.paragraphs[quote.paragraph - 1]


def test_generated_articles_are_in_the_search_index():
    archive_generate(articles=60, seed=6, batch=25)
    article = Article.objects.order_by("slug").last()
    headline_word = max(article.headline.split(), key=len)
    assert article_search(Article.objects.all(), headline_word).filter(pk=article.pk).exists()
    quote = Quote.objects.first()
    assert quote_search(Quote.objects.all(), quote.text).filter(pk=quote.pk).exists()
    caption = PhotoCaption.objects.last()
    assert caption_search(PhotoCaption.objects.all(), caption.text).filter(pk=caption.pk).exists()
    found = article_search(Article.objects.all(), "regrouping").count()
    mentions = (
        Q(paragraphs__icontains="regroup")
        | Q(headline__icontains="regroup")
        | Q(standfirst__icontains="regroup")
    )
    assert found == Article.objects.filter(mentions).count() > 0
    assert search_backend(connection).missing_triggers() == []


def test_the_same_seed_gives_the_same_archive():
    archive_generate(articles=40, seed=7, batch=15)
    first = export()
    flush_archive()
    archive_generate(articles=40, seed=7, batch=15)
    assert export() == first
    flush_archive()
    archive_generate(articles=40, seed=8, batch=15)
    assert export() != first


def test_generate_adds_to_the_seed_fixtures_without_collisions(seed):
    before = Article.objects.count()
    archive_generate(articles=30, seed=1)
    assert Article.objects.count() == before + 30
    assert Tag.objects.filter(name__iexact="shelling").count() <= 1


def test_generate_archive_command_reports_what_it_wrote():
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_archive", "--articles", "30", "--seed", "2", stdout=out, stderr=err)
    assert "Generated 30 articles" in out.getvalue()
    assert " s." in out.getvalue()
    assert "30/30 articles" in err.getvalue()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_archive", "--articles", "0")
