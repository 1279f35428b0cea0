"""The ranked indexes: every place, speaker, tag or outlet with its count, most first."""

from collections.abc import Callable

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from archive.models import Outlet, Place, Speaker, Tag
from archive.public import maps, selectors


class RankedIndexView(TemplateView):
    """Every place, speaker, tag or outlet with its count, most first, 100 to a page.

    The ranking is counted by the facet index (no query); a page then loads just its own 100
    rows.
    """

    model: type[Place] | type[Speaker] | type[Outlet] = Place
    ranking: Callable[[], list[tuple[int, int]]] | None = None
    per_page = 100

    def ranked(self) -> list[tuple[int, int]]:
        """Return (id, count) for every row, most first, from the facet index (once a request)."""
        if not hasattr(self, "_ranked"):
            ranking = type(self).ranking
            assert ranking is not None, "a ranked index names its ranking"
            self._ranked = ranking()
        return self._ranked

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ranked = self.ranked()
        paginator = Paginator(ranked, self.per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = self.get_queryset().in_bulk([pk for pk, _n in page])
        context.update(
            paginator=paginator,
            page_obj=page,
            rows=[(rows[pk], n) for pk, n in page if pk in rows],
        )
        return context

    def get_queryset(self):
        return self.model.objects.all()


class PlaceListView(RankedIndexView):
    template_name = "archive/place_list.html"
    model = Place
    ranking = selectors.place_ranking

    def get_queryset(self):
        return Place.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            # One map of every public place with coordinates, on the first page only.
            context["map"] = maps.place_index_map(
                places=selectors.place_index_points(ranked=self.ranked())
            )
        return context


class SpeakerListView(RankedIndexView):
    template_name = "archive/speaker_list.html"
    model = Speaker
    ranking = selectors.speaker_ranking


class TagListView(RankedIndexView):
    template_name = "archive/tag_list.html"
    model = Tag
    ranking = selectors.tag_ranking


class OutletListView(RankedIndexView):
    template_name = "archive/outlet_list.html"
    model = Outlet
    ranking = selectors.outlet_ranking
