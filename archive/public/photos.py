"""A photo's journey: the same agency photo printed by other outlets, found by its caption.

Two published captions are taken for the same photo when they credit the same agency and the
same photographer, ran in different outlets within a few days (the days the photos were taken,
where both say, else the articles' dates), and share most of their words: at least `MIN_SHARE`
of the shorter caption's words (three letters or more, common words left out) are in the other.
An agency's photographer files many photos a day, so the words decide; a caption rewritten
from scratch by one outlet is not recognised.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.db.models import Exists, OuterRef, Q

from archive.models import Article, PhotoCaption
from archive.public.rowtags import tags_from_index
from archive.search.query import STOP_WORDS, WORD

WINDOW_DAYS = 3
MIN_SHARE = 0.5


def caption_words(text: str) -> frozenset[str]:
    """Return a caption's words that can tell one photo from another: case-folded, three
    letters or more, common words left out."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return frozenset(w for w in WORD.findall(folded) if len(w) >= 3 and w not in STOP_WORDS)


def _day(caption: PhotoCaption, other: PhotoCaption) -> tuple[datetime.date, datetime.date]:
    if caption.taken_on and other.taken_on:
        return caption.taken_on, other.taken_on
    return caption.article.published_on, other.article.published_on


def captions_alike(
    caption: PhotoCaption,
    other: PhotoCaption,
    *,
    window_days: int = WINDOW_DAYS,
    min_share: float = MIN_SHARE,
) -> bool:
    """Say whether two captions (their articles loaded) describe the same agency photo."""
    if caption.agency_id is None or caption.agency_id != other.agency_id:
        return False
    name = " ".join(caption.photographer.casefold().split())
    if not name or name != " ".join(other.photographer.casefold().split()):
        return False
    if caption.article.outlet_id == other.article.outlet_id:
        return False
    first, second = _day(caption, other)
    if abs((first - second).days) > window_days:
        return False
    mine, theirs = caption_words(caption.text), caption_words(other.text)
    if not mine or not theirs:
        return False
    return len(mine & theirs) >= min_share * min(len(mine), len(theirs))


def _candidates(article: Article, window_days: int) -> Q:
    """Published captions in other outlets, within the window, crediting the same agency and
    photographer as one of this article's captions: a superset that the words then narrow.

    The window's articles are named by an `article_id IN (…)` of their own, so that with the
    article's own captions (`article_id = …`) each side of the OR is read by the caption's
    article index: a few hundred captions, not the whole table.
    """
    window = datetime.timedelta(days=window_days)
    articles = (
        Article.objects.published()
        .filter(published_on__range=(article.published_on - window, article.published_on + window))
        .exclude(outlet_id=article.outlet_id)
        .values("pk")
    )
    own = PhotoCaption.objects.filter(
        article_id=article.pk,
        agency_id=OuterRef("agency_id"),
        photographer__iexact=OuterRef("photographer"),
    ).exclude(photographer="")
    return Q(article_id__in=articles, agency__isnull=False) & Q(Exists(own))


def article_captions(*, article: Article, window_days: int = WINDOW_DAYS) -> list[PhotoCaption]:
    """Return an article's captions in order, each with `siblings`: the same photo's captions
    in other outlets' published articles, oldest first.

    One query reads the article's captions and every candidate together (their tags come from the
    facet index, `rowtags`).
    The two sides are a UNION of ids rather than an OR: each is read by the caption's article
    index, where PostgreSQL would read the whole table for the OR.
    """
    own_ids = PhotoCaption.objects.filter(article_id=article.pk).order_by().values("pk")
    candidate_ids = (
        PhotoCaption.objects.filter(_candidates(article, window_days)).order_by().values("pk")
    )
    rows = list(
        PhotoCaption.objects.filter(pk__in=own_ids.union(candidate_ids, all=True))
        .select_related("agency", "distributor", "place", "article__outlet")
        .defer("article__paragraphs")
        .order_by("article__published_on", "article__slug", "position")
    )
    tags_from_index(rows)
    own = sorted((c for c in rows if c.article_id == article.pk), key=lambda c: c.position)
    others = [c for c in rows if c.article_id != article.pk]
    for caption in own:
        caption.siblings = [  # a page attribute
            other for other in others if captions_alike(caption, other, window_days=window_days)
        ]
    return own
