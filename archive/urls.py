from django.urls import path

from archive import feeds, views

app_name = "archive"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/feed/", feeds.ArticleFeed(), name="article-feed"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("quotes/", views.QuoteListView.as_view(), name="quote-list"),
    path("photos/", views.PhotoCaptionListView.as_view(), name="photocaption-list"),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet-detail"),
]
