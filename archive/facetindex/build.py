"""Reading the facet index from the database: all of it, or just some articles and subjects.

A handful of plain value queries (no model objects): the published articles, their places,
tags, cited outlets and quoted speakers, their quotes and captions with their tags, and the
labels of places, tags, outlets and speakers. Refreshing a set of changed articles runs the same
queries restricted to those ids, then swaps their slots (see `store`).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

import numpy as np
from django.db import connection

from archive.facetindex.changelog import Changes, Engine
from archive.facetindex.store import KINDS, PAIRS, SUBJECTS, Docs, FacetIndex, Labels
from archive.models import ArticleStatus

CHUNK = 500
PUBLISHED = f"a.status = '{ArticleStatus.PUBLISHED.value}'"

SUBJECT_SQL = {
    "place": "SELECT id, slug, name, parent_id FROM archive_place",
    "tag": "SELECT id, slug, name FROM archive_tag",
    "outlet": "SELECT id, slug, name FROM archive_outlet",
    "speaker": "SELECT id, slug, name FROM archive_speaker",
}


def _queries(engine: Engine) -> dict[str, str]:
    """The queries, each with `{where}` for an optional restriction to some article ids."""
    day = engine.day_sql("a.published_on")
    article = f"JOIN archive_article a ON a.id = x.{{col}} WHERE {PUBLISHED} {{where}}"
    return {
        "article": f"SELECT a.id, {day}, a.outlet_id FROM archive_article a "
        f"WHERE {PUBLISHED} {{where}} ORDER BY a.id",
        "article.place": "SELECT x.article_id, x.place_id FROM archive_article_places x "
        + article.replace("{col}", "article_id"),
        "article.tag": "SELECT x.content_object_id, x.tag_id FROM archive_articletag x "
        + article.replace("{col}", "content_object_id"),
        "article.cited": "SELECT x.article_id, x.outlet_id FROM archive_article_cited_outlets x "
        + article.replace("{col}", "article_id"),
        "article.speaker": "SELECT DISTINCT x.article_id, x.speaker_id FROM archive_quote x "
        + article.replace("{col}", "article_id"),
        "quote": f"SELECT x.id, x.article_id, {day}, a.outlet_id, x.speaker_id, "
        "COALESCE(x.place_id, 0) FROM archive_quote x "
        + article.replace("{col}", "article_id")
        + " ORDER BY x.id",
        "quote.tag": "SELECT t.content_object_id, t.tag_id FROM archive_quotetag t "
        "JOIN archive_quote x ON x.id = t.content_object_id "
        + article.replace("{col}", "article_id"),
        "caption": f"SELECT x.id, x.article_id, {day}, a.outlet_id, COALESCE(x.agency_id, 0), "
        "COALESCE(x.distributor_id, 0), COALESCE(x.place_id, 0) FROM archive_photocaption x "
        + article.replace("{col}", "article_id")
        + " ORDER BY x.id",
        "caption.tag": "SELECT t.content_object_id, t.tag_id FROM archive_captiontag t "
        "JOIN archive_photocaption x ON x.id = t.content_object_id "
        + article.replace("{col}", "article_id"),
    }


WIDTH = {"article": 3, "quote": 6, "caption": 7}


def _rows(cursor, sql: str, where: str, params: list, width: int) -> np.ndarray:
    cursor.execute(sql.replace("{where}", where), params)
    rows = cursor.fetchall()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _sorted(rows: np.ndarray) -> np.ndarray:
    return rows[np.argsort(rows[:, 0], kind="stable")]


def _slots(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return the position of each wanted id in the sorted ids."""
    return np.searchsorted(ids, wanted).astype(np.int32)


