"""The pieces every list repeats: an article's row, a quote, a photo caption, a map's points.

A page lists 20 to 100 of them, and through the template engine each costs a fresh context and
a walk over a few dozen nodes: on a place page more than the rest of the page's work. Written
here as Python, with every value escaped exactly as a template escapes it, they print the same
markup at a fraction of the cost. Use: `{% load archive_rows %}`, then `{% article_row article %}`,
`{% quote_figure quote %}`, `{% caption_figure caption show_article=True %}`,
`{% map_points points %}`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import date, iriencode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _e(value) -> str:
    """Escape a value as `{{ value }}` prints it."""
    return str(conditional_escape(value))


def _url(obj) -> str:
    return _e(obj.get_absolute_url())


@register.simple_tag
def article_row(article) -> SafeString:
    """An article as a list shows it: headline, outlet and date, standfirst, tags."""
    day = article.published_on
    parts = [
        '<article class="article-row">\n'
        f'  <h2 class="article-row-headline"><a href="{_url(article)}">{_e(article.headline)}</a>'
        "</h2>\n"
        '  <p class="meta">\n'
        f'    <a href="{_url(article.outlet)}">{_e(article.outlet.name)}</a>\n'
        f'    · <time datetime="{_e(date(day, "Y-m-d"))}">{_e(date(day, "j F Y"))}</time>\n'
        "  </p>\n  "
    ]
    if article.standfirst:
        parts.append(f'<p class="standfirst">{_e(article.standfirst)}</p>')
    parts.append("\n  ")
    tags = article.tags.all()
    if tags:
        items = "".join(
            f'<li><a class="tag" href="{_url(tag)}">{_e(tag.name)}</a></li>'
            if tag.slug
            else f'<li><span class="tag">{_e(tag.name)}</span></li>'
            for tag in tags
        )
        parts.append(f'\n  <ul class="tag-list" aria-label="Tags">\n    {items}\n  </ul>\n  ')
    parts.append("\n</article>\n")
    return mark_safe("".join(parts))


@register.simple_tag
def quote_figure(quote, show_article: bool = False) -> SafeString:
    """A quote with its speaker, and (`show_article`) the article it appeared in."""
    article, speaker = quote.article, quote.speaker
    cite = f' cite="{_e(iriencode(article.source_url))}"' if article.source_url else ""
    by = f'<a href="{_url(speaker)}">{_e(speaker.name)}</a>'
    role = f", {_e(speaker.role)}" if speaker.role else ""
    source = ""
    if show_article:
        day = article.published_on
        source = (
            f', in <a href="{_url(article)}">{_e(article.headline)}</a> '
            f'({_e(article.outlet.name)}, <time datetime="{_e(date(day, "Y-m-d"))}">'
            f"{_e(date(day, 'j M Y'))}</time>)"
        )
    return mark_safe(
        '<figure class="quote">\n'
        f"  <blockquote{cite}>\n"
        f"    <p>{_e(quote.display_text)}</p>\n"
        "  </blockquote>\n"
        f"  <figcaption>— <cite>{by}</cite>{role}{source}</figcaption>\n"
        "</figure>\n"
    )


@register.simple_tag
def caption_figure(caption, show_article: bool = False) -> SafeString:
    """A photo caption with its credit, agency, date and place, and (`show_article`) its
    article."""
    credit = (
        f'<span class="visually-hidden">Credit: </span>{_e(caption.credit)}'
        if caption.credit
        else ""
    )
    agency = f" · Agency: {_e(caption.agency.name)}" if caption.agency else ""
    via = f" via {_e(caption.distributor.name)}" if caption.distributor else ""
    taken = ""
    if caption.taken_on:
        day = caption.taken_on
        taken = (
            f' · Taken <time datetime="{_e(date(day, "Y-m-d"))}">{_e(date(day, "j F Y"))}</time>'
        )
    place = (
        f' · <a href="{_url(caption.place)}">{_e(caption.place.name)}</a>' if caption.place else ""
    )
    source = ""
    if show_article:
        article = caption.article
        source = (
            f'<p class="meta">In <a href="{_url(article)}">{_e(article.headline)}</a> '
            f"({_e(article.outlet.name)})</p>"
        )
    return mark_safe(
        '<figure class="caption">\n'
        "  <figcaption>\n"
        f"    <p>{_e(caption.text)}</p>\n"
        '    <p class="credit">\n'
        f"      {credit}\n"
        f"      {agency}{via}\n"
        f"      {taken}\n"
        f"      {place}\n"
        "    </p>\n"
        f"    {source}\n"
        "  </figcaption>\n"
        "</figure>\n"
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
        title = "" if label else f"<title>{_e(point.name)}</title>"
        kind = "map-current" if point.current else "map-point"
        line = ""
        if label and label.leader:
            x1, y1, x2, y2 = (_tenths(v) for v in label.leader)
            line = f'<line class="map-leader" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>'
        text = ""
        if label:
            current = " map-label-current" if point.current else ""
            anchor = f' text-anchor="{_e(label.anchor)}"' if label.anchor != "start" else ""
            text = (
                f'<text class="map-label{current}" x="{_tenths(label.x)}" '
                f'y="{_tenths(label.y)}"{anchor}>{_e(point.name)}</text>'
            )
        parts.append(
            f'\n<a href="{_e(point.url)}">{title}\n'
            f'  <circle class="{kind}" cx="{_tenths(point.x)}" cy="{_tenths(point.y)}" '
            f'r="{_tenths(point.radius)}"/>\n'
            f"  {line}\n"
            f"  {text}\n"
            "</a>\n"
        )
    return mark_safe("".join(parts) + "\n")
