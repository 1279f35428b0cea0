"""tally.c counts a facet as numpy's bincount does, and hands back what it cannot read."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from archive.facetindex import tally

needs_tally = pytest.mark.skipif(tally.NATIVE is None, reason="tally.c not built (make install)")


def _arrays(rng, docs: int, pairs: int, dtype, top: int):
    mask = rng.random(docs) < rng.choice([0.02, 0.5, 0.97])
    slots = np.sort(rng.integers(0, docs, pairs)).astype(np.int32)
    values = rng.integers(0, top, pairs).astype(dtype)
    return mask, slots, values


@needs_tally
@pytest.mark.parametrize("dtype", [np.int16, np.int32])
@pytest.mark.parametrize("seed", range(6))
def test_counts_equal_numpys_for_columns_pairs_and_weighted_pairs(dtype, seed):
    rng = np.random.default_rng(seed)
    docs, top = int(rng.integers(1, 5000)), int(rng.integers(1, 3000))
    mask, slots, values = _arrays(rng, docs, int(rng.integers(0, 20_000)), dtype, top)

    pairs = tally.tally(values, mask, top, slots)
    assert pairs.tolist() == np.bincount(values[mask[slots]], minlength=top).tolist()

    column = rng.integers(0, top, docs).astype(dtype)
    counted = tally.tally(column, mask, top)
    assert counted.tolist() == np.bincount(column[mask], minlength=top).tolist()

    weights = rng.integers(0, 4, docs).astype(np.int64)
    weighted = tally.tally_weighted(values, slots, weights, top)
    expected = np.bincount(values, weights=weights[slots], minlength=top).astype(np.int64)
    assert weighted.tolist() == expected.tolist()


@needs_tally
def test_what_it_cannot_read_as_it_is_is_left_to_numpy():
    mask = np.ones(4, dtype=np.bool_)
    slots = np.array([0, 1, 2, 3], dtype=np.int32)
    values = np.array([1, 2, 3, 4], dtype=np.int32)
    assert tally.tally(values, mask, 5, slots).tolist() == [0, 1, 1, 1, 1]
    # A value past the counts, a negative one, a slot past the mask: nothing is written out
    # of bounds, and the caller is told to count another way.
    assert tally.tally(values, mask, 4, slots) is None
    assert tally.tally(np.array([1, -1, 2, 3], dtype=np.int32), mask, 5, slots) is None
    assert tally.tally(values, mask, 5, np.array([0, 1, 2, 4], dtype=np.int32)) is None
    weights = np.ones(4, dtype=np.int64)
    assert tally.tally_weighted(values, np.array([0, 9, 1, 2], np.int32), weights, 5) is None
    # Types it does not read as they are: int64 values, int64 slots, a mask of integers,
    # a view with gaps, lengths that disagree.
    assert tally.tally(values.astype(np.int64), mask, 5, slots) is None
    assert tally.tally(values, mask, 5, slots.astype(np.int64)) is None
    assert tally.tally(values, mask.astype(np.int8), 5, slots) is None
    assert tally.tally(np.arange(8, dtype=np.int32)[::2], mask, 8) is None
    assert tally.tally(values, mask, 5, slots[:3]) is None
    assert tally.tally(values, mask[:3], 5) is None
    assert tally.tally_weighted(values, slots, weights.astype(np.int32), 5) is None


def test_a_built_tally_library_is_the_one_in_use():
    # `make install` builds libtally.so from tally.c; one that is there but not loaded (another
    # version, a broken build) would leave every count to numpy without a word.
    built = Path(tally.__file__).with_name("libtally.so").exists()
    if os.environ.get("ARCHIVE_NATIVE_TALLY", "1") != "0" and built:
        assert tally.NATIVE is not None
        assert tally.NATIVE.tally_version() == tally.TALLY_VERSION
    else:
        assert tally.NATIVE is None
