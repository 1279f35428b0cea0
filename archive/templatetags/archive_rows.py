"""The pieces every list repeats: an article's row, a quote, a photo caption, a map's points.

A page lists 20 to 100 of them, and through the template engine each costs a fresh context and
a walk over a few dozen nodes: on a place page more than the rest of the page's work. Written
here as Python, with every value escaped exactly as a template escapes it, they print the same
markup at a fraction of the cost. Every value goes through `format_html`, which escapes it as
`{{ value }}` would. Use: `{% load archive_rows %}`, then `{% article_row article %}`,
`{% quote_figure quote %}`, `{% caption_figure caption show_article=True %}`,
`{% map_points points %}`.
"""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import date, iriencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from archive.public.markup import format_html, format_html_join

register = template.Library()


@functools.lru_cache(maxsize=8192)
def _dates(day: datetime.date, shown: str, language: str | None) -> tuple[str, str]:
    # A list shows a few hundred distinct days; the date filter's formatting is the dearest
    # part of a row, so each day is formatted once a process (per language: month names).
    return date(day, "Y-m-d"), date(day, shown)


def _time(day: datetime.date, shown: str) -> SafeString:
    """A <time> element: the machine date, and the date as the page shows it."""
    machine, human = _dates(day, shown, get_language())
    return format_html('<time datetime="{}">{}</time>', machine, human)


@register.simple_tag
def article_row(article) -> SafeString:
    """An article as a list shows it: headline, outlet and date, standfirst, tags."""
    standfirst = (
        format_html('<p class="standfirst">{}</p>', article.standfirst)
        if article.standfirst
        else ""
    )
    tags = article.tags.all()
    listed = ""
    if tags:
        items = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(
                        '<li><a class="tag" href="{}">{}</a></li>', tag.get_absolute_url(), tag.name
                    )
                    if tag.slug
                    else format_html('<li><span class="tag">{}</span></li>', tag.name),
                )
                for tag in tags
            ),
        )
        listed = format_html(
            '\n  <ul class="tag-list" aria-label="Tags">\n    {}\n  </ul>\n  ', items
        )
    return format_html(
        '<article class="article-row">\n'
        '  <h2 class="article-row-headline"><a href="{}">{}</a></h2>\n'
        '  <p class="meta">\n'
        '    <a href="{}">{}</a>\n'
        "    · {}\n"
        "  </p>\n  {}\n  {}\n</article>\n",
        article.get_absolute_url(),
        article.headline,
        article.outlet.get_absolute_url(),
        article.outlet.name,
        _time(article.published_on, "j F Y"),
        standfirst,
        listed,
    )


@register.simple_tag
def quote_figure(quote, show_article: bool = False) -> SafeString:
    """A quote with its speaker, and (`show_article`) the article it appeared in."""
    article, speaker = quote.article, quote.speaker
    cite = format_html(' cite="{}"', iriencode(article.source_url)) if article.source_url else ""
    role = format_html(", {}", speaker.role) if speaker.role else ""
    source = ""
    if show_article:
        source = format_html(
            ', in <a href="{}">{}</a> ({}, {})',
            article.get_absolute_url(),
            article.headline,
            article.outlet.name,
            _time(article.published_on, "j M Y"),
        )
    return format_html(
        '<figure class="quote">\n'
        "  <blockquote{}>\n"
        "    <p>{}</p>\n"
        "  </blockquote>\n"
        '  <figcaption>— <cite><a href="{}">{}</a></cite>{}{}</figcaption>\n'
        "</figure>\n",
        cite,
        quote.display_text,
        speaker.get_absolute_url(),
        speaker.name,
        role,
        source,
    )


@register.simple_tag
def caption_figure(caption, show_article: bool = False) -> SafeString:
    """A photo caption with its credit, agency, date and place, and (`show_article`) its
    article."""
    credit = (
        format_html('<span class="visually-hidden">Credit: </span>{}', caption.credit)
        if caption.credit
        else ""
    )
    agency = format_html(" · Agency: {}", caption.agency.name) if caption.agency else ""
    via = format_html(" via {}", caption.distributor.name) if caption.distributor else ""
    taken = format_html(" · Taken {}", _time(caption.taken_on, "j F Y")) if caption.taken_on else ""
    place = (
        format_html(' · <a href="{}">{}</a>', caption.place.get_absolute_url(), caption.place.name)
        if caption.place
        else ""
    )
    source = ""
    if show_article:
        article = caption.article
        source = format_html(
            '<p class="meta">In <a href="{}">{}</a> ({})</p>',
            article.get_absolute_url(),
            article.headline,
            article.outlet.name,
        )
    return format_html(
        '<figure class="caption">\n'
        "  <figcaption>\n"
        "    <p>{}</p>\n"
        '    <p class="credit">\n'
        "      {}\n"
        "      {}{}\n"
        "      {}\n"
        "      {}\n"
        "    </p>\n"
        "    {}\n"
        "  </figcaption>\n"
        "</figure>\n",
        caption.text,
        credit,
        agency,
        via,
        taken,
        place,
        source,
    )


_TENTH = Decimal("0.1")


def _tenths(value: float) -> str:
    """Format a number as `|floatformat:1` does: its printed decimal rounded half up to one
    place, and no minus sign on a zero."""
    rounded = Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return f"{abs(rounded) if not rounded else rounded:f}"


@register.simple_tag
def map_points(points) -> SafeString:
    """A map's places: each a linked dot, with its name beside it (and a leader line to a name
    set apart) or, where the name did not fit, as the dot's title."""
    parts = []
    for point in points:
        label = point.label
        title = "" if label else format_html("<title>{}</title>", point.name)
        line = text = ""
        if label and label.leader:
            line = format_html(
                '<line class="map-leader" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                *(_tenths(v) for v in label.leader),
            )
        if label:
            anchor = (
                format_html(' text-anchor="{}"', label.anchor) if label.anchor != "start" else ""
            )
            text = format_html(
                '<text class="map-label{}" x="{}" y="{}"{}>{}</text>',
                " map-label-current" if point.current else "",
                _tenths(label.x),
                _tenths(label.y),
                anchor,
                point.name,
            )
        parts.append(
            format_html(
                '\n<a href="{}">{}\n'
                '  <circle class="{}" cx="{}" cy="{}" r="{}"/>\n  {}\n  {}\n</a>\n',
                point.url,
                title,
                "map-current" if point.current else "map-point",
                _tenths(point.x),
                _tenths(point.y),
                _tenths(point.radius),
                line,
                text,
            )
        )
    return mark_safe("".join(parts) + "\n")
