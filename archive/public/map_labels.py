"""Placing map labels so that no label covers another label, a dot or the map's edge.

Greedy and deterministic: dots are taken in the caller's order of importance; each label tries
the positions around its dot in a fixed order (right, left, above, below, then the diagonals)
and takes the first that overlaps no label placed before it, no dot, and stays inside the map.
Every label is first tried beside its dot; those that fit nowhere there are then tried farther
out, with a leader line back to the dot that crosses no label and no other leader. A label
that fits nowhere is not drawn; the map keeps its name as the dot's accessible title.
Label sizes are estimated from the text (no font metrics on the server), generously.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FONT_SIZE = 12.0
# Average advance of a character, as a share of the font size: on the wide side for the
# site's sans-serif, so that a real label is never wider than its box.
CHAR_WIDTH = 0.62
BOLD_WIDTH = 1.08
ASCENT, DESCENT = 0.8 * FONT_SIZE, 0.25 * FONT_SIZE
GAP = 3.0  # between a dot's edge and its label
# How much farther out each further ring of positions lies; those get a leader line.
RINGS = (0.0, 14.0, 28.0, 48.0)
PAD = 1.0  # around every box: the labels' light halo must not touch either


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in the map's coordinates (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """Return whether two boxes share any area (touching edges do not count)."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def crossed_by(self, line: tuple[float, float, float, float]) -> bool:
        """Return whether a line segment (x1, y1, x2, y2) passes through the box."""
        x1, y1, x2, y2 = line
        low, high = 0.0, 1.0  # Liang-Barsky: clip the segment's parameter to the box
        for step, distance in (
            (x1 - x2, x1 - self.left),
            (x2 - x1, self.right - x1),
            (y1 - y2, y1 - self.top),
            (y2 - y1, self.bottom - y1),
        ):
            if step == 0:
                if distance < 0:
                    return False
                continue
            ratio = distance / step
            if step < 0:
                low = max(low, ratio)
            else:
                high = min(high, ratio)
            if low >= high:
                return False
        return True

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


@dataclass(frozen=True)
class Dot:
    """A point to label: its centre, radius and text."""

    x: float
    y: float
    radius: float
    text: str
    bold: bool = False

    def box(self) -> Box:
        r = self.radius + PAD
        return Box(self.x - r, self.y - r, self.x + r, self.y + r)


@dataclass(frozen=True)
class Label:
    """Where a label is drawn: the SVG text's x and baseline y, its anchor, and its box."""

    x: float
    y: float
    anchor: str  # "start", "middle" or "end", as SVG's text-anchor
    box: Box
    # From the dot's edge to the label's box (x1, y1, x2, y2), for a label set apart from it.
    leader: tuple[float, float, float, float] | None = None


def label_width(text: str, *, bold: bool = False) -> float:
    """Return the estimated width of a label's text at the map's font size."""
    return len(text) * FONT_SIZE * CHAR_WIDTH * (BOLD_WIDTH if bold else 1.0)


def _label(x: float, baseline: float, anchor: str, width: float) -> Label:
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    box = Box(left - PAD, baseline - ASCENT - PAD, left + width + PAD, baseline + DESCENT + PAD)
    return Label(x, baseline, anchor, box)


def _leader(dot: Dot, label: Label) -> Label:
    """Return the label with a line from the dot's edge to the nearest point of its text."""
    box = label.box
    end_x = min(max(dot.x, box.left + PAD), box.right - PAD)
    end_y = min(max(dot.y, box.top + PAD), box.bottom - PAD)
    distance = math.hypot(end_x - dot.x, end_y - dot.y) or 1.0
    start_x = dot.x + (end_x - dot.x) * dot.radius / distance
    start_y = dot.y + (end_y - dot.y) * dot.radius / distance
    return Label(label.x, label.y, label.anchor, box, (start_x, start_y, end_x, end_y))


