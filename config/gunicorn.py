"""Gunicorn configuration; every value can be overridden from the environment."""

import os
import re
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
wsgi_app = "config.wsgi:application"


def _control_socket_path(address: str) -> str:
    """Return a control socket path of this instance's own, named after the address it serves.

    Gunicorn's default is one path per user, so a second instance (a benchmark, a load test)
    would take it over and, on stopping, remove it from under the first.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) if runtime and os.path.isdir(runtime) else Path.home() / ".gunicorn"
    name = re.sub(r"[^A-Za-z0-9.]+", "-", address).strip("-") or "default"
    return str(folder / f"gunicorn-{name}.ctl")


# GUNICORN_CONTROL_SOCKET names the path; set empty, it turns the control socket off.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET")
if _control == "":
    control_socket_disable = True
else:
    control_socket = _control or _control_socket_path(bind)
