"""Map labels never cover one another, a dot or the map's edge; what cannot fit is left off."""

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.public.map_labels import (
    ASCENT,
    Box,
    Dot,
    label_width,
    place_labels,
    segments_cross,
)

WIDTH, HEIGHT = 480, 320


def assert_readable(dots, labels):
    """Assert the geometry every map must keep: each placed label stands clear of the rest."""
    placed = [(dot, label) for dot, label in zip(dots, labels, strict=True) if label]
    for dot, label in placed:
        box = label.box
        assert box.inside(WIDTH, HEIGHT), (dot.text, box)
        # The box holds the text as drawn: its width and its line, from the anchor.
        assert box.right - box.left >= label_width(dot.text, bold=dot.bold)
        assert box.top <= label.y - ASCENT and box.bottom >= label.y
        for other in dots:
            assert not box.overlaps(other.box()), (dot.text, other.text)
        if label.leader:
            x1, y1, x2, y2 = label.leader
            # The line starts on the dot's edge and ends on the label's box.
            assert abs(((x1 - dot.x) ** 2 + (y1 - dot.y) ** 2) ** 0.5 - dot.radius) < 1e-6
            assert box.left <= x2 <= box.right and box.top <= y2 <= box.bottom
    for index, (dot, label) in enumerate(placed):
        for other_dot, other in placed[index + 1 :]:
            assert not label.box.overlaps(other.box), (dot.text, other_dot.text)
            if label.leader:
                assert not other.box.crossed_by(label.leader), (dot.text, other_dot.text)
            if other.leader:
                assert not label.box.crossed_by(other.leader), (other_dot.text, dot.text)
            if label.leader and other.leader:
                assert not segments_cross(label.leader, other.leader)


def test_lone_dot_is_labelled_to_its_right_centred_on_it():
    [label] = place_labels([Dot(100, 100, 4, "Izyum")], width=WIDTH, height=HEIGHT)
    assert (label.anchor, label.x, label.leader) == ("start", 107, None)
    assert label.box.top < 100 < label.box.bottom


def test_label_at_the_right_edge_goes_left():
    [label] = place_labels([Dot(470, 100, 4, "Kupiansk")], width=WIDTH, height=HEIGHT)
    assert label.anchor == "end"
    assert label.box.right < 470


def test_crowded_neighbours_each_take_another_side():
    # Kharkiv Oblast's towns, about as close as on its page.
    dots = [
        Dot(355, 127, 6, "Kharkiv Oblast", bold=True),
        Dot(361, 125, 4, "Balakliya"),
        Dot(377, 117, 4, "Kupiansk"),
        Dot(369, 133, 4, "Izyum"),
    ]
    labels = place_labels(dots, width=WIDTH, height=HEIGHT)
    assert all(labels)
    assert len({label.anchor for label in labels}) > 1
    assert_readable(dots, labels)


def test_label_that_fits_nowhere_is_left_off_and_the_first_keeps_its_place():
    # Nine dots in a tight square: the middle one has no room left for its name.
    dots = [Dot(240, 160, 4, "Centre")] + [
        Dot(240 + dx, 160 + dy, 4, "A place with a long name")
        for dx in (-30, 0, 30)
        for dy in (-12, 0, 12)
        if (dx, dy) != (0, 0)
    ]
    labels = place_labels(dots, width=200, height=200)
    assert labels[0] is not None
    assert None in labels
    assert_readable(dots, labels)


def test_placement_is_deterministic():
    dots = [Dot(50 + 9 * i, 80 + (i * 37) % 60, 4, f"Place {i}") for i in range(30)]
    first = place_labels(dots, width=WIDTH, height=HEIGHT)
    assert first == place_labels(list(dots), width=WIDTH, height=HEIGHT)


def test_box_and_segment_geometry():
    box = Box(0, 0, 10, 10)
    assert box.overlaps(Box(9, 9, 20, 20)) and not box.overlaps(Box(10, 0, 20, 10))
    assert box.crossed_by((-5, 5, 15, 5)) and not box.crossed_by((-5, 11, 15, 11))
    assert segments_cross((0, 0, 10, 10), (0, 10, 10, 0))
    assert not segments_cross((0, 0, 10, 0), (5, 1, 5, 3))


names = st.text(alphabet="abcdefghij KLMNO-", min_size=1, max_size=24)
dots = st.lists(
    st.builds(
        Dot,
        x=st.floats(0, WIDTH),
        y=st.floats(0, HEIGHT),
        radius=st.sampled_from([2.5, 4.0, 6.0, 7.0]),
        text=names,
        bold=st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(dots)
def test_any_set_of_dots_gets_labels_that_cover_nothing(dots):
    labels = place_labels(dots, width=WIDTH, height=HEIGHT)
    assert len(labels) == len(dots)
    assert_readable(dots, labels)


class _EveryBox:
    """The boxes placed so far, each checked in turn: the store the grid must agree with."""

    def __init__(self):
        self.boxes = []

    def add(self, box):
        self.boxes.append(box)

    def overlapped_by(self, box):
        return any(other.overlaps(box) for other in self.boxes)


@settings(max_examples=150, deadline=None)
@given(dots)
def test_the_grid_places_every_label_where_checking_every_box_would(dots):
    from unittest import mock

    from archive.public import map_labels

    gridded = place_labels(dots, width=WIDTH, height=HEIGHT)
    with mock.patch.object(map_labels, "_Boxes", _EveryBox):
        assert place_labels(dots, width=WIDTH, height=HEIGHT) == gridded
