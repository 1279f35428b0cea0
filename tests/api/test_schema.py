"""The API checked against its own schema: every endpoint driven from it by schemathesis.

A bounded number of generated requests per endpoint, in the normal test run: no 5xx, every
status documented, every body valid against the schema.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from archive.api.endpoints import api

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def schema_document() -> dict:
    """Return the schema as /api/openapi.json serves it (built from the code, as JSON)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


schema = schemathesis.openapi.from_dict(schema_document())


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection open.

    Django closes the connection at the end of each request; its test client stops that, so
    that the test's transaction (and on PostgreSQL its data) survives. Requests from the
    schema's examples go through the real WSGI stack and need the same.
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_generated_request_within_its_schema(archive, wsgi_app, case):
    case.call_and_validate(app=wsgi_app, checks=CHECKS)


def test_api_schema_served_is_the_one_tested(archive, client):
    served = client.get("/api/openapi.json").json()
    assert served == schema_document()
    assert len(served["paths"]) == 16
