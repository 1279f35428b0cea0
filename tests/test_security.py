import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from archive.models import Article
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple-42"
# Markup that would run if any page printed it unescaped.
HOSTILE = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_public_pages_send_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) == 32


def test_a_proxy_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert kept["X-Request-ID"] == "lb-0123456789abcdef"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected\nline'})
    assert forged["X-Request-ID"] != 'x" injected\nline'
    assert len(forged["X-Request-ID"]) == 32


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    settings.SECURE_HSTS_PRELOAD = False
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=600"
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP


def production_settings(**extra):
    """The production settings a fresh process computes from its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x7!k2-production-like-secret-9f3a8c1d7e5b4a2f6c0d9e8b7a6f5e4d3c2b1a0",
        DJANGO_ALLOWED_HOSTS="archive.example.org",
        **extra,
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from django.urls import reverse; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'AXES_FAILURE_LIMIT')} | "
        "{'admin': reverse('admin:index')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only_and_hsts_is_a_year():
    values = production_settings()
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["admin"] == "/admin/"


def test_hsts_and_the_admin_path_come_from_the_environment():
    values = production_settings(DJANGO_HSTS_SECONDS="3600", DJANGO_ADMIN_URL="/desk-7f3a/")
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["admin"] == "/desk-7f3a/"


def test_session_and_csrf_cookies_carry_the_secure_and_http_only_flags(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    login_url = reverse("admin:login")
    client.get(login_url, secure=True)
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post(
        login_url,
        {"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def attempt_login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="203.0.113.7",
    )


def test_repeated_failed_logins_lock_out_the_account_from_that_address(client, settings):
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    User.objects.create_superuser("other", "other@example.org", PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt_login(client, "editor", "wrong").status_code == 200  # the form again
    assert attempt_login(client, "editor", "wrong").status_code == 429
    # Locked: even the right password is refused, and no session is opened.
    locked = attempt_login(client, "editor", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert attempt_login(client, "other", PASSWORD).status_code == 302
    client.logout()
    # After the cool-off the account may log in again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert attempt_login(client, "editor", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, settings):
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    statuses = [
        client.post(
            reverse("admin:login"),
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert statuses[-1] == 429


@pytest.fixture
def hostile_archive():
    """One object of every kind, every text field holding markup."""
    place = PlaceFactory(name=HOSTILE, slug="hostile-place", latitude=49.2, longitude=37.3)
    place.aliases.create(name=f"alias {HOSTILE}")
    speaker = SpeakerFactory(name=HOSTILE, slug="hostile-speaker", role=HOSTILE)
    speaker.aliases.create(name=f"alias {HOSTILE}")
    outlet = OutletFactory(name=HOSTILE, slug="hostile-outlet")
    article = ArticleFactory(
        outlet=outlet,
        slug="hostile-article",
        headline=HOSTILE,
        standfirst=HOSTILE,
        byline=HOSTILE,
        paragraphs=[f"He said “{HOSTILE}” loudly.", HOSTILE],
        places=[place],
        tags=[HOSTILE],
    )
    QuoteFactory(article=article, speaker=speaker, text=HOSTILE, paragraph=1, place=place)
    PhotoCaptionFactory(article=article, text=HOSTILE, credit=HOSTILE, place=place, tags=[HOSTILE])
    return article


def assert_inert(response, url):
    assert response.status_code == 200, url
    body = response.content.decode()
    assert "<script>alert" not in body, url
    assert "<img src=x" not in body, url


def public_urls(article):
    tag = article.tags.get()
    return [
        "/",
        "/articles/",
        "/articles/?q=script",
        article.get_absolute_url(),
        "/articles/feed/",
        "/quotes/",
        "/photos/",
        "/places/",
        "/places/hostile-place/",
        "/speakers/",
        "/speakers/hostile-speaker/",
        tag.get_absolute_url(),
        "/outlets/hostile-outlet/",
        "/sitemap.xml",
    ]


def test_stored_markup_is_escaped_on_every_public_page(client, hostile_archive):
    for url in public_urls(hostile_archive):
        assert_inert(client.get(url), url)
    for url in ("/articles/?format=json", "/quotes/?format=json"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json"), url
        # Data, not markup: JSON carries the text as it is and is never sniffed as HTML.
        values = [v for row in response.json()["results"] for v in row.values()]
        assert HOSTILE in values, url


def test_stored_markup_is_escaped_on_every_admin_page(admin_client, hostile_archive):
    assert Article in admin.site._registry
    checked = 0
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert_inert(admin_client.get(changelist), changelist)
        for obj in model._default_manager.all()[:3]:
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert_inert(admin_client.get(change), change)
            checked += 1
    assert checked >= 1


@pytest.mark.parametrize("method", ["options", "trace", "post", "put", "patch", "delete"])
def test_every_public_url_answers_only_get_and_head(client, hostile_archive, method):
    for url in [*public_urls(hostile_archive), "/robots.txt", "/healthz"]:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD", (method, url)


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_a_login_with_an_unsafe_next_lands_on_the_admin_index(client, next_url):
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
