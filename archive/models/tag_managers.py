"""An item's tags (`article.tags`): taggit's field and manager, with a cheaper prefetch.

A list loads its rows' tags in one query (`prefetch_related("tags")`); Django then asks each
row's manager for a queryset to hold that row's tags, and taggit builds it filter and all: the
join to the tagging table worked out again for every row, on a list page more time than the
query itself. Here that filter is kept aside and only worked out if the queryset is run again
(as Django's own related managers keep theirs): the same rows in the same order, the same SQL.
"""

from __future__ import annotations

import functools

from django.db.models import QuerySet
from taggit.managers import TaggableManager, _TaggableManager


@functools.lru_cache(maxsize=64)
def _ordered(through, ordering: tuple[str, ...]) -> QuerySet:
    """The tag model's rows in the manager's order: never run, only copied."""
    return through.tag_model().objects.order_by(*ordering)


class ListedTags(_TaggableManager):
    def get_queryset(self, extra_filters=None):
        cached = getattr(self.instance, "_prefetched_objects_cache", None)
        if cached and self.prefetch_cache_name in cached:
            return cached[self.prefetch_cache_name]
        if extra_filters or self.instance is None:
            return super().get_queryset(extra_filters)
        # taggit: tags_for(model, instance).order_by(*ordering); the ordering first here, so
        # the filter can wait (it is applied when the queryset's query is first needed).
        queryset = _ordered(self.through, tuple(self.ordering))._chain()
        queryset._defer_next_filter = True
        return queryset.filter(**{f"{self.through.tag_relname()}__content_object": self.instance})


class ArchiveTags(TaggableManager):
    """taggit's field with `ListedTags` as its manager, whose value in a form (an admin's
    change form, its inline rows) is read through that manager: from the rows' prefetched
    tags where they were prefetched (`ListedTags.get_queryset`), instead of one query a row.
    taggit's own query has no order, and the tag field sorts the names it shows and
    compares, so the order does not matter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("manager", ListedTags)
        super().__init__(*args, **kwargs)

    def value_from_object(self, obj):
        if obj.pk is None:
            return []
        return list(getattr(obj, self.name).all())


def tags_given(rows, tags: dict[int, list]) -> None:
    """Give each row whose id is in `tags` those tags as its prefetched tags, as
    `prefetch_related("tags")` would have: `row.tags.all()` then runs no query.

    Django keeps a row's prefetched rows in a queryset whose results are already filled in;
    this is the one place outside Django that fills one (tested against Django's own).
    """
    for row in rows:
        if row.pk not in tags:
            continue
        # As Django's prefetch_one_level does: the manager's queryset (its filter waits, see
        # ListedTags), with the results filled in.
        manager = row.tags
        queryset = manager.get_queryset()
        queryset._result_cache = list(tags[row.pk])
        queryset._prefetch_done = True
        cache = row.__dict__.setdefault("_prefetched_objects_cache", {})
        cache[manager.prefetch_cache_name] = queryset
