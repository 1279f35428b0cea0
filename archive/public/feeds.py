"""The Atom feed of the article list, with the list's filters."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from archive.models import Article
from archive.public.filters import ArticleFilter

FEED_SIZE = 50


class PlainSummaryAtomFeed(Atom1Feed):
    """Atom whose entry summaries are declared as plain text, which they are.

    Django declares every summary as HTML, so a feed reader would read a standfirst such as
    "Troops <withdraw>" as markup.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("description"):
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ArticleFeed(Feed):
    feed_type = PlainSummaryAtomFeed
    title = "Editorial archive: articles"
    subtitle = "Published articles, newest first."

    def get_object(self, request):
        filterset = ArticleFilter(request.GET, queryset=Article.objects.published().for_list())
        if not filterset.is_valid():
            raise Http404("These filters are not valid.")
        return filterset

    def link(self, obj):
        query = obj.data.urlencode()
        return reverse("archive:article-list") + (f"?{query}" if query else "")

    def items(self, obj):
        return obj.qs[:FEED_SIZE]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst or (item.paragraphs[0] if item.paragraphs else "")

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.published_on, time(12)))

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or item.outlet.name

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
