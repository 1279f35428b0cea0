"""The facet index's arrays: one slot per published article, quote and caption, and the labels.

Each kind of document (article, quote, caption) is a `Docs`: its ids, an `alive` flag, a few
single-valued columns (day, outlet, speaker, place…, 0 for none) and multi-valued pairs (slot,
value) such as an article's places or tags. A changed article is never edited in place: its old
slots (and its quotes' and captions') are marked dead and its current rows appended, so a reader
that holds the previous arrays keeps a consistent view while a new index is swapped in. The new
documents are written after the arrays, in room kept at their end (`Room`), where no view of
the previous index looks: an edit copies only the liveness flags, not every array. Dead slots
are dropped when they become a large share (`compact`).

Labels (slug and name of every place, tag, outlet and speaker, a place's parent) are kept here
too, so a facet needs no query to name its values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from archive.search.terms import TermIndex

KINDS = ("article", "quote", "caption")

# Each kind's single-valued columns and multi-valued pairs.
COLUMNS = {
    "article": ("day", "outlet"),
    # A quote's or caption's article is its article slot's id (`aslot`): not kept twice.
    "quote": ("day", "outlet", "aslot", "speaker", "place"),
    "caption": ("day", "outlet", "aslot", "agency", "distributor", "place"),
}
PAIRS = {
    "article": ("place", "tag", "speaker", "cited"),
    "quote": ("tag",),
    "caption": ("tag",),
}
SUBJECTS = ("place", "tag", "outlet", "speaker")
COMPACT_SHARE = 0.25


def _empty(dtype=np.int32) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


def narrow(values: np.ndarray) -> np.ndarray:
    """Return whole numbers in the smallest of int16 and int32 that holds them all (ids of
    places, tags or outlets fit in two bytes in most archives): a third less memory."""
    if values.dtype.kind not in "iu" or not len(values):
        return values
    low, high = int(values.min()), int(values.max())
    for dtype in (np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return values if values.dtype == dtype else values.astype(dtype)
    return values


class Room:
    """An array with room to grow at its end, and how much of it is in use.

    Documents are only ever appended (a change marks old slots dead and appends new ones), so
    an index's arrays can be the front of a longer buffer: the next index writes its new
    documents after them, where no view of the previous index looks, instead of copying the
    whole arrays at every edit.
    """

    __slots__ = ("array", "used")

    def __init__(self, array: np.ndarray, used: int):
        self.array = array
        self.used = used


def _wide_enough(dtype: np.dtype, new: np.ndarray) -> np.dtype:
    """Return old's type unless new's values need a wider one."""
    if len(new) and dtype.kind in "iu":
        low, high = int(new.min()), int(new.max())
        for candidate in (dtype, np.dtype(np.int32), np.dtype(np.int64)):
            info = np.iinfo(candidate)
            if info.min <= low and high <= info.max and candidate.itemsize >= dtype.itemsize:
                return candidate
    return dtype


def _joined(old: np.ndarray, new: np.ndarray, room: Room | None = None) -> tuple[np.ndarray, Room]:
    """Return old followed by new (in old's type unless new's values need a wider one), and the
    room it lies in.

    When old is the whole used front of its room and new fits after it, new is written there
    and no element of old is copied; otherwise both go to a new room with an eighth to spare.
    """
    dtype = _wide_enough(old.dtype, new)
    size = len(old) + len(new)
    if (
        room is not None
        and room.used == len(old)
        and room.array.dtype == dtype
        and size <= len(room.array)
        and old.base is room.array
        and old.ctypes.data == room.array.ctypes.data
    ):
        room.array[len(old) : size] = new
        room.used = size
        return room.array[:size], room
    array = np.empty(size + max(1024, size // 8), dtype=dtype)
    array[: len(old)] = old
    array[len(old) : size] = new
    room = Room(array, size)
    return array[:size], room


@dataclass
class Docs:
    """The documents of one kind: ids, liveness, columns and pairs, all numpy arrays."""

    ids: np.ndarray
    alive: np.ndarray
    columns: dict[str, np.ndarray]
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]
    # For each pair name, where each slot's pairs start in the head of the pair arrays, which is
    # sorted by slot (len = slots in the head + 1); pairs appended later form an unsorted tail.
    heads: dict[str, np.ndarray] = field(default_factory=dict)
    # The rooms the appended arrays lie in (see `Room`), by array: "ids", a column's or a
    # pair's name with "column:", "slots:" or "values:" before it.
    rooms: dict[str, Room] = field(default_factory=dict, compare=False, repr=False)
    # How many of the first ids are in strictly ascending order (worked out when first asked): built
    # and compacted documents are in id order, appended ones follow them in any order.
    ordered: int | None = field(default=None, compare=False, repr=False)

    @classmethod
    def empty(cls, kind: str) -> Docs:
        return cls(
            _empty(np.int64),
            _empty(np.bool_),
            {name: _empty() for name in COLUMNS[kind]},
            {name: (_empty(), _empty()) for name in PAIRS[kind]},
            {name: np.zeros(1, dtype=np.int64) for name in PAIRS[kind]},
        )

    def sorted(self) -> Docs:
        """Return the same documents with every pair sorted by slot, all of it head."""
        pairs, heads = {}, {}
        for name, (slots, values) in self.pairs.items():
            order = np.argsort(slots, kind="stable")
            pairs[name] = (slots[order], values[order])
            if len(slots):  # a kind without such pairs (no tagged quotes) needs no offsets
                heads[name] = np.searchsorted(pairs[name][0], np.arange(self.size + 1)).astype(
                    np.int32 if len(slots) < 2**31 else np.int64
                )
            else:
                heads[name] = np.zeros(1, dtype=np.int32)
        return replace(self, pairs=pairs, heads=heads, rooms={})

    def narrowed(self) -> Docs:
        """Return the same documents with ids, columns and pair values in their smallest type."""
        return replace(
            self,
            ids=narrow(self.ids),
            columns={name: narrow(column) for name, column in self.columns.items()},
            pairs={name: (slots, narrow(values)) for name, (slots, values) in self.pairs.items()},
            rooms={},
        )

    def pair_positions(self, name: str, mask: np.ndarray) -> np.ndarray:
        """Return the positions, in the pair arrays, of the pairs of the slots in mask.

        Few slots: their runs in the sorted head, plus the tail's matches. Many: one pass."""
        slots, _values = self.pairs[name]
        offsets = self.heads.get(name)
        if offsets is None or len(offsets) < 2:
            return np.flatnonzero(mask[slots])
        head_slots = len(offsets) - 1
        chosen = np.flatnonzero(mask[:head_slots])
        if len(chosen) * 8 > head_slots:
            return np.flatnonzero(mask[slots])
        starts = offsets[chosen]
        lengths = offsets[chosen + 1] - starts
        runs = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        head = runs + np.arange(int(lengths.sum()), dtype=np.int64)
        end = int(offsets[-1])
        tail = np.flatnonzero(mask[slots[end:]]) + end
        return np.concatenate([head, tail]) if len(tail) else head

    @property
    def size(self) -> int:
        return len(self.ids)

    def _ordered(self) -> int:
        if self.ordered is None:
            # Strictly ascending: an id twice in a row (a document appended again after the
            # last one) ends the part a binary search may read.
            falls = np.flatnonzero(self.ids[1:] <= self.ids[:-1])
            self.ordered = int(falls[0]) + 1 if len(falls) else self.size
        return self.ordered

    def live_slots(self, ids: np.ndarray) -> np.ndarray:
        """Return each id's live slot, or -1 for an id with none (not published, or not yet in
        the index): a binary search among the ids in order, a scan of those appended after."""
        ids = np.asarray(ids, dtype=np.int64)
        found = np.full(len(ids), -1, dtype=np.int64)
        ordered = self._ordered()
        if ordered and len(ids):
            at = np.minimum(np.searchsorted(self.ids[:ordered], ids), ordered - 1)
            hit = (self.ids[at] == ids) & self.alive[at]
            found[hit] = at[hit]
        if ordered < self.size and (missing := found < 0).any():
            tail = self.ids[ordered:]
            positions = np.flatnonzero(np.isin(tail, ids[missing])) + ordered
            live = {int(self.ids[p]): int(p) for p in positions if self.alive[p]}
            for i in np.flatnonzero(missing):
                found[i] = live.get(int(ids[i]), -1)
        return found

    def values_of(self, name: str, slots: np.ndarray) -> list[np.ndarray]:
        """Return each slot's values of a pair (its tags, say), in the order they were read.

        Per slot, not by a mask as `pair_positions`: a page asks for twenty slots, and a mask
        over every slot (millions at a million articles) would cost more than the lookup."""
        pair_slots, values = self.pairs[name]
        offsets = self.heads.get(name)
        if offsets is None or len(offsets) < 2:
            offsets = np.zeros(1, dtype=np.int64)
        head_slots, end = len(offsets) - 1, int(offsets[-1])
        wanted = [int(slot) for slot in slots]
        appended: dict[int, list[int]] = {}
        if any(slot >= head_slots for slot in wanted):
            # The pairs appended after the head, in one pass.
            tail = pair_slots[end:]
            for position in np.flatnonzero(np.isin(tail, [s for s in wanted if s >= head_slots])):
                appended.setdefault(int(tail[position]), []).append(end + int(position))
        return [
            values[int(offsets[slot]) : int(offsets[slot + 1])]
            if slot < head_slots
            else values[appended.get(slot, [])]
            for slot in wanted
        ]

    def live_count(self) -> int:
        return int(np.count_nonzero(self.alive))

    def appended(
        self,
        ids: np.ndarray,
        columns: dict[str, np.ndarray],
        pairs: dict[str, tuple[np.ndarray, np.ndarray]],
        dead: np.ndarray,
    ) -> Docs:
        """Return a copy with the slots in `dead` marked dead and new documents appended.

        `pairs` give the new documents' pairs with slots counted from 0 among the new ones.
        """
        base = self.size
        # Liveness changes in place, so it is copied (one byte a slot).
        alive = np.concatenate([self.alive, np.ones(len(ids), dtype=np.bool_)])
        alive[dead] = False
        rooms: dict[str, Room] = {}

        def joined(key: str, old: np.ndarray, new: np.ndarray) -> np.ndarray:
            array, rooms[key] = _joined(old, new, self.rooms.get(key))
            return array

        return Docs(
            joined("ids", self.ids, ids),
            alive,
            {
                name: joined(f"column:{name}", column, columns[name])
                for name, column in self.columns.items()
            },
            {
                name: (
                    joined(f"slots:{name}", slots, pairs[name][0].astype(np.int64) + base),
                    joined(f"values:{name}", values, pairs[name][1]),
                )
                for name, (slots, values) in self.pairs.items()
            },
            self.heads,
            rooms,
            self._ordered(),
        )

    def compacted(self) -> tuple[Docs, np.ndarray]:
        """Return the documents without dead slots, in id order as a build reads them, and each
        old slot's new slot (-1: dropped)."""
        keep = np.flatnonzero(self.alive)
        keep = keep[np.argsort(self.ids[keep], kind="stable")]
        moved = np.full(self.size, -1, dtype=np.int32)
        moved[keep] = np.arange(len(keep), dtype=np.int32)
        pairs = {}
        for name, (slots, values) in self.pairs.items():
            live = self.alive[slots] if len(slots) else np.zeros(0, dtype=np.bool_)
            pairs[name] = (moved[slots[live]], values[live])
        docs = Docs(
            self.ids[keep],
            np.ones(len(keep), dtype=np.bool_),
            {name: column[keep] for name, column in self.columns.items()},
            pairs,
        )
        return docs.sorted().narrowed(), moved


