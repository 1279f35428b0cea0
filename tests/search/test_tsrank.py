"""PostgreSQL's ts_rank recomputed from the broad words' positions is the engine's, bit for bit.

The articles are written to reach every branch of the engine's arithmetic: a word in the
headline, standfirst, quotes, captions and body (weights A to D), a word many times over, two
words side by side and far apart (past the distance where pairs stop counting), and a body
long enough that positions run past the last one the engine keeps (where two words can share
a position, and that pair is skipped), and articles with so many pairs of positions that they
are ranked by the engine instead.
"""

from __future__ import annotations

import os
import random

import numpy as np
import pytest
from django.db import connection

from archive.models import Article, Quote
from archive.search import tsrank
from archive.search.backends import search_backend
from archive.search.query import article_matches, parse_terms, search_words_build
from archive.search.terms import TermIndex
from tests.factories import ArticleFactory, PhotoCaptionFactory, QuoteFactory

needs_native = pytest.mark.skipif(tsrank.NATIVE is None, reason="fold.c not built (make install)")


@pytest.fixture(params=["numpy", pytest.param("native", marks=needs_native)])
def fold_path(request, monkeypatch):
    """Each test that takes it runs twice: the pairs folded by numpy, then by fold.c."""
    if request.param == "numpy":
        monkeypatch.setattr(tsrank, "NATIVE", None)
    return request.param


WORDS = ["troops", "shelling", "convoy", "bridge", "river", "village", "mayor", "winter"]
FILLER = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS if rng.random() < 0.3 else FILLER) for _ in range(words))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ts_rank is PostgreSQL's")
def test_ranks_from_positions_equal_the_engines(settings, fold_path):
    settings.ARCHIVE_SEARCH_BROAD_ROWS = 2
    rng = random.Random(17)
    for n in range(40):
        article = ArticleFactory(
            headline=_text(rng, 6),
            standfirst=_text(rng, 12),
            paragraphs=[_text(rng, rng.choice([5, 40, 300]))],
        )
        for _ in range(rng.randint(0, 3)):
            QuoteFactory(article=article, text=_text(rng, 10))
        if n % 3 == 0:
            PhotoCaptionFactory(article=article, text=_text(rng, 8))
    # Past the engine's last position (16,383) every word shares it.
    ArticleFactory(headline="troops bridge", paragraphs=[_text(rng, 17_000)])
    # Many pairs: folded as arrays (a dozen each), or left to the engine (hundreds).
    ArticleFactory(headline="convoy bridge", paragraphs=["troops convoy " * 12])
    ArticleFactory(headline="convoy bridge", paragraphs=["troops " * 300 + "convoy"])

    words = search_words_build()
    assert words is not None and words.ranking == "ts_rank"
    assert {"troop", "bridg", "convoy"} <= set(words.words)
    queries = [*WORDS, "troops bridge", "convoy river mayor", "winter village", "troops troops"]
    queries += [" ".join(rng.sample(WORDS, rng.randint(2, 4))) for _ in range(20)]
    _agree(words, queries)

    # Edited articles are read again and kept apart from the lists (then merged in).
    edited = list(Article.objects.order_by("pk")[:8])
    for article in edited:
        article.headline = _text(rng, 5)
        article.paragraphs = [_text(rng, 60)]
        article.save()
    Quote.objects.filter(article__in=edited[:3]).delete()
    gone = edited[-1].pk
    Article.objects.filter(pk=gone).delete()
    entries = search_backend(connection).term_entries([a.pk for a in edited])
    assert entries[gone] is None and entries[edited[0].pk] is not None
    changed = words.changed(entries)
    assert changed.stale is not None and changed.changes
    _agree(changed, queries)
    _agree(changed.folded(), queries)


def _agree(words: TermIndex, queries: list[str]) -> None:
    for text in queries:
        terms = parse_terms(text)
        fast_ids, fast_scores = article_matches(terms, scored=True, words=words)
        ids, scores = article_matches(terms, scored=True)
        assert fast_scores is not None and scores is not None
        order, fast_order = np.argsort(ids), np.argsort(fast_ids)
        assert len(ids) and np.array_equal(ids[order], fast_ids[fast_order]), text
        assert np.array_equal(scores[order], fast_scores[fast_order]), text


def test_item_order_is_byte_order():
    assert tsrank.item_order(["zebra", "troop", "troops", "Éclair", "troop"]) == [
        "troop",
        "troops",
        "zebra",
        "Éclair",
    ]


def test_changed_positions_replace_the_old_and_are_merged_in_order(monkeypatch):
    from archive.search import terms

    a, b = 3 << 14 | 1, 0 << 14 | 9  # position 1 weight A, position 9 weight D
    lists = {
        "troop": (np.array([1, 4]), np.array([2, 1]), np.array([a, b, b], dtype=np.uint16)),
        "bridg": (np.array([4]), np.array([1]), np.array([a], dtype=np.uint16)),
    }
    index = TermIndex.from_positions(lists, np.ones(6, dtype=bool))
    changed = index.changed(
        {1: None, 2: (0, {"troop": np.array([b, b, a], dtype=np.uint16), "other": 1})}
    )
    ids, counts, positions = changed.postings_at("troop")
    assert ids.tolist() == [2, 4] and counts.tolist() == [3, 1]
    assert positions is not None and positions.tolist() == [b, b, a, b]
    assert changed.postings_at("bridg")[0].tolist() == [4]
    monkeypatch.setattr(terms, "FOLD_AFTER", 0)
    folded = index.changed({1: None, 2: (0, {"troop": np.array([a], dtype=np.uint16)})})
    assert folded.stale is None and folded.ranking == "ts_rank"
    ids, counts, positions = folded.postings_at("troop")
    assert ids.tolist() == [2, 4] and counts.tolist() == [1, 1]
    assert positions is not None and positions.tolist() == [a, b]
    again = TermIndex.from_arrays(folded.arrays())
    assert again.ranking == "ts_rank" and again.postings_at("troop")[2].tolist() == [a, b]


