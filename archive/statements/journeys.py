"""A photo's journey, for its public page: one agency photo's captions in every outlet that
printed it, side by side, each compared word by word with the fullest caption."""

from __future__ import annotations

from dataclasses import dataclass

from archive.models import Article, PhotoCaption
from archive.public.photos import article_captions
from archive.statements.diff import DiffWord, words_diff


@dataclass
class CaptionVersion:
    """One outlet's caption of the photo, and its words against the fullest caption."""

    caption: PhotoCaption
    diff: list[DiffWord]
    is_fullest: bool


@dataclass
class Journey:
    """The caption a reader came from and every outlet's version of it, oldest first."""

    caption: PhotoCaption
    versions: list[CaptionVersion]


def caption_journey(*, slug: str, position: int) -> Journey:
    """Return a published caption with the same photo's captions in other outlets.

    Raises PhotoCaption.DoesNotExist when the article is not published, has no caption at
    that position, or no other outlet printed the photo.
    """
    article = Article.objects.published().defer("paragraphs").filter(slug=slug).first()
    if article is None:
        raise PhotoCaption.DoesNotExist
    caption = next((c for c in article_captions(article=article) if c.position == position), None)
    siblings = getattr(caption, "siblings", [])
    if caption is None or not siblings:
        raise PhotoCaption.DoesNotExist
    group = sorted(
        [caption, *siblings],
        key=lambda c: (c.article.published_on, c.article.slug, c.position),
    )
    fullest = max(group, key=lambda c: (len(c.text), -c.pk))
    return Journey(
        caption=caption,
        versions=[
            CaptionVersion(
                caption=c, diff=words_diff(c.text, fullest.text), is_fullest=c is fullest
            )
            for c in group
        ],
    )
