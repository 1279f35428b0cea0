"""Small place maps drawn as SVG from bundled outlines and the places' own coordinates."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from archive.models import Place

OUTLINES = Path(__file__).resolve().parent.parent / "data" / "outlines.json"
WIDTH, HEIGHT, MARGIN = 480, 320, 24
WHOLE_OUTLINE_KINDS = {"country", "region", "area"}
MIN_SPAN = 2.5  # degrees shown around a town at the least


@dataclass
class MapPoint:
    name: str
    url: str
    x: float
    y: float
    current: bool
    label_left: bool


@dataclass
class PlaceMap:
    width: int
    height: int
    outline: str
    outline_name: str
    points: list[MapPoint]


@cache
def _outlines() -> dict[str, list[list[float]]]:
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def place_map(*, place: Place, nearby: Iterable[Any]) -> PlaceMap | None:
    """Return a map of a place among its neighbours, or None if it has no coordinates.

    `nearby` holds the place and its neighbours (`selectors.place_nearby`), annotated with
    `shown`; only those readers may see are drawn and labelled.
    """
    if place.latitude is None or place.longitude is None:
        return None
    ancestors = _ancestors(place)
    neighbours = [
        other
        for other in nearby
        if other.shown and other.latitude is not None and other.longitude is not None
    ][:40]
    outline_key = next((p.slug for p in [place, *ancestors] if p.slug in _outlines()), None)
    outline = _outlines().get(outline_key or "", [])
    coords = [(float(p.longitude), float(p.latitude)) for p in neighbours]
    # A country or region is shown whole; a town is shown among its neighbours, close enough
    # that their labels do not pile up, with the country's outline (clipped) for bearings.
    whole = outline and (place.kind in WHOLE_OUTLINE_KINDS or not coords)
    frame = outline if whole else _around(coords)
    lons, lats = [lon for lon, _ in frame], [lat for _, lat in frame]
    project = _projection(min(lons), max(lons), min(lats), max(lats))
    points = []
    for other in neighbours:
        x, y = project(float(other.longitude), float(other.latitude))
        points.append(
            MapPoint(other.name, other.get_absolute_url(), x, y, other.pk == place.pk, False)
        )
    # Neighbouring labels alternate sides, so that close places stay readable.
    for index, point in enumerate(sorted(points, key=lambda p: p.y)):
        point.label_left = point.x > WIDTH * 0.75 or (not point.current and index % 2 == 1)
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
        for i, (x, y) in enumerate(project(lon, lat) for lon, lat in outline)
    )
    return PlaceMap(WIDTH, HEIGHT, f"{path} Z" if path else "", outline_key or "", points)


def _around(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    lons, lats = [lon for lon, _ in coords], [lat for _, lat in coords]
    mid_lon, mid_lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    half_lon = max(max(lons) - min(lons), MIN_SPAN * 1.5) / 2
    half_lat = max(max(lats) - min(lats), MIN_SPAN) / 2
    return [(mid_lon - half_lon, mid_lat - half_lat), (mid_lon + half_lon, mid_lat + half_lat)]


def _ancestors(place: Place) -> list[Place]:
    chain, current, seen = [], place.parent, {place.pk}
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def _projection(west: float, east: float, south: float, north: float):
    # Equirectangular, with longitudes shrunk by the cosine of the middle latitude.
    pad = 0.3
    west, east, south, north = west - pad, east + pad, south - pad, north + pad
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x, span_y = (east - west) * squeeze, north - south
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    left = (WIDTH - span_x * scale) / 2
    top = (HEIGHT - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (left + (lon - west) * squeeze * scale, top + (north - lat) * scale)

    return project
