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


@pytest.mark.parametrize("model", [Article, Quote, PhotoCaption])
def test_tags_given_act_as_djangos_prefetch_with_no_query(model, django_assert_num_queries):
    """`tags_given` fills the prefetch cache as Django does: if a Django upgrade changes how a
    prefetched queryset is kept, this fails."""
    from archive.models import Tag
    from archive.models.tag_managers import tags_given

    factory = {Article: ArticleFactory, Quote: QuoteFactory, PhotoCaption: PhotoCaptionFactory}
    items = [factory[model]() for _ in range(3)]
    for i, item in enumerate(items):
        item.tags.add(*[f"given {i} {n}" for n in range(i + 1)])
    pks = [item.pk for item in items]
    prefetched = {
        row.pk: row.tags.all() for row in model.objects.filter(pk__in=pks).prefetch_related("tags")
    }
    rows = list(model.objects.filter(pk__in=pks))
    known = {row.pk: list(Tag.objects.filter(pk__in=row.tags.values("pk"))) for row in rows}
    tags_given(rows[:2], known)
    with django_assert_num_queries(0):
        for row in rows[:2]:
            assert [tag.name for tag in row.tags.all()] == [tag.name for tag in known[row.pk]]
            assert bool(row.tags.all())
            assert type(row.tags.all()) is type(prefetched[row.pk])
            assert row.tags.all()._prefetch_done is prefetched[row.pk]._prefetch_done is True
    # A row given nothing reads its own tags; a queryset made from a given one asks the
    # database again, for that row alone.
    assert sorted(tag.name for tag in rows[2].tags.all()) == ["given 2 0", "given 2 1", "given 2 2"]
    assert [tag.name for tag in rows[1].tags.all().order_by("-name")] == ["given 1 1", "given 1 0"]
    assert rows[0].tags.filter(name__startswith="given").count() == 1
