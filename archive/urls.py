from django.urls import path
from django.views.decorators.http import require_safe

from archive.public import feeds, indexes, views
from archive.statements import views as statement_views

app_name = "archive"

# Every public page only reads: GET and HEAD, and 405 to anything else (OPTIONS and TRACE
# included, which class-based views and feeds would otherwise answer).
urlpatterns = [
    path("", require_safe(views.HomeView.as_view()), name="home"),
    path("articles/", require_safe(views.ArticleListView.as_view()), name="article-list"),
    path("articles/feed/", require_safe(feeds.ArticleFeed()), name="article-feed"),
    path(
        "articles/<slug:slug>/",
        require_safe(views.ArticleDetailView.as_view()),
        name="article-detail",
    ),
    path("quotes/", require_safe(views.QuoteListView.as_view()), name="quote-list"),
    path("photos/", require_safe(views.PhotoCaptionListView.as_view()), name="photocaption-list"),
    path(
        "photos/<slug:slug>/<int:position>/",
        require_safe(statement_views.PhotoJourneyView.as_view()),
        name="photocaption-journey",
    ),
    path("places/", require_safe(indexes.PlaceListView.as_view()), name="place-list"),
    path("places/<slug:slug>/", require_safe(views.PlaceDetailView.as_view()), name="place-detail"),
    path("speakers/", require_safe(indexes.SpeakerListView.as_view()), name="speaker-list"),
    path(
        "speakers/<slug:slug>/",
        require_safe(views.SpeakerDetailView.as_view()),
        name="speaker-detail",
    ),
    path("tags/", require_safe(indexes.TagListView.as_view()), name="tag-list"),
    path("tags/<str:slug>/", require_safe(views.TagDetailView.as_view()), name="tag-detail"),
    path("outlets/", require_safe(indexes.OutletListView.as_view()), name="outlet-list"),
    path(
        "outlets/<slug:slug>/", require_safe(views.OutletDetailView.as_view()), name="outlet-detail"
    ),
    path(
        "statements/",
        require_safe(statement_views.StatementListView.as_view()),
        name="statement-list",
    ),
    path(
        "statements/<int:pk>/",
        require_safe(statement_views.StatementDetailView.as_view()),
        name="statement-detail",
    ),
]
