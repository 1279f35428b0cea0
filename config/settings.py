"""Settings for the editorial archive, read from the environment.

Every variable is documented in `.env.example` and the README.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # A fixed, clearly labelled key for local development only; DEBUG is on.
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "django_filters",
    # The read API's docs page and its Swagger UI files, served from this site (no CDN).
    "ninja",
    "axes",
    "archive",
]

MIDDLEWARE = [
    "archive.observability.RequestIdMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change for the history of articles, quotes, captions, places...
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.routers.PrimaryForEditorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After every header-setting middleware, so a cached page still gets all their headers.
    "archive.public.caching.PublicPageCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's form templates, with the smallest (inputs, labels, empty error lists) written in
# Python to the same markup: an article's admin form renders about 120 of them.
FORM_RENDERER = "archive.rendering.ArchiveFormRenderer"

WSGI_APPLICATION = "config.wsgi.application"

# SQLite under data/ unless DATABASE_URL names another database.
SQLITE_PATH = BASE_DIR / "data" / "archive.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers browse while an editor writes; the busy timeout makes a writer wait
    # for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A worker keeps its connection, as on PostgreSQL: opening one is most of a small page's
    # database time (Django registers its SQL functions and runs the PRAGMAs on each), and a
    # kept connection keeps its page cache warm. Nothing here can go stale: every statement
    # outside a transaction sees the latest commit.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

# Read replicas (PostgreSQL): reads go to a replica, writes and the admin to the primary.
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_index}"] = dj_database_url.parse(_url, conn_max_age=60)
    DATABASES[f"replica{_index}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
# The archive's queries are short: PostgreSQL's JIT compiler, switched on when a plan's cost is
# over-estimated, adds hundreds of milliseconds to a page and saves nothing.
# A page's row queries join four or five tables, and planning one takes PostgreSQL about as
# long as running it: with parameters bound by the server, a statement a connection has run
# a few times is kept prepared and planned once. DJANGO_PG_PREPARE=0 turns it off (for a
# connection pooler in transaction mode, which cannot keep a session's prepared statements).
_PG_PREPARE = env_bool("DJANGO_PG_PREPARE", True)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
        if _PG_PREPARE:
            _options.setdefault("server_side_binding", True)
            _options.setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "archive",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Tags are one vocabulary whatever the case: "Kharkiv" and "kharkiv" are the same tag.
TAGGIT_CASE_INSENSITIVE = True

# Old versions are restored through the archive's own confirmation page (history.py), which
# also restores tags and refuses stale saves; the library's revert form does neither.
SIMPLE_HISTORY_REVERT_DISABLED = True
# A change reason lists the tags added or removed, which can run past 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
# Where a login lands when its `next` is missing or unsafe (another site, "//evil"): the only
# accounts are the desk's, so the admin index rather than Django's /accounts/profile/ (a 404).
LOGIN_REDIRECT_URL = "admin:index"

# HTTPS hardening: on by default outside DEBUG; DJANGO_HTTPS=0 serves plain HTTP on loopback.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Scripts, styles, images and fonts come from this site only; nothing inline, nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Failed logins: after DJANGO_LOGIN_FAILURE_LIMIT failures for one username from one address,
# that pair is locked out for DJANGO_LOGIN_COOLOFF_MINUTES; a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address is REMOTE_ADDR unless a trusted proxy in front sets X-Forwarded-For;
# otherwise anyone could send that header and dodge the lockout.
if env_bool("DJANGO_BEHIND_PROXY", False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# One JSON object per line on stderr, each with the id of the request that logged it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "archive.observability.RequestIdFilter"}},
    "formatters": {"json": {"()": "archive.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Failed logins and lockouts are warnings; the start-up banner and each success are not news.
    "loggers": {"axes": {"level": "WARNING"}},
}

ARCHIVE_PAGE_SIZE = 20
# load_archive refuses larger files before reading them.
ARCHIVE_IMPORT_MAX_BYTES = int(os.environ.get("ARCHIVE_IMPORT_MAX_MB", "512")) * 1024 * 1024

# Where each worker's facet index is saved, so a restart loads it instead of reading the
# archive again (archive.facetindex.snapshot); empty: never saved.
ARCHIVE_FACET_SNAPSHOT_DIR = os.environ.get(
    "ARCHIVE_FACET_SNAPSHOT_DIR", str(BASE_DIR / "data" / "facet-index")
)
# Words found in at least this many articles get posting lists in the facet index, so a search
# for them is matched and ranked without the engine (SQLite; archive.search.terms); 0: none.
ARCHIVE_SEARCH_BROAD_ROWS = int(os.environ.get("ARCHIVE_SEARCH_BROAD_ROWS", "1000"))

# A bare template view at /bench/floor/, only for the benchmark's throughput comparison.
BENCH_FLOOR_VIEW = env_bool("ARCHIVE_BENCH_FLOOR", False)
