"""An item's tags: the same rows and SQL as taggit's own manager gives, prefetched or not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.managers import _TaggableManager

from archive.models import Article, PhotoCaption, Place, Quote, Speaker
from tests.factories import (
    ArticleFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def _taggits(instance):
    """taggit's own manager of the instance's tags."""
    field = type(instance)._meta.get_field("tags")
    return _TaggableManager(
        through=field.through,
        model=type(instance),
        instance=instance,
        prefetch_cache_name=field.name,
    )


@pytest.mark.parametrize(
    "factory", [ArticleFactory, QuoteFactory, PhotoCaptionFactory, PlaceFactory, SpeakerFactory]
)
def test_an_items_tags_are_taggits_rows_and_sql(factory):
    item = factory()
    other = factory()
    item.tags.add("zeta", "alpha", "mid")
    other.tags.add("alpha", "other")
    ours, theirs = item.tags.all(), _taggits(item).get_queryset()
    assert str(ours.query) == str(theirs.query)
    assert [tag.name for tag in ours] == [tag.name for tag in theirs] == ["zeta", "alpha", "mid"]
    assert list(item.tags.names()) == list(_taggits(item).names())


@pytest.mark.parametrize("model", [Article, Quote, PhotoCaption, Place, Speaker])
def test_prefetched_tags_take_one_query_and_a_new_query_still_filters(model):
    factory = {
        Article: ArticleFactory,
        Quote: QuoteFactory,
        PhotoCaption: PhotoCaptionFactory,
        Place: PlaceFactory,
        Speaker: SpeakerFactory,
    }[model]
    items = [factory() for _ in range(4)]
    for i, item in enumerate(items):
        item.tags.add(*[f"tag {i} {n}" for n in range(i)], "shared")
    with CaptureQueriesContext(connection) as queries:
        rows = list(model.objects.filter(pk__in=[i.pk for i in items]).prefetch_related("tags"))
        listed = {row.pk: [tag.name for tag in row.tags.all()] for row in rows}
    assert len(queries) == 2
    for i, item in enumerate(items):
        assert listed[item.pk] == [f"tag {i} {n}" for n in range(i)] + ["shared"]
    # A queryset made from the prefetched one asks the database again, for this row alone.
    row = next(row for row in rows if row.pk == items[3].pk)
    assert [tag.name for tag in row.tags.all().order_by("-name")] == [
        "tag 3 2",
        "tag 3 1",
        "tag 3 0",
        "shared",
    ]
    assert row.tags.filter(name="shared").count() == 1
