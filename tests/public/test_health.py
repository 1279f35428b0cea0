import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import include, path

from archive.observability import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def boom(request):
    raise RuntimeError("boom: the archive fell over")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]


def test_healthz_answers_ok_when_the_database_answers(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from archive.public import site as views

    def refuse():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views.connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/articles/").status_code == 301


@pytest.fixture
def request_log():
    """What django.request logs, formatted as the settings format it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_server_error_is_logged_as_one_json_line_with_its_request_id(
    client, settings, request_log
):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/?q=1")
    assert response.status_code == 500
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["status"] == 500
    assert entry["method"] == "GET"
    assert entry["path"] == "/boom/"
    assert entry["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: boom: the archive fell over" in entry["exception"]


def test_a_not_found_is_logged_as_a_warning_with_its_request_id(client, request_log):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    entry = json.loads(request_log.getvalue().splitlines()[-1])
    assert (entry["level"], entry["status"]) == ("WARNING", 404)
    assert entry["request_id"] == response["X-Request-ID"]


def test_the_settings_send_json_lines_to_stderr():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    code = "import logging; logging.getLogger('django.request').error('Internal Server Error: /x')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Internal Server Error: /x"
    assert entry["request_id"] == "-"
