"""The editorial admin: one module per concern, registered on import."""

from django.contrib import admin
from taggit.models import Tag as TaggitTag

from archive.admin import content, ingest, statements, subjects, tags  # noqa: F401

# The archive keeps its own Tag model; taggit's registers itself too and stays empty, and two
# "Tags" entries on the admin index confuse editors.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)
