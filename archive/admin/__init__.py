"""The editorial admin: one module per concern, registered on import."""

from archive.admin import content, ingest, statements, subjects, tags  # noqa: F401
