"""The list's sidebar written in Python prints what the template loop it replaced printed."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils.translation import gettext_lazy

from archive.public.facets import Facet, FacetValue

# The markup list_base.html printed with a template loop, kept here as the reference.
LOOP = """{% load archive_tags %}<aside class="facets" id="facets" aria-label="Refine">
    {% for facet in facets %}
    <section class="facet" aria-labelledby="facet-{{ facet.name }}">
      <h2 id="facet-{{ facet.name }}">{{ facet.label }}</h2>
      <ul>
        {% for value in facet.values %}
        <li{% if value.selected %} class="selected"{% endif %}>
          <a href="{% facet_toggle_url facet.name value.slug %}"{% if value.selected %} aria-current="true"{% endif %}>{% if value.selected %}<span class="visually-hidden">Remove filter: </span>{% endif %}{{ value.label }}</a>
          <span class="count">{{ value.count }}</span>
        </li>
        {% empty %}<li class="hint">No values.</li>
        {% endfor %}
      </ul>
    </section>
    {% endfor %}
  </aside>"""  # noqa: E501
TAG = "{% load archive_tags %}{% facet_sidebar facets %}"

FACETS = [
    Facet(
        "place",
        "Places",
        [
            FacetValue("izyum", "Izyum", 3, selected=True),
            FacetValue("kup-iansk", "Kup’iansk <&> \"x\" 'y'", 1234567),
            FacetValue("balakliya", "Balakliya", 0),
        ],
    ),
    Facet("tag", gettext_lazy("Tags"), [FacetValue("a&b", "a & b", 2, selected=True)]),
    Facet("outlet", "Outlets", []),
    Facet("speaker", "Speakers", [FacetValue("zelenskyy", "Volodymyr Zelenskyy", 1)]),
]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?place=izyum",
        "?q=troops&place=izyum&tag=a%26b&page=3&from=2022-09-01",
        "?tag=a%26b&tag=other&sort=oldest",
        "?speaker=zelenskyy&place=%3Cscript%3E",
    ],
)
@pytest.mark.parametrize("facets", [FACETS, FACETS[2:3], []])
def test_the_sidebar_prints_what_the_template_loop_printed(query, facets):
    engine = engines["django"]
    outputs = []
    for source in (LOOP, TAG):
        request = RequestFactory().get(f"/articles/{query}")
        outputs.append(engine.from_string(source).render({"facets": facets}, request))
    assert outputs[1] == outputs[0]
    if facets is FACETS:
        assert 'aria-current="true"' in outputs[1] and "&lt;&amp;&gt;" in outputs[1]
