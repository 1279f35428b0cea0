"""Posting lists of the archive's most common words, for ranking a broad search without the engine.

A word found in most articles ("troops", "forces") is where a full-text engine is slowest: it
scores every match one by one before the first page can be cut. For the words found in at least
`BROAD_ROWS` articles, a `TermIndex` keeps each article's weighted count of the word (the same
column weights the engine ranks with) and each article's length, as numpy arrays. A query whose
every spelling is one such word is then matched and ranked by array arithmetic: the same articles
and, to the last bit, the same bm25 scores the engine would give (see `TermIndex.matches`).
Any other query (a phrase, a rarer word) is left to the engine, which answers it quickly because
its matches are few.

The index is read from the engine's own index (its tokens, so no word is split differently)
and kept current the way the facet index is: the articles an edit changed are read again and
replace their old entries (`TermIndex.changed`); `folded` merges those into the posting lists.

Two rankings are kept this way. SQLite's bm25 (`ranking = "bm25"`) needs each article's weighted
count of the word and its length. PostgreSQL's ts_rank (`ranking = "ts_rank"`) needs the word's
positions in the article with their weights: the lists then also hold every posting's positions
(`positions`, `counts` of them in `freqs`), and `archive.search.tsrank` does the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from archive.search import tsrank
from archive.search.ragged import ragged_take, run_starts

# A word found in at least this many articles gets a posting list (fewer: the engine is quick).
# settings.ARCHIVE_SEARCH_BROAD_ROWS overrides it; 0 keeps no lists.
BROAD_ROWS = 1_000
# Changed articles kept apart from the lists before they are merged in (a query checks each).
FOLD_AFTER = 2_000
# bm25's constants, as the engine uses them.
K1, B = 1.2, 0.75

# Per changed article: its length and, per indexed word, its weighted count (bm25) or its
# positions (ts_rank, a uint16 array).
Entry = tuple[int, dict[str, Any]]
# One word's articles (ids ascending) and its weighted count in each, or None where not read.
WordPostings = tuple[np.ndarray, np.ndarray | None]


def _compact(freqs: np.ndarray) -> np.ndarray:
    """Return weighted counts in the smallest exact type: whole numbers under 65,536 (the
    column weights are whole) as uint16, anything else as float64."""
    if not len(freqs) or (
        np.all(freqs == np.floor(freqs)) and freqs.min() >= 0 and freqs.max() < 65_536
    ):
        return freqs.astype(np.uint16)
    return freqs.astype(np.float64)


@dataclass(frozen=True)
class TermIndex:
    """Per indexed word the articles holding it and its weighted count in each (or, ranked by
    ts_rank, the number of its positions there and the positions); per article id its length
    in words (0 and `present` False for an id with no row)."""

    words: Mapping[str, int]  # word → its posting list's number
    offsets: np.ndarray  # posting list n is ids[offsets[n]:offsets[n + 1]]
    ids: np.ndarray  # article ids, ascending within each list
    freqs: np.ndarray  # the weighted count of the word in that article (see _compact)
    lengths: np.ndarray  # by article id: its length in words
    present: np.ndarray  # by article id: the article has a row in the index
    # Articles changed since the posting lists were built: they are skipped in the lists and
    # their current entries read from here.
    changes: Mapping[int, dict[str, Any]] = field(default_factory=dict)
    stale: np.ndarray | None = None
    ranking: str = "bm25"  # or "ts_rank"
    # ts_rank only: list n's positions are positions[position_offsets[n]:…[n + 1]], each
    # posting's `freqs` of them in turn.
    positions: np.ndarray | None = None
    position_offsets: np.ndarray | None = None

    @classmethod
    def from_lists(
        cls,
        lists: Mapping[str, tuple[np.ndarray, np.ndarray]],
        lengths: np.ndarray,
        present: np.ndarray,
    ) -> TermIndex:
        """Build a bm25 index from {word: (ids, weighted counts)} and the per-id lengths."""
        words = {word: n for n, word in enumerate(lists)}
        sizes = [len(ids) for ids, _freqs in lists.values()]
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        ids = [lists[word][0] for word in words]
        freqs = np.concatenate([lists[word][1] for word in words]) if words else np.zeros(0)
        return cls(
            words,
            offsets,
            np.concatenate(ids).astype(np.int32) if ids else np.zeros(0, np.int32),
            _compact(freqs),
            lengths.astype(np.float64),
            present.astype(np.bool_),
        )

    @classmethod
    def from_positions(
        cls,
        lists: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
        present: np.ndarray,
    ) -> TermIndex:
        """Build a ts_rank index from {word: (ids, counts, positions)}: ids ascending, and the
        positions of each posting in turn (`counts` of them)."""
        words = {word: n for n, word in enumerate(lists)}
        sizes = [len(lists[word][0]) for word in words]
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        position_offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum([len(lists[word][2]) for word in words], out=position_offsets[1:])

        def joined(part: int, dtype) -> np.ndarray:
            arrays = [lists[word][part] for word in words]
            return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)

        return cls(
            words,
            offsets,
            joined(0, np.int32),
            joined(1, np.uint16),
            np.zeros(len(present), dtype=np.float64),
            present.astype(np.bool_),
            ranking="ts_rank",
            positions=joined(2, np.uint16),
            position_offsets=position_offsets,
        )

    # --- Reading --------------------------------------------------------------------------

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the ids of the articles holding word now, and the word's weighted count (or
        number of positions) in each (ids ascending); none for a word without a list."""
        if self.positions is not None:
            ids, counts, _positions = self.postings_at(word)
            return ids, counts
        if word not in self.words:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=self.freqs.dtype)
        n = self.words[word]
        ids = self.ids[self.offsets[n] : self.offsets[n + 1]]
        freqs = self.freqs[self.offsets[n] : self.offsets[n + 1]]
        if self.stale is None:
            return ids, freqs
        keep = ~self.stale[ids]
        extra = [(pk, found[word]) for pk, found in self.changes.items() if word in found]
        if not extra:
            return ids[keep], freqs[keep]
        more_ids = np.array([pk for pk, _f in extra], dtype=np.int32)
        more_freqs = np.array([f for _pk, f in extra], dtype=np.float64)
        all_ids = np.concatenate([ids[keep], more_ids])
        order = np.argsort(all_ids, kind="stable")
        return all_ids[order], np.concatenate([freqs[keep], more_freqs])[order]

    def postings_at(self, word: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return what `postings` does and, ranked by ts_rank, the positions of each posting in
        turn (None for bm25)."""
        if self.positions is None:
            ids, freqs = self.postings(word)
            return ids, freqs, None
        ids, counts, starts, positions = self._unordered(word)
        order = np.argsort(ids, kind="stable")
        return (
            ids[order],
            counts[order].astype(np.uint16),
            ragged_take(positions, starts[order], counts[order]),
        )

    def lists_some(self, phrases: Sequence[Sequence[str]]) -> bool:
        """Say whether every phrase is a single word and one at least is indexed: `matches`
        can answer, given where the others are (`elsewhere`)."""
        single = all(len(words) == 1 and words[0] for words in phrases)
        return single and any(words[0] in self.words for words in phrases)

    def rows(self) -> int:
        return int(np.count_nonzero(self.present))

    def matches(
        self,
        groups: Sequence[Sequence[str]],
        *,
        scored: bool,
        elsewhere: Mapping[str, WordPostings] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the ids of the articles holding, for every group, one of its words, and when
        `scored` their ranks: the engine's own arithmetic, operation for operation, so the
        scores are the same to the last bit (bm25 here; ts_rank in archive.search.tsrank).

        A word without a list may be given in `elsewhere`, read from the engine now: the ids
        of the articles holding it (ascending) and, for bm25, its weighted count in each. With
        the counts it ranks as a listed word does. Without them (ts_rank needs positions) the
        articles holding it are left unranked (NaN) for the engine, and every other article
        ranks as one where the word is absent (ts_rank skips a word an article lacks).
        """
        elsewhere = {word: self._clipped(*found) for word, found in (elsewhere or {}).items()}
        matched, scores = self._matches(groups, scored=scored, elsewhere=elsewhere)
        unranked = [
            ids for ids, freqs in elsewhere.values() if freqs is None or self.ranking == "ts_rank"
        ]
        if scores is not None and unranked:
            held = np.zeros(len(self.present), dtype=np.bool_)
            for ids in unranked:
                held[ids] = True
            scores[held[matched]] = np.nan
        return matched, scores

    def _clipped(self, ids: np.ndarray, freqs: np.ndarray | None) -> WordPostings:
        # An article newer than these arrays has no length here: it is not counted yet (the
        # facet index has not read it either).
        keep = ids < len(self.present)
        return ids[keep], None if freqs is None else freqs[keep]

    def _matches(
        self,
        groups: Sequence[Sequence[str]],
        *,
        scored: bool,
        elsewhere: Mapping[str, WordPostings],
    ) -> tuple[np.ndarray, np.ndarray | None]:
        if (
            self.ranking == "ts_rank"
            and tsrank.NATIVE is not None
            and self.ids.dtype == np.int32  # fold.c reads ids as int32
            and max(self.changes, default=0) < 2**31
        ):
            return self._matches_by_row(groups, scored=scored, elsewhere=elsewhere)
        size = len(self.present)
        found: np.ndarray | None = None
        lists = []
        unordered: dict[str, tuple[np.ndarray, ...]] = {}
        for group in groups:
            held = np.zeros(size, dtype=np.bool_)
            for word in group:
                # A word without a list has no postings here; `elsewhere` says who holds it.
                if self.ranking == "ts_rank":
                    if word not in unordered:
                        unordered[word] = self._unordered(word)
                    ids = unordered[word][0]
                else:
                    ids, freqs = self.postings(word)
                    read, counts = elsewhere.get(word, (ids, None))
                    if counts is not None:  # read with its counts: ranked as a listed word
                        ids, freqs = read, counts
                    lists.append((ids, freqs))
                held[ids] = True
                if word in elsewhere:
                    held[elsewhere[word][0]] = True
            found = held if found is None else found & held
        if found is None:
            return np.zeros(0, dtype=np.int64), None
        matched = np.flatnonzero(found)
        if not scored:
            return matched, None
        if self.ranking == "ts_rank":
            return matched, self._ts_rank(matched, groups, unordered)
        return matched, self._bm25(matched, lists)

    def _matches_by_row(
        self,
        groups: Sequence[Sequence[str]],
        *,
        scored: bool,
        elsewhere: Mapping[str, WordPostings],
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """What `matches` does for ts_rank where fold.c is built: every list read in place
        (no copy of its ids, counts or positions), the changed articles' postings beside it,
        and the ranks from the lists laid out by row."""
        size = len(self.present)
        lists = {word: self._lists(word) for group in groups for word in group}
        stale = np.flatnonzero(self.stale) if self.stale is not None else None
        found: np.ndarray | None = None
        for group in groups:
            held = np.zeros(size, dtype=np.bool_)
            for word in group:
                held[lists[word][0][0]] = True
            if stale is not None:
                # A changed article holds a word as it reads now: its new postings, if any.
                held[stale] = False
                for word in group:
                    for ids, _counts, _positions in lists[word][1:]:
                        held[ids] = True
            for word in group:
                if word in elsewhere:
                    held[elsewhere[word][0]] = True
            found = held if found is None else found & held
        if found is None:
            return np.zeros(0, dtype=np.int64), None
        matched = np.flatnonzero(found)
        if not scored:
            return matched, None
        slot = np.full(size, -1, dtype=np.int64)
        slot[matched] = np.arange(len(matched))
        items = tsrank.item_order([word for group in groups for word in group])
        rows = [tsrank.rows_of(len(matched), slot, lists[word], self.stale) for word in items]
        return matched, tsrank.ts_rank_rows(len(matched), rows, conjunction=len(groups) > 1)

    def _lists(self, word: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Return a ts_rank word's list as read (ids, position counts, positions: views, not
        copies) and, if any changed article holds it now, theirs (the same three)."""
        assert self.positions is not None and self.position_offsets is not None
        if word not in self.words:
            none = np.zeros(0, dtype=np.uint16)
            return [(np.zeros(0, dtype=np.int32), none, none)]
        n = self.words[word]
        lists = [
            (
                self.ids[self.offsets[n] : self.offsets[n + 1]],
                self.freqs[self.offsets[n] : self.offsets[n + 1]],
                self.positions[self.position_offsets[n] : self.position_offsets[n + 1]],
            )
        ]
        extra = [(pk, found[word]) for pk, found in self.changes.items() if word in found]
        if extra:
            lists.append(
                (
                    np.array([pk for pk, _f in extra], dtype=np.int32),
                    np.array([len(f) for _pk, f in extra], dtype=np.uint16),
                    np.concatenate([np.asarray(f, dtype=np.uint16) for _pk, f in extra]),
                )
            )
        return lists

    def _ts_rank(
        self, matched: np.ndarray, groups: Sequence[Sequence[str]], unordered: Mapping
    ) -> np.ndarray:
        items = tsrank.item_order([word for group in groups for word in group])
        slot = np.full(len(self.present), -1, dtype=np.int64)
        slot[matched] = np.arange(len(matched))
        postings = [tsrank.Postings(slot, *unordered[word]) for word in items]
        return tsrank.ts_rank(len(matched), postings, conjunction=len(groups) > 1)

    def _unordered(self, word: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return a ts_rank list's current postings in no particular order: ids, position
        counts, where each posting's positions start, and the positions. Changed articles'
        postings are cut out and theirs (`_lists`) added at the end."""
        (ids, freqs, positions), *changed = self._lists(word)
        counts = freqs.astype(np.int64)
        starts = run_starts(counts)
        if self.stale is not None:
            keep = ~self.stale[ids]
            ids, counts, starts = ids[keep], counts[keep], starts[keep]
        if not changed:
            return ids, counts, starts, positions
        more_ids, more_counts, more_positions = changed[0]
        more_counts = more_counts.astype(np.int64)
        return (
            np.concatenate([ids, more_ids.astype(ids.dtype)]),
            np.concatenate([counts, more_counts]),
            np.concatenate([starts, len(positions) + run_starts(more_counts)]),
            np.concatenate([positions, more_positions]),
        )

    def _bm25(self, matched: np.ndarray, lists: list) -> np.ndarray:
        """SQLite FTS5's bm25 with the article table's column weights, every word a phrase, in
        double precision and the engine's order."""
        size = len(self.present)
        rows = self.rows()
        total = float(self.lengths.sum())
        avgdl = total / float(rows) if rows else 1.0
        length = self.lengths[matched]
        damping = K1 * ((1 - B) + ((B * length) / avgdl))
        score = np.zeros(len(matched), dtype=np.float64)
        dense = np.zeros(size, dtype=np.float64)
        for ids, freqs in lists:
            hits = len(ids)
            idf = math.log((float(rows - hits) + 0.5) / (float(hits) + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            dense[ids] = freqs
            freq = dense[matched]
            dense[ids] = 0.0
            score = score + idf * ((freq * (K1 + 1.0)) / (freq + damping))
        return score

    # --- Changing -------------------------------------------------------------------------

    def changed(self, entries: Mapping[int, Entry | None]) -> TermIndex:
        """Return the index with these articles' entries replaced ((length, {word: weighted
        count or positions}) as they are now, or None for an article that has no row any
        more)."""
        top = max(entries, default=0) + 1
        lengths, present = self.lengths, self.present
        stale = self.stale if self.stale is not None else np.zeros(len(present), dtype=np.bool_)
        if top > len(present):
            grow = top - len(present)
            lengths = np.concatenate([lengths, np.zeros(grow)])
            present = np.concatenate([present, np.zeros(grow, dtype=np.bool_)])
            stale = np.concatenate([stale, np.zeros(grow, dtype=np.bool_)])
        else:
            lengths, present, stale = lengths.copy(), present.copy(), stale.copy()
        changes = dict(self.changes)
        for pk, entry in entries.items():
            stale[pk] = True
            if entry is None:
                lengths[pk], present[pk] = 0.0, False
                changes[pk] = {}
            else:
                lengths[pk], present[pk] = float(entry[0]), True
                changes[pk] = {word: f for word, f in entry[1].items() if word in self.words}
        index = replace(self, lengths=lengths, present=present, changes=changes, stale=stale)
        return index.folded() if len(changes) > FOLD_AFTER else index

    def folded(self) -> TermIndex:
        """Return the same index with the changed articles merged into the posting lists."""
        if self.stale is None:
            return self
        if self.ranking == "ts_rank":
            lists = {}
            for word in self.words:
                ids, counts, positions = self.postings_at(word)
                assert positions is not None
                lists[word] = (ids, counts, positions)
            return TermIndex.from_positions(lists, self.present)
        return TermIndex.from_lists(
            {word: self.postings(word) for word in self.words}, self.lengths, self.present
        )

    def nbytes(self) -> int:
        arrays = [self.offsets, self.ids, self.freqs, self.lengths]
        if self.positions is not None:
            arrays.append(self.positions)
        return sum(a.nbytes for a in arrays)

    # --- Saving ---------------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the folded index as named arrays (for a snapshot)."""
        index = self.folded()
        words = "\n".join(index.words).encode()
        arrays = {
            "terms.words": np.frombuffer(words, dtype=np.uint8),
            "terms.offsets": index.offsets,
            "terms.ids": index.ids,
            "terms.freqs": index.freqs,
            "terms.lengths": index.lengths,
            "terms.present": index.present,
            "terms.ranking": np.frombuffer(index.ranking.encode(), dtype=np.uint8),
        }
        if index.positions is not None and index.position_offsets is not None:
            arrays["terms.positions"] = index.positions
            arrays["terms.position_offsets"] = index.position_offsets
        return arrays

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray]) -> TermIndex:
        text = data["terms.words"].tobytes().decode()
        words = text.split("\n") if text else []
        positions = data["terms.positions"] if "terms.positions" in data else None
        return cls(
            {word: n for n, word in enumerate(words)},
            data["terms.offsets"],
            data["terms.ids"],
            data["terms.freqs"],
            data["terms.lengths"],
            data["terms.present"],
            ranking=data["terms.ranking"].tobytes().decode(),
            positions=positions,
            position_offsets=(data["terms.position_offsets"] if positions is not None else None),
        )
