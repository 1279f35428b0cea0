"""Which models make up the archive, in the order they load: what a row refers to comes first."""

from __future__ import annotations

from django.db import models

from archive import models as m

# The order in which objects are loaded and exported: everything a row refers to comes first.
ARCHIVE_MODELS: list[type[models.Model]] = [
    m.Tag,
    m.Outlet,
    m.Place,
    m.PlaceAlias,
    m.PlaceTag,
    m.Speaker,
    m.SpeakerAlias,
    m.SpeakerTag,
    m.Article,
    m.ArticleTag,
    m.Statement,
    m.Quote,
    m.QuoteTag,
    m.StatementRejection,
    m.PhotoCaption,
    m.CaptionTag,
]
MODEL_RANK = {model._meta.label_lower: rank for rank, model in enumerate(ARCHIVE_MODELS)}
