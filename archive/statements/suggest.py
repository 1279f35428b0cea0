"""Suggesting statements: quotes of one speaker, within a few days, whose words overlap.

How it works (the README says where it fails):

1. Each quote is given to its *principal*: the speaker it speaks for, followed up the
   `speaks_for` chain (a spokesman's quote goes to his ministry), or its own speaker.
2. Its words are reduced to content terms (`archive.statements.text`): case, quotation marks and
   punctuation dropped, stop words left out, a light stem ("regrouped" → "regroup").
3. Within each principal's quotes, the fullest quote not yet placed becomes a centre; every
   unplaced quote of the same principal from another article, published within `window_days`
   of it, joins it when enough of its terms are found in the centre's: all of them for a
   fragment of one or two terms, `min_share` of them for a longer one. A pair an editor
   rejected never joins, and neither does a quote rejected with one already in the group.
4. A centre that gathered at least one quote is a suggested statement.

Quotes already in a confirmed statement are left alone; suggestions are replaced only where
their quotes changed, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.text import slugify

from archive import models as m
from archive.statements.text import text_terms

WINDOW_DAYS = 3
MIN_SHARE = 0.6
SHORT_FRAGMENT = 2


@dataclass
class _Quote:
    pk: int
    article_id: int
    principal_id: int
    published_on: datetime.date
    terms: frozenset[str]


@dataclass
class SuggestionReport:
    """What a suggestion run found and changed."""

    quotes_read: int = 0
    groups: list[list[int]] = field(default_factory=list)
    created: int = 0
    removed: int = 0
    unchanged: int = 0


def speaker_principals() -> dict[int, int]:
    """Return, for every speaker id, the id of the speaker whose statements it gives."""
    links = dict(m.Speaker.objects.values_list("pk", "speaks_for_id"))
    principals = {}
    for pk in links:
        current, seen = pk, {pk}
        while links.get(current) is not None and links[current] not in seen:
            current = links[current]
            seen.add(current)
        principals[pk] = current
    return principals


def _load_quotes(principals: dict[int, int]) -> list[_Quote]:
    confirmed = m.Quote.objects.filter(statement__status=m.StatementStatus.CONFIRMED).values_list(
        "pk", flat=True
    )
    rows = m.Quote.objects.exclude(pk__in=confirmed).values_list(
        "pk", "article_id", "speaker_id", "article__published_on", "text"
    )
    # The ORM's query, run on a plain cursor: Django's per-row converters cost more than the
    # grouping itself for half a million quotes. SQLite returns a date as text, PostgreSQL as
    # a date; either is turned into a date once per distinct day.
    sql, params = rows.query.sql_with_params()
    days: dict[object, datetime.date] = {}

    def day_of(value) -> datetime.date:
        day = days.get(value)
        if day is None:
            day = days[value] = (
                value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
            )
        return day

    # Quotes repeat word for word across reports (and the generated archive's come from a few
    # dozen templates): each distinct text is reduced to terms once.
    terms_of = functools.lru_cache(maxsize=200_000)(lambda text: frozenset(text_terms(text)))
    quotes: list[_Quote] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            quotes.extend(
                _Quote(pk, article, principals.get(speaker, speaker), day_of(day), terms_of(text))
                for pk, article, speaker, day, text in chunk
            )
    return quotes


def _rejected_pairs() -> set[tuple[int, int]]:
    pairs = set()
    for first, second in m.StatementRejection.objects.values_list("first_id", "second_id"):
        pairs.add((first, second))
        pairs.add((second, first))
    return pairs


def _joins(fragment: _Quote, centre: _Quote, min_share: float) -> bool:
    terms = fragment.terms
    if not terms:
        return False
    found = len(terms & centre.terms)
    if len(terms) <= SHORT_FRAGMENT:
        return found == len(terms)
    return found >= min_share * len(terms)


def statement_groups(
    quotes: list[_Quote],
    *,
    rejected: set[tuple[int, int]],
    window_days: int = WINDOW_DAYS,
    min_share: float = MIN_SHARE,
) -> list[list[_Quote]]:
    """Group quotes into suggested statements: each its centre first, from two articles or more."""
    by_principal: dict[int, list[_Quote]] = {}
    for quote in quotes:
        if quote.terms:
            by_principal.setdefault(quote.principal_id, []).append(quote)
    # Only a quote that an editor rejected with another needs the pairs checked.
    in_rejections = {first for first, _second in rejected}
    groups = []
    for members in by_principal.values():
        # Unplaced quotes by day: a placed quote leaves its day, so each centre reads only
        # the quotes still free within its window.
        by_day: dict[int, dict[int, _Quote]] = {}
        for quote in sorted(members, key=lambda q: (q.published_on, q.pk)):
            by_day.setdefault(quote.published_on.toordinal(), {})[quote.pk] = quote
        # Fullest first: a fragment should join the fullest version of what it quotes.
        for centre in sorted(members, key=lambda q: (-len(q.terms), q.published_on, q.pk)):
            day = centre.published_on.toordinal()
            if centre.pk not in by_day[day]:
                continue
            del by_day[day][centre.pk]
            group = [centre]
            size = len(centre.terms)
            centre_terms, centre_article = centre.terms, centre.article_id
            for near in range(day - window_days, day + window_days + 1):
                free = by_day.get(near)
                if not free:
                    continue
                joined = []
                for candidate in free.values():
                    terms = candidate.terms
                    count = len(terms)
                    if count > size or candidate.article_id == centre_article:
                        continue
                    # _joins, written out: this loop runs tens of millions of times at 100k.
                    found = len(terms & centre_terms)
                    if found < count if count <= SHORT_FRAGMENT else found < min_share * count:
                        continue
                    if candidate.pk in in_rejections and any(
                        (candidate.pk, other.pk) in rejected for other in group
                    ):
                        continue
                    group.append(candidate)
                    joined.append(candidate.pk)
                for pk in joined:
                    del free[pk]
            if len(group) > 1:
                groups.append(group)
    return groups


def _slug_for(group: list[_Quote], principal_slugs: dict[int, str], taken: set[str]) -> str:
    centre = group[0]
    said_on = min(q.published_on for q in group)
    base = slugify(f"{principal_slugs[centre.principal_id][:60]} {said_on.isoformat()}")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def statements_suggest(
    *, window_days: int = WINDOW_DAYS, min_share: float = MIN_SHARE, dry_run: bool = False
) -> SuggestionReport:
    """Suggest statements across the archive, replacing only the suggestions that changed."""
    report = SuggestionReport()
    with transaction.atomic():
        principals = speaker_principals()
        quotes = _load_quotes(principals)
        report.quotes_read = len(quotes)
        groups = statement_groups(
            quotes, rejected=_rejected_pairs(), window_days=window_days, min_share=min_share
        )
        report.groups = [[q.pk for q in group] for group in groups]
        suggested = m.Quote.objects.filter(statement__status=m.StatementStatus.SUGGESTED)
        members: dict[int, set[int]] = {}
        for pk, statement_id in suggested.values_list("pk", "statement_id"):
            members.setdefault(statement_id, set()).add(pk)
        current = {frozenset(pks): sid for sid, pks in members.items()}
        wanted = [g for g in groups if frozenset(q.pk for q in g) not in current]
        keep = {current[key] for g in groups if (key := frozenset(q.pk for q in g)) in current}
        stale = m.Statement.objects.filter(status=m.StatementStatus.SUGGESTED).exclude(pk__in=keep)
        report.unchanged = len(keep)
        report.removed = stale.count()
        report.created = len(wanted)
        if dry_run:
            transaction.set_rollback(True)
            return report
        m.Quote.objects.filter(statement__in=stale).update(statement=None)
        stale.delete()
        principal_slugs = dict(m.Speaker.objects.values_list("pk", "slug"))
        taken = set(m.Statement.objects.values_list("slug", flat=True))
        rows = [
            (
                _slug_for(group, principal_slugs, taken),
                group[0].principal_id,
                min(q.published_on for q in group),
            )
            for group in wanted
        ]
        ids = _statements_create(rows)
        _quotes_link(
            [
                (ids[slug], q.pk)
                for (slug, _speaker, _day), group in zip(rows, wanted, strict=True)
                for q in group
            ]
        )
    return report


def _statements_create(rows: list[tuple[str, int, datetime.date]]) -> dict[str, int]:
    """Insert suggested statements, (slug, speaker id, date said) each; return id by slug.

    One prepared INSERT run for every row, every other column at its default: building and
    saving a model object per statement cost as long as all the grouping at 100k articles.
    """
    model = m.Statement
    given = {"slug": 0, "speaker": 1, "said_on": 2}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {
        f.column: f.get_db_prep_save(
            m.StatementStatus.SUGGESTED if f.name == "status" else f.get_default(), connection
        )
        for f in fields
        if f.name not in given
    }
    said_on = model._meta.get_field("said_on")
    columns = [f.column for f in fields]
    values = []
    for row in rows:
        by_column = dict(fixed)
        by_column[model._meta.get_field("slug").column] = row[0]
        by_column[model._meta.get_field("speaker").column] = row[1]
        by_column[said_on.column] = said_on.get_db_prep_save(row[2], connection)
        values.append([by_column[column] for column in columns])
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return dict(model.objects.filter(status=m.StatementStatus.SUGGESTED).values_list("slug", "pk"))


def _quotes_link(links: list[tuple[int, int]]) -> None:
    """Point each quote at its statement: (statement id, quote id) pairs.

    One prepared UPDATE run for every pair: bulk_update would build a CASE expression of a
    thousand branches per batch, which for half a million quotes costs minutes. The pairs go
    in quote order, so the table is walked once instead of read at random (half the time).
    """
    links = sorted(links, key=lambda link: link[1])
    table = connection.ops.quote_name(m.Quote._meta.db_table)
    column = connection.ops.quote_name(m.Quote._meta.get_field("statement").column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", links)
