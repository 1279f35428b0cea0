"""PostgreSQL's ts_rank, as array arithmetic over the positions of the broad words.

`ts_rank(document, query)` with the default weights and no normalisation is computed here the
way PostgreSQL's tsrank.c computes it: single precision where the engine uses `float`, double
where it uses `double`, every sum in the engine's order. So an article ranks here exactly as the
engine would rank it, to the last bit, and a search answered from the posting lists lists the
same articles in the same order as one answered by the engine.

A position is kept as the engine keeps it (a `WordEntryPos`): the low 14 bits its place in the
article, the top 2 its weight (A = 3 for the headline … D = 0 for the body).

- A query of one word, or of spellings any one of which may match (`a | b`), is ranked by
  `calc_rank_or`: per word, its positions' weights, each divided by the square of its rank,
  summed; the words' sums averaged.
- A query of several terms that must all match (`a & b`) is ranked by `calc_rank_and`: every
  pair of positions of two different words adds a share that falls with their distance.

The pairs of one article are folded one after another (each step rounds), so an article with
very many pairs (two words each dozens of times over) costs a step per pair. Such articles are
left unranked here (NaN, see `MANY_PAIRS`) for the caller to ask the engine about: there are
few of them, and the engine ranks a few articles quickly.

numpy folds one pair of every article at a time: a step per pair of the article with the most.
Where `make install` has built `fold.c` (the engine's own loop, article by article), the words'
postings are laid out by row (`rows_of`) and ranked there (`ts_rank_rows`) instead, to the
same bits and many times sooner; without it, numpy does it (`ts_rank`).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from archive.native import native_library
from archive.search.ragged import run_starts

# The engine's default weights, by the 2-bit weight: D, C, B, A.
WEIGHTS = np.array([0.1, 0.2, 0.4, 1.0], dtype=np.float32)
# Σ 1/i² for i ≥ 1 (π²/6), as the engine writes it.
SPREAD = 1.64493406685
# The bits of a position that give its place (the top two give its weight).
POSITION_BITS = 0x3FFF
# Two words further apart than this count as unrelated.
FAR = 100
# The engine's rank for a matching article no pair of positions says anything about.
FLOOR = np.float32(1e-20)
# An article with more pairs of positions than this for two words is left to the engine.
MANY_PAIRS = 256


def _word_distance(dist: int) -> np.float32:
    """The engine's word_distance: float in, double arithmetic, float out."""
    if dist > FAR:
        return np.float32(1e-30)
    return np.float32(1.0 / (1.005 + 0.05 * math.exp(float(np.float32(dist)) / 1.5 - 2.0)))


def _pair_shares() -> np.ndarray:
    """Return curw = sqrt(wpos(a) * wpos(b) * word_distance(dist)) for every pair of weights
    and every distance up to FAR + 1 (which stands for any further one); NaN at distance 0,
    a pair the engine skips."""
    table = np.full((4, 4, FAR + 2), np.nan, dtype=np.float32)
    for a in range(4):
        for b in range(4):
            for dist in range(1, FAR + 2):
                product = np.float32(WEIGHTS[a] * WEIGHTS[b]) * _word_distance(dist)
                table[a, b, dist] = np.float32(math.sqrt(float(np.float32(product))))
    return table


# The share of a pair of positions depends only on their weights and distance: one flat table,
# by (weight a × 4 + weight b) × (FAR + 2) + distance.
PAIR_SHARES = _pair_shares().ravel()

# fold.c's version this module was written for: a library built from another is not used.
FOLD_VERSION = 5


def _native() -> ctypes.CDLL | None:
    """Return fold.c built beside this module (`rows_of`, `fold_pairs`, `or_shares`), or None
    where it was not built, was built from another version, or ARCHIVE_NATIVE_FOLD=0 turns it
    off."""
    path = Path(__file__).with_name("fold.so")
    library = native_library(path, "ARCHIVE_NATIVE_FOLD", "fold_version", FOLD_VERSION)
    if library is None:
        return None

    def array(dtype) -> type:
        return np.ctypeslib.ndpointer(dtype, flags="C_CONTIGUOUS")

    int64, uint16, float32 = array(np.int64), array(np.uint16), array(np.float32)
    count, pointer = ctypes.c_int64, ctypes.c_void_p
    library.rows_of.argtypes = [
        count,
        array(np.int32),
        uint16,
        count,
        int64,
        count,
        pointer,
        count,
        int64,
        int64,
    ]
    library.rows_of.restype = ctypes.c_int
    word = [int64, int64, uint16, count, uint16]  # start, count, base, its length, extra
    library.fold_pairs.argtypes = [count, *word, *word, float32, count, count, float32, pointer]
    library.fold_pairs.restype = None
    library.or_shares.argtypes = [count, *word, float32, ctypes.c_double, float32]
    library.or_shares.restype = None
    return library


