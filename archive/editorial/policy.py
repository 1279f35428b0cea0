"""The one permission policy of the desk's roles: may this user do this to this object?

Every write path asks here: admin forms and inlines (including the article a quote or caption
is moved to), bulk actions, restore, tag curation, ingest. Django's model permissions say what a
role may do to a kind of object; this module adds what depends on the object itself. A quote, a
photo caption and a tagging belong to their article: once the article is published, only those
who may publish can change them, because readers see them. The same holds for a statement
that reports a published quote: readers see it on its page.
"""

from __future__ import annotations

from django.db import models

from archive import models as m

# `user=None` is an operator at the command line (load_archive, scripts): the shell is trusted
# already. A request always passes its user, signed in or not.
PUBLISH_PERMISSION = "archive.publish_article"
TAG_CURATION_PERMISSIONS = ("archive.change_tag", "archive.delete_tag")

NOT_AN_EDITOR = (
    "Only editors may change a published article or what is in it (its quotes, captions and "
    "tags). Ask an editor, or send the article back to review first."
)
NOT_AN_EDITOR_STATUS = (
    "Only editors may publish or unpublish articles. Save it as a draft or send it to review."
)


def _perm(model: type[models.Model] | models.Model, action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def policy_is_editor(user) -> bool:
    """Return whether the user may publish, and so change what readers see."""
    return user is None or bool(user.is_active and user.has_perm(PUBLISH_PERMISSION))


def policy_article_of(obj: models.Model | None) -> m.Article | None:
    """Return the article an object belongs to (itself for an article), if any."""
    if isinstance(obj, m.Article):
        return obj
    if isinstance(obj, m.Quote | m.PhotoCaption):
        return obj.article if obj.article_id else None
    return None


def _is_public(article: m.Article | None) -> bool:
    # The status as loaded: callers pass objects read from the database, before any form has
    # put posted values on them.
    return article is not None and article.pk is not None and article.is_published


def policy_statement_is_public(obj: models.Model) -> bool:
    """Return whether readers see this statement: it reports a quote of a published article."""
    if not isinstance(obj, m.Statement) or obj.pk is None:
        return False
    return obj.quotes.filter(article__status=m.ArticleStatus.PUBLISHED).exists()


def policy_may_add(user, model: type[models.Model]) -> bool:
    """Return whether the user may create objects of this kind at all."""
    return user is None or bool(user.is_active and user.has_perm(_perm(model, "add")))


def policy_may_change(user, obj: models.Model) -> bool:
    """Return whether the user may change this object (its fields, links and tags)."""
    if user is None:
        return True
    if not (user.is_active and user.has_perm(_perm(obj, "change"))):
        return False
    if policy_is_editor(user):
        return True
    return not _is_public(policy_article_of(obj)) and not policy_statement_is_public(obj)


def policy_may_delete(user, obj: models.Model) -> bool:
    """Return whether the user may delete this object."""
    if user is None:
        return True
    if not (user.is_active and user.has_perm(_perm(obj, "delete"))):
        return False
    if policy_is_editor(user):
        return True
    return not _is_public(policy_article_of(obj)) and not policy_statement_is_public(obj)


def policy_may_forget_rejection(user) -> bool:
    """Return whether the user may un-reject a pair of quotes, so they may be suggested as one
    statement again: an editor's decision, as rejecting them was."""
    if user is None:
        return True
    return bool(
        user.is_active
        and user.has_perm("archive.delete_statementrejection")
        and policy_is_editor(user)
    )


def policy_may_place_in(user, article: m.Article | None) -> bool:
    """Return whether the user may put a quote or caption into this article (or move it there)."""
    return article is None or policy_is_editor(user) or not _is_public(article)


def policy_may_tag(user, obj: models.Model) -> bool:
    """Return whether the user may add tags to, or remove tags from, this object."""
    return policy_may_change(user, obj)


def policy_may_ingest(user) -> bool:
    """Return whether the user may turn a report into a draft with its quotes and captions."""
    return all(policy_may_add(user, model) for model in (m.Article, m.Quote, m.PhotoCaption))


def policy_may_curate_tags(user) -> bool:
    """Return whether the user may rename, merge or delete tags (every use of them changes)."""
    return user is None or bool(user.is_active and user.has_perms(TAG_CURATION_PERMISSIONS))


def policy_may_set_status(user, old_status: str, new_status: str) -> bool:
    """Return whether the user may move an article from one status to another.

    Publishing and unpublishing are editors' decisions; anyone who may edit an article may
    move it between draft and review.
    """
    if old_status == new_status:
        return True
    involves_readers = m.ArticleStatus.PUBLISHED in (old_status, new_status)
    return not involves_readers or policy_is_editor(user)


def policy_refusals(user, objects, *, check=policy_may_change) -> list[models.Model]:
    """Return the objects among these that the user may not change (by the given check)."""
    return [obj for obj in objects if not check(user, obj)]
