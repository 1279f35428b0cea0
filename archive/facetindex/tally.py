"""Facet counts in one pass over a column or a facet's pairs, with tally.c where it is built.

`make install` builds tally.c beside this module as libtally.so (as it builds the search's
fold.c); without it, or with ARCHIVE_NATIVE_TALLY=0, or for arrays it does not read as they are
(values not int16 or int32, slots not int32, a value or slot out of range), every function here
returns None and the caller counts with numpy: the same counts, in more passes.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

# tally.c's version this module was written for: a library built from another is not used.
TALLY_VERSION = 1


def _native() -> ctypes.CDLL | None:
    path = Path(__file__).with_name("libtally.so")
    if os.environ.get("ARCHIVE_NATIVE_TALLY", "1") == "0" or not path.exists():
        return None
    try:
        library = ctypes.CDLL(str(path))
    except OSError:
        return None
    if library.tally_version() != TALLY_VERSION:
        return None
    count, pointer = ctypes.c_int64, ctypes.c_void_p
    for name in ("tally_i16", "tally_i32", "tally_weighted_i16", "tally_weighted_i32"):
        function = getattr(library, name)
        function.argtypes = [count, pointer, count, pointer, pointer, count, pointer]
        function.restype = count
    return library


NATIVE = _native()
_VALUE_TYPES = {np.dtype(np.int16): "i16", np.dtype(np.int32): "i32"}


def _readable(array: np.ndarray, dtype: np.dtype | None = None) -> bool:
    return array.flags.c_contiguous and (dtype is None or array.dtype == dtype)


def tally(
    values: np.ndarray, mask: np.ndarray, size: int, slots: np.ndarray | None = None
) -> np.ndarray | None:
    """Return counts (int64, `size` long) of the values whose document the mask keeps:
    `mask[slots[i]]` for pairs, `mask[i]` for a column (no slots). None: count with numpy."""
    kind = _VALUE_TYPES.get(values.dtype)
    if (
        NATIVE is None
        or kind is None
        or not _readable(values)
        or not _readable(mask, np.dtype(np.bool_))
        or (slots is None and len(mask) != len(values))
        or (slots is not None and not _readable(slots, np.dtype(np.int32)))
        or (slots is not None and len(slots) != len(values))
    ):
        return None
    counts = np.zeros(size, dtype=np.int64)
    outside = getattr(NATIVE, f"tally_{kind}")(
        len(values),
        mask.ctypes.data,
        len(mask),
        None if slots is None else slots.ctypes.data,
        values.ctypes.data,
        size,
        counts.ctypes.data,
    )
    return None if outside else counts


def tally_weighted(
    values: np.ndarray, slots: np.ndarray, weights: np.ndarray, size: int
) -> np.ndarray | None:
    """Return counts (int64, `size` long) of the pairs' values, each pair counted
    `weights[slots[i]]` times. None: count with numpy."""
    kind = _VALUE_TYPES.get(values.dtype)
    if (
        NATIVE is None
        or kind is None
        or not _readable(values)
        or not _readable(slots, np.dtype(np.int32))
        or not _readable(weights, np.dtype(np.int64))
        or len(slots) != len(values)
    ):
        return None
    counts = np.zeros(size, dtype=np.int64)
    outside = getattr(NATIVE, f"tally_weighted_{kind}")(
        len(values),
        weights.ctypes.data,
        len(weights),
        slots.ctypes.data,
        values.ctypes.data,
        size,
        counts.ctypes.data,
    )
    return None if outside else counts
