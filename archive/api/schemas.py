"""The shapes of the read API's answers; the OpenAPI schema is generated from them."""

from __future__ import annotations

import datetime

from ninja import Schema


class Link(Schema):
    """Another object of the archive, by slug, with its reader's page and its API address."""

    slug: str
    name: str
    url: str
    api_url: str


class ParameterError(Schema):
    parameter: str
    message: str


class Error(Schema):
    status: int
    detail: str
    errors: list[ParameterError] = []


class FacetValue(Schema):
    slug: str
    label: str
    count: int
    selected: bool


class Facet(Schema):
    name: str
    label: str
    values: list[FacetValue]


class ArticleItem(Schema):
    slug: str
    headline: str
    standfirst: str
    byline: str
    dateline: str
    published_on: datetime.date
    language: str
    url: str
    api_url: str
    outlet: Link
    tags: list[Link]
    places: list[Link]


class QuoteItem(Schema):
    position: int
    text: str
    kind: str
    speaker: Link
    place: Link | None
    tags: list[Link]
    article: Link
    outlet: Link
    published_on: datetime.date
    url: str
    api_url: str


class CaptionItem(Schema):
    position: int
    text: str
    credit: str
    photographer: str
    agency: Link | None
    distributor: Link | None
    taken_on: datetime.date | None
    place: Link | None
    tags: list[Link]
    article: Link
    outlet: Link
    published_on: datetime.date
    url: str
    api_url: str


class QuoteInArticle(Schema):
    position: int
    text: str
    kind: str
    paragraph: int | None
    speaker: Link
    place: Link | None
    tags: list[Link]
    api_url: str


class CaptionInArticle(Schema):
    position: int
    text: str
    credit: str
    photographer: str
    agency: Link | None
    distributor: Link | None
    taken_on: datetime.date | None
    place: Link | None
    tags: list[Link]
    api_url: str


class ArticleDetail(ArticleItem):
    source_url: str
    syndication_note: str
    paragraphs: list[str]
    cited_outlets: list[Link]
    quotes: list[QuoteInArticle]
    captions: list[CaptionInArticle]


class Counts(Schema):
    """Published material that uses a subject, with the API lists that show it."""

    articles: int
    quotes: int
    captions: int
    articles_url: str | None
    quotes_url: str | None
    captions_url: str | None


class SubjectItem(Schema):
    slug: str
    name: str
    url: str
    api_url: str
    count: int


class PlaceItem(SubjectItem):
    kind: str
    parent: Link | None
    latitude: float | None
    longitude: float | None


class SpeakerItem(SubjectItem):
    kind: str
    role: str
    affiliation: str


class OutletItem(SubjectItem):
    kind: str
    country: str


class PlaceDetail(Schema):
    slug: str
    name: str
    kind: str
    url: str
    api_url: str
    parent: Link | None
    latitude: float | None
    longitude: float | None
    spellings: list[str]
    counts: Counts


class SpeakerDetail(Schema):
    slug: str
    name: str
    kind: str
    role: str
    affiliation: str
    url: str
    api_url: str
    spellings: list[str]
    counts: Counts


class TagDetail(Schema):
    slug: str
    name: str
    url: str
    api_url: str
    counts: Counts


class OutletDetail(Schema):
    slug: str
    name: str
    kind: str
    country: str
    homepage: str
    url: str
    api_url: str
    counts: Counts


class Page(Schema):
    """One page of a list: `next` and `previous` are whole addresses, null at either end."""

    count: int
    next: str | None
    previous: str | None


class ArticlePage(Page):
    facets: list[Facet]
    results: list[ArticleItem]


class QuotePage(Page):
    facets: list[Facet]
    results: list[QuoteItem]


class CaptionPage(Page):
    facets: list[Facet]
    results: list[CaptionItem]


class PlacePage(Page):
    results: list[PlaceItem]


class SpeakerPage(Page):
    results: list[SpeakerItem]


class TagPage(Page):
    results: list[SubjectItem]


class OutletPage(Page):
    results: list[OutletItem]


class Index(Schema):
    title: str
    openapi: str
    docs: str
    endpoints: dict[str, str]