NATIVE = _native()


class Postings:
    """One word's postings among the matched articles: for each, the article's place in the
    matched list, and its positions (`starts[i]` to `starts[i] + counts[i]` in `positions`)."""

    __slots__ = ("rows", "counts", "starts", "positions")

    def check(self) -> None:
        """Refuse postings whose positions run past the positions array, rather than rank
        them from another posting's positions."""
        if len(self.counts) and (
            int(self.counts.min()) < 0
            or int(self.starts.min()) < 0
            or int((self.starts + self.counts).max()) > len(self.positions)
        ):
            raise ValueError("postings run past their positions")

    def __init__(
        self,
        slot: np.ndarray,
        ids: np.ndarray,
        counts: np.ndarray,
        starts: np.ndarray,
        positions: np.ndarray,
    ):
        """`slot` gives, by article id, its place among the matched articles (-1: none); each
        posting's positions are `positions[starts[i] : starts[i] + counts[i]]`."""
        rows = slot[ids]
        keep = rows >= 0
        self.rows = rows[keep]
        self.counts = counts[keep].astype(np.int64)
        self.starts = starts[keep]
        self.positions = positions


def item_order(words: Sequence[str]) -> list[str]:
    """Return the distinct words in the order the engine ranks them (byte order)."""
    return sorted(set(words), key=lambda word: word.encode())


def ts_rank(size: int, postings: Sequence[Postings], *, conjunction: bool) -> np.ndarray:
    """Return ts_rank of each of `size` matched articles for a query of these words (NaN for
    an article with too many pairs of positions to fold here, see `MANY_PAIRS`).

    `postings` come one per distinct word, in `item_order`; `conjunction` is True when the
    query's top operator is AND (several terms), False for one term.
    """
    for word in postings:
        word.check()
    if conjunction and len(postings) >= 2:
        scores = _rank_and(size, postings)
    else:
        scores = _rank_or(size, postings)
    scores[scores < 0] = FLOOR
    return scores.astype(np.float64)


@dataclass
class Rows:
    """One word's postings laid out by row of the matched articles, as fold.c reads them: row
    r's `count[r]` positions (0: the word is not in that article) start at `start[r]` in
    `base`, or past its end in `extra` (the positions of articles changed since the lists were
    read)."""

    start: np.ndarray
    count: np.ndarray
    base: np.ndarray
    extra: np.ndarray

    def args(self) -> tuple:
        return (self.start, self.count, self.base, len(self.base), self.extra)


def rows_of(
    size: int,
    slot: np.ndarray,
    lists: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    stale: np.ndarray | None,
) -> Rows:
    """Lay out one word's postings by row: `lists` is its list as read (ids, position counts,
    positions) and then the changed articles' (the same three), `slot` each id's row (-1:
    not matched), `stale` (by id) the articles whose postings in the first list are out of
    date. Raises ValueError where counts run past their positions."""
    assert NATIVE is not None
    start = np.zeros(size, dtype=np.int64)
    count = np.zeros(size, dtype=np.int64)
    offset = 0
    if stale is not None and len(stale) < len(slot):
        stale = np.concatenate([stale, np.zeros(len(slot) - len(stale), dtype=np.bool_)])
    if stale is not None:
        stale = np.ascontiguousarray(stale, dtype=np.bool_)
    for n, (ids, counts, positions) in enumerate(lists):
        skip = stale.ctypes.data if (stale is not None and n == 0) else None
        ids = np.ascontiguousarray(ids, dtype=np.int32)
        counts = np.ascontiguousarray(counts, dtype=np.uint16)
        found = NATIVE.rows_of(
            len(ids), ids, counts, len(positions), slot, len(slot), skip, offset, start, count
        )
        if found != 0:
            raise ValueError("postings run past their positions")
        offset += len(positions)
    base = np.ascontiguousarray(lists[0][2], dtype=np.uint16)
    extra = (
        np.ascontiguousarray(np.concatenate([part[2] for part in lists[1:]]), dtype=np.uint16)
        if len(lists) > 1
        else np.zeros(0, dtype=np.uint16)
    )
    return Rows(start, count, base, extra)


