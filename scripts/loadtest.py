"""Load test: gunicorn on loopback, many readers for a bounded time; print rps, p95, errors.

    python scripts/loadtest.py                      # 64 clients for 30 s on SQLite
    python scripts/loadtest.py --clients 32 --seconds 10 --database postgres

Readers request list, search, filter and article pages at random (a fixed seed, so every run
asks for the same mix). Exits 1 if any request failed or gave a server error.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time

from harness import ROOT, Server, Tally, browse, build_archive, server_env

PG_URL = "postgres://postgres@127.0.0.1:5432/archive_loadtest"


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
    parser.add_argument("--clients", type=int, default=64, help="concurrent readers (64)")
    parser.add_argument("--seconds", type=float, default=30, help="how long to run (30)")
    parser.add_argument("--articles", type=int, default=1000, help="generated articles (1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL database to (re)use")
    args = parser.parse_args()

    data = ROOT / "data"
    data.mkdir(exist_ok=True)
    if args.database == "sqlite":
        url = f"sqlite:///{data / 'loadtest.sqlite3'}"
    else:
        url = args.pg_url
        ensure_pg_database(url)
    env = server_env(url)
    marker = data / f"loadtest-{args.database}.built"
    if args.database == "sqlite" and not (data / "loadtest.sqlite3").exists():
        marker.unlink(missing_ok=True)
    build_archive(env, args.articles, marker)
    server = Server(env, data / "loadtest-server.log", args.workers, args.threads)
    tally = Tally()
    try:
        print(
            f"{args.clients} clients for {args.seconds:g} s against {server.base} "
            f"({args.workers} workers × {args.threads} threads, {args.database}, "
            f"{args.articles} generated articles + seed)…",
            flush=True,
        )
        started = time.monotonic()
        asyncio.run(
            browse(server.port, page_mix(args.articles, 6), args.clients, args.seconds, tally)
        )
        elapsed = time.monotonic() - started
    finally:
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
    print("FAIL" if failed else "OK: zero errors")
    return 1 if failed else 0


def ensure_pg_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
