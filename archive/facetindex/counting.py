"""Counting with the facet index: which documents match, and each facet value's count among them.

A `Selection` is one list's filters turned into ids (a place with every place inside it; the
rows a text search found, as the database's ids). Its `mask` is a boolean array over one kind's
slots; `facet_counts` counts a facet's values over a mask with one `bincount`, whatever the size
of the matching set. The rules follow the list pages' own (archive.public.filters, facets):

- a quote's or caption's place filter matches its own place or its article's places, while its
  place facet counts its article's places;
- a caption's agency filter matches the agency or the distributor; its facet counts the agency;
- an article's speakers are the speakers of its quotes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from archive.facetindex.store import Docs, FacetIndex
from archive.facetindex.tally import NATIVE, tally, tally_weighted

# How each kind's facets count: ("column", name), ("pairs", name) or ("article_pairs", name)
# for the places of a quote's or caption's article.
FACETS: dict[str, dict[str, tuple[str, str]]] = {
    "article": {
        "place": ("pairs", "place"),
        "tag": ("pairs", "tag"),
        "outlet": ("column", "outlet"),
        "speaker": ("pairs", "speaker"),
    },
    "quote": {
        "speaker": ("column", "speaker"),
        "place": ("article_pairs", "place"),
        "outlet": ("column", "outlet"),
        "tag": ("pairs", "tag"),
    },
    "caption": {
        "agency": ("column", "agency"),
        "place": ("article_pairs", "place"),
        "tag": ("pairs", "tag"),
    },
}

# How each kind's filters match: any of these sources holding one of the ids.
FILTERS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "article": {
        "place": (("pairs", "place"),),
        "tag": (("pairs", "tag"),),
        "outlet": (("column", "outlet"),),
        "speaker": (("pairs", "speaker"),),
    },
    "quote": {
        "speaker": (("column", "speaker"),),
        "place": (("column", "place"), ("article_pairs", "place")),
        "outlet": (("column", "outlet"),),
        "tag": (("pairs", "tag"),),
    },
    "caption": {
        "agency": (("column", "agency"), ("column", "distributor")),
        "place": (("column", "place"), ("article_pairs", "place")),
        "tag": (("pairs", "tag"),),
    },
}


def _is_one_of(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Return which values are one of ids (one id, the usual case: a plain comparison)."""
    return values == ids[0] if len(ids) == 1 else np.isin(values, ids)


def _holds(docs: Docs, articles: Docs, source: tuple[str, str], ids: np.ndarray) -> np.ndarray:
    """Return which slots of docs have one of ids in source."""
    how, name = source
    if how == "column":
        return _is_one_of(docs.columns[name], ids)
    if how == "pairs":
        slots, values = docs.pairs[name]
        found = np.zeros(docs.size, dtype=np.bool_)
        found[slots[_is_one_of(values, ids)]] = True
        return found
    # The article's pairs, seen from its quotes or captions.
    slots, values = articles.pairs[name]
    held = np.zeros(articles.size, dtype=np.bool_)
    held[slots[_is_one_of(values, ids)]] = True
    return held[docs.columns["aslot"]]


def _bincount(values: np.ndarray, weights: np.ndarray | None = None) -> dict[int, int]:
    if not len(values):
        return {}
    return _nonzero(np.bincount(values, weights=weights))


def _nonzero(counts: np.ndarray) -> dict[int, int]:
    found = np.flatnonzero(counts)
    found = found[found > 0]  # 0 stands for "none"
    return dict(zip(found.tolist(), counts[found].astype(np.int64).tolist(), strict=True))


def _bound(index: FacetIndex, kind: str, source: tuple[str, str], values: np.ndarray) -> int:
    """Return one more than the largest value of a column or pairs, worked out once per index
    (its arrays do not change: an edit makes a new index)."""
    key = ("bound", kind, *source)
    if key not in index.memo:
        index.memo[key] = int(values.max(initial=0)) + 1
    return index.memo[key]


def _tallied(
    index: FacetIndex, kind: str, source: tuple[str, str], mask: np.ndarray
) -> np.ndarray | None:
    """Return counts by value of a column's or pairs' values whose document the mask keeps,
    in one pass with tally.c; None where it is not built or refuses (count with numpy)."""
    if NATIVE is None:
        return None
    docs = index.docs[kind]
    how, name = source
    slots, values = (None, docs.columns[name]) if how == "column" else docs.pairs[name]
    return tally(values, mask, _bound(index, kind, source, values), slots)


