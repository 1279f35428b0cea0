"""An item's tags: the same rows and SQL as taggit's own manager gives, prefetched or not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.managers import _TaggableManager

from archive.models import Article, PhotoCaption, Place, Quote, Speaker
from archive.models.tag_managers import ListedTags
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
    # In the order of the tagging rows (taggit creates them in no set order).
    assert [tag.name for tag in ours] == [tag.name for tag in theirs]
    assert sorted(tag.name for tag in ours) == ["alpha", "mid", "zeta"]
    assert list(item.tags.names()) == list(_taggits(item).names())


@pytest.mark.parametrize("model", [Article, Quote, PhotoCaption, Place, Speaker])
def test_prefetched_tags_are_taggits_in_one_query_and_a_new_query_still_filters(model, monkeypatch):
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
    pks = [item.pk for item in items]

    def listed() -> dict[int, list[str]]:
        rows = model.objects.filter(pk__in=pks).prefetch_related("tags")
        return {row.pk: [tag.name for tag in row.tags.all()] for row in rows}

    with CaptureQueriesContext(connection) as queries:
        ours = listed()
    assert len(queries) == 2
    with monkeypatch.context() as patch:
        patch.setattr(model._meta.get_field("tags"), "manager", _TaggableManager)
        assert type(items[0].tags) is _TaggableManager
        theirs = listed()
    assert type(items[0].tags) is ListedTags
    # The same tags in the same order as with taggit's own manager.
    assert ours == theirs
    for i, item in enumerate(items):
        assert sorted(ours[item.pk]) == sorted([f"tag {i} {n}" for n in range(i)] + ["shared"])
    # A queryset made from the prefetched one asks the database again, for this row alone.
    row = next(row for row in model.objects.filter(pk=pks[3]).prefetch_related("tags"))
    assert [tag.name for tag in row.tags.all().order_by("-name")] == [
        "tag 3 2",
        "tag 3 1",
        "tag 3 0",
        "shared",
    ]
    assert row.tags.filter(name="shared").count() == 1
