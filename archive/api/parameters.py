"""The read API's query parameters, declared once for the schema; the FilterSets check them.

Each filtered list names its filter parameters in the order the docs list them; `signature`
makes them, with `cursor` and `limit`, into the view's signature, from which django-ninja
builds the schema and validates types. The public pages' FilterSets then read the same names
from the request and give the 400s for values they refuse.
"""

import inspect
from typing import Any, Literal

from ninja import Query

from archive.api.cursor import DEFAULT_LIMIT, MAX_LIMIT

SortChoice = Literal["newest", "oldest", "relevance"]

Text = Query(None, description='Words to find; "double quotes" ask for a phrase.')
Slugs = Query(None, description="Slugs, repeatable: OR within the parameter, AND across.")
From = Query(None, alias="from", description="Published on or after (ISO date, 2022-09-01).")
To = Query(None, alias="to", description="Published on or before (ISO date).")
Sort = Query(None, description="newest (default), oldest, or relevance (default with q).")
Cursor = Query(None, description="Opaque: take it from a `next` or `previous` link.")
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, 1 to {MAX_LIMIT}.")
Photographer = Query(None, description="Photos by one photographer (exact).")

# (name, type, declaration) of each parameter a filtered list may take.
Parameter = tuple[str, Any, Any]

Q: Parameter = ("q", str | None, Text)
DATES_AND_SORT: list[Parameter] = [
    ("date_from", str | None, From),
    ("date_to", str | None, To),
    ("sort", SortChoice | None, Sort),
]


def slugs(*names: str) -> list[Parameter]:
    """Return repeatable slug parameters (OR within one, AND across)."""
    return [(name, list[str] | None, Slugs) for name in names]


ARTICLE_FILTERS = [Q, *slugs("place", "tag", "outlet", "speaker"), *DATES_AND_SORT]
QUOTE_FILTERS = [Q, *slugs("speaker", "place", "outlet", "tag"), *DATES_AND_SORT]
PHOTO_FILTERS = [
    Q,
    *slugs("agency"),
    ("photographer", str | None, Photographer),
    *slugs("place", "tag"),
    *DATES_AND_SORT,
]


def signature(filters: list[Parameter]) -> inspect.Signature:
    """Return a list view's signature: the request, its filters, then `cursor` and `limit`."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    declared = [
        *filters,
        ("cursor", str | None, Cursor),
        ("limit", int, Limit),
    ]
    return inspect.Signature(
        [
            inspect.Parameter("request", keyword),
            *(
                inspect.Parameter(name, keyword, annotation=kind, default=default)
                for name, kind, default in declared
            ),
        ]
    )
