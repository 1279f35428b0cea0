"""Benchmark the archive on a large synthetic archive: server time, SQL queries, throughput.

    python scripts/bench.py --articles 100000 --database sqlite
    python scripts/bench.py --articles 100000 --database postgres

Builds (once) a synthetic archive of the given size with `generate_archive`, then measures, in
process, p50/p95 server time and the SQL query count of the pages readers use, and finally runs a
bounded load against gunicorn (2 workers, loopback only) on the article list and on a bare Django
view, the framework's floor. Prints a table and writes it to bench-results/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import free_port, manage, server_env

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(kind: str, articles: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{ROOT / 'data' / f'bench-{articles}.sqlite3'}"
    return f"{PG_BASE}/archive_bench_{articles}"


def bench_env(url: str) -> dict[str, str]:
    """The load test's production settings, plus the floor view and the test client's host."""
    return server_env(
        url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        ARCHIVE_BENCH_FLOOR="1",
    )


def ensure_archive(kind: str, articles: int, seed: int) -> tuple[str, float | None]:
    """Create the benchmark database once; return its URL and the generation time if built."""
    url = database_url(kind, articles)
    env = bench_env(url)
    if kind == "postgres":
        name = url.rsplit("/", 1)[1]
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
            capture_output=True,
            check=False,
        )
    else:
        (ROOT / "data").mkdir(exist_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    probe = manage(
        env,
        "shell",
        "-c",
        "from archive.models import Article; print(Article.objects.count())",
    )
    have = int(probe.strip().splitlines()[-1])
    if have >= articles:
        analyse(env)
        return url, None
    print(f"Generating {articles} articles on {kind} …", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_archive",
            "--articles",
            str(articles),
            "--seed",
            str(seed),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    built = time.perf_counter() - started
    analyse(env)
    return url, built


def analyse(env: dict[str, str]) -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load."""
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('ANALYZE')",
    )


