from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from archive.api.endpoints import api
from archive.public.site import favicon, healthz, robots_txt
from archive.public.sitemaps import SITEMAPS

admin.site.site_header = "Editorial archive"
admin.site.site_title = "Editorial archive admin"
admin.site.index_title = "Archive desk"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", require_safe(robots_txt), name="robots"),
    path("favicon.ico", require_safe(favicon), name="favicon"),
    path("healthz", require_safe(healthz), name="healthz"),
    path("api/", api.urls),
    path("", include("archive.urls")),
]

if settings.BENCH_FLOOR_VIEW:
    from archive.public.bench import FloorView

    urlpatterns.insert(0, path("bench/floor/", FloorView.as_view(), name="bench-floor"))
