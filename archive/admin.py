from django.contrib import admin

from archive import models

for model in (
    models.Outlet,
    models.Place,
    models.Speaker,
    models.Article,
    models.Quote,
    models.PhotoCaption,
    models.Tag,
):
    admin.site.register(model)