def measure_in_process(url: str, rounds: int) -> list[dict]:
    """Time each scenario with Django's test client in this process; count its SQL queries."""
    os.environ.update(bench_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    from archive.public.bench import bench_scenarios

    client = Client()
    results = []
    for name, path in bench_scenarios():
        for _ in range(3):  # warm caches and connections, as a running server would be
            client.get(path)
        served = [_timed(client, path)[0] for _ in range(rounds)]
        # A parameter the filters ignore makes each address new to the page cache, so these
        # requests are rendered (with the cached counts), as the first reader after an edit
        # to an unrelated part of the archive would see.
        separator = "&" if "?" in path else "?"
        rendered, queries, status = [], 0, None
        for i in range(rounds):
            elapsed, queries, status = _timed(client, f"{path}{separator}bench={i}")
            rendered.append(elapsed)
        cold = _cold(client, path)
        results.append(
            {
                "scenario": name,
                "path": path,
                "status": status,
                "p50_ms": round(statistics.median(served), 1),
                "p95_ms": round(_percentile(served, 95), 1),
                "rendered_p50_ms": round(statistics.median(rendered), 1),
                "rendered_p95_ms": round(_percentile(rendered, 95), 1),
                "cold_ms": round(cold, 1),
                "queries": queries,
            }
        )
    connections.close_all()
    return results


def _timed(client, path: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(ctx), response.status_code


def _cold(client, path: str) -> float:
    from django.core.cache import cache

    cache.clear()
    started = time.perf_counter()
    client.get(path)
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def load_run(url: str, seconds: int, connections: int) -> dict:
    """Serve with gunicorn (2 workers) on loopback and load the list page and the floor view."""
    env = bench_env(url)
    port = free_port()
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz", base + "/")
        out = {}
        for name, path in (("list", "/articles/"), ("floor", "/bench/floor/")):
            out[name] = _load(base + path, seconds, connections)
        out["ratio"] = (
            round(out["list"]["rps"] / out["floor"]["rps"], 3) if out["floor"]["rps"] else 0
        )
        return out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_for(*urls: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        for url in urls:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                continue
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def _load(url: str, seconds: int, connections: int) -> dict:
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections)
    return _threads(url, seconds, connections)


def _wrk(url: str, seconds: int, connections: int) -> dict:
    # Warm up both workers first.
    subprocess.run(["wrk", "-t2", "-c4", "-d2s", url], capture_output=True, check=False)
    run = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 30,
    )
    text = run.stdout
    rps = float(_after(text, "Requests/sec:") or 0)
    errors = 0
    for label in ("Non-2xx or 3xx responses:",):
        errors += int(_after(text, label) or 0)
    if "Socket errors:" in text:
        line = text.split("Socket errors:", 1)[1].splitlines()[0]
        errors += sum(int(part.split()[-1]) for part in line.split(","))
    p99 = _after(text, "99%") or ""
    return {"tool": "wrk", "rps": round(rps, 1), "errors": errors, "p99": p99.strip()}


def _after(text: str, label: str) -> str | None:
    if label not in text:
        return None
    return text.split(label, 1)[1].split()[0]


def _threads(url: str, seconds: int, connections: int) -> dict:
    deadline = time.time() + seconds
    latencies: list[float] = []
    errors = 0

    def worker() -> tuple[list[float], int]:
        mine, failed = [], 0
        while time.time() < deadline:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()
                    if response.status >= 500:
                        failed += 1
            except OSError:
                failed += 1
            mine.append(time.perf_counter() - started)
        return mine, failed

    with ThreadPoolExecutor(max_workers=connections) as pool:
        for mine, failed in pool.map(lambda _: worker(), range(connections)):
            latencies.extend(mine)
            errors += failed
    return {
        "tool": "threads",
        "rps": round(len(latencies) / seconds, 1),
        "errors": errors,
        "p99": f"{_percentile([x * 1000 for x in latencies], 99):.0f}ms",
    }


def render(
    kind: str, articles: int, built: float | None, rows: list[dict], load: dict | None
) -> str:
    lines = [f"### {kind}, {articles:,} articles", ""]
    if built is not None:
        lines.append(f"Generated in {built:.0f} s.")
        lines.append("")
    lines.append(
        "| scenario | status | served p50 ms | served p95 ms | rendered p50 ms | "
        "rendered p95 ms | empty-cache ms | queries (rendered) |"
    )
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['status']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['rendered_p50_ms']} | {row['rendered_p95_ms']} | {row['cold_ms']} | "
            f"{row['queries']} |"
        )
    if load:
        lines.append("")
        lines.append(
            f"Load ({load['list']['tool']}, gunicorn 2 workers): list {load['list']['rps']} req/s "
            f"({load['list']['errors']} errors), floor view {load['floor']['rps']} req/s "
            f"({load['floor']['errors']} errors); list/floor = {load['ratio']:.0%}."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=40, help="timed requests per scenario")
    parser.add_argument("--load-seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load run")
    parser.add_argument("--measure-only", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure_only:
        # Runs in a child process so Django is configured for exactly one database.
        print(json.dumps(measure_in_process(args.measure_only, args.rounds)))
        return

    url, built = ensure_archive(args.database, args.articles, args.seed)
    child = subprocess.run(
        [sys.executable, __file__, "--measure-only", url, "--rounds", str(args.rounds)],
        cwd=ROOT,
        env=bench_env(url),
        check=True,
        capture_output=True,
        text=True,
    )
    rows = json.loads(child.stdout.strip().splitlines()[-1])
    load = None if args.no_load else load_run(url, args.load_seconds, args.connections)
    table = render(args.database, args.articles, built, rows, load)
    print(table)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / f"{args.database}-{args.articles}.md").write_text(table, encoding="utf-8")
    (out / f"{args.database}-{args.articles}.json").write_text(
        json.dumps({"rows": rows, "load": load, "generated_seconds": built}, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
