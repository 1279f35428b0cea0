import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive.models import Place, Quote, Tag
from tests.factories import ArticleFactory, OutletFactory, PlaceFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def test_outlet_slug_is_unique():
    OutletFactory(slug="bbc")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutletFactory._meta.model.objects.create(name="Other", slug="bbc")


def test_place_latitude_out_of_range_is_refused_by_the_database():
    place = PlaceFactory()
    Place.objects.filter(pk=place.pk).update(latitude=45)
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(latitude=91)


def test_place_longitude_out_of_range_fails_validation_with_a_field_message():
    place = PlaceFactory.build(longitude=-181)
    with pytest.raises(ValidationError) as info:
        place.full_clean()
    assert "longitude" in info.value.message_dict


def test_place_cannot_lie_inside_itself():
    top = PlaceFactory()
    child = PlaceFactory(parent=top)
    top.parent = child
    with pytest.raises(ValidationError) as info:
        top.full_clean()
    assert info.value.message_dict["parent"] == ["A place cannot lie inside itself."]


def test_quote_needs_a_speaker():
    quote = QuoteFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=quote.pk).update(speaker=None)


def test_quote_position_is_unique_within_an_article():
    quote = QuoteFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(article=quote.article, position=quote.position)


def test_quote_paragraph_must_exist_in_the_article():
    quote = QuoteFactory.build(article=ArticleFactory(), paragraph=9)
    with pytest.raises(ValidationError) as info:
        quote.full_clean(exclude=["speaker"])
    assert "there is no 9" in info.value.message_dict["paragraph"][0]


def test_tags_differing_only_in_case_in_one_call_make_one_tag():
    article = ArticleFactory()
    article.tags.add("Valencia", "valencia", "VALENCIA")
    assert Tag.objects.filter(name__iexact="valencia").count() == 1
    assert article.tags.count() == 1


def test_an_existing_tag_is_reused_whatever_the_case():
    first, second = ArticleFactory(), ArticleFactory()
    first.tags.add("Kharkiv")
    second.tags.add("kharkiv")
    assert Tag.objects.count() == 1
    assert list(second.tags.names()) == ["Kharkiv"]


def test_the_database_refuses_a_tag_that_differs_only_in_case():
    Tag.objects.create(name="Izyum", slug="izyum")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="IZYUM", slug="izyum-2")


def test_natural_keys_round_trip():
    quote = QuoteFactory(tags=["casualties"])
    assert Quote.objects.get_by_natural_key(*quote.natural_key()) == quote
    tagging = quote.tags.through.objects.get()
    assert tagging.natural_key() == ("casualties", quote.article.slug, quote.position)
    assert quote.tags.through.objects.get_by_natural_key(*tagging.natural_key()) == tagging


def test_saving_an_article_bumps_updated_at():
    article = ArticleFactory()
    before = article.updated_at
    article.headline = "Changed"
    article.save()
    assert article.updated_at > before


def test_statements_spell_the_published_status_as_articles_do():
    from archive.models import ArticleStatus
    from archive.models import statements as statement_models

    assert statement_models.PUBLISHED == ArticleStatus.PUBLISHED
