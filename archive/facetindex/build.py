"""Reading the facet index from the database: all of it, or just some articles and subjects.

A handful of plain value queries (no model objects): the published articles, their places,
tags, cited outlets and quoted speakers, their quotes and captions with their tags, and the
labels of places, tags, outlets and speakers. Refreshing a set of changed articles runs the same
queries restricted to those ids, then swaps their slots (see `store`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

import numpy as np
from django.db import connection

from archive.facetindex.changelog import Changes, Engine
from archive.facetindex.counting import date_orders_carried, whole_counts_carried
from archive.facetindex.store import PAIRS, SUBJECTS, Docs, FacetIndex, Labels
from archive.models import ArticleStatus
from archive.search.query import search_words_build, search_words_changed

CHUNK = 500

SUBJECT_SQL = {
    "place": "SELECT id, slug, name, parent_id FROM archive_place",
    "tag": "SELECT id, slug, name FROM archive_tag",
    "outlet": "SELECT id, slug, name FROM archive_outlet",
    "speaker": "SELECT id, slug, name FROM archive_speaker",
}
# (owner id, alias) of the subjects with aliases; read in the aliases' order.
ALIAS_SQL = {
    "place": "SELECT owner_id, name FROM archive_placealias",
    "speaker": "SELECT owner_id, name FROM archive_speakeralias",
}


def _queries(engine: Engine) -> dict[str, str]:
    """The queries: plain scans of one table each (the published filter is applied in numpy),
    each with `{where}` for an optional restriction to some article ids."""
    day = engine.day_sql("published_on")
    return {
        "article": f"SELECT id, outlet_id, {day} FROM archive_article "
        f"WHERE status = '{ArticleStatus.PUBLISHED.value}' {{where:id}}",
        "article.place": "SELECT article_id, place_id FROM archive_article_places "
        "{where:article_id}",
        "article.tag": "SELECT content_object_id, tag_id FROM archive_articletag "
        "{where:content_object_id}",
        "article.cited": "SELECT article_id, outlet_id FROM archive_article_cited_outlets "
        "{where:article_id}",
        "quote": "SELECT id, article_id, speaker_id, COALESCE(place_id, 0) FROM archive_quote "
        "{where:article_id}",
        "quote.tag": "SELECT content_object_id, tag_id FROM archive_quotetag "
        "{where:content_object_id IN (SELECT id FROM archive_quote WHERE article_id}",
        "caption": "SELECT id, article_id, COALESCE(agency_id, 0), COALESCE(distributor_id, 0), "
        "COALESCE(place_id, 0) FROM archive_photocaption {where:article_id}",
        "caption.tag": "SELECT content_object_id, tag_id FROM archive_captiontag "
        "{where:content_object_id IN (SELECT id FROM archive_photocaption WHERE article_id}",
    }


WIDTH = {"article": 3, "quote": 4, "caption": 5}
WHERE = re.compile(r"\{where:([^}]*)\}")


def _rows(cursor, sql: str, chunk: list[int] | None, width: int) -> np.ndarray:
    def where(match: re.Match) -> str:
        if chunk is None:
            return ""
        # `{where:column}` restricts to the chunk's articles; an opened subquery is closed.
        column = match.group(1)
        joiner = "AND" if " WHERE " in sql[: match.start()] else "WHERE"
        closing = ")" if "(" in column else ""
        return f"{joiner} {column} IN ({', '.join(['%s'] * len(chunk))}){closing}"

    cursor.execute(WHERE.sub(where, sql), [] if chunk is None else list(chunk))
    rows = cursor.fetchall()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _sorted(rows: np.ndarray) -> np.ndarray:
    return rows[np.argsort(rows[:, 0], kind="stable")]


def _slots(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return the position of each wanted id in the sorted ids."""
    return np.searchsorted(ids, wanted).astype(np.int32)


