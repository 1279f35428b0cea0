import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7!k2-production-like-secret-9f3a8c1d7e5b4a2f6c0d9e8b7a6f5e4d3c2b1a0",
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION, DJANGO_SECRET_KEY="")
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def gunicorn_settings(monkeypatch, **env) -> dict:
    """Read config/gunicorn.py as gunicorn does, under the given environment."""
    for name in ("GUNICORN_BIND", "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    return {name: config.settings[name].get() for name in config.settings}


def test_two_gunicorn_instances_get_control_sockets_of_their_own(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    first = gunicorn_settings(monkeypatch)
    second = gunicorn_settings(monkeypatch, GUNICORN_BIND="127.0.0.1:8765")
    socket = gunicorn_settings(monkeypatch, GUNICORN_BIND="unix:/run/archive/gunicorn.sock")
    assert first["control_socket"] == str(tmp_path / "gunicorn-127.0.0.1-8000.ctl")
    assert second["control_socket"] == str(tmp_path / "gunicorn-127.0.0.1-8765.ctl")
    assert socket["control_socket"] == str(tmp_path / "gunicorn-unix-run-archive-gunicorn.sock.ctl")
    assert not first["control_socket_disable"]


def test_the_gunicorn_control_socket_can_be_named_or_turned_off(monkeypatch, tmp_path):
    named = gunicorn_settings(monkeypatch, GUNICORN_CONTROL_SOCKET=str(tmp_path / "a.ctl"))
    assert named["control_socket"] == str(tmp_path / "a.ctl")
    assert gunicorn_settings(monkeypatch, GUNICORN_CONTROL_SOCKET="")["control_socket_disable"]


def test_a_worker_leaves_long_lived_objects_out_and_collects_young_ones_less_often(tmp_path):
    # A worker freezes what it loaded at start, and again what its first request loaded, so
    # that a full collection in some later reader's request walks only that request's objects.
    script = (
        "import gc, json\n"
        "from config.wsgi import application\n"
        "from django.test import Client\n"
        "started = gc.get_freeze_count()\n"
        "from django.core.management import call_command\n"
        "from django.test import override_settings\n"
        f"override_settings(STATIC_ROOT={str(tmp_path / 'static')!r}).enable()\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
        "assert Client().get('/articles/').status_code == 200\n"
        "first = gc.get_freeze_count()\n"
        "assert Client().get('/articles/').status_code == 200\n"
        "print(json.dumps([started, first, gc.get_freeze_count(), gc.get_threshold()[0]]))\n"
    )
    result = manage(
        "shell",
        "-c",
        script,
        **{
            **PRODUCTION,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_HTTPS": "0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )
    assert result.returncode == 0, result.stderr
    started, first, later, young = json.loads(result.stdout.strip().splitlines()[-1])
    assert young == 5000  # the youngest generation is collected less often than by default
    assert started > 10_000
    assert first > started
    assert later <= first  # no freeze after the first request; freed ones leave it


def _database_options(**env) -> dict:
    script = (
        "import json\nfrom django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = manage("shell", "-c", script, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_keeps_statements_prepared_unless_told_not_to():
    url = "postgres://archive@db.example.org:5432/archive"
    options = _database_options(DATABASE_URL=url)
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    assert "jit=off" in options["options"]
    off = _database_options(DATABASE_URL=url, DJANGO_PG_PREPARE="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    # SQLite has no such thing.
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:///:memory:")


def _in_a_worker(script: str):
    """Run script as a worker's process would (production settings, the WSGI module imported by
    the script); return the JSON its last line prints."""
    result = manage("shell", "-c", script, **{**PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_worker_keeps_a_page_s_arrays_on_the_heap_and_maps_only_the_largest():
    # A page's temporary arrays (megabytes) are reused from the heap, not mapped and zero-filled
    # afresh at every request; blocks of 64 MiB or more are mapped and given back when freed.
    script = (
        "import json\n"
        "import numpy as np\n"
        "from config.wsgi import application\n"
        "def region(array):\n"
        "    at = array.ctypes.data\n"
        "    for line in open('/proc/self/maps'):\n"
        "        parts = line.split()\n"
        "        start, end = (int(x, 16) for x in parts[0].split('-'))\n"
        "        if start <= at < end:\n"
        "            return parts[5] if len(parts) > 5 else ''\n"
        "page, large = np.ones(4 << 20, np.uint8), np.ones(80 << 20, np.uint8)\n"
        "print(json.dumps([region(page), region(large)]))\n"
    )
    page, large = _in_a_worker(script)
    assert page == "[heap]"
    assert large == ""  # an anonymous mapping of its own


def test_a_worker_compiles_the_public_templates_before_its_first_request():
    script = (
        "import json\n"
        "from config.wsgi import application\n"
        "from django.template import engines\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "print(json.dumps(sorted(loader.get_template_cache)))\n"
    )
    compiled = _in_a_worker(script)
    assert {"base.html", "archive/article_detail.html", "archive/subject_detail.html"} <= set(
        compiled
    )