def _or_share_one(positions: list[int]) -> float:
    # tsrank.c's calc_rank_or for one word of one article, one position at a time, in the
    # engine's precisions: the reference the array arithmetic must equal.
    resj, wjm, jm = np.float32(0), np.float32(-1), 0
    for j, position in enumerate(positions):
        w = tsrank.WEIGHTS[position >> 14]
        resj = np.float32(resj + np.float32(w / np.float32((j + 1) * (j + 1))))
        if w > wjm:
            wjm, jm = w, j
    return float(np.float32((wjm + resj) - np.float32(wjm / np.float32((jm + 1) * (jm + 1)))))


def test_or_share_folds_each_posting_as_the_engine_does_one_position_at_a_time():
    # Any weight at any place: the heaviest position need not be the first.
    rng = random.Random(5)
    counts = [rng.choice([1, 1, 2, 3, 7, 20]) for _ in range(300)]
    flat = [rng.randrange(4) << 14 | rng.randrange(1, 2000) for _ in range(sum(counts))]
    starts = np.cumsum([0, *counts[:-1]])
    ids = np.arange(1, len(counts) + 1)
    slot = np.full(len(counts) + 1, -1)
    slot[ids] = np.arange(len(counts))
    word = tsrank.Postings(slot, ids, np.array(counts), starts, np.array(flat, dtype=np.uint16))
    shares = tsrank._or_share(word)
    expected = [_or_share_one(flat[s : s + c]) for s, c in zip(starts, counts, strict=True)]
    assert shares.tolist() == expected


def _random_lists(rng: random.Random, articles: int, words: list[str]) -> dict:
    """Words' lists over some of the articles: few or many positions, any weight, places close
    together, far apart and shared (a pair at the same place is skipped)."""
    lists = {}
    for word in words:
        ids = sorted(rng.sample(range(1, articles + 1), rng.randrange(articles // 2, articles)))
        counts, flat = [], []
        for _ in ids:
            count = rng.choice([1, 1, 1, 2, 3, 5, 12, 30])
            places = sorted(
                rng.sample(range(1, max(rng.choice([20, 300, 16383]), count + 1)), count)
            )
            counts.append(count)
            flat += [rng.randrange(4) << 14 | place for place in places]
        lists[word] = (np.array(ids), np.array(counts), np.array(flat, dtype=np.uint16))
    return lists


@needs_native
def test_fold_c_matches_and_ranks_every_article_to_the_same_bits_as_numpy(monkeypatch):
    rng = random.Random(23)
    words = ["alpha", "bravo", "charlie", "delta"]
    index = TermIndex.from_positions(_random_lists(rng, 500, words), np.ones(501, dtype=bool))
    # Some articles read again since (their postings beside the lists), one deleted.
    entries = {
        pk: (
            0,
            {
                word: np.array(sorted(rng.sample(range(1, 400), 3)), dtype=np.uint16)
                + (rng.randrange(4) << 14)
                for word in rng.sample(words, 2)
            },
        )
        for pk in rng.sample(range(1, 501), 12)
    }
    entries[7] = None
    for lists in (index, index.changed(entries)):
        for groups in (
            [["alpha"]],
            [["alpha", "bravo"]],
            [["alpha"], ["bravo"]],
            [["alpha"], ["bravo"], ["charlie"]],
            [["alpha", "delta"], ["bravo"], ["charlie"], ["delta"]],
        ):
            native_ids, native = lists.matches(groups, scored=True)
            with monkeypatch.context() as patch:
                patch.setattr(tsrank, "NATIVE", None)
                ids, numpy = lists.matches(groups, scored=True)
            assert native is not None and numpy is not None
            assert native_ids.tolist() == ids.tolist() and len(ids), groups
            # Articles with more pairs than MANY_PAIRS are left to the engine on both paths.
            assert np.isnan(native).any() == (len(groups) > 1)
            assert np.array_equal(native, numpy, equal_nan=True), groups


def test_postings_that_run_past_their_positions_are_refused_before_any_fold():
    ids = np.array([1, 2])
    slot = np.array([-1, 0, 1])
    word = tsrank.Postings(
        slot, ids, np.array([2, 3]), np.array([0, 2]), np.zeros(4, dtype=np.uint16)
    )
    for conjunction in (True, False):
        with pytest.raises(ValueError):
            tsrank.ts_rank(2, [word, word], conjunction=conjunction)
    if tsrank.NATIVE is not None:
        lists = [(ids.astype(np.int32), np.array([2, 3], dtype=np.uint16), np.zeros(4, np.uint16))]
        with pytest.raises(ValueError):
            tsrank.rows_of(2, slot.astype(np.int64), lists, None)


def test_a_built_fold_library_is_the_one_in_use():
    # `make install` builds fold.so from fold.c; one that is there but not loaded (another
    # version, a broken build) would leave every search on the slower path without a word.
    from pathlib import Path

    built = Path(tsrank.__file__).with_name("fold.so").exists()
    if os.environ.get("ARCHIVE_NATIVE_FOLD", "1") != "0" and built:
        assert tsrank.NATIVE is not None
        assert tsrank.NATIVE.fold_version() == tsrank.FOLD_VERSION
    else:
        assert tsrank.NATIVE is None
