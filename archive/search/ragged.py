"""Runs of a flat array: the positions of each posting laid one posting after another.

A posting list keeps, for posting i, `counts[i]` values starting at `starts[i]` of one flat
array. These helpers turn such runs into index arrays without a Python loop.
"""

from __future__ import annotations

import numpy as np


def run_starts(counts: np.ndarray) -> np.ndarray:
    """Return where each run starts when runs of these lengths are laid end to end."""
    starts = np.zeros(len(counts), dtype=np.int64)
    if len(counts):
        np.cumsum(counts[:-1], out=starts[1:])
    return starts


def run_offsets(counts: np.ndarray) -> np.ndarray:
    """Return, for every element of runs of these lengths laid end to end, its place in its
    run (0, 1, … counts[i] - 1 for run i)."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(run_starts(counts), counts)


def ragged_take(flat: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Return flat[starts[i] : starts[i] + counts[i]] for every i, one after another."""
    return flat[np.repeat(starts, counts) + run_offsets(counts)]