def live_counts(index: FacetIndex, kind: str, source: tuple[str, str]) -> np.ndarray:
    """Return how many live documents of a kind have each value of a column or pairs (an
    array by value, 0 for none)."""
    docs = index.docs[kind]
    counts = _tallied(index, kind, source, docs.alive)
    if counts is not None:
        return counts
    how, name = source
    if how == "column":
        live = docs.columns[name][docs.alive]
    else:
        slots, values = docs.pairs[name]
        live = values[docs.alive[slots]]
    return np.bincount(live) if len(live) else np.zeros(1, dtype=np.int64)


# A mask keeping more than one slot in this many is counted in one pass over all the pairs
# (tally.c); fewer, through the matching slots' own runs of pairs.
DENSE = 8


def facet_counts(index: FacetIndex, kind: str, facet: str, mask: np.ndarray) -> dict[int, int]:
    """Return {value id: how many matching documents have it} for one facet of one kind."""
    docs = index.docs[kind]
    how, name = FACETS[kind][facet]
    # Worked out only where tally.c can use it: numpy takes the same path either way.
    dense = NATIVE is not None and np.count_nonzero(mask) * DENSE > docs.size
    if how in ("column", "pairs"):
        counts = _tallied(index, kind, (how, name), mask) if dense else None
        if counts is not None:
            return _nonzero(counts)
        if how == "column":
            return _bincount(docs.columns[name][mask])
        return _bincount(docs.pairs[name][1][docs.pair_positions(name, mask)])
    # Each matching quote counts once for each place of its article.
    articles = index.docs["article"]
    aslot = docs.columns["aslot"]
    per_article = tally(aslot, mask, articles.size) if dense else None
    if per_article is None:
        per_article = np.bincount(aslot[mask], minlength=articles.size)
    slots, values = articles.pairs[name]
    if NATIVE is not None and np.count_nonzero(per_article) * DENSE > articles.size:
        size = _bound(index, "article", ("pairs", name), values)
        counts = tally_weighted(values, slots, per_article, size)
        if counts is not None:
            return _nonzero(counts)
    positions = articles.pair_positions(name, per_article > 0)
    return _bincount(values[positions], weights=per_article[slots[positions]])


# Fewer matches than one slot in this many: sorted on their own rather than walked in the
# index's whole date order.
SPARSE = 32
# The fewest slots of the date order read at a time for the first matches of a long list.
STRETCH = 4096


def newest_ids(
    index: FacetIndex, kind: str, mask: np.ndarray, limit: int | None = None
) -> np.ndarray:
    """Return the ids of the slots in mask, newest day first and, within a day, highest id
    first (the lists' `-date, -pk`); only the first `limit` of them if given."""
    return DatedIds(index, kind, mask).first(limit)


