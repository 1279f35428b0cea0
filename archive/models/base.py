"""What the model modules share: addresses of slugged pages, count subqueries, slug keys."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.db import models
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

_MARK = "00000000-slug-00000000"


@functools.cache
def _url_pattern(name: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK]).partition(_MARK)
    return head, tail


def slug_url(name: str, slug: str) -> str:
    """Return the address of a slugged page; reverse() once per URL name, not once per row."""
    head, tail = _url_pattern(name)
    return f"{head}{quote(slug)}{tail}"


def count_of(model: type[models.Model], fk: str) -> Coalesce:
    """Count rows of `model` pointing at the outer row, as a subquery (no join fan-out)."""
    counts = (
        model._default_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


class SlugQuerySet(models.QuerySet):
    """Shared base for querysets of slugged models."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)
