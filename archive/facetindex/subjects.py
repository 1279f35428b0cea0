"""Counts for the subject pages and the ranked indexes, from the facet index.

A subject page (a place, speaker, tag or outlet) counts its published articles, quotes and
captions by the same rules as its lists (archive.public.selectors); a ranked index lists every
subject readers may see (`public()` on its queryset: one that published material uses, and for
a place, one that holds such a place) with its count, most first. And the tags of the rows a
page shows (`document_tags`), which a page would otherwise read with a query of its own.
"""

from __future__ import annotations

import numpy as np

from archive.facetindex.counting import _holds, _nonzero, live_counts, newest_ids
from archive.facetindex.store import FacetIndex
from archive.search.query import NameTable, name_rows

# Which of each kind's columns or pairs hold a subject, for its page's sections.
SECTIONS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "place": {
        "article": (("pairs", "place"),),
        "quote": (("column", "place"),),
        "caption": (("column", "place"),),
    },
    "speaker": {"article": (("pairs", "speaker"),), "quote": (("column", "speaker"),)},
    "tag": {
        "article": (("pairs", "tag"),),
        "quote": (("pairs", "tag"),),
        "caption": (("pairs", "tag"),),
    },
    "outlet": {
        "article": (("column", "outlet"), ("pairs", "cited")),
        "caption": (("column", "agency"), ("column", "distributor")),
    },
}
SECTION_NAMES = {"article": "articles", "quote": "quotes", "caption": "captions"}


def _sections(
    index: FacetIndex, subject: str, ids: list[int], kinds: tuple[str, ...] | None = None
) -> dict[str, np.ndarray]:
    wanted = np.array(ids, dtype=np.int32)
    articles = index.docs["article"]
    masks = {}
    for kind, sources in SECTIONS[subject].items():
        if kinds is not None and kind not in kinds:
            continue
        docs = index.docs[kind]
        held = np.zeros(docs.size, dtype=np.bool_)
        for source in sources:
            held |= _holds(docs, articles, source, wanted)
        masks[kind] = held & docs.alive
    return masks


def subject_counts(index: FacetIndex, subject: str, ids: list[int]) -> dict[str, int]:
    """Return how many published articles, quotes and captions a subject's page lists."""
    counts = dict.fromkeys(SECTION_NAMES.values(), 0)
    for kind, mask in _sections(index, subject, ids).items():
        counts[SECTION_NAMES[kind]] = int(np.count_nonzero(mask))
    return counts


def subject_latest(
    index: FacetIndex,
    subject: str,
    ids: list[int],
    size: int,
    *,
    kinds: tuple[str, ...] | None = None,
) -> dict[str, list[int]]:
    """Return the ids of a subject page's latest articles, quotes and captions, newest first
    (only the sections of `kinds`, "article", "quote" or "caption", if given)."""
    return subject_summary(index, subject, ids, size, kinds=kinds)[1]


def subject_summary(
    index: FacetIndex,
    subject: str,
    ids: list[int],
    size: int,
    *,
    kinds: tuple[str, ...] | None = None,
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Return a subject page's counts (as `subject_counts`) and latest ids (as
    `subject_latest`) from one look at the index."""
    counts = dict.fromkeys(SECTION_NAMES.values(), 0)
    latest: dict[str, list[int]] = {name: [] for name in SECTION_NAMES.values()}
    for kind, mask in _sections(index, subject, ids, kinds).items():
        counts[SECTION_NAMES[kind]] = int(np.count_nonzero(mask))
        latest[SECTION_NAMES[kind]] = newest_ids(index, kind, mask, size).tolist()
    return counts, latest


def document_tags(index: FacetIndex, kind: str, ids: list[int]) -> dict[int, list[int]]:
    """Return the tag ids of each published document of a kind ("article", "quote" or
    "caption") with one of these ids; an id the index has no published document for is left
    out (a draft, or one published since the index last caught up)."""
    docs = index.docs[kind]
    slots = docs.live_slots(np.asarray(ids, dtype=np.int64))
    known = [(pk, slot) for pk, slot in zip(ids, slots.tolist(), strict=True) if slot >= 0]
    values = docs.values_of("tag", np.array([slot for _, slot in known], dtype=np.int64))
    return {pk: tags.tolist() for (pk, _), tags in zip(known, values, strict=True)}


def _live_values(index: FacetIndex, kind: str, source: tuple[str, str]) -> np.ndarray:
    """Return the values of a column or pairs that some live document has."""
    found = np.flatnonzero(live_counts(index, kind, source))
    return found[found > 0]


# What a subject's count is on its ranked index, and which uses make it public.
COUNTED = {
    "place": ("article", ("pairs", "place")),
    "speaker": ("quote", ("column", "speaker")),
    "tag": ("article", ("pairs", "tag")),
    "outlet": ("article", ("column", "outlet")),
}
USES = {
    "place": (
        ("article", ("pairs", "place")),
        ("quote", ("column", "place")),
        ("caption", ("column", "place")),
    ),
    "speaker": (("quote", ("column", "speaker")),),
    "tag": (
        ("article", ("pairs", "tag")),
        ("quote", ("pairs", "tag")),
        ("caption", ("pairs", "tag")),
    ),
    "outlet": (
        ("article", ("column", "outlet")),
        ("article", ("pairs", "cited")),
        ("caption", ("column", "agency")),
        ("caption", ("column", "distributor")),
    ),
}


def subject_public(index: FacetIndex, subject: str, depth: int) -> frozenset[int]:
    """Return the ids of the subjects readers may see: used by published material (and, for
    places, every place up to `depth` levels above a used one). Worked out once per index."""
    key = ("public", subject, depth)
    if key not in index.memo:
        index.memo[key] = _public(index, subject, depth)
    return index.memo[key]


def subject_is_public(index: FacetIndex, subject: str, ids: list[int]) -> bool:
    """Say whether published material uses any of these subjects (a place and the places
    inside it: whether readers may see the place), by the rule `subject_public` follows,
    without working out every subject's."""
    wanted = np.array(ids, dtype=np.int32)
    articles = index.docs["article"]
    for kind, source in USES[subject]:
        docs = index.docs[kind]
        if np.any(_holds(docs, articles, source, wanted) & docs.alive):
            return True
    return False


