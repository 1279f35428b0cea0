from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Editorial archive"
admin.site.site_title = "Editorial archive admin"
admin.site.index_title = "Archive desk"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("archive.urls")),
]
