"""FilterSets for the public lists: one URL grammar for articles, quotes and photos.

`q`, `place`, `tag`, `outlet`, `speaker` (or `agency`, `photographer`), `from`, `to`, `sort`.
Slug parameters repeat: OR within one parameter, AND across parameters.
"""

from __future__ import annotations

import re

import django_filters
import numpy as np
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from archive.facetindex.runtime import index_current
from archive.facetindex.store import FacetIndex
from archive.facetindex.subjects import subject_names, subject_public
from archive.models import (
    PLACE_DEPTH,
    Article,
    ArticleTag,
    CaptionTag,
    Outlet,
    PhotoCaption,
    Place,
    Quote,
    QuoteTag,
    Speaker,
    Tag,
)
from archive.public import walking
from archive.public.widgets import IsoDateInput
from archive.search import query as search

SLUG_RE = re.compile(r"^[-\w]{1,100}$")
MAX_VALUES = 20
MAX_Q = 500

ArticlePlace = Article.places.through
# The facet index's name for the subjects a filter names by slug.
SUBJECTS = {Tag: "tag", Outlet: "outlet", Speaker: "speaker"}


class SlugListField(forms.Field):
    """A repeatable query parameter of slugs: ?place=izyum&place=balakliya."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        cleaned = []
        for item in values:
            item = item.strip().lower()
            if not item:
                continue
            if not SLUG_RE.match(item):
                raise ValidationError(
                    "“%(value)s” is not a valid name here.", params={"value": item[:60]}
                )
            if item not in cleaned:
                cleaned.append(item)
        if len(cleaned) > MAX_VALUES:
            raise ValidationError(f"Choose at most {MAX_VALUES} values.")
        return cleaned


class ArchiveFilterForm(forms.Form):
    def clean_place(self):
        """Turn spellings into the places' own slugs: ?place=izium means Izyum.

        Only public places are looked up by spelling, so that a spelling does not reveal the
        slug of a place only drafts mention.
        """
        values = self.cleaned_data.get("place") or []
        if not values:
            return values
        names = {value.replace("-", " ").lower(): value for value in values}
        known = set(Place.objects.filter(slug__in=values).values_list("slug", flat=True))
        unknown = [name for name, value in names.items() if value not in known]
        resolved = {}
        if unknown:
            query = Q()
            for name in unknown:
                query |= Q(name__iexact=name) | Q(aliases__name__iexact=name)
            for slug, name, alias in (
                Place.objects.public().filter(query).values_list("slug", "name", "aliases__name")
            ):
                for spelling in (name, alias):
                    if spelling and spelling.lower() in names:
                        resolved[names[spelling.lower()]] = slug
        canonical = []
        for value in values:
            slug = resolved.get(value, value)
            if slug not in canonical:
                canonical.append(slug)
        return canonical

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The end date is before the start date.")
        return data


class SlugListFilter(django_filters.Filter):
    field_class = SlugListField


def place_ids_for(values: list[str]) -> list[int]:
    """Return the ids of the places with these slugs and of every place inside them."""
    # Resolved to a list first: one small query here keeps the planners of both databases
    # from joining the place hierarchy into every row of a large article query.
    places = Place.objects.inside(slug__in=values, include_self=True)
    return list(places.values_list("pk", flat=True))


class ArchiveFilter(django_filters.FilterSet):
    """What every public list shares: text, dates and sort order."""

    q = django_filters.CharFilter(
        method="filter_text",
        label="Text",
        max_length=MAX_Q,
        help_text="Words to find; spellings such as Izium or Balaklyia are understood.",
    )
    date_from = django_filters.DateFilter(method="filter_from", label="From")
    date_to = django_filters.DateFilter(method="filter_to", label="To")
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label="Sort",
        empty_label=None,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("relevance", "Best match"),
        ],
    )

    date_field = "article__published_on"
    facet_names: tuple[str, ...] = ()
    # The facet index, when the caller has it: slugs are turned into ids without a query.
    index: FacetIndex | None = None
    # Set by a caller that cuts best-match pages from the facet index (the list pages): an
    # article search then fetches its matches' scores with their ids, in the same query.
    rank_in_index = False

    def __init__(self, data=None, *args, **kwargs):
        # A search with no sort chosen is ordered by best match: the sort menu says so.
        if data is not None and str(data.get("q") or "").strip() and not data.get("sort"):
            data = data.copy()
            data["sort"] = "relevance"
        super().__init__(data, *args, **kwargs)
        for name in ("from", "to"):
            self.form.fields[name].widget = IsoDateInput()
        self.form.fields["q"].widget = forms.SearchInput(attrs={"maxlength": MAX_Q})

    def place_ids(self, values: list[str]) -> list[int]:
        """Return the place ids a place filter covers, from the facet index when it is given."""
        if self.index is not None:
            return self.index.labels.place_ids_inside(values, PLACE_DEPTH)
        return self._lookup("place", values, lambda: place_ids_for(values))

    def ids(self, model, values: list[str]) -> list[int]:
        """Return the ids of the rows with these slugs, from the facet index when it is given.

        Literal ids, rather than a join on slug, let both planners estimate how many rows a
        filter keeps, and so choose between the date index and the filter's own index.
        """
        if self.index is not None:
            return self.index.labels.ids(SUBJECTS[model], values)
        return self._lookup(
            model._meta.label_lower,
            values,
            lambda: list(model.objects.filter(slug__in=values).values_list("pk", flat=True)),
        )

    def _lookup(self, kind: str, values: list[str], compute):
        # Once per request.
        memo = self.__dict__.setdefault("_ids", {})
        key = (kind, tuple(values))
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def linked(self, links: QuerySet, column: str, outer: str = "pk") -> Q:
        """Rows that some row of links points at through column (see archive.public.walking)."""
        return walking.linked(links, column, outer=outer)

    def column_in(self, field: str, values) -> Q:
        """Rows whose own column holds one of values (see archive.public.walking)."""
        return walking.column_in(field, values)

    @classmethod
    def whole_list_params(cls) -> dict:
        """Return the cache parameters of the whole, unfiltered list."""
        return {"model": cls._meta.model._meta.label_lower}

    def cache_params(self) -> dict:
        """Return the cleaned filters, as a stable dict for cache keys."""
        data = self.form.cleaned_data
        return {
            **self.whole_list_params(),
            **{name: value for name, value in data.items() if value not in (None, "", [])},
        }

    def is_filtered(self) -> bool:
        """Say whether any filter narrows the list (a sort order alone does not)."""
        params = {k: v for k, v in self.cache_params().items() if k != "sort"}
        return params != self.whole_list_params()

    @property
    def facet_values(self) -> dict[str, list[str]]:
        data = self.form.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or [] for name in self.facet_names}

    def apply(self, queryset: QuerySet, *, skip: str | None = None) -> QuerySet:
        """Apply every filter but the one named `skip` (for that facet's own counts)."""
        for name, value in self.form.cleaned_data.items():
            if name == skip or name == "sort" or value in (None, "", []):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset):
        queryset = self.apply(queryset)
        return self.filter_sort(queryset, "sort", self.form.cleaned_data.get("sort"))

    def filter_text(self, queryset, name, value):
        return self.text_search(queryset, value)

    def search_terms(self, text: str) -> list[search.Term]:
        """Return the words and spellings text searches for, worked out once per request.

        The facet index says which places and speakers readers may see (only those lend their
        spellings) and holds their names and aliases: no query, so nothing to cache.
        """
        memo = self.__dict__.setdefault("_terms", {})
        if text not in memo:
            index = self.index if self.index is not None else index_current()
            memo[text] = search.parse_terms(
                text,
                public={kind: subject_public(index, kind, PLACE_DEPTH) for kind in search.NAMED},
                names=subject_names(index),
            )
        return memo[text]

    def text_search(self, queryset, text):
        raise NotImplementedError

    def found_ids(self, name: str, value) -> np.ndarray:
        """Return the ids of the published rows that a filter the facet index does not hold
        (text, photographer) keeps, for the index to combine with the others."""
        rows = self.filters[name].filter(self._meta.model.objects.published(), value)
        return np.array(list(rows.order_by().values_list("pk", flat=True)), dtype=np.int64)

    def text_scores(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Return the ids and ranks of every text match, for a best-match list whose engine
        ranks them in the same pass that finds them; None where the list ranks in SQL."""
        return None

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})

    def ordering_kind(self) -> str:
        """Return how the list is ordered: "newest", "oldest" or "relevance" (when searching)."""
        data = self.form.cleaned_data
        sort = data.get("sort")
        if sort == "oldest":
            return "oldest"
        if data.get("q") and sort in (None, "", "relevance"):
            return "relevance"
        return "newest"

    def filter_sort(self, queryset, name, value):
        kind = self.ordering_kind()
        if kind == "relevance":
            return queryset.order_by("-search_rank", f"-{self.date_field}", "-pk")
        if kind == "oldest":
            return queryset.order_by(self.date_field, "pk")
        return queryset.order_by(f"-{self.date_field}", "-pk")


# The public parameter names are `from` and `to`, which cannot be attribute names.
for _public, _internal in (("from", "date_from"), ("to", "date_to")):
    for _filters in (ArchiveFilter.declared_filters, ArchiveFilter.base_filters):
        _filters[_public] = _filters.pop(_internal)
        _filters[_public].field_name = _public
        _filters["sort"] = _filters.pop("sort")


class ArticleFilter(ArchiveFilter):
    place = SlugListFilter(method="filter_place", label="Place")
    tag = SlugListFilter(method="filter_tag", label="Tag")
    outlet = SlugListFilter(method="filter_outlet", label="Outlet")
    speaker = SlugListFilter(method="filter_speaker", label="Speaker")

    date_field = "published_on"
    facet_names = ("place", "tag", "outlet", "speaker")

    class Meta:
        model = Article
        fields: list[str] = []
        form = ArchiveFilterForm

    def text_search(self, queryset, text):
        return search.article_search(queryset, text, terms=self.search_terms(text))

    def found_ids(self, name: str, value) -> np.ndarray:
        # The text's matches come from the search index alone, in one pass that also ranks
        # them when the list is ordered by best match; the facet index keeps the published.
        if name == "q" and self.search_terms(value):
            return self._text_matches(value)[0]
        return super().found_ids(name, value)

    def text_scores(self) -> tuple[np.ndarray, np.ndarray] | None:
        text = self.form.cleaned_data.get("q")
        if not (text and self.rank_in_index and self.ordering_kind() == "relevance"):
            return None
        if not self.search_terms(text):
            return None
        ids, scores = self._text_matches(text)
        return (ids, scores) if scores is not None else None

    def _text_matches(self, text: str) -> tuple[np.ndarray, np.ndarray | None]:
        memo = self.__dict__.setdefault("_matches", {})
        if text not in memo:
            scored = self.rank_in_index and self.ordering_kind() == "relevance"
            words = self.index.words if self.index is not None else None
            memo[text] = search.article_matches(self.search_terms(text), scored=scored, words=words)
        return memo[text]

    def filter_place(self, queryset, name, value):
        links = ArticlePlace.objects.filter(place_id__in=self.place_ids(value))
        return queryset.filter(self.linked(links, "article_id"))

    def filter_tag(self, queryset, name, value):
        links = ArticleTag.objects.filter(tag_id__in=self.ids(Tag, value))
        return queryset.filter(self.linked(links, "content_object_id"))

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(outlet_id__in=self.ids(Outlet, value))

    def filter_speaker(self, queryset, name, value):
        links = Quote.objects.filter(speaker_id__in=self.ids(Speaker, value))
        return queryset.filter(self.linked(links, "article_id"))


class ArticleChildFilter(ArchiveFilter):
    """What the quote and photo lists share: a place is the item's own or its article's."""

    tag_through: type = QuoteTag

    def filter_place(self, queryset, name, value):
        places = self.place_ids(value)
        links = ArticlePlace.objects.filter(place_id__in=places)
        return queryset.filter(
            self.column_in("place_id", places) | self.linked(links, "article_id", "article_id")
        )

    def filter_tag(self, queryset, name, value):
        tagged = self.tag_through.objects.filter(tag_id__in=self.ids(Tag, value))
        return queryset.filter(self.linked(tagged, "content_object_id"))


class QuoteFilter(ArticleChildFilter):
    speaker = SlugListFilter(method="filter_speaker", label="Speaker")
    place = SlugListFilter(method="filter_place", label="Place")
    outlet = SlugListFilter(method="filter_outlet", label="Outlet")
    tag = SlugListFilter(method="filter_tag", label="Tag")

    facet_names = ("speaker", "place", "outlet", "tag")
    tag_through = QuoteTag

    class Meta:
        model = Quote
        fields: list[str] = []
        form = ArchiveFilterForm

    def text_search(self, queryset, text):
        return search.quote_search(queryset, text, terms=self.search_terms(text))

    def filter_speaker(self, queryset, name, value):
        return queryset.filter(self.column_in("speaker_id", self.ids(Speaker, value)))

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(article__outlet_id__in=self.ids(Outlet, value))


class PhotoCaptionFilter(ArticleChildFilter):
    agency = SlugListFilter(method="filter_agency", label="Agency")
    photographer = django_filters.CharFilter(
        method="filter_photographer", label="Photographer", max_length=200
    )
    place = SlugListFilter(method="filter_place", label="Place")
    tag = SlugListFilter(method="filter_tag", label="Tag")

    facet_names = ("agency", "place", "tag")
    tag_through = CaptionTag

    class Meta:
        model = PhotoCaption
        fields: list[str] = []
        form = ArchiveFilterForm

    def text_search(self, queryset, text):
        # Readers look for photos by who took or supplied them; the text index holds only the
        # caption's words, so the credit, photographer and agency are matched as written.
        name = text.strip()
        credited = (
            Q(photographer__icontains=name)
            | Q(credit__icontains=name)
            | Q(agency__name__icontains=name)
            | Q(distributor__name__icontains=name)
        )
        return search.caption_search(
            queryset, text, terms=self.search_terms(text), also=credited if name else None
        )

    def filter_agency(self, queryset, name, value):
        agencies = self.ids(Outlet, value)
        return queryset.filter(
            self.column_in("agency_id", agencies) | self.column_in("distributor_id", agencies)
        )

    def filter_photographer(self, queryset, name, value):
        return queryset.filter(photographer__iexact=value.strip())
