"""The shape of the IPTC ninjs 2.2 documents the API serves, for its OpenAPI schema.

Only the ninjs fields the archive fills (archive.ninjs builds the documents); the full
standard is at http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json. Absent fields are left
out of a document rather than sent as null, as ninjs expects.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class Standard(Schema):
    name: str
    version: str
    # "schema" is a BaseModel method's name: the field takes ninjs's spelling as its alias.
    schema_: str = Field(alias="schema")


class Text(Schema):
    """A headline, description or body: its role, content type and text."""

    role: str | None = None
    contenttype: str | None = None
    value: str


class Body(Text):
    charcount: int | None = None
    wordcount: int | None = None


class Entity(Schema):
    """A place, subject, person, organisation or info source, by name, slug and page."""

    name: str
    literal: str
    uri: str
    rel: str | None = None
    role: str | None = None
    geojson: dict[str, Any] | None = None


class Rendition(Schema):
    name: str
    href: str
    contenttype: str | None = None
    title: str | None = None


class Picture(Schema):
    """A photo caption, associated with its article: what the picture shows and who took it."""

    name: str
    uri: str
    type: str
    descriptions: list[Text]
    by: str | None = None
    copyrightholder: str | None = None
    infosources: list[Entity] | None = None
    contentcreated: str | None = None
    places: list[Entity] | None = None


class NinjsArticle(Schema):
    """A published article as an IPTC ninjs 2.2 document."""

    uri: str
    standard: Standard
    type: str
    version: str
    firstcreated: str
    versioncreated: str
    contentcreated: str
    pubstatus: str
    language: str
    copyrightholder: str
    headlines: list[Text]
    descriptions: list[Text] | None = None
    bodies: list[Body]
    by: str | None = None
    located: str | None = None
    people: list[Entity] | None = None
    organisations: list[Entity] | None = None
    places: list[Entity] | None = None
    subjects: list[Entity] | None = None
    infosources: list[Entity]
    renditions: list[Rendition]
    associations: list[Picture] | None = None