def ts_rank_rows(size: int, words: Sequence[Rows], *, conjunction: bool) -> np.ndarray:
    """Return what `ts_rank` does, from words laid out by row, with fold.c."""
    assert NATIVE is not None
    if conjunction and len(words) >= 2:
        scores = np.full(size, -1.0, dtype=np.float32)
        unranked = np.zeros(size, dtype=np.uint8)
        for i in range(1, len(words)):
            for k in range(i):
                NATIVE.fold_pairs(
                    size,
                    *words[i].args(),
                    *words[k].args(),
                    PAIR_SHARES,
                    FAR,
                    MANY_PAIRS,
                    scores,
                    unranked.ctypes.data,
                )
        scores[scores < 0] = FLOOR
        scores[unranked.astype(np.bool_)] = np.nan
    else:
        scores = np.zeros(size, dtype=np.float32)
        for word in words:
            NATIVE.or_shares(size, *word.args(), WEIGHTS, SPREAD, scores)
        if words:
            scores = scores / np.float32(len(words))
    scores[scores < 0] = FLOOR
    return scores.astype(np.float64)


def _rank_or(size: int, postings: Sequence[Postings]) -> np.ndarray:
    res = np.zeros(size, dtype=np.float32)
    for word in postings:
        share = _or_share(word)
        # res = res + share / SPREAD: the division and the sum in double, stored as float.
        res[word.rows] = (res[word.rows].astype(np.float64) + share / SPREAD).astype(np.float32)
    if postings:
        res = res / np.float32(len(postings))
    return res


def _longest_first(lengths: np.ndarray) -> np.ndarray:
    """Return the order of these lengths, longest first, ties in their order."""
    if len(lengths) and int(lengths.max()) < 2**15:
        # Small integers (the engine keeps at most 256 positions of a word in an article):
        # numpy sorts them by radix, in linear time.
        return np.argsort(-lengths.astype(np.int16), kind="stable")
    return np.argsort(-lengths, kind="stable")


def _or_share(word: Postings) -> np.ndarray:
    """Return, per posting, wjm + resj - wjm / (jm + 1)² in single precision.

    Step j reads the j-th position of every posting that has one: the postings are taken
    most positions first, so each step works on the front of the arrays, in place.
    """
    n = len(word.counts)
    order = _longest_first(word.counts)
    counts = word.counts[order]
    at = word.starts[order].astype(np.int64)  # each posting's j-th position
    resj = np.zeros(n, dtype=np.float32)
    wjm = np.full(n, -1.0, dtype=np.float32)
    jm = np.zeros(n, dtype=np.int64)
    code = np.empty(n, dtype=word.positions.dtype)
    w = np.empty(n, dtype=np.float32)
    better = np.empty(n, dtype=np.bool_)
    longest = int(counts[0]) if n else 0
    active = np.searchsorted(-counts, -np.arange(longest), side="left")  # with > j positions
    for j in range(longest):
        m = int(active[j])
        np.take(word.positions, at[:m], out=code[:m])
        np.right_shift(code[:m], 14, out=code[:m])
        np.take(WEIGHTS, code[:m], out=w[:m])
        # resj = resj + wpos / ((j + 1) * (j + 1)), in single precision.
        resj[:m] += w[:m] / np.float32((j + 1) * (j + 1))
        np.greater(w[:m], wjm[:m], out=better[:m])
        np.copyto(wjm[:m], w[:m], where=better[:m])
        np.copyto(jm[:m], j, where=better[:m])
        at[:m] += 1
    square = ((jm + 1) * (jm + 1)).astype(np.float32)
    share = (wjm + resj) - wjm / square
    out = np.empty(n, dtype=np.float64)
    out[order] = share.astype(np.float64)
    return out


def _shares(here: np.ndarray, there: np.ndarray) -> np.ndarray:
    """Return each pair of positions' share (curw), NaN where they coincide (skipped)."""
    here, there = here.astype(np.int32), there.astype(np.int32)
    # The cell: (weight here × 4 + weight there) × (FAR + 2) + distance, in place.
    cell = here >> 14
    cell <<= 2
    cell |= there >> 14
    cell *= FAR + 2
    here &= POSITION_BITS
    there &= POSITION_BITS
    here -= there
    np.abs(here, out=here)
    np.minimum(here, FAR + 1, out=here)
    cell += here
    return PAIR_SHARES.take(cell)


def _fold(acc: np.ndarray, rows: np.ndarray, shares: np.ndarray) -> None:
    """res = res < 0 ? curw : 1 - (1 - res) * (1 - curw), in double, stored as float; for one
    pair of each of these articles (NaN: the pair is skipped)."""
    before = acc[rows]
    later = 1.0 - (1.0 - before.astype(np.float64)) * (1.0 - shares.astype(np.float64))
    after = np.where(before < 0, shares, later.astype(np.float32))
    acc[rows] = np.where(np.isnan(shares), before, after)


def _rank_and(size: int, postings: Sequence[Postings]) -> np.ndarray:
    """calc_rank_and: per article, for each later word and each earlier one, each of the later
    word's positions against each of the earlier's, folded into one rank in that order."""
    acc = np.full(size, -1.0, dtype=np.float32)
    unranked = np.zeros(size, dtype=np.bool_)
    for i in range(1, len(postings)):
        for k in range(i):
            _fold_pairs(acc, unranked, postings[i], postings[k], size)
    acc[acc < 0] = FLOOR
    acc[unranked] = np.nan
    return acc