def label_candidates(dot: Dot, rings: Sequence[float] = RINGS) -> list[Label]:
    """Return the positions a dot's label may take, in the order they are tried."""
    width = label_width(dot.text, bold=dot.bold)
    candidates = []
    for ring in rings:
        reach = dot.radius + GAP + ring
        middle = dot.y + (ASCENT - DESCENT) / 2  # the baseline that centres the text on the dot
        above = dot.y - reach - DESCENT
        below = dot.y + reach + ASCENT
        slant = dot.radius + GAP + ring * 0.7  # clear of the dot's own box on both axes
        around = [
            _label(dot.x + reach, middle, "start", width),
            _label(dot.x - reach, middle, "end", width),
            _label(dot.x, above, "middle", width),
            _label(dot.x, below, "middle", width),
            _label(dot.x + slant, dot.y - slant, "start", width),
            _label(dot.x + slant, dot.y + slant + ASCENT, "start", width),
            _label(dot.x - slant, dot.y - slant, "end", width),
            _label(dot.x - slant, dot.y + slant + ASCENT, "end", width),
        ]
        candidates += [_leader(dot, label) for label in around] if ring else around
    return candidates


def segments_cross(
    first: tuple[float, float, float, float], second: tuple[float, float, float, float]
) -> bool:
    """Return whether two line segments (x1, y1, x2, y2) cross or touch."""

    def side(ax, ay, bx, by, cx, cy) -> float:
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    x1, y1, x2, y2 = first
    x3, y3, x4, y4 = second
    d1, d2 = side(x3, y3, x4, y4, x1, y1), side(x3, y3, x4, y4, x2, y2)
    d3, d4 = side(x1, y1, x2, y2, x3, y3), side(x1, y1, x2, y2, x4, y4)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4):
        return True

    def within(ax, ay, bx, by, cx, cy) -> bool:
        return min(ax, bx) <= cx <= max(ax, bx) and min(ay, by) <= cy <= max(ay, by)

    return (
        (d1 == 0 and within(x3, y3, x4, y4, x1, y1))
        or (d2 == 0 and within(x3, y3, x4, y4, x2, y2))
        or (d3 == 0 and within(x1, y1, x2, y2, x3, y3))
        or (d4 == 0 and within(x1, y1, x2, y2, x4, y4))
    )


class _Boxes:
    """Boxes filed by the cells of a coarse grid they cover: two boxes that overlap share a
    cell, so a new box is checked against the few filed in its own cells, not every one."""

    CELL = 48.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        columns = range(math.floor(box.left / self.CELL), math.floor(box.right / self.CELL) + 1)
        rows = range(math.floor(box.top / self.CELL), math.floor(box.bottom / self.CELL) + 1)
        return [(column, row) for column in columns for row in rows]

    def add(self, box: Box) -> None:
        if not all(map(math.isfinite, (box.left, box.top, box.right, box.bottom))):
            return  # overlaps nothing: every comparison with it is false
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def overlapped_by(self, box: Box) -> bool:
        return any(
            other.overlaps(box) for cell in self._cells(box) for other in self.cells.get(cell, ())
        )


def place_labels(dots: Sequence[Dot], *, width: float, height: float) -> list[Label | None]:
    """Return each dot's label position, or None where it fits nowhere (same order as `dots`).

    Earlier dots are placed first, so the caller puts the most important ones first.
    """
    taken = _Boxes()  # every dot's box and every label placed so far
    for dot in dots:
        taken.add(dot.box())
    placed: list[Box] = []
    leaders: list[tuple[float, float, float, float]] = []

    def fits(label: Label) -> bool:
        box = label.box
        if not box.inside(width, height):
            return False
        if taken.overlapped_by(box):
            return False
        if any(box.crossed_by(line) for line in leaders):
            return False
        if label.leader is None:
            return True
        # A leader line may cross dots (it is thin, and dots may touch) but no label and no
        # other leader line.
        return not any(other.crossed_by(label.leader) for other in placed) and not any(
            segments_cross(label.leader, line) for line in leaders
        )

    # Every label that fits beside its dot first; only then the rest, set apart with a leader.
    labels: list[Label | None] = [None] * len(dots)
    for rings in (RINGS[:1], RINGS[1:]):
        for index, dot in enumerate(dots):
            if labels[index] is not None:
                continue
            found = next((label for label in label_candidates(dot, rings) if fits(label)), None)
            if found is not None:
                placed.append(found.box)
                taken.add(found.box)
                if found.leader is not None:
                    leaders.append(found.leader)
            labels[index] = found
    return labels
