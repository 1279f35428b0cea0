from django.http import Http404
from django.views.generic import DetailView, ListView

from archive import selectors
from archive.models import Article, Outlet, Place, Speaker, Tag


class HomeView(ListView):
    template_name = "archive/home.html"

    def get_queryset(self):
        return selectors.published_articles()


class ArticleDetailView(DetailView):
    template_name = "archive/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        try:
            return selectors.article_for_page(slug=self.kwargs["slug"])
        except Article.DoesNotExist:
            raise Http404("No published article has this address.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["paragraphs"] = selectors.article_paragraph_segments(article=self.object)
        return context


class SubjectDetailView(DetailView):
    """A page about one place, speaker, tag or outlet and the published material about it."""

    template_name = "archive/subject_detail.html"
    context_object_name = "subject"
    subject_label = ""
    page_selector = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selector = type(self).page_selector
        context["subject_label"] = self.subject_label
        context["page"] = selector(**{self.model._meta.model_name: self.object})
        return context


class PlaceDetailView(SubjectDetailView):
    model = Place
    subject_label = "Place"
    page_selector = selectors.place_page

    def get_queryset(self):
        return Place.objects.select_related("parent").prefetch_related("aliases", "children")


class SpeakerDetailView(SubjectDetailView):
    model = Speaker
    subject_label = "Speaker"
    page_selector = selectors.speaker_page

    def get_queryset(self):
        return Speaker.objects.prefetch_related("aliases")


class TagDetailView(SubjectDetailView):
    model = Tag
    subject_label = "Tag"
    page_selector = selectors.tag_page


class OutletDetailView(SubjectDetailView):
    model = Outlet
    subject_label = "Outlet"
    page_selector = selectors.outlet_page
