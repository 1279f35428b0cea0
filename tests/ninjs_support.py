"""Validate documents against the vendored IPTC ninjs 2.2 JSON Schema, offline.

jsonschema checks no `date-time` or `uri` format by itself (those need extra packages), so
both are checked here; the schema's one remote reference, GeoJSON, is answered by a small
local schema for the only geometry the archive writes, a Point.
"""

import datetime
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "ninjs-schema_2.2.json").read_text(encoding="utf-8")
)
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"
GEOJSON_POINT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "coordinates"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "Point"},
        "coordinates": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "prefixItems": [
                {"type": "number", "minimum": -180, "maximum": 180},
                {"type": "number", "minimum": -90, "maximum": 90},
            ],
        },
    },
}

formats = FormatChecker()


@formats.checks("date-time")
def is_date_time(value) -> bool:
    # RFC 3339: a date, "T", a time and an offset (Z here).
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return False
    datetime.datetime.fromisoformat(value)
    return True


@formats.checks("uri")
def is_uri(value) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


validator = Draft202012Validator(
    SCHEMA,
    format_checker=formats,
    registry=Registry().with_resource(GEOJSON_URI, Resource.from_contents(GEOJSON_POINT)),
)


def ninjs_errors(document) -> list[str]:
    """Return every way a document breaks the ninjs 2.2 schema (empty when it is valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]