@dataclass
class Labels:
    """Slug and name of every place, tag, outlet and speaker; places' parents; places' and
    speakers' aliases."""

    slug: dict[str, dict[int, str]] = field(default_factory=dict)
    name: dict[str, dict[int, str]] = field(default_factory=dict)
    by_slug: dict[str, dict[str, int]] = field(default_factory=dict)
    parent: dict[int, int] = field(default_factory=dict)
    # A place's or speaker's aliases, in the order they were added (by their ids).
    aliases: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)
    # What is worked out once from these labels (an edit of an article keeps them; an edit of
    # a subject makes new labels, which keep what was worked out from the other subjects'
    # labels alone). A key is (the subjects it reads, a name): (("tag",), "objects").
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def set_rows(self, subject: str, rows: list[tuple], removed: Iterable[int] = ()) -> None:
        """Store (id, slug, name[, parent]) rows of one subject; forget the removed ids."""
        slugs = self.slug.setdefault(subject, {})
        names = self.name.setdefault(subject, {})
        lookup = self.by_slug.setdefault(subject, {})
        for pk in removed:
            old = slugs.pop(pk, None)
            names.pop(pk, None)
            if old is not None and lookup.get(old) == pk:
                del lookup[old]
            if subject == "place":
                self.parent.pop(pk, None)
        for row in rows:
            pk, slug, name = row[0], row[1], row[2]
            old = slugs.get(pk)
            if old is not None and old != slug and lookup.get(old) == pk:
                del lookup[old]
            slugs[pk], names[pk], lookup[slug] = slug, name, pk
            if subject == "place":
                if row[3] is None:
                    self.parent.pop(pk, None)
                else:
                    self.parent[pk] = row[3]

    def set_aliases(
        self, subject: str, rows: Iterable[tuple[int, str]], owners: Iterable[int] | None = None
    ) -> None:
        """Store (owner id, alias) rows of one subject, in the aliases' order: every owner's
        (None), or these owners' only (an owner with no row has no aliases)."""
        table = self.aliases.setdefault(subject, {})
        if owners is None:
            table.clear()
        else:
            for pk in owners:
                table.pop(pk, None)
        grouped: dict[int, list[str]] = {}
        for owner, alias in rows:
            grouped.setdefault(owner, []).append(alias)
        for owner, found in grouped.items():
            table[owner] = tuple(found)

    def ids(self, subject: str, slugs: list[str]) -> list[int]:
        """Return the ids of the subjects with these slugs (unknown slugs name nothing)."""
        lookup = self.by_slug.get(subject, {})
        return [lookup[slug] for slug in slugs if slug in lookup]

    def place_ids_inside(self, slugs: list[str], depth: int) -> list[int]:
        """Return the ids of the places with these slugs and of the places inside them."""
        found = set(self.ids("place", slugs))
        frontier = set(found)
        for _level in range(depth):
            if not frontier:
                break
            frontier = {pk for pk, parent in self.parent.items() if parent in frontier}
            found |= frontier
        return sorted(found)

    def copy(self, changing: Iterable[str] = SUBJECTS) -> Labels:
        """Return a copy for the labels of the `changing` subjects to be changed in: it keeps
        what was worked out from the other subjects' labels only."""
        changing = set(changing)
        kept = {
            key: value
            # A copy of the items: a request still on these labels may add to the memo meanwhile.
            for key, value in list(self.memo.items())
            if isinstance(key, tuple) and isinstance(key[0], tuple) and not changing & set(key[0])
        }
        return Labels(
            {k: dict(v) for k, v in self.slug.items()},
            {k: dict(v) for k, v in self.name.items()},
            {k: dict(v) for k, v in self.by_slug.items()},
            dict(self.parent),
            {k: dict(v) for k, v in self.aliases.items()},
            kept,
        )


