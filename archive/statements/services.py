"""Editors' decisions on statements: confirm, reject, merge, split. Each asks the role policy.

Every write saves the statement and each quote it moves through the model, so both keep a
history entry with who did it; a quote's statement is one of its fields.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from archive import models as m
from archive.editorial.policy import policy_may_change, policy_may_forget_rejection

NOT_ALLOWED = (
    "Only editors may change a statement that reports a published quote, or move such a "
    "quote. Ask an editor."
)


NOT_ALLOWED_TO_FORGET = (
    "Only editors may un-reject a pair of quotes: a rejection is an editor's decision."
)


def _check(user, objects) -> None:
    refused = [obj for obj in objects if not policy_may_change(user, obj)]
    if refused:
        raise PermissionDenied(f"{NOT_ALLOWED} ({refused[0]})")


def _save(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def rejection_pairs_record(
    quotes: list[m.Quote], others: list[m.Quote] | None = None, *, user=None
) -> int:
    """Remember that these quotes (or each of these against each of `others`) differ."""
    pairs: Iterable[tuple[m.Quote, m.Quote]]
    if others is None:
        pairs = itertools.combinations(quotes, 2)
    else:
        pairs = ((a, b) for a in quotes for b in others)
    rows = []
    for a, b in pairs:
        first, second = sorted([a, b], key=lambda q: q.natural_key())
        rows.append(
            m.StatementRejection(first=first, second=second, rejected_by=_user_or_none(user))
        )
    created = m.StatementRejection.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def rejection_pairs_forget(rejections, *, user) -> int:
    """Un-reject pairs: their quotes may be suggested together again. Return how many."""
    rejections = list(rejections)
    if not policy_may_forget_rejection(user):
        raise PermissionDenied(NOT_ALLOWED_TO_FORGET)
    with transaction.atomic():
        deleted, _ = m.StatementRejection.objects.filter(pk__in=[r.pk for r in rejections]).delete()
    return deleted


def _members(statement: m.Statement) -> list[m.Quote]:
    return list(statement.quotes.select_related("article").order_by("article__slug", "position"))


def statement_confirm(statements, *, user) -> int:
    """Confirm suggested statements; return how many changed."""
    statements = list(statements)
    _check(user, statements)
    changed = 0
    with transaction.atomic():
        for statement in statements:
            if statement.status != m.StatementStatus.CONFIRMED:
                statement.status = m.StatementStatus.CONFIRMED
                _save(statement, user, "Confirmed")
                changed += 1
    return changed


def statement_reject(statements, *, user) -> int:
    """Reject statements: their quotes are let go and never suggested together again."""
    statements = list(statements)
    _check(user, statements)
    released = 0
    with transaction.atomic():
        for statement in statements:
            quotes = _members(statement)
            _check(user, quotes)
            rejection_pairs_record(quotes, user=user)
            for quote in quotes:
                quote.statement = None
                _save(quote, user, f"Taken out of rejected statement {statement.slug}")
                released += 1
            statement.status = m.StatementStatus.REJECTED
            _save(statement, user, "Rejected")
    return released


def statement_merge(statements, *, user) -> m.Statement:
    """Merge statements into the earliest, which is confirmed; the others are deleted once empty."""
    statements = sorted(statements, key=lambda s: (s.said_on, s.pk))
    if len(statements) < 2:
        raise ValidationError("Select two statements or more to merge.")
    speakers = {s.speaker_id for s in statements}
    if len(speakers) > 1:
        raise ValidationError("Only statements of the same speaker can be merged.")
    _check(user, statements)
    kept, others = statements[0], statements[1:]
    with transaction.atomic():
        for other in others:
            quotes = _members(other)
            _check(user, quotes)
            for quote in quotes:
                quote.statement = kept
                _save(quote, user, f"Moved from statement {other.slug} into {kept.slug}")
            other.delete()
        # An editor's merge is a decision: suggestion runs must not undo it.
        kept.status = m.StatementStatus.CONFIRMED
        _save(kept, user, f"Merged {', '.join(o.slug for o in others)} into it")
    return kept


def statement_split(statement: m.Statement, quotes, *, user) -> m.Statement:
    """Move some of a statement's quotes into a new statement of their own; return it.

    Both parts are confirmed, and remembered as different, so suggestions never join them again.
    """
    members = _members(statement)
    chosen = [q for q in members if q.pk in {q.pk for q in quotes}]
    if not chosen or len(chosen) == len(members):
        raise ValidationError("Choose some of the statement's quotes, but not all of them.")
    _check(user, [statement, *members])
    rest = [q for q in members if q not in chosen]
    with transaction.atomic():
        taken = set(m.Statement.objects.values_list("slug", flat=True))
        base = slugify(f"{statement.slug}-split")[:190]
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        part = m.Statement(
            slug=slug,
            speaker=statement.speaker,
            said_on=min(q.article.published_on for q in chosen),
            # An editor's split is a decision on both parts: suggestion runs must not undo it.
            status=m.StatementStatus.CONFIRMED,
        )
        part.full_clean()
        _save(part, user, f"Split from {statement.slug}")
        for quote in chosen:
            quote.statement = part
            _save(quote, user, f"Split from statement {statement.slug} into {part.slug}")
        rejection_pairs_record(chosen, rest, user=user)
        statement.status = m.StatementStatus.CONFIRMED
        _save(statement, user, f"Split {len(chosen)} quotes into {part.slug}")
    return part
