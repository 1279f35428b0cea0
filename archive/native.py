"""Loading a C library that `make install` built beside the module that uses it.

The search's pair fold (search/fold.c) and the facet counts (facetindex/tally.c) are each
built into a shared library next to their module. A library is used only where it was built,
where its switch (an environment variable) is not "0", and where it says it was built from the
version its module was written for; otherwise the module works with numpy alone.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path


def native_library(
    path: Path, switch: str, version_symbol: str, version: int
) -> ctypes.CDLL | None:
    """Return the library at path, or None: not built, switched off (`switch`=0), not loadable,
    or built from another version than `version` (as its function `version_symbol` says)."""
    if os.environ.get(switch, "1") == "0" or not path.exists():
        return None
    try:
        library = ctypes.CDLL(str(path))
    except OSError:
        return None
    if getattr(library, version_symbol)() != version:
        return None
    return library