def read_docs(engine: Engine, articles: list[int] | None = None) -> dict[str, Docs]:
    """Read the published documents (of these articles only, if given) as fresh `Docs`."""
    queries = _queries(engine)
    chunks: Iterable[list[int] | None] = (
        [None]
        if articles is None
        else [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    )
    parts: dict[str, list[np.ndarray]] = {name: [] for name in queries}
    with connection.cursor() as cursor:
        for chunk in chunks:
            if chunk is None:
                where, params = "", []
            else:
                where = f"AND a.id IN ({', '.join(['%s'] * len(chunk))})"
                params = list(chunk)
            for name, sql in queries.items():
                parts[name].append(_rows(cursor, sql, where, params, WIDTH.get(name, 2)))
    table = {name: np.concatenate(found) for name, found in parts.items()}
    for kind in KINDS:
        table[kind] = _sorted(table[kind])

    articles_rows = table["article"]
    article_ids = articles_rows[:, 0]
    docs = {
        "article": Docs(
            article_ids,
            np.ones(len(article_ids), dtype=np.bool_),
            {
                "day": articles_rows[:, 1].astype(np.int32),
                "outlet": articles_rows[:, 2].astype(np.int32),
            },
            {
                name: (
                    _slots(article_ids, table[f"article.{name}"][:, 0]),
                    table[f"article.{name}"][:, 1].astype(np.int32),
                )
                for name in PAIRS["article"]
            },
        )
    }
    named = {
        "quote": ("speaker", "place"),
        "caption": ("agency", "distributor", "place"),
    }
    for kind, own in named.items():
        rows = table[kind]
        ids = rows[:, 0]
        columns = {
            "article": rows[:, 1].astype(np.int32),
            "aslot": _slots(article_ids, rows[:, 1]),
            "day": rows[:, 2].astype(np.int32),
            "outlet": rows[:, 3].astype(np.int32),
        }
        for offset, name in enumerate(own, start=4):
            columns[name] = rows[:, offset].astype(np.int32)
        tags = table[f"{kind}.tag"]
        docs[kind] = Docs(
            ids,
            np.ones(len(ids), dtype=np.bool_),
            columns,
            {"tag": (_slots(ids, tags[:, 0]), tags[:, 1].astype(np.int32))},
        )
    return docs


def read_labels(labels: Labels, subjects: dict[str, set[int]] | None = None) -> None:
    """Read the labels of every subject, or of these ids only (forgetting deleted ones)."""
    with connection.cursor() as cursor:
        for subject in SUBJECTS:
            sql = SUBJECT_SQL[subject]
            if subjects is None:
                cursor.execute(sql)
                labels.set_rows(subject, cursor.fetchall())
                continue
            wanted = sorted(subjects.get(subject[0], ()))
            for i in range(0, len(wanted), CHUNK):
                chunk = wanted[i : i + CHUNK]
                cursor.execute(f"{sql} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
                rows = cursor.fetchall()
                labels.set_rows(subject, rows, removed=set(chunk) - {row[0] for row in rows})


def index_build(engine: Engine) -> FacetIndex:
    """Build the whole index from the database, with the log position it is current at."""
    # The position is taken first: anything that changes while the index is read is in the
    # log after it, and is applied again (harmlessly) on the first read of the log.
    position = engine.position()
    labels = Labels()
    read_labels(labels)
    return FacetIndex(read_docs(engine), labels, position, engine.token())


def index_apply(index: FacetIndex, engine: Engine, changes: Changes) -> FacetIndex:
    """Return the index with these changes applied: changed articles re-read, labels updated."""
    labels = index.labels
    if changes.subjects:
        labels = labels.copy()
        read_labels(labels, changes.subjects)
    docs = index.docs
    if changes.articles:
        changed = np.array(sorted(changes.articles), dtype=np.int64)
        fresh = read_docs(engine, [int(pk) for pk in changed])
        old = index.docs["article"]
        docs = {
            "article": old.appended(
                fresh["article"].ids,
                fresh["article"].columns,
                fresh["article"].pairs,
                np.flatnonzero(np.isin(old.ids, changed) & old.alive),
            )
        }
        # The new articles' slots start where the old ones end.
        shift = old.size
        for kind in ("quote", "caption"):
            current, new = index.docs[kind], fresh[kind]
            columns = dict(new.columns)
            columns["aslot"] = columns["aslot"] + shift
            dead = np.flatnonzero(np.isin(current.columns["article"], changed) & current.alive)
            docs[kind] = current.appended(new.ids, columns, new.pairs, dead)
    result = index.with_docs(docs, labels=labels, position=changes.position)
    if result.dead_share() > 0.25:
        result = result.compacted()
    return result


__all__ = ["KINDS", "index_apply", "index_build", "read_docs", "read_labels"]
