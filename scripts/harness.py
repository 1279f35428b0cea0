"""Shared parts of the scripts: manage.py commands, a scratch archive, gunicorn on loopback,
a client for the load and lock tests.

Traffic goes to 127.0.0.1 only, and every run is bounded in clients and seconds.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dataio.bulk import write_bulk_fixture  # noqa: E402

HOST = "127.0.0.1"
SECRET = "loadtest-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123"
MAX_CLIENTS, MAX_SECONDS = 256, 300


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings on plain HTTP, against the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="",
    )
    env.update(extra)  # a caller may override any of the above
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command; return its output, or stop the script with it if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def build_archive(env: dict[str, str], articles: int, marker: Path) -> None:
    """Migrate, then load the seed and `articles` generated articles, unless done already."""
    manage(env, "migrate", "--noinput", "-v", "0")
    if marker.exists() and marker.read_text() == str(articles):
        return
    print(f"Loading the seed archive and {articles} generated articles…", flush=True)
    manage(env, "load_archive", "--no-progress")
    fixture = marker.with_suffix(".json")
    write_bulk_fixture(fixture, articles)
    manage(env, "load_archive", "--no-progress", str(fixture))
    fixture.unlink()
    marker.write_text(str(articles))


def generate_archive(env: dict[str, str], articles: int, marker: Path) -> None:
    """Migrate, then generate `articles` synthetic articles (`generate_archive --seed 7`, as the
    benchmark does), refresh the planner's statistics and save the facet index; once."""
    manage(env, "migrate", "--noinput", "-v", "0")
    if marker.exists() and marker.read_text() == str(articles):
        return
    probe = "from archive.models import Article; print(Article.objects.count())"
    have = int(manage(env, "shell", "-v", "0", "-c", probe).split()[-1])
    if 0 < have < articles:
        sys.exit(f"The database holds {have} articles, not {articles}: give it an empty one.")
    if not have:
        print(f"Generating {articles} articles (a few minutes for 100,000)…", flush=True)
        manage(env, "generate_archive", "--articles", str(articles), "--seed", "7")
    analyse = "from django.db import connection; connection.cursor().execute('ANALYZE')"
    manage(env, "shell", "-v", "0", "-c", analyse)
    manage(env, "rebuild_facet_index")
    marker.write_text(str(articles))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the project's config, on a free loopback port, logging to a file."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        workers: int,
        threads: int,
        access_log: Path | None = None,
    ):
        self.port = free_port()
        self.log = log
        env = dict(
            env,
            GUNICORN_BIND=f"{HOST}:{self.port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_THREADS=str(threads),
            GUNICORN_MAX_REQUESTS="0",
        )
        if access_log:  # one line a request: "METHOD path status microseconds"
            env["GUNICORN_CMD_ARGS"] = (
                f"--access-logfile {shlex.quote(str(access_log))} "
                "--access-logformat '%(m)s %(U)s?%(q)s %(s)s %(D)s'"
            )
        manage(env, "collectstatic", "--noinput", "-v", "0")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
            start_new_session=True,
        )
        self.wait_until_healthy()

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn did not become healthy; see {self.log}")

    def log_count(self, text: str) -> int:
        return self.log.read_text(errors="replace").count(text)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class Tally:
    """What the clients saw."""

    latencies: list[float] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # the path of each latency
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    first_error: str = ""

    def add(self, status: int, seconds: float, path: str = "") -> None:
        self.latencies.append(seconds)
        self.paths.append(path)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def fail(self, problem: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or problem

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def percentile(self, share: float) -> float:
        return percentile(self.latencies, share)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def fetch(port: int, path: str, timeout: float) -> int:
    """GET a path over a fresh connection; return the status once the whole body is read."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)
        return int(status_line.split()[1])
    finally:
        writer.close()


async def browse(port: int, paths, clients: int, seconds: float, tally: Tally) -> None:
    """Run `clients` readers that each request paths from `paths()` until time is up."""
    if not (0 < clients <= MAX_CLIENTS and 0 < seconds <= MAX_SECONDS):
        sys.exit(f"Keep to at most {MAX_CLIENTS} clients and {MAX_SECONDS} seconds.")
    deadline = time.monotonic() + seconds

    async def reader(number: int) -> None:
        while time.monotonic() < deadline:
            path = paths()
            started = time.monotonic()
            try:
                status = await fetch(port, path, timeout=30)
            except (OSError, TimeoutError, IndexError, ValueError) as exc:
                tally.fail(f"{path}: {exc!r}")
                continue
            tally.add(status, time.monotonic() - started, path)

    await asyncio.gather(*(reader(n) for n in range(clients)))
