"""Place maps keep their labels readable, and the places index maps every public place."""

import pytest

from archive.models import ArticleStatus
from archive.public.indexes import PlaceListView
from archive.public.map_labels import ASCENT, DESCENT, Box, label_width
from tests.conftest import soup
from tests.factories import ArticleFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def drawn_boxes(svg) -> dict[str, Box]:
    """Return each drawn label's box, rebuilt from the SVG's own attributes."""
    boxes = {}
    for text in svg.select("text"):
        name = text.get_text()
        x, y = float(text["x"]), float(text["y"])
        width = label_width(name, bold="map-label-current" in text["class"])
        anchor = text.get("text-anchor", "start")
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes[name] = Box(left, y - ASCENT, left + width, y + DESCENT)
    return boxes


def dot_boxes(svg) -> list[Box]:
    boxes = []
    for circle in svg.select("circle"):
        x, y, r = float(circle["cx"]), float(circle["cy"]), float(circle["r"])
        boxes.append(Box(x - r, y - r, x + r, y + r))
    return boxes


def assert_no_overlap(svg):
    boxes = list(drawn_boxes(svg).values())
    for index, box in enumerate(boxes):
        assert box.inside(480, 320)
        assert not any(box.overlaps(other) for other in boxes[index + 1 :])
        assert not any(box.overlaps(dot) for dot in dot_boxes(svg))


@pytest.fixture
def kharkiv_oblast(db):
    """The Kharkiv Oblast of the issue: four towns close together, all in published material."""
    ukraine = PlaceFactory(name="Ukraine", slug="ukraine", kind="country")
    oblast = PlaceFactory(
        name="Kharkiv Oblast",
        slug="kharkiv-oblast",
        kind="region",
        parent=ukraine,
        latitude=49.4,
        longitude=36.6,
    )
    towns = [
        PlaceFactory(name=name, slug=name.lower(), kind="city", parent=oblast, **coordinates)
        for name, coordinates in [
            ("Kharkiv", {"latitude": 49.9935, "longitude": 36.2304}),
            ("Kupiansk", {"latitude": 49.7106, "longitude": 37.6153}),
            ("Balakliya", {"latitude": 49.4627, "longitude": 36.8586}),
            ("Izyum", {"latitude": 49.2103, "longitude": 37.2563}),
        ]
    ]
    ArticleFactory(places=[oblast, *towns])
    ArticleFactory(places=towns[:1])
    secret = PlaceFactory(
        name="Secret Village", kind="village", parent=oblast, latitude=49.5, longitude=36.9
    )
    ArticleFactory(places=[secret], status=ArticleStatus.DRAFT)
    return oblast


def test_kharkiv_oblast_map_labels_every_town_without_overlap(client, kharkiv_oblast):
    svg = soup(client.get("/places/kharkiv-oblast/")).select_one("figure.place-map svg")
    labels = drawn_boxes(svg)
    assert set(labels) == {"Kharkiv Oblast", "Kharkiv", "Kupiansk", "Balakliya", "Izyum"}
    assert_no_overlap(svg)
    assert "Secret Village" not in str(svg)


def test_a_label_that_cannot_fit_stays_as_the_dots_accessible_title(client, kharkiv_oblast):
    # Twelve villages on top of Izyum: not every name fits beside its dot.
    for n in range(12):
        village = PlaceFactory(
            name=f"Village number {n}",
            kind="village",
            parent=kharkiv_oblast,
            latitude=49.21 + n * 0.01,
            longitude=37.25 + (n % 3) * 0.02,
        )
        ArticleFactory(places=[village])
    page = soup(client.get("/places/kharkiv-oblast/"))
    svg = page.select_one("figure.place-map svg")
    links = svg.select("a")
    assert len(links) == 17
    drawn = set(drawn_boxes(svg))
    titled = {link.title.get_text() for link in links if link.title}
    assert titled and not drawn & titled
    # Every dot is named once: by its drawn label or by its title.
    assert drawn | titled == {
        "Kharkiv Oblast",
        "Kharkiv",
        "Kupiansk",
        "Balakliya",
        "Izyum",
        *(f"Village number {n}" for n in range(12)),
    }
    assert "Kharkiv Oblast" in drawn
    assert_no_overlap(svg)
    assert "left off the map" in page.select_one("figure.place-map figcaption").get_text()


def test_places_index_maps_each_public_place_sized_by_its_articles(client, kharkiv_oblast):
    page = soup(client.get("/places/"))
    svg = page.select_one("figure.place-index-map svg")
    radius = {link["href"]: float(link.circle["r"]) for link in svg.select("a")}
    # The country is left to the table; the draft's village is nowhere.
    assert set(radius) == {
        "/places/kharkiv-oblast/",
        "/places/kharkiv/",
        "/places/kupiansk/",
        "/places/balakliya/",
        "/places/izyum/",
    }
    assert radius["/places/kharkiv/"] == 7.0  # two articles: the largest
    assert radius["/places/izyum/"] < radius["/places/kharkiv/"]
    assert "Secret Village" not in str(page)
    assert_no_overlap(svg)


def test_places_index_map_is_on_the_first_page_only(client, kharkiv_oblast, monkeypatch):
    monkeypatch.setattr(PlaceListView, "per_page", 2)
    assert soup(client.get("/places/")).select_one("figure.place-index-map")
    second = soup(client.get("/places/?page=2"))
    assert second.select("tbody tr") and second.select_one("figure.place-index-map") is None
