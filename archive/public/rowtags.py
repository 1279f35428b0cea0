"""The tags of the rows a page shows, from the facet index rather than a query of their own.

A list's article rows, a JSON page's rows, an article page's quotes and captions: each shows
its tags. Read with `prefetch_related("tags")`, they cost a query and, for every row, the ORM's
work of sorting the tags out to their rows, more than the query itself. The facet index holds
every published document's tags and every tag's slug and name, current as of this request, so
a page's rows are given their tags from it (`tags_from_index`), as `Tag` objects made once for
the index's labels. A row the index does not hold as published (one published a moment ago,
after the index caught up) has its tags read by the usual prefetch, so every row shows its
tags either way. Tags are given in the order of their names.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Model, prefetch_related_objects

from archive.facetindex.runtime import index_current
from archive.facetindex.store import FacetIndex
from archive.facetindex.subjects import document_tags
from archive.models import Tag
from archive.models.tag_managers import tags_given
from archive.public.facets import KIND_OF


def _tag_objects(index: FacetIndex) -> dict[int, Tag]:
    """Every tag as a `Tag` (id, name and slug, as a query would load it), made once for the
    index's labels: an edit of a tag makes new labels, an edit of an article keeps them."""
    labels = index.labels
    made = labels.memo.get((("tag",), "objects"))
    if made is None:
        slugs, names = labels.slug.get("tag", {}), labels.name.get("tag", {})
        fields = ["id", "name", "slug"]
        made = {pk: Tag.from_db(None, fields, (pk, names[pk], slug)) for pk, slug in slugs.items()}
        labels.memo[(("tag",), "objects")] = made
    return made


def index_holds(model: type[Model]) -> bool:
    """Say whether the facet index holds the tags of this model's published rows."""
    return model in KIND_OF


def tags_from_index(rows: Sequence[Model], *, index: FacetIndex | None = None) -> None:
    """Give published rows of one kind (articles, quotes or captions) their tags, so that
    `row.tags.all()` runs no query; rows the index does not hold are prefetched as usual (all
    of them, for a model whose tags it does not hold)."""
    if not rows:
        return
    if not index_holds(type(rows[0])):
        prefetch_related_objects(list(rows), "tags")  # as `rows_by_id` leaves them: not sorted
        return
    index = index or index_current()
    kind = KIND_OF[type(rows[0])]
    found = document_tags(index, kind, [row.pk for row in rows])
    objects = _tag_objects(index)
    given = {}
    for pk, tag_ids in found.items():
        tags = [objects[tag] for tag in tag_ids if tag in objects]
        if len(tags) == len(tag_ids):  # a tag made since the labels were read: not given
            given[pk] = _in_name_order(tags)
    tags_given(rows, given)
    missing = [row for row in rows if row.pk not in given]
    if missing:
        prefetch_related_objects(missing, "tags")
        # In the same order as the rows the index gave tags to.
        named = {row.pk: _in_name_order(getattr(row, "tags").all()) for row in missing}  # noqa: B009
        tags_given(missing, named)


def _in_name_order(tags) -> list[Tag]:
    return sorted(tags, key=lambda tag: (tag.name.casefold(), tag.name))