def _among(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return which wanted ids are in the sorted ids."""
    if not len(ids):
        return np.zeros(len(wanted), dtype=np.bool_)
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return ids[at] == wanted


def _read_tables(engine: Engine, articles: list[int] | None) -> dict[str, np.ndarray]:
    queries = _queries(engine)
    chunks: Iterable[list[int] | None] = (
        [None]
        if articles is None
        else [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    )
    parts: dict[str, list[np.ndarray]] = {name: [] for name in queries}
    with connection.cursor() as cursor:
        for chunk in chunks:
            for name, sql in queries.items():
                parts[name].append(_rows(cursor, sql, chunk, WIDTH.get(name, 2)))
    table = {name: np.concatenate(found) for name, found in parts.items()}
    # Only published articles count, and only the rows that belong to them.
    table["article"] = _sorted(table["article"])
    published = table["article"][:, 0]
    for name in ("article.place", "article.tag", "article.cited"):
        table[name] = table[name][_among(published, table[name][:, 0])]
    for kind in ("quote", "caption"):
        rows = _sorted(table[kind])
        table[kind] = rows = rows[_among(published, rows[:, 1])]
        tags = table[f"{kind}.tag"]
        table[f"{kind}.tag"] = tags[_among(rows[:, 0], tags[:, 0])]
    # An article's speakers are its quotes' speakers, each once.
    keys = np.sort((table["quote"][:, 1] << 32) | table["quote"][:, 2])
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
    table["article.speaker"] = np.stack([keys >> 32, keys & 0xFFFFFFFF], axis=1)
    return table


def read_docs(engine: Engine, articles: list[int] | None = None) -> dict[str, Docs]:
    """Read the published documents (of these articles only, if given) as fresh `Docs`."""
    table = _read_tables(engine, articles)
    articles_rows = table["article"]
    article_ids = articles_rows[:, 0]
    docs = {
        "article": Docs(
            article_ids,
            np.ones(len(article_ids), dtype=np.bool_),
            {
                "day": articles_rows[:, 2].astype(np.int32),
                "outlet": articles_rows[:, 1].astype(np.int32),
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
    article_columns = docs["article"].columns
    for kind, own in named.items():
        rows = table[kind]
        ids = rows[:, 0]
        aslot = _slots(article_ids, rows[:, 1])
        columns = {
            "aslot": aslot,
            "day": article_columns["day"][aslot],
            "outlet": article_columns["outlet"][aslot],
        }
        for offset, name in enumerate(own, start=2):
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
            sql, aliases = SUBJECT_SQL[subject], ALIAS_SQL.get(subject)
            if subjects is None:
                cursor.execute(sql)
                labels.set_rows(subject, cursor.fetchall())
                if aliases:
                    cursor.execute(f"{aliases} ORDER BY id")
                    labels.set_aliases(subject, cursor.fetchall())
                continue
            wanted = sorted(subjects.get(subject[0], ()))
            for i in range(0, len(wanted), CHUNK):
                chunk = wanted[i : i + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} WHERE id IN ({marks})", chunk)
                rows = cursor.fetchall()
                labels.set_rows(subject, rows, removed=set(chunk) - {row[0] for row in rows})
                if aliases:
                    cursor.execute(f"{aliases} WHERE owner_id IN ({marks}) ORDER BY id", chunk)
                    labels.set_aliases(subject, cursor.fetchall(), owners=chunk)


def index_build(engine: Engine) -> FacetIndex:
    """Build the whole index from the database, with the log position it is current at."""
    # The position is taken first: anything that changes while the index is read is in the
    # log after it, and is applied again (harmlessly) on the first read of the log.
    position = engine.position()
    labels = Labels()
    read_labels(labels)
    docs = {kind: docs.sorted().narrowed() for kind, docs in read_docs(engine).items()}
    words = search_words_build(connection.alias)
    return FacetIndex(docs, labels, position, engine.token(), words=words)


def index_apply(index: FacetIndex, engine: Engine, changes: Changes) -> FacetIndex:
    """Return the index with these changes applied: changed articles re-read, labels updated."""
    labels = index.labels
    if changes.subjects:
        labels = labels.copy([name for name in SUBJECTS if name[0] in changes.subjects])
        read_labels(labels, changes.subjects)
    docs = index.docs
    if changes.articles:
        changed = np.array(sorted(changes.articles), dtype=np.int64)
        fresh = read_docs(engine, [int(pk) for pk in changed])
        old = index.docs["article"]
        slots = old.live_slots(changed)
        dead_articles = slots[slots >= 0]
        gone = np.zeros(old.size, dtype=np.bool_)
        gone[dead_articles] = True
        docs = {
            "article": old.appended(
                fresh["article"].ids,
                fresh["article"].columns,
                fresh["article"].pairs,
                dead_articles,
            )
        }
        # The new articles' slots start where the old ones end.
        shift = old.size
        for kind in ("quote", "caption"):
            current, new = index.docs[kind], fresh[kind]
            columns = dict(new.columns)
            columns["aslot"] = columns["aslot"] + shift
            # An article's live quotes and captions point at its live slot: those that point at
            # a slot now marked dead go with it.
            dead = (
                np.flatnonzero(gone[current.columns["aslot"]] & current.alive)
                if current.size
                else np.zeros(0, dtype=np.int64)
            )
            docs[kind] = current.appended(new.ids, columns, new.pairs, dead)
    words = index.words
    if words is not None and changes.articles:
        words = search_words_changed(words, changes.articles, connection.alias)
    result = index.with_docs(docs, labels=labels, position=changes.position, words=words)
    if result.dead_share() > 0.25:
        return result.compacted()
    date_orders_carried(index, result)
    whole_counts_carried(index, result)
    return result
