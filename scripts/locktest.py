"""Lock test: editors save articles in the admin while readers browse, on SQLite in WAL mode.

    python scripts/locktest.py                      # 2 editors, 8 readers, 30 s

Each editor logs in through the admin's form and saves article change forms as a browser
would send them; readers request public pages. Prints what each side saw and the number of
"database is locked" errors; exits 1 if there was any error.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import threading
import time

from admin_client import Editor
from harness import ROOT, Server, Tally, browse, build_archive, manage, server_env

PASSWORD = "locktest-editor-password-5c1e"


def edit(server: Server, admin: str, username: str, pks: list[int], deadline: float, log):
    editor = Editor(server.base, admin, username, PASSWORD)
    rng = random.Random(username)
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            problem = editor.save_article(rng.choice(pks), f"Edited by {username} at {started}")
        except OSError as exc:  # includes HTTP errors
            problem = repr(exc)
        log(problem, time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=2, help="editors saving at once (2)")
    parser.add_argument("--readers", type=int, default=8, help="concurrent readers (8)")
    parser.add_argument("--seconds", type=float, default=30, help="how long to run (30)")
    parser.add_argument("--articles", type=int, default=200, help="generated articles (200)")
    args = parser.parse_args()
    if not 0 < args.editors <= 8:
        sys.exit("Use between 1 and 8 editors.")

    data = ROOT / "data"
    data.mkdir(exist_ok=True)
    database = data / "locktest.sqlite3"
    marker = data / "locktest.built"
    if not database.exists():
        marker.unlink(missing_ok=True)
    env = server_env(f"sqlite:///{database}")
    build_archive(env, args.articles, marker)
    names = [f"locktest-editor-{n}" for n in range(args.editors)]
    admin, *pks = manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; from django.contrib.auth.models import User; "
        "from archive.models import Article\n"
        f"for name in {names!r}:\n"
        "    user = User.objects.filter(username=name).first() or User(username=name)\n"
        f"    user.is_staff = user.is_superuser = True; user.set_password({PASSWORD!r})\n"
        "    user.save()\n"
        "print('/' + settings.ADMIN_URL)\n"
        "for pk in Article.objects.order_by('pk').values_list('pk', flat=True)[:100]: print(pk)",
    ).split()
    pks = [int(pk) for pk in pks]
    # Threads per worker let one process write while its other threads read.
    server = Server(env, data / "locktest-server.log", workers=2, threads=4)
    saves, failed, lock = [], [], threading.Lock()

    def log(problem, seconds):
        with lock:
            (failed if problem else saves).append(problem or seconds)

    readers = Tally()
    paths = random.Random(3)
    pages = ["/", "/articles/", "/quotes/", "/photos/", "/articles/?q=regroup", "/places/"]
    try:
        deadline = time.monotonic() + args.seconds
        editors = [
            threading.Thread(target=edit, args=(server, admin, name, pks, deadline, log))
            for name in names
        ]
        for thread in editors:
            thread.start()
        print(
            f"{args.editors} editors saving and {args.readers} readers browsing for "
            f"{args.seconds:g} s against {server.base} (SQLite, WAL)…",
            flush=True,
        )
        asyncio.run(
            browse(server.port, lambda: paths.choice(pages), args.readers, args.seconds, readers)
        )
        for thread in editors:
            thread.join(timeout=120)
    finally:
        server.stop()
    locked = server.log_count("database is locked")
    logged_errors = server.log_count('"level": "ERROR"')
    slowest = max(saves, default=0)
    print(f"admin saves       {len(saves)} ok, {len(failed)} failed, slowest {slowest:.2f} s")
    if failed:
        print(f"first failure     {failed[0]}")
    print(f"reader requests   {readers.requests}, p95 {readers.percentile(0.95) * 1000:.0f} ms")
    print(f"reader errors     {readers.errors}, 5xx {readers.server_errors}")
    print(f"server log        {logged_errors} errors, {locked} 'database is locked'")
    bad = failed or readers.errors or readers.server_errors or locked or logged_errors or not saves
    print("FAIL" if bad else "OK: zero errors, no 'database is locked'")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
