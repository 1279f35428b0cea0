"""Tag curation: add and remove tags in bulk, rename, merge and delete tags, suggest names.

Each tagged model has its own through model (ArticleTag, QuoteTag…); the functions here work
across all of them and log renames, merges and deletions as TagOperation rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils.text import slugify

from archive import models as m
from archive.editorial.history import history_baseline_bulk, history_record_bulk
from archive.editorial.policy import (
    NOT_AN_EDITOR,
    policy_may_add,
    policy_may_curate_tags,
    policy_may_tag,
)
from archive.versioning import VersionedModel

# Every model that carries tags, with the label an editor reads.
TAGGED_MODELS: list[tuple[str, type[VersionedModel]]] = [
    ("articles", m.Article),
    ("quotes", m.Quote),
    ("captions", m.PhotoCaption),
    ("places", m.Place),
    ("speakers", m.Speaker),
]
MAX_TAG_LENGTH = m.MAX_TAG_LENGTH


def _slug_for(name: str) -> str:
    return m.Tag().slugify(name)


def tag_names_parse(text: str) -> list[str]:
    """Split an editor's comma-separated tag names, dropping blanks and repeats of any case."""
    seen, names = set(), []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _tags_for(names: Iterable[str], *, create: bool, user=None) -> list[m.Tag]:
    """Turn names into Tag rows, creating the new ones (if the user may add tags)."""
    tags = []
    for item in m.Tag.objects.resolve(names, create=create):
        if isinstance(item, str):
            if not policy_may_add(user, m.Tag):
                raise ValidationError(f"You may not create new tags (“{item}”).")
            item, _ = m.Tag.objects.get_or_create(name__iexact=item, defaults={"name": item})
        tags.append(item)
    return tags


def _check_may_tag(objects: list[VersionedModel], user) -> None:
    """Refuse the whole action if any object is one the user may not tag."""
    # The policy reads each quote's or caption's article: load them in one query per model,
    # not one per selected row.
    for model in (m.Quote, m.PhotoCaption):
        prefetch_related_objects([obj for obj in objects if isinstance(obj, model)], "article")
    refused = [obj for obj in objects if not policy_may_tag(user, obj)]
    if refused:
        names = ", ".join(f"“{obj}”" for obj in refused[:3])
        more = f" and {len(refused) - 3} more" if len(refused) > 3 else ""
        raise ValidationError(
            f"{NOT_AN_EDITOR} Nothing was changed. Not yours to tag: {names}{more}."
        )


def _check_may_curate(user) -> None:
    if not policy_may_curate_tags(user):
        raise ValidationError("Only editors may rename, merge or delete tags.")


@dataclass
class TaggingResult:
    """What a bulk tag action did."""

    tags: list[str]
    changed: int
    unchanged: int


def tag_add(objects: Iterable[VersionedModel], names: Iterable[str], *, user) -> TaggingResult:
    """Add tags to every object given, recording who added them; existing taggings stay."""
    objects = list(objects)
    _check_may_tag(objects, user)
    with transaction.atomic():
        tags = _tags_for(names, create=True, user=user)
        if not tags:
            raise ValidationError("Give at least one tag name.")
        changed = unchanged = 0
        for obj in objects:
            had = set(obj.tags.values_list("pk", flat=True))
            obj._history_user = user
            obj.tags.add(*tags, through_defaults={"added_by": user})
            if {t.pk for t in tags} - had:
                changed += 1
            else:
                unchanged += 1
    return TaggingResult([t.name for t in tags], changed, unchanged)


def tag_remove(objects: Iterable[VersionedModel], names: Iterable[str], *, user) -> TaggingResult:
    """Remove tags from every object given; names that are no tag at all are refused."""
    names = list(names)
    objects = list(objects)
    _check_may_tag(objects, user)
    with transaction.atomic():
        tags = _tags_for(names, create=False, user=user)
        known = {t.name.casefold() for t in tags} | {_slug_for(t.name) for t in tags}
        unknown = [n for n in names if n.casefold() not in known and _slug_for(n) not in known]
        if unknown:
            raise ValidationError(f"There is no tag called “{unknown[0]}”.")
        if not tags:
            raise ValidationError("Give at least one tag name.")
        changed = unchanged = 0
        for obj in objects:
            had = set(obj.tags.values_list("pk", flat=True))
            obj._history_user = user
            obj.tags.remove(*[t.name for t in tags])
            if had & {t.pk for t in tags}:
                changed += 1
            else:
                unchanged += 1
    return TaggingResult([t.name for t in tags], changed, unchanged)


def tag_usage(queryset: models.QuerySet | None = None) -> models.QuerySet:
    """Return tags annotated with how many articles, quotes… use each, and the total."""
    queryset = m.Tag.objects.all() if queryset is None else queryset
    annotations = {
        f"{label}_count": m.count_of(model.tags.through, "tag") for label, model in TAGGED_MODELS
    }
    queryset = queryset.annotate(**annotations)
    total = sum((models.F(name) for name in annotations), Value(0))
    return queryset.annotate(total_count=total)


@dataclass
class MergeRow:
    """One tagged model's numbers in a merge preview or result."""

    label: str
    target: int
    sources: int
    after: int

    @property
    def duplicates(self) -> int:
        return self.target + self.sources - self.after


def tag_merge_preview(sources: Iterable[m.Tag], target: m.Tag) -> list[MergeRow]:
    """Return, per tagged model, how many items carry the target and the sources now, and after."""
    source_ids = [t.pk for t in sources if t.pk != target.pk]
    rows = []
    for label, model in TAGGED_MODELS:
        through = model.tags.through
        rows.append(
            MergeRow(
                label=label,
                target=through.objects.filter(tag=target).count(),
                sources=through.objects.filter(tag_id__in=source_ids).count(),
                after=through.objects.filter(tag_id__in=[*source_ids, target.pk])
                .values("content_object_id")
                .distinct()
                .count(),
            )
        )
    return rows