class DatedIds:
    """The ids of the slots in a mask in date order, newest first (or oldest first), read
    from the index's date order only as far as a page reaches: the newest page of a long
    list reads the front of the order, not every slot.

    A slice gives the ids an array in that order would give there."""

    def __init__(self, index: FacetIndex, kind: str, mask: np.ndarray, *, newest: bool = True):
        self.index, self.kind, self.mask, self.newest = index, kind, mask, newest
        self.count = int(np.count_nonzero(mask))

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, cut: slice) -> np.ndarray:
        start, stop, _step = cut.indices(self.count)
        if stop <= start:
            return self.index.docs[self.kind].ids[:0]
        return self.first(stop)[start:stop]

    def first(self, limit: int | None = None) -> np.ndarray:
        """Return the first `limit` ids in order (every one when None)."""
        docs = self.index.docs[self.kind]
        limit = self.count if limit is None else min(limit, self.count)
        if self.count * SPARSE < docs.size:
            # A few matches (a place's quotes among hundreds of thousands): sort just those.
            slots = np.flatnonzero(self.mask)
            ids, days = docs.ids[slots], docs.columns["day"][slots]
            order = np.lexsort((ids, days))
            order = order[::-1][:limit] if self.newest else order[:limit]
            return ids[order]
        order = date_order(self.index, self.kind)
        if not self.newest:
            order = order[::-1]
        if limit >= self.count:
            return docs.ids[order[self.mask[order]]]
        # The first `limit` matches lie about limit × size / count slots in: read that far,
        # and further a stretch at a time if they lie deeper.
        stretch = max(STRETCH, 2 * limit * docs.size // max(self.count, 1))
        found: list[np.ndarray] = []
        have = 0
        for start in range(0, len(order), stretch):
            part = order[start : start + stretch]
            found.append(part[self.mask[part]])
            have += len(found[-1])
            if have >= limit:
                break
        return docs.ids[np.concatenate(found)[:limit]]


def date_order(index: FacetIndex, kind: str) -> np.ndarray:
    """Return every slot of a kind, newest day first, within a day highest id first, and for
    the same day and id the later slot first (kept for the index's life)."""
    key = ("order", kind)
    if key not in index.memo:
        carried = index.memo.get(("order carried", kind))
        order = _merged(index, kind, *carried) if carried is not None else None
        if order is None:
            docs = index.docs[kind]
            order = np.lexsort((docs.ids, docs.columns["day"]))[::-1]
            # Positions in four bytes, not eight.
            order = order.astype(np.int32) if docs.size < 2**31 else order
        index.memo[key] = order
        index.memo.pop(("order carried", kind), None)
    return index.memo[key]


def _date_keys(docs: Docs, slots: np.ndarray) -> np.ndarray | None:
    """Return -(day × 2³² + id) of these slots (ascending where the date order descends), or
    None where a day or an id does not fit its half."""
    days, ids = docs.columns["day"][slots], docs.ids[slots]
    if len(slots) and not (
        0 <= int(days.min()) and int(days.max()) < 2**31 and 0 <= int(ids.min())
    ):
        return None
    if len(slots) and int(ids.max()) >= 2**32:
        return None
    return -((days.astype(np.int64) << 32) | ids.astype(np.int64))


def date_orders_carried(old: FacetIndex, new: FacetIndex) -> None:
    """Give `new`, which is `old` with documents appended, the date orders `old` had worked
    out (or had been given), for its new slots to be merged in where they belong when a page
    first needs that kind's order: a page after an edit does not sort every slot again (a
    second or more at a million articles), and an edit costs no copy of the orders of kinds
    no page asks for before the next edit."""
    for kind in old.docs:
        docs = new.docs.get(kind)
        carried: tuple[np.ndarray, int] | None
        if ("order", kind) in old.memo:
            carried = (old.memo[("order", kind)], old.docs[kind].size)
        else:
            carried = old.memo.get(("order carried", kind))
        if docs is None or carried is None:
            continue
        order, before = carried
        if docs.size < before or len(order) != before:
            continue
        if docs.size == before:
            # Nothing appended to this kind (its liveness may have changed, which the order
            # does not hold): the same order.
            new.memo[("order", kind)] = order
            continue
        new.memo[("order carried", kind)] = carried


def _merged(index: FacetIndex, kind: str, order: np.ndarray, before: int) -> np.ndarray | None:
    """Return a kind's date order with the slots from `before` on merged into `order` (the
    order of the slots before them); None if they cannot be.

    Each new slot's place is found by a binary search over the order, reading the day and id
    of the few slots it probes (about twenty a slot), not a key for every slot."""
    docs = index.docs[kind]
    if docs.size < before or len(order) != before:
        return None
    added = np.arange(before, docs.size, dtype=np.int64)
    added_keys = _date_keys(docs, added)
    if added_keys is None or docs.size >= 2**31:
        return None
    # The new slots in the order's own order (the later slot first on the same key), each
    # placed before every old slot with the same key or an older one.
    ranked = np.lexsort((-added, added_keys))
    added, added_keys = added[ranked], added_keys[ranked]
    at = _first_not_below(docs, order, added_keys)
    if at is None:
        return None
    return np.insert(order, at, added.astype(order.dtype))


def _first_not_below(docs: Docs, order: np.ndarray, wanted: np.ndarray) -> np.ndarray | None:
    """Return, for each key, the first position in `order` whose slot's date key is not below
    it (the keys ascend along the order), as `searchsorted(side="left")` over every slot's key
    would; None if a probed slot's day or id does not fit its key."""
    low = np.zeros(len(wanted), dtype=np.int64)
    high = np.full(len(wanted), len(order), dtype=np.int64)
    while (searching := low < high).any():
        middle = (low + high) // 2
        keys = _date_keys(docs, order[np.minimum(middle, len(order) - 1)])
        if keys is None:
            return None
        right = searching & (keys < wanted)
        low = np.where(right, middle + 1, low)
        high = np.where(searching & ~right, middle, high)
    return low


def whole_counts_carried(old: FacetIndex, new: FacetIndex) -> None:
    """Give `new`, which is `old` with documents appended, the whole lists' facet and per-day
    counts `old` had worked out: less those of the slots the change marked dead (counted in
    `old`), plus those of the new live slots (counted in `new`). The first unfiltered page
    after an edit counts a few documents, not every one (a tenth of a second at a million)."""
    for key, counts in list(old.memo.items()):
        if key[0] not in ("whole", "days"):
            continue
        kind = key[1]
        before, docs = old.docs[kind], new.docs.get(kind)
        if docs is None or docs.size < before.size:
            continue
        gone = before.alive & ~docs.alive[: before.size]
        added = np.zeros(docs.size, dtype=np.bool_)
        added[before.size :] = docs.alive[before.size :]
        if key[0] == "whole":
            removed = facet_counts(old, kind, key[2], gone)
            appended = facet_counts(new, kind, key[2], added)
        else:
            removed = dict(_day_counts(before.columns["day"][gone]))
            appended = dict(_day_counts(docs.columns["day"][added]))
        # Both kept in value order: only a value not counted before needs a sort; the few
        # changed ones are updated in place, and one that falls to nothing is dropped.
        joined = dict(counts)
        unseen = any(value not in joined for value in appended)
        for value, n in appended.items():
            joined[value] = joined.get(value, 0) + n
        for value, n in removed.items():
            joined[value] -= n
            if not joined[value]:
                del joined[value]
        if unseen:
            joined = dict(sorted(joined.items()))
        new.memo[key] = joined if key[0] == "whole" else list(joined.items())


def _day_counts(days: np.ndarray) -> list[tuple[int, int]]:
    """Return (day ordinal, documents that day), oldest first."""
    if not len(days):
        return []
    first = int(days.min())
    counts = np.bincount(days - first)
    found = np.flatnonzero(counts)
    return list(zip((found + first).tolist(), counts[found].tolist(), strict=True))


class RankedIds:
    """Ids in best-match order, sorted only as far as a page reaches.

    A slice up to position k picks the k best scores with a partition (linear time), sorts
    just those (and any tied with the k-th) by score, day and id, and cuts the page: the same
    rows, in the same order, as a full sort would put there, without sorting every match.
    """

    def __init__(self, ids: np.ndarray, days: np.ndarray, scores: np.ndarray):
        self.ids, self.days, self.scores = ids, days, scores

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, cut: slice) -> np.ndarray:
        start, stop, _step = cut.indices(len(self.ids))
        if stop <= start:
            return self.ids[:0]
        return self.top(stop)[start:stop]

    def top(self, k: int) -> np.ndarray:
        """Return the k best-ranked ids (all of them if there are fewer), in order."""
        n = len(self.ids)
        chosen = np.arange(n)
        if k < n:
            least = np.partition(self.scores, n - k)[n - k]  # the k-th best score
            chosen = np.flatnonzero(self.scores >= least)
        order = np.lexsort((-self.ids[chosen], -self.days[chosen], -self.scores[chosen]))
        return self.ids[chosen[order]][:k]