@dataclass
class FacetIndex:
    """Every published document's facet values, the subjects' labels, and the log position."""

    docs: dict[str, Docs]
    labels: Labels
    position: int
    token: str = ""
    # The log rows at or after the position already applied (PostgreSQL, see changelog).
    applied: frozenset[int] = frozenset()
    # What is worked out once per index (it never changes: a change makes a new index).
    memo: dict = field(default_factory=dict, compare=False)
    # The posting lists of the broad words of every article (drafts too: search ranks over
    # them all), where the search engine keeps them (archive.search.terms).
    words: TermIndex | None = field(default=None, compare=False)

    def with_docs(self, docs: dict[str, Docs], **changes) -> FacetIndex:
        return replace(self, docs=docs, memo={}, **changes)

    def dead_share(self) -> float:
        total = sum(d.size for d in self.docs.values())
        dead = total - sum(d.live_count() for d in self.docs.values())
        return dead / total if total else 0.0

    def compacted(self) -> FacetIndex:
        """Return the same index without dead slots (quotes and captions follow their article)."""
        words = self.words.folded() if self.words is not None else None
        articles, moved = self.docs["article"].compacted()
        docs = {"article": articles}
        for kind in ("quote", "caption"):
            compact, _ = self.docs[kind].compacted()
            aslot = compact.columns["aslot"]
            compact.columns["aslot"] = moved[aslot] if len(aslot) else aslot
            docs[kind] = compact
        return self.with_docs(docs, words=words)

    def nbytes(self) -> int:
        """Return the memory the arrays take (labels not counted)."""
        total = 0
        for docs in self.docs.values():
            total += docs.ids.nbytes + docs.alive.nbytes
            total += sum(c.nbytes for c in docs.columns.values())
            total += sum(s.nbytes + v.nbytes for s, v in docs.pairs.values())
            total += sum(head.nbytes for head in docs.heads.values())
        return total + (self.words.nbytes() if self.words is not None else 0)
