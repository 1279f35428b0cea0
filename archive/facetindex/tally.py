"""Facet counts in one pass over a column or a facet's pairs, with tally.c where it is built.

`make install` builds tally.c beside this module as libtally.so (as it builds the search's
fold.c); without it, or with ARCHIVE_NATIVE_TALLY=0, or for arrays it does not read as they are
(values not int16 or int32, slots not int32, a value or slot out of range), every function here
returns None and the caller counts with numpy: the same counts, in more passes.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np

from archive.native import native_library

# tally.c's version this module was written for: a library built from another is not used.
TALLY_VERSION = 1


def _native() -> ctypes.CDLL | None:
    path = Path(__file__).with_name("libtally.so")
    library = native_library(path, "ARCHIVE_NATIVE_TALLY", "tally_version", TALLY_VERSION)
    if library is None:
        return None
    count, pointer = ctypes.c_int64, ctypes.c_void_p
    for name in ("tally_i16", "tally_i32", "tally_weighted_i16", "tally_weighted_i32"):
        function = getattr(library, name)
        function.argtypes = [count, pointer, count, pointer, pointer, count, pointer]
        function.restype = count
    return library


NATIVE = _native()
_VALUE_TYPES = {np.dtype(np.int16): "i16", np.dtype(np.int32): "i32"}
_INT32, _INT64, _BOOL = np.dtype(np.int32), np.dtype(np.int64), np.dtype(np.bool_)


def _readable(array: np.ndarray, dtype: np.dtype | None = None) -> bool:
    return array.flags.c_contiguous and (dtype is None or array.dtype == dtype)


def _counted(
    function: str,
    values: np.ndarray,
    by: np.ndarray,
    slots: np.ndarray | None,
    size: int,
) -> np.ndarray | None:
    """Call tally.c's `function` for values of int16 or int32, each counted by `by` (the mask,
    or the weights) at its slot; None where it cannot read the arrays as they are or refused
    a value or slot."""
    kind = _VALUE_TYPES.get(values.dtype)
    if NATIVE is None or kind is None or not _readable(values):
        return None
    if slots is not None and not (_readable(slots, _INT32) and len(slots) == len(values)):
        return None
    counts = np.zeros(size, dtype=np.int64)
    outside = getattr(NATIVE, f"{function}_{kind}")(
        len(values),
        by.ctypes.data,
        len(by),
        None if slots is None else slots.ctypes.data,
        values.ctypes.data,
        size,
        counts.ctypes.data,
    )
    return None if outside else counts


def tally(
    values: np.ndarray, mask: np.ndarray, size: int, slots: np.ndarray | None = None
) -> np.ndarray | None:
    """Return counts (int64, `size` long) of the values whose document the mask keeps:
    `mask[slots[i]]` for pairs, `mask[i]` for a column (no slots). None: count with numpy."""
    if not _readable(mask, _BOOL) or (slots is None and len(mask) != len(values)):
        return None
    return _counted("tally", values, mask, slots, size)


def tally_weighted(
    values: np.ndarray, slots: np.ndarray, weights: np.ndarray, size: int
) -> np.ndarray | None:
    """Return counts (int64, `size` long) of the pairs' values, each pair counted
    `weights[slots[i]]` times. None: count with numpy."""
    if not _readable(weights, _INT64):
        return None
    return _counted("tally_weighted", values, weights, slots, size)