def _redirect_to(old_slugs: list[str], tag: m.Tag) -> None:
    """Point the old addresses, and any that pointed to them, at `tag`."""
    m.TagRedirect.objects.filter(tag__slug__in=old_slugs).update(tag=tag)
    for slug in old_slugs:
        if slug != tag.slug:
            m.TagRedirect.objects.update_or_create(old_slug=slug, defaults={"tag": tag})
    m.TagRedirect.objects.filter(old_slug=tag.slug).delete()


def tag_merge(sources: Iterable[m.Tag], target: m.Tag, *, user) -> m.TagOperation:
    """Move everything tagged with the sources onto the target and delete the sources.

    An item tagged with several of them ends with the target once; none loses a tag. The old
    tags' addresses redirect to the target, every moved item gets a history entry, and the
    merge is logged with who and when.
    """
    _check_may_curate(user)
    sources = [t for t in sources if t.pk != target.pk]
    if not sources:
        raise ValidationError("Choose at least one tag to merge into another.")
    names = sorted((t.name for t in sources), key=str.casefold)
    reason = f"Tag {', '.join(names)} merged into {target.name}"
    moved: dict[str, dict[str, int]] = {}
    with transaction.atomic():
        source_ids = [t.pk for t in sources]
        if m.Tag.objects.filter(pk__in=[*source_ids, target.pk]).count() != len(sources) + 1:
            raise ValidationError("One of these tags was deleted meanwhile; nothing was merged.")
        for label, model in TAGGED_MODELS:
            through = model.tags.through
            rows = list(
                through.objects.filter(tag_id__in=source_ids)
                .order_by("added_at", "pk")
                .values_list("pk", "content_object_id")
            )
            if not rows:
                continue
            history_baseline_bulk(model, list({object_id for _, object_id in rows}))
            taken = set(
                through.objects.filter(tag=target).values_list("content_object_id", flat=True)
            )
            keep: list[int] = []
            drop: list[int] = []
            for pk, object_id in rows:
                (drop if object_id in taken else keep).append(pk)
                taken.add(object_id)
            through.objects.filter(pk__in=drop).delete()
            through.objects.filter(pk__in=keep).update(tag=target)
            moved[label] = {"moved": len(keep), "duplicates": len(drop)}
            object_ids = {object_id for _, object_id in rows}
            history_record_bulk(
                list(model._base_manager.filter(pk__in=object_ids)), reason=reason, user=user
            )
        _redirect_to([t.slug for t in sources], target)
        m.Tag.objects.filter(pk__in=source_ids).delete()
        return m.TagOperation.objects.create(
            kind=m.TagOperationKind.MERGE,
            source_names=names,
            target_name=target.name,
            moved=moved,
            performed_by=user,
        )


def tag_rename(tag: m.Tag, new_name: str, *, user) -> m.TagOperation | None:
    """Rename a tag; its old address redirects to the new one. Return the log entry, if any."""
    _check_may_curate(user)
    new_name = " ".join(new_name.split())
    if not new_name:
        raise ValidationError("A tag needs a name.")
    m.tag_name_validate(new_name)
    with transaction.atomic():
        tag = m.Tag.objects.select_for_update().get(pk=tag.pk)
        old_name, old_slug = tag.name, tag.slug
        if new_name == old_name:
            return None
        new_slug = _slug_for(new_name)
        clash = (
            m.Tag.objects.exclude(pk=tag.pk)
            .filter(Q(name__iexact=new_name) | Q(slug=new_slug))
            .first()
        )
        if clash is not None:
            raise ValidationError(
                f"There is already a tag called “{clash.name}”. "
                "Merge the two tags instead of renaming."
            )
        tag.name, tag.slug = new_name, new_slug
        tag.full_clean()
        tag.save()
        if new_slug != old_slug:
            _redirect_to([old_slug], tag)
        return m.TagOperation.objects.create(
            kind=m.TagOperationKind.RENAME,
            source_names=[old_name],
            target_name=new_name,
            performed_by=user,
        )


def tag_delete_unused(tags: Iterable[m.Tag], *, user) -> tuple[list[str], list[str]]:
    """Delete the given tags that nothing uses; return the names deleted and those kept."""
    _check_may_curate(user)
    with transaction.atomic():
        usage = tag_usage(m.Tag.objects.filter(pk__in=[t.pk for t in tags]))
        unused = [t for t in usage if t.total_count == 0]
        kept = sorted((t.name for t in usage if t.total_count), key=str.casefold)
        deleted = sorted((t.name for t in unused), key=str.casefold)
        if unused:
            m.Tag.objects.filter(pk__in=[t.pk for t in unused]).delete()
            m.TagOperation.objects.create(
                kind=m.TagOperationKind.DELETE, source_names=deleted, performed_by=user
            )
    return deleted, kept


def tag_suggestions(text: str, *, limit: int = 10) -> list[dict]:
    """Return existing tags whose name contains the text, best first, with their use count."""
    text = " ".join(text.split())[:MAX_TAG_LENGTH]
    if not text:
        return []
    slug = slugify(text, allow_unicode=True)
    matches = m.Tag.objects.filter(
        Q(name__icontains=text) | (Q(slug__contains=slug) if slug else Q())
    )
    ranked = tag_usage(matches).order_by("-total_count", Lower("name"))[: limit * 3]
    folded = text.casefold()
    tags = sorted(ranked, key=lambda t: (not t.name.casefold().startswith(folded),))
    return [{"name": t.name, "count": t.total_count} for t in tags[:limit]]
