"""Bulk tag actions: asking the policy about many quotes or captions costs a fixed number of
queries, however many are selected."""

import pytest
from django.core.exceptions import ValidationError

from archive.editorial import tagging
from archive.models import ArticleStatus, PhotoCaption, Quote
from tests.factories import ArticleFactory, PhotoCaptionFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

# The contributor's permissions (user and group: 2), the selected rows' articles (1), and the
# one refused quote's speaker for the message (1).
POLICY_QUERIES = 4


def _in_own_articles(factory, count: int, **kwargs) -> None:
    """Make `count` rows, each in a draft article of its own but the last, which is published."""
    for i in range(count):
        status = ArticleStatus.PUBLISHED if i == count - 1 else ArticleStatus.DRAFT
        factory(article=ArticleFactory(status=status), **kwargs)


def test_a_contributor_refused_on_20_quotes_costs_a_fixed_number_of_queries(
    contributor, django_assert_max_num_queries
):
    _in_own_articles(QuoteFactory, 20, speaker=SpeakerFactory(name="Hanna Maliar"))
    quotes = list(Quote.objects.order_by("pk"))  # as the admin passes them: articles not loaded
    with (
        django_assert_max_num_queries(POLICY_QUERIES),
        pytest.raises(ValidationError) as refused,
    ):
        tagging.tag_add(quotes, ["Izyum"], user=contributor)
    assert "Nothing was changed. Not yours to tag: “Hanna Maliar: “Words spoken" in str(
        refused.value
    )
    assert not Quote.objects.filter(tags__name="Izyum").exists()


def test_a_contributor_refused_on_20_captions_costs_a_fixed_number_of_queries(
    contributor, django_assert_max_num_queries
):
    _in_own_articles(PhotoCaptionFactory, 20, tags=["Izyum"])
    captions = list(PhotoCaption.objects.order_by("pk"))
    with (
        django_assert_max_num_queries(POLICY_QUERIES - 1),  # a caption names no speaker
        pytest.raises(ValidationError, match="Not yours to tag"),
    ):
        tagging.tag_remove(captions, ["Izyum"], user=contributor)
    assert PhotoCaption.objects.filter(tags__name="Izyum").count() == 20


def test_a_contributor_may_tag_20_draft_quotes_in_one_action(contributor):
    speaker = SpeakerFactory()
    for _ in range(20):
        QuoteFactory(article=ArticleFactory(status=ArticleStatus.DRAFT), speaker=speaker)
    result = tagging.tag_add(list(Quote.objects.all()), ["Izyum"], user=contributor)
    assert (result.tags, result.changed, result.unchanged) == (["Izyum"], 20, 0)
    assert Quote.objects.filter(tags__name="Izyum").count() == 20
