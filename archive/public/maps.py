"""Small place maps drawn as SVG from bundled outlines and the places' own coordinates.

A place page maps the place among its neighbours; the places index maps every public place
with coordinates, each dot sized by the published articles that mention it. Labels are placed
by archive.public.map_labels, so that none covers another.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from archive.models import Place, PlaceKind
from archive.public.map_labels import Dot, Label, place_labels

OUTLINES = Path(__file__).resolve().parent.parent / "data" / "outlines.json"
WIDTH, HEIGHT, MARGIN = 480, 320, 24
WHOLE_OUTLINE_KINDS = {"country", "region", "area"}
MIN_SPAN = 2.5  # degrees shown around a town at the least


# Larger places are labelled first when labels compete for room.
KIND_ORDER = {kind: index for index, kind in enumerate(PlaceKind.values)}
INDEX_MAP_MAX = 200  # places drawn on the index map, the most mentioned (as the selector)
DOT_RADIUS, CURRENT_RADIUS = 4.0, 6.0
INDEX_RADIUS_MIN, INDEX_RADIUS_MAX = 2.5, 7.0


@dataclass
class MapPoint:
    name: str
    url: str
    x: float
    y: float
    current: bool = False
    radius: float = DOT_RADIUS
    # Where the name is drawn; None when it fits nowhere (the dot then carries it as a title).
    label: Label | None = None
    count: int | None = None


@dataclass
class PlaceMap:
    width: int
    height: int
    outline: str
    outline_name: str
    points: list[MapPoint]

    @property
    def hidden(self) -> int:
        """Return how many points are drawn without their name (it did not fit)."""
        return sum(point.label is None for point in self.points)


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
        current = other.pk == place.pk
        radius = CURRENT_RADIUS if current else DOT_RADIUS
        points.append(MapPoint(other.name, other.get_absolute_url(), x, y, current, radius))
    # Drawn by name; labelled the place itself first, then larger places first, then by name.
    kinds = {other.pk: KIND_ORDER.get(other.kind, len(KIND_ORDER)) for other in neighbours}
    order = sorted(
        range(len(points)),
        key=lambda i: (not points[i].current, kinds[neighbours[i].pk], points[i].name),
    )
    _label([points[i] for i in order])
    return PlaceMap(WIDTH, HEIGHT, _path(outline, project), outline_key or "", points)


def place_index_map(*, places: Iterable[tuple[Any, int]]) -> PlaceMap | None:
    """Return a map of places, each dot sized by its count, or None if none has coordinates.

    `places` holds (place, count) pairs, most important first: that order decides which
    labels are drawn when they compete for room. At most INDEX_MAP_MAX places are drawn, and
    no countries.
    """
    # A country is an area, not a point: its dot would stretch the map across a continent and
    # sit at an arbitrary middle, so countries are left to the table.
    located = [
        (place, n)
        for place, n in places
        if place.latitude is not None
        and place.longitude is not None
        and place.kind != PlaceKind.COUNTRY
    ][:INDEX_MAP_MAX]
    if not located:
        return None
    coords = [(float(p.longitude), float(p.latitude)) for p, _n in located]
    outline_key = _outline_holding(coords)
    outline = _outlines().get(outline_key, []) if outline_key else []
    frame = _around(coords)
    lons, lats = [lon for lon, _ in frame], [lat for _, lat in frame]
    project = _projection(min(lons), max(lons), min(lats), max(lats))
    most = max(n for _p, n in located) or 1
    points = []
    for place, n in located:
        x, y = project(float(place.longitude), float(place.latitude))
        # Area grows with the count: the radius with its square root.
        radius = INDEX_RADIUS_MIN + (INDEX_RADIUS_MAX - INDEX_RADIUS_MIN) * math.sqrt(n / most)
        points.append(MapPoint(place.name, place.get_absolute_url(), x, y, radius=radius, count=n))
    _label(points)
    # Smaller dots drawn last, on top, so that a big dot never hides a small one.
    points.sort(key=lambda point: -point.radius)
    return PlaceMap(WIDTH, HEIGHT, _path(outline, project), outline_key or "", points)


def _label(points: list[MapPoint]) -> None:
    dots = [Dot(p.x, p.y, p.radius, p.name, bold=p.current) for p in points]
    for point, label in zip(points, place_labels(dots, width=WIDTH, height=HEIGHT), strict=True):
        point.label = label


def _path(outline: list[list[float]], project) -> str:
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
        for i, (x, y) in enumerate(project(lon, lat) for lon, lat in outline)
    )
    return f"{path} Z" if path else ""


def _outline_holding(coords: list[tuple[float, float]]) -> str | None:
    """Return the bundled outline whose bounds hold the most of these points (None if none)."""
    best, best_count = None, 0
    for key, outline in sorted(_outlines().items()):
        lons, lats = [lon for lon, _ in outline], [lat for _, lat in outline]
        count = sum(
            min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats) for lon, lat in coords
        )
        if count > best_count:
            best, best_count = key, count
    return best


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
