"""The statement list's filters: speaker, place, outlet, dates and text, as on the other lists.

`speaker`, `place` and `outlet` take slugs (repeat a parameter for either of several values);
a statement matches a place or outlet through one of its published quotes.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from archive.models import Article, ArticleStatus, Quote, Statement
from archive.public.filters import MAX_Q, SlugListFilter


def _published_quotes(**lookups) -> Exists:
    return Exists(
        Quote.objects.filter(
            statement=OuterRef("pk"), article__status=ArticleStatus.PUBLISHED, **lookups
        )
    )


class StatementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label="Words",
        max_length=MAX_Q,
        help_text="Words of any outlet's version, or of the summary.",
    )
    speaker = SlugListFilter(method="filter_speaker", label="Speaker")
    place = SlugListFilter(method="filter_place", label="Place")
    outlet = SlugListFilter(method="filter_outlet", label="Outlet")
    said_from = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    said_to = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(summary__icontains=word) | _published_quotes(text__icontains=word)
            )
        return queryset

    def filter_speaker(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(speaker__slug__in=value) | _published_quotes(speaker__slug__in=value)
        )

    def filter_place(self, queryset, name, value):
        if not value:
            return queryset
        in_article = Article.places.through.objects.filter(
            article=OuterRef("article"), place__slug__in=value
        )
        return queryset.filter(
            _published_quotes(place__slug__in=value)
            | Exists(
                Quote.objects.filter(
                    Exists(in_article),
                    statement=OuterRef("pk"),
                    article__status=ArticleStatus.PUBLISHED,
                )
            )
        )

    def filter_outlet(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(_published_quotes(article__outlet__slug__in=value))


# The public parameter names are `from` and `to`, as on the other lists; neither can be an
# attribute name.
for _public, _internal in (("from", "said_from"), ("to", "said_to")):
    for _filters in (StatementFilter.declared_filters, StatementFilter.base_filters):
        _filters[_public] = _filters.pop(_internal)