@dataclass
class Selection:
    """One list's filters as ids: facet name → ids, a day range, and ids the database found."""

    kind: str
    subjects: dict[str, list[int]] = field(default_factory=dict)
    first_day: int | None = None
    last_day: int | None = None
    # For each filter the index does not hold (text, photographer), the ids the database found.
    found: dict[str, np.ndarray] = field(default_factory=dict)

    def masks(self, index: FacetIndex) -> dict[str, np.ndarray]:
        """Return one mask per active filter (live documents only in "alive")."""
        docs, articles = index.docs[self.kind], index.docs["article"]
        masks = {"alive": docs.alive}
        for name, ids in self.subjects.items():
            wanted = np.array(ids, dtype=np.int32)
            held = np.zeros(docs.size, dtype=np.bool_)
            for source in FILTERS[self.kind][name]:
                held |= _holds(docs, articles, source, wanted)
            masks[name] = held
        day = docs.columns["day"]
        if self.first_day is not None:
            masks["from"] = day >= self.first_day
        if self.last_day is not None:
            masks["to"] = day <= self.last_day
        for name, found in self.found.items():
            masks[name] = np.isin(docs.ids, found)
        return masks


class Matcher:
    """The matching documents of one selection, with or without one filter (for its facet)."""

    def __init__(self, index: FacetIndex, selection: Selection):
        self.index = index
        self.kind = selection.kind
        self.parts = selection.masks(index)
        self._masks: dict[str | None, np.ndarray] = {}

    def mask(self, skip: str | None = None) -> np.ndarray:
        if skip not in self._masks:
            mask = self.parts["alive"].copy()
            for name, part in self.parts.items():
                if name != skip and name != "alive":
                    mask &= part
            self._masks[skip] = mask
        return self._masks[skip]

    def ordered_ids(self, *, newest_first: bool = True) -> DatedIds:
        """Return the matching documents' ids by day and id, newest first (or oldest first),
        as the lists order them (`-date, -pk`), worked out as far as a page reaches."""
        return DatedIds(self.index, self.kind, self.mask(), newest=newest_first)

    def ranked_ids(self, found: np.ndarray, scores: np.ndarray) -> RankedIds:
        """Return the matching documents' ids ranked by best score first, then newest day,
        then highest id (the lists' `-rank, -date, -pk`), given each found id's score.

        Every id in the mask must be among `found` (the mask holds the text filter's part)."""
        docs = self.index.docs[self.kind]
        slots = np.flatnonzero(self.mask())
        ids = docs.ids[slots]
        # Each found id's score, looked up by id in one gather rather than a sort.
        by_id = np.zeros(int(max(found.max(initial=0), ids.max(initial=0))) + 1)
        by_id[found] = scores
        return RankedIds(ids, docs.columns["day"][slots], by_id[ids])

    def count(self, skip: str | None = None) -> int:
        return int(np.count_nonzero(self.mask(skip)))

    def days(self) -> list[tuple[int, int]]:
        """Return (day ordinal, matching documents that day), oldest first."""
        if set(self.parts) == {"alive"}:  # the whole list's, worked out once per index
            key = ("days", self.kind)
            if key not in self.index.memo:
                self.index.memo[key] = self._days()
            return self.index.memo[key]
        return self._days()

    def _days(self) -> list[tuple[int, int]]:
        return _day_counts(self.index.docs[self.kind].columns["day"][self.mask()])

    def facet(self, name: str) -> dict[int, int]:
        """Return a facet's counts under every filter but its own.

        When no other filter is active the counts are the whole list's, worked out once per
        index (the home page, unfiltered and paged lists share them)."""
        if set(self.parts) <= {"alive", name}:
            return self._whole(name)
        mask = self.mask(skip=name)
        docs = self.index.docs[self.kind]
        key = ("live", self.kind)  # the index's live documents, counted once
        if key not in self.index.memo:
            self.index.memo[key] = docs.live_count()
        live = self.index.memo[key]
        unmatched = live - int(np.count_nonzero(mask))
        # tally.c counts any mask in one pass over all the pairs, so only a few unmatched
        # documents (their own runs of pairs) are quicker to count; numpy's passes grow with
        # the matches, so it counts whichever side is smaller.
        if unmatched * (DENSE if NATIVE is not None else 2) >= live:
            return facet_counts(self.index, self.kind, name, mask)
        # Most live documents match (a common word): the whole list's counts less those of
        # the few that do not, rather than counting the many.
        rest = facet_counts(self.index, self.kind, name, docs.alive & ~mask)
        return {
            value: n - rest.get(value, 0)
            for value, n in self._whole(name).items()
            if n != rest.get(value, 0)
        }

    def _whole(self, name: str) -> dict[int, int]:
        """Return a facet's counts over every live document, worked out once per index."""
        key = ("whole", self.kind, name)
        if key not in self.index.memo:
            alive = self.index.docs[self.kind].alive
            self.index.memo[key] = facet_counts(self.index, self.kind, name, alive)
        return self.index.memo[key]

    def facet_top(self, name: str, size: int) -> dict[int, int]:
        """Return the facet's counts of its `size` largest values and of every value tied with
        the smallest of those (so that ordering ties by name picks the same values)."""
        counts = self.facet(name)
        if len(counts) <= size or size <= 0:
            return counts
        values = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
        least = np.partition(values, len(values) - size)[len(values) - size]
        return {pk: n for pk, n in counts.items() if n >= least}
