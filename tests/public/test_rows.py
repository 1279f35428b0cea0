"""The list pieces written as Python print what the template filters they replace print."""

from __future__ import annotations

import random

import pytest
from django.template.defaultfilters import floatformat

from archive.templatetags.archive_rows import _tenths


def test_tenths_are_floatformat_one():
    rng = random.Random(5)
    values = [0, 0.05, 0.15, 0.25, 0.35, -0.04, -0.05, -0.25, 2.5, 34, 599.95, 1e-9, 123.45]
    values += [rng.uniform(-50, 700) for _ in range(2_000)]
    values += [round(rng.uniform(0, 600), 2) for _ in range(2_000)]  # many exact halves
    for value in values:
        assert _tenths(value) == floatformat(value, 1), value


@pytest.mark.django_db
def test_pieces_escape_what_editors_typed():
    from archive.templatetags.archive_rows import article_row, caption_figure, quote_figure
    from tests.factories import ArticleFactory, PhotoCaptionFactory, QuoteFactory

    article = ArticleFactory(
        headline='<script>alert("x")</script> & co', standfirst="", source_url="https://e.x/a?b=1&c"
    )
    article.tags.add("War & peace")
    row = article_row(article)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in row
    assert "<script>" not in row and 'class="standfirst"' not in row
    assert ">War &amp; peace</a></li>" in row
    quote = QuoteFactory(article=article, text="<b>bold</b>")
    figure = quote_figure(quote, show_article=True)
    assert 'cite="https://e.x/a?b=1&amp;c"' in figure and "&lt;b&gt;bold&lt;/b&gt;" in figure
    assert f"({article.outlet.name}, <time" in figure
    caption = PhotoCaptionFactory(article=article, text="A <i>photo</i>", credit="")
    text = caption_figure(caption)
    assert "A &lt;i&gt;photo&lt;/i&gt;" in text and "Credit:" not in text
    assert 'class="meta"' not in text


def test_the_lean_format_html_prints_what_djangos_prints():
    from django.utils import html as django_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from archive.public import markup

    values = [
        '<a href="x">&\'"</a>',
        mark_safe("<b>kept</b>"),
        gettext_lazy("Articles"),
        12,
        -0.5,
        None,
        "plain",
        "ünïcödé <>",
    ]
    template = "<p>{}</p>|{}|{}|{}|{}|{}|{}|{}"
    assert markup.format_html(template, *values) == django_html.format_html(template, *values)
    rows = [(value, value) for value in values]
    assert markup.format_html_join(" & ", "<i>{}</i>{}", rows) == django_html.format_html_join(
        " & ", "<i>{}</i>{}", rows
    )
    assert hasattr(markup.format_html("{}", "x"), "__html__")


@pytest.mark.django_db
def test_site_urls_follow_the_script_prefix_as_url_does():
    from django.template import Context, Template
    from django.urls import get_script_prefix, reverse, set_script_prefix

    template = Template("{% load archive_tags %}{% site_url 'archive:article-list' %}")
    before = get_script_prefix()
    try:
        for prefix in ("/", "/newsroom/", "/"):
            set_script_prefix(prefix)
            assert template.render(Context()) == reverse("archive:article-list")
            assert template.render(Context()).startswith(prefix)
    finally:
        set_script_prefix(before)
