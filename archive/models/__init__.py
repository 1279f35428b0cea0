"""The archive's data, one module per concern, every name re-exported here.

Django finds an app's models through its `models` module, and the rest of the code (and the
migrations' callers) import them as `from archive.models import Article`; so this package
imports every model module and re-exports each name. Every model has a natural key, so
fixtures and exports never depend on primary keys.

- base: addresses of slugged pages, count subqueries, the slug natural key
- content: articles, quotes, photo captions and their QuerySets; which subjects are public
- subjects: outlets, places, speakers and their other spellings
- tags: tags, their redirects and operation log, the through models that tag each kind
- statements: one thing said, every outlet's version (used by archive/statements/)
- ingest: which article each ingested report became (used by archive/ingest/)
"""

from archive.models.base import SlugQuerySet, count_of, slug_url
from archive.models.content import (
    Article,
    ArticleQuerySet,
    ArticleStatus,
    InArticleQuerySet,
    PhotoCaption,
    PhotoCaptionQuerySet,
    Quote,
    QuoteKind,
    QuoteQuerySet,
    published_uses,
)
from archive.models.ingest import IngestedReport
from archive.models.statements import (
    Statement,
    StatementQuerySet,
    StatementRejection,
    StatementRejectionQuerySet,
    StatementStatus,
)
from archive.models.subjects import (
    PLACE_DEPTH,
    AliasManager,
    Outlet,
    OutletKind,
    OutletQuerySet,
    Place,
    PlaceAlias,
    PlaceKind,
    PlaceQuerySet,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
    SpeakerQuerySet,
    place_public,
)
from archive.models.tags import (
    MAX_TAG_LENGTH,
    ArticleTag,
    CaptionTag,
    PlaceTag,
    QuoteTag,
    SpeakerTag,
    Tag,
    TaggedBase,
    TaggedManager,
    TagManager,
    TagOperation,
    TagOperationKind,
    TagQuerySet,
    TagRedirect,
    TagRedirectManager,
    tag_name_problem,
    tag_name_validate,
    tagged_model,
)

__all__ = [
    "MAX_TAG_LENGTH",
    "PLACE_DEPTH",
    "AliasManager",
    "Article",
    "ArticleQuerySet",
    "ArticleStatus",
    "ArticleTag",
    "CaptionTag",
    "InArticleQuerySet",
    "IngestedReport",
    "Outlet",
    "OutletKind",
    "OutletQuerySet",
    "PhotoCaption",
    "PhotoCaptionQuerySet",
    "Place",
    "PlaceAlias",
    "PlaceKind",
    "PlaceQuerySet",
    "PlaceTag",
    "Quote",
    "QuoteKind",
    "QuoteQuerySet",
    "QuoteTag",
    "SlugQuerySet",
    "Speaker",
    "SpeakerAlias",
    "SpeakerKind",
    "SpeakerQuerySet",
    "SpeakerTag",
    "Statement",
    "StatementQuerySet",
    "StatementRejection",
    "StatementRejectionQuerySet",
    "StatementStatus",
    "Tag",
    "TagManager",
    "TagOperation",
    "TagOperationKind",
    "TagQuerySet",
    "TagRedirect",
    "TagRedirectManager",
    "TaggedBase",
    "TaggedManager",
    "count_of",
    "place_public",
    "published_uses",
    "slug_url",
    "tag_name_problem",
    "tag_name_validate",
    "tagged_model",
]
