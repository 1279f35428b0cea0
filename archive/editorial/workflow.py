"""Publishing rules in action: moving articles between draft, review and published."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from archive import models as m
from archive.editorial.policy import (
    NOT_AN_EDITOR,
    NOT_AN_EDITOR_STATUS,
    policy_may_change,
    policy_may_set_status,
)


def article_status_set(articles: Iterable[m.Article], status: str, *, user) -> int:
    """Move articles to a status, with a history entry for each; return how many changed."""
    if status not in m.ArticleStatus.values:
        raise ValidationError(f"“{status}” is not an article status.")
    label = m.ArticleStatus(status).label
    changed = 0
    with transaction.atomic():
        ids = [article.pk for article in articles]
        for article in m.Article.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            if article.status == status:
                continue
            if not policy_may_set_status(user, article.status, status):
                raise ValidationError(f"{NOT_AN_EDITOR_STATUS} (“{article}”)")
            if not policy_may_change(user, article):
                raise ValidationError(f"{NOT_AN_EDITOR} (“{article}”)")
            article.status = status
            article._history_user = user
            article._change_reason = f"Status set to {label}"
            article.save(update_fields=["status", "updated_at", "version"])
            changed += 1
    return changed