def _public(index: FacetIndex, subject: str, depth: int) -> frozenset[int]:
    used: set[int] = set()
    for kind, source in USES[subject]:
        used.update(_live_values(index, kind, source).tolist())
    if subject == "place":
        parent, frontier = index.labels.parent, set(used)
        for _level in range(depth):
            frontier = {parent[pk] for pk in frontier if pk in parent}
            used |= frontier
    return frozenset(used)


def subject_ranking(index: FacetIndex, subject: str, depth: int) -> list[tuple[int, int]]:
    """Return (id, count) for every public subject, most first, ties by name (once per index)."""
    key = ("ranking", subject, depth)
    if key not in index.memo:
        index.memo[key] = _ranking(index, subject, depth)
    return index.memo[key]


def _ranking(index: FacetIndex, subject: str, depth: int) -> list[tuple[int, int]]:
    kind, source = COUNTED[subject]
    counted = _nonzero(live_counts(index, kind, source))
    names = index.labels.name[subject]
    folded = subject in ("tag", "outlet")
    public = [pk for pk in subject_public(index, subject, depth) if pk in names]

    def order(pk: int):
        label = names[pk].lower() if folded else names[pk]
        return (-counted.get(pk, 0), label, pk)

    return [(pk, counted.get(pk, 0)) for pk in sorted(public, key=order)]


def sharing_ids(
    index: FacetIndex,
    *,
    place_ids: list[int],
    tag_ids: list[int],
    first_day: int,
    last_day: int,
    size: int,
) -> list[int]:
    """Return the ids of the published articles of days first_day to last_day (ordinals) that
    have one of place_ids among their places or one of tag_ids among their tags: those of the
    newest days that hold at least `size` of them (all of a day, however many: the caller
    orders within a day), newest day first."""
    docs = index.docs["article"]
    day = docs.columns["day"]
    window = docs.alive & (day >= first_day) & (day <= last_day)
    shares = np.zeros(docs.size, dtype=np.bool_)
    for name, ids in (("place", place_ids), ("tag", tag_ids)):
        if ids:
            slots, values = docs.pairs[name]
            positions = docs.pair_positions(name, window)
            shares[slots[positions[np.isin(values[positions], ids)]]] = True
    found = np.flatnonzero(shares & window)
    if not len(found):
        return []
    days = day[found]
    order = np.argsort(-days.astype(np.int64), kind="stable")
    found, days = found[order], days[order]
    # Every article of the day holding the size-th one, so that any order within a day works.
    last = days[min(size, len(days)) - 1]
    return docs.ids[found[days >= last]].tolist()


def subject_names(index: FacetIndex) -> NameTable:
    """Return every place's and speaker's spellings, as a search reads them, from the labels:
    worked out once for the labels (an edit of an article keeps them; of a subject, not)."""
    labels = index.labels
    key = (("place", "speaker"), "names")
    if key not in labels.memo:
        labels.memo[key] = NameTable.from_rows(name_rows(labels.name, labels.aliases))
    return labels.memo[key]
