"""Map labels as Chromium draws them: no two overlap, none covers a dot, none leaves the map.

The server places labels from estimated text widths; this measures the real ones.
"""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """svg => {
  const box = e => { const r = e.getBBox(); return [r.x, r.y, r.x + r.width, r.y + r.height]; };
  return {
    labels: [...svg.querySelectorAll("text")].map(e => [e.textContent, ...box(e)]),
    dots: [...svg.querySelectorAll("circle")].map(box),
    titles: [...svg.querySelectorAll("a > title")].map(e => e.textContent),
    view: svg.viewBox.baseVal.width,
  };
}"""


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/places/kharkiv-oblast/", {"Kharkiv Oblast", "Kupiansk", "Balakliya", "Izyum"}),
        ("/places/", {"Kharkiv Oblast", "Kupiansk", "Balakliya", "Izyum", "Kyiv", "Moscow"}),
    ],
)
def test_map_labels_as_drawn_do_not_overlap(page, archive, path, expected):
    page.goto(archive + path)
    found = page.locator("figure.place-map svg").evaluate(MEASURE)
    labels = {name: box for name, *box in found["labels"]}
    assert expected <= set(labels)
    assert not set(labels) & set(found["titles"])
    names = sorted(labels)
    for index, name in enumerate(names):
        box = labels[name]
        assert box[0] >= 0 and box[2] <= found["view"], name
        for other in names[index + 1 :]:
            assert not overlaps(box, labels[other]), (name, other)
        assert not any(overlaps(box, dot) for dot in found["dots"]), name
    screenshot(page, f"place-map{path}")
