"""The read API at /api/: published material as typed, documented JSON (django-ninja).

Reads only what a reader may see, through the public side's own filters, facets and
selectors; it never imports the editorial side.
"""
