"""Load test: gunicorn on loopback, many readers for a bounded time; print rps, p95, errors.

    python scripts/loadtest.py                      # 64 clients for 30 s on SQLite
    python scripts/loadtest.py --clients 32 --seconds 10 --database postgres
    python scripts/loadtest.py --mode mixed --generate 100000 --clients 16 --seconds 20

Repeated mode (the default): readers request list, search, filter and article pages at random
(a fixed seed, so every run asks for the same mix). Mixed mode: every reader request is an
address not asked before in the run (so the page cache never answers), while one editor saves a
tag change in the admin every 0.5 s; it prints figures by page kind, the editor's saves and a
PASS/FAIL line against the target (informational). Exits 1 if any request failed or gave a
server error, or, in mixed mode, any page was not 200 or any save failed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import threading
import time
from pathlib import Path

from harness import (
    ROOT,
    Server,
    Tally,
    browse,
    build_archive,
    generate_archive,
    percentile,
    server_env,
)
from mixed import EditorTally, NewPaths, archive_values, editor_start, server_times

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
TARGET_RATE, TARGET_P95 = 100, 200  # pages/s and ms, for 100,000 articles and 16 readers


def page_mix(articles: int, seed: int):
    """Return a function that picks the next path: lists, search, filters and articles."""
    rng = random.Random(seed)
    published = [n for n in range(articles) if n % 10]  # every tenth generated one is a draft
    words = ["regroup", "bridge", "convoy", "governor", "railway", "Izyum", "evacuation"]

    def article() -> str:
        return f"/articles/bulk-article-{rng.choice(published)}/"

    def listing() -> str:
        page = rng.choice(["", "?page=2", "?page=5"])
        return rng.choice(["/articles/", "/quotes/", "/photos/", "/"]) + page

    def search() -> str:
        return f"{rng.choice(['/articles/', '/quotes/'])}?q={rng.choice(words)}"

    def filtered() -> str:
        return rng.choice(
            [
                f"/articles/?place=bulk-town-{rng.randrange(20)}",
                f"/articles/?tag=bulk-topic-{rng.randrange(20)}&sort=oldest",
                f"/quotes/?speaker=bulk-speaker-{rng.randrange(20)}",
                "/articles/?from=2022-03-01&to=2022-06-30",
                f"/photos/?place=bulk-town-{rng.randrange(20)}&tag=bulk-topic-1",
                f"/places/bulk-town-{rng.randrange(20)}/",
            ]
        )

    kinds = [article, article, listing, search, filtered]
    return lambda: rng.choice(kinds)()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mode",
        choices=["repeated", "mixed"],
        default="repeated",
        help="repeated: a fixed mix of addresses asked again and again (default); mixed: every "
        "reader address new, while an editor saves every 0.5 s",
    )
    parser.add_argument("--clients", type=int, default=64, help="concurrent readers (64)")
    parser.add_argument("--seconds", type=float, default=30, help="how long to run (30)")
    parser.add_argument("--articles", type=int, default=1000, help="bulk articles (1000)")
    parser.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="serve an archive of N articles from generate_archive --seed 7 instead of the "
        "seed and bulk articles (built once: data/bench-N.sqlite3, or PostgreSQL archive_bench_N)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", help="PostgreSQL database to (re)use")
    parser.add_argument(
        "--save-every",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="mixed mode: seconds between the editor's saves (0.5); 0: no editor",
    )
    parser.add_argument(
        "--server-times",
        action="store_true",
        help="mixed mode: also print the server's own time by page kind (gunicorn access log)",
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="scratch folder (data/)")
    args = parser.parse_args()

    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    name = f"bench-{args.generate}" if args.generate else "loadtest"
    marker = data / f"{name}-{args.database}.built"  # says the archive is built
    if args.database == "sqlite":
        url = f"sqlite:///{data / f'{name}.sqlite3'}"
        if not (data / f"{name}.sqlite3").exists():
            marker.unlink(missing_ok=True)
    else:
        default = f"archive_bench_{args.generate}" if args.generate else "archive_loadtest"
        url = args.pg_url or f"{PG_SERVER}/{default}"
        if args.generate:  # one marker for each database
            marker = data / f"{name}-postgres-{url.rsplit('/', 1)[1]}.built"
        ensure_pg_database(url)
    env = server_env(url, ARCHIVE_FACET_SNAPSHOT_DIR=str(data / "facet-index"))
    if args.generate:
        generate_archive(env, args.generate, marker)
        size = f"{args.generate} generated articles"
    else:
        build_archive(env, args.articles, marker)
        size = f"{args.articles} bulk articles + seed"
    values = archive_values(env) if args.mode == "mixed" else None
    access_log = data / "loadtest-access.log" if args.server_times else None
    if access_log:
        access_log.unlink(missing_ok=True)  # gunicorn appends
    server = Server(env, data / "loadtest-server.log", args.workers, args.threads, access_log)
    tally, stop = Tally(), threading.Event()
    paths = NewPaths(values) if values else page_mix(args.articles, 6)
    try:
        print(
            f"{args.clients} clients for {args.seconds:g} s against {server.base} "
            f"({args.workers} workers × {args.threads} threads, {args.database}, {size}, "
            f"{args.mode} mode)…",
            flush=True,
        )
        saves, editor = EditorTally(), None
        if values and args.save_every > 0:
            editor, saves = editor_start(server.base, values, args.save_every, stop)
        started = time.monotonic()
        asyncio.run(browse(server.port, paths, args.clients, args.seconds, tally))
        elapsed = time.monotonic() - started
        stop.set()
        if editor:
            editor.join(timeout=120)
    finally:
        stop.set()
        server.stop()
    locked = server.log_count("database is locked")
    logged_errors = server.log_count('"level": "ERROR"')
    print(f"requests          {tally.requests}")
    print(f"requests/second   {tally.requests / elapsed:.1f}")
    print(f"latency p50       {tally.percentile(0.50) * 1000:.0f} ms")
    print(f"latency p95       {tally.percentile(0.95) * 1000:.0f} ms")
    print(f"latency p99       {tally.percentile(0.99) * 1000:.0f} ms")
    print(f"statuses          {dict(sorted(tally.statuses.items()))}")
    print(
        f"errors            {tally.errors}"
        + (f" (first: {tally.first_error})" if tally.errors else "")
    )
    print(f"5xx               {tally.server_errors}")
    print(f"server log        {logged_errors} errors, {locked} 'database is locked'")
    failed = tally.errors or tally.server_errors or locked or logged_errors
    if values:
        times = server_times(access_log, paths.kind_of) if access_log else {}
        failed = report_mixed(args, tally, paths, saves, times, elapsed) or failed
    print("FAIL" if failed else "OK: zero errors")
    return 1 if failed else 0


def report_mixed(args, tally: Tally, paths, saves: EditorTally, times: dict, elapsed: float) -> int:
    """Print the mixed mode's figures: by kind, the editor's, the target; return its errors."""
    asked = len(set(tally.paths))
    print(
        f"new addresses     {asked} of {tally.requests} requests: no address asked twice, so "
        "the page cache never answered a reader"
        + (f" (used up: {', '.join(paths.used_up)})" if paths.used_up else "")
    )
    by_kind: dict[str, list[float]] = {}
    for path, seconds in zip(tally.paths, tally.latencies, strict=True):
        by_kind.setdefault(paths.kind_of[path], []).append(seconds)
    print("by kind           pages  p50 ms  p95 ms" + ("  server p50  p95" if times else ""))
    for kind in [*by_kind, *(k for k in times if k not in by_kind)]:
        seconds, server = by_kind.get(kind, []), times.get(kind, [])
        line = f"  {kind:<20} {len(seconds):>6}"
        line += f"  {ms(seconds, 0.5):>6}  {ms(seconds, 0.95):>6}" if seconds else " " * 16
        if times:
            line += f"  {ms(server, 0.5):>10}  {ms(server, 0.95):>4}"
        print(line)
    if times:
        pages = [t for kind, seconds in times.items() if kind in by_kind for t in seconds]
        mean = sum(pages) / max(len(pages), 1)
        busy = sum(t for seconds in times.values() for t in seconds) / (args.workers * elapsed)
        print(
            f"server time       mean {mean * 1000:.0f} ms a reader page, workers busy {busy:.0%}: "
            f"{args.workers} workers serve at most {args.workers / max(mean, 1e-6):.0f} pages/s at "
            f"this cost ({TARGET_RATE} pages/s needs a mean <= "
            f"{args.workers * 1000 / TARGET_RATE:.0f} ms)"
        )
        editing = sum(
            t for kind, seconds in times.items() if kind.startswith("editor") for t in seconds
        )
        if editing:
            # The editor's form loads and saves take the same workers' time as the readers'.
            left = max(args.workers * elapsed - editing, 0.0) / elapsed
            print(
                f"editor's share    {editing:.1f} s of the workers' {args.workers * elapsed:.0f} s "
                f"({editing / (args.workers * elapsed):.0%}): the readers are left at most "
                f"{left / max(mean, 1e-6):.0f} pages/s at this cost"
            )
    other = sum(n for status, n in tally.statuses.items() if status != 200)
    print(f"non-200 pages     {other}")
    print(
        "editor saves      none (--save-every 0)"
        if args.save_every <= 0
        else f"editor saves      {len(saves.seconds)} ok, {len(saves.failures)} failed, "
        f"p95 {saves.percentile(0.95) * 1000:.0f} ms, {saves.late} started late"
        + (f" (first failure: {saves.failures[0]})" if saves.failures else "")
    )
    rate, p95 = tally.requests / elapsed, tally.percentile(0.95) * 1000
    no_saves = args.save_every > 0 and not saves.seconds
    errors = tally.errors + other + len(saves.failures) + no_saves
    met = rate >= TARGET_RATE and p95 <= TARGET_P95 and not errors
    print(
        f"target            {'PASS' if met else 'FAIL'}: {rate:.1f} pages/s (>= {TARGET_RATE}), "
        f"p95 {p95:.0f} ms (<= {TARGET_P95}), {errors} errors (0); the target is for "
        f"100,000 articles and 16 readers, this run: {args.generate or args.articles} articles, "
        f"{args.clients} readers (informational: the exit code counts only errors)"
    )
    return errors


def ms(seconds: list[float], share: float) -> str:
    return f"{percentile(seconds, share) * 1000:.0f}"


def ensure_pg_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