def _fold_pairs(
    acc: np.ndarray, unranked: np.ndarray, later: Postings, earlier: Postings, size: int
) -> None:
    where = np.full(size, -1, dtype=np.int64)
    where[earlier.rows] = np.arange(len(earlier.rows))
    b = where[later.rows]
    a = np.flatnonzero(b >= 0)
    b = b[a]
    outer, inner = later.counts[a], earlier.counts[b]
    # Most articles hold each word once: one pair each, folded at once.
    single = (outer == 1) & (inner == 1)
    rows = later.rows[a]
    _fold(
        acc,
        rows[single],
        _shares(
            later.positions[later.starts[a[single]]], earlier.positions[earlier.starts[b[single]]]
        ),
    )
    many = ~single
    if not many.any():
        return
    a, b, rows = a[many], b[many], rows[many]
    outer, inner = outer[many], inner[many]
    pairs = outer * inner
    too_many = pairs > MANY_PAIRS
    if too_many.any():
        unranked[rows[too_many]] = True
        fewer = ~too_many
        a, b, rows, outer, inner, pairs = (
            a[fewer],
            b[fewer],
            rows[fewer],
            outer[fewer],
            inner[fewer],
            pairs[fewer],
        )
        if not len(rows):
            return
    # Per article, each of the later word's positions (a line of `inner` pairs) against each
    # of the earlier word's: built by repeats, without dividing pair numbers.
    line_inner = np.repeat(inner, outer)
    here_at = np.repeat(later.starts[a] - run_starts(outer), outer)
    here_at += np.arange(len(here_at), dtype=np.int64)
    here = np.repeat(later.positions[here_at], line_inner)
    # Pair e of a line reads the earlier word's position (line's start + e - line's first pair).
    there_from = np.repeat(earlier.starts[b], outer) - run_starts(line_inner)
    there_at = np.repeat(there_from, line_inner)
    there_at += np.arange(len(there_at), dtype=np.int64)
    shares = _shares(here, earlier.positions[there_at])
    # A pair of positions at the same place changes nothing (the engine skips it): left out.
    kept = ~np.isnan(shares)
    if not kept.all():
        article = np.repeat(np.arange(len(pairs), dtype=np.int64), pairs)
        shares = shares[kept]
        pairs = np.bincount(article[kept], minlength=len(pairs))
        some = pairs > 0
        rows, pairs = rows[some], pairs[some]
    if len(rows):
        _fold_runs(acc, rows, shares, pairs)


def _fold_runs(acc: np.ndarray, rows: np.ndarray, shares: np.ndarray, pairs: np.ndarray) -> None:
    """Fold each article's run of shares (laid one article after another, `pairs[i]` for
    article i, none of them NaN), in order, into its rank `acc[rows[i]]`.

    Step t folds the t-th share of every article that has one. The articles are taken longest
    run first, so each step works on the front of one array of ranks, in place, with no array
    made per step. Only the first step can meet an article without a rank yet (it takes the
    share itself); after it every rank is one.
    """
    first = run_starts(pairs)
    order = _longest_first(pairs)
    pairs, first, rows = pairs[order], first[order], rows[order]
    steps = int(pairs[0])
    # How many articles have a t-th share.
    active = np.searchsorted(-pairs, -np.arange(steps), side="left")
    # 1 - curw, in double as the engine computes it.
    rest = 1.0 - shares.astype(np.float64)
    ranks = acc[rows]
    work = np.empty(len(rows), dtype=np.float64)
    taken = np.empty(len(rows), dtype=np.float64)
    at = first.copy()
    # res = res < 0 ? curw : 1 - (1 - res) * (1 - curw), in double, stored as float.
    unranked = ranks < 0
    np.take(rest, at, out=taken)
    _fold_step(ranks, work, taken)
    ranks[unranked] = shares[first[unranked]]
    for step in range(1, steps):
        n = int(active[step])
        at[:n] += 1
        np.take(rest, at[:n], out=taken[:n])
        _fold_step(ranks[:n], work[:n], taken[:n])
    acc[rows] = ranks


def _fold_step(ranks: np.ndarray, work: np.ndarray, rest: np.ndarray) -> None:
    """ranks = 1 - (1 - ranks) * rest: in double (`work`), stored as float, in place."""
    np.subtract(1.0, ranks, out=work, dtype=np.float64)
    np.multiply(work, rest, out=work)
    np.subtract(1.0, work, out=work)
    ranks[:] = work
