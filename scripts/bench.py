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
import importlib
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
    return f"{PG_BASE}/{os.environ.get('BENCH_PG_NAME', f'archive_bench_{articles}')}"


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
        facet_index(env)
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
    facet_index(env)
    return url, built


def facet_index(env: dict[str, str]) -> None:
    """Save the facet index's snapshot, as a deployment does after a bulk load."""
    print(manage(env, "rebuild_facet_index").strip(), flush=True)


def analyse(env: dict[str, str]) -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load."""
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('ANALYZE')",
    )


def measure_in_process(url: str, rounds: int) -> dict:
    """Time each scenario with Django's test client in this process; count its SQL queries.

    Fresh: every request an address not asked before, with the cache emptied first, as a reader
    asking something new meets the site. Cached: the same address again (the page cache).
    Also: the first request of this process (a cold start: the facet index is loaded from its
    snapshot, or built), the first list page after an edit, the index's build time and memory.
    """
    os.environ.update(bench_env(url))
    sys.path.insert(0, str(ROOT))
    # Django starts as in a server's worker (config/wsgi.py: memory and collector settings).
    importlib.import_module("config.wsgi")
    from django.core.cache import cache
    from django.db import connection, connections
    from django.test import Client

    from archive.facetindex.build import index_build
    from archive.facetindex.changelog import engine_for
    from archive.public.bench import bench_scenarios

    client = Client()
    scenarios = bench_scenarios()
    cache.clear()
    cold_ms, cold_queries, _ = _timed(client, scenarios[1][1](10_000))
    results = []
    for name, address in scenarios:
        fresh, queries, statuses = [], [], set()
        for i in range(rounds):
            cache.clear()
            elapsed, count, status = _timed(client, address(i))
            fresh.append(elapsed)
            queries.append(count)
            statuses.add(status)
        path = address(0)
        client.get(path)  # the fresh requests emptied the cache: put this page back first
        cached = [_timed(client, path)[0] for _ in range(rounds)]
        results.append(
            {
                "scenario": name,
                "path": path,
                "status": ",".join(str(s) for s in sorted(statuses)),
                "fresh_p50_ms": round(statistics.median(fresh), 1),
                "fresh_p95_ms": round(_percentile(fresh, 95), 1),
                "cached_p50_ms": round(statistics.median(cached), 1),
                "cached_p95_ms": round(_percentile(cached, 95), 1),
                "queries": max(queries),
            }
        )
    after_edit = _after_edit(client, scenarios, rounds=min(rounds, 10))
    started = time.perf_counter()
    index = index_build(engine_for(connection))
    build_s = time.perf_counter() - started
    import resource

    connections.close_all()
    return {
        "rows": results,
        "cold_start_first_page_ms": round(cold_ms, 1),
        "cold_start_queries": cold_queries,
        "after_edit_p50_ms": round(statistics.median(after_edit), 1),
        "after_edit_max_ms": round(max(after_edit), 1),
        "index_build_s": round(build_s, 2),
        "index_mb": round(index.nbytes() / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _after_edit(client, scenarios, rounds: int) -> list[float]:
    """Add a tag to an article, then time the next (new) list page; put things back after."""
    from django.core.cache import cache

    from archive.models import Article

    article = Article.objects.published().order_by("-published_on").first()
    times = []
    for i in range(rounds):
        name = f"bench-edit-{i}"
        article.tags.add(name)
        cache.clear()
        times.append(_timed(client, scenarios[1][1](20_000 + i))[0])
        article.tags.remove(name)
    return times


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
        out["workers_mb"] = _worker_memory(base, server.pid)
        return out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _worker_memory(base: str, master: int) -> list[dict]:
    """Ask both workers pages that need the facet index (new list pages, a search), then
    return each worker's resident memory (RSS) and its proportional share (PSS), in MB."""
    for n in range(2, 42):
        for path in (f"/articles/?page={n}", f"/articles/?q=troops&page={n}"):
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:
                    response.read()
            except OSError:
                pass
    children = Path(f"/proc/{master}/task/{master}/children")
    workers = children.read_text().split() if children.exists() else []
    found = []
    for pid in workers:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])
        found.append(
            {"rss_mb": round(fields["Rss"] / 1024, 1), "pss_mb": round(fields["Pss"] / 1024, 1)}
        )
    return found


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


def render(kind: str, articles: int, built: float | None, measured: dict, load: dict | None) -> str:
    lines = [f"### {kind}, {articles:,} articles", ""]
    if built is not None:
        lines.append(f"Generated in {built:.0f} s.")
        lines.append("")
    lines.append(
        "| scenario | status | fresh p50 ms | fresh p95 ms | cached p50 ms | cached p95 ms "
        "| queries (fresh, most) |"
    )
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for row in measured["rows"]:
        lines.append(
            f"| {row['scenario']} | {row['status']} | {row['fresh_p50_ms']} | "
            f"{row['fresh_p95_ms']} | {row['cached_p50_ms']} | {row['cached_p95_ms']} | "
            f"{row['queries']} |"
        )
    lines.append("")
    lines.append(
        f"Fresh: every request a new address, cache emptied first; cached: the same address "
        f"again. Cold start, first page: {measured['cold_start_first_page_ms']} ms "
        f"({measured['cold_start_queries']} queries). First new list page after an edit: "
        f"p50 {measured['after_edit_p50_ms']} ms, most {measured['after_edit_max_ms']} ms. "
        f"Facet index: built in {measured['index_build_s']} s, {measured['index_mb']} MB of "
        f"arrays; the measuring process peaked at {measured['max_rss_mb']} MB."
    )
    if load:
        lines.append("")
        lines.append(
            f"Load ({load['list']['tool']}, gunicorn 2 workers): list {load['list']['rps']} req/s "
            f"({load['list']['errors']} errors), floor view {load['floor']['rps']} req/s "
            f"({load['floor']['errors']} errors); list/floor = {load['ratio']:.0%}."
        )
        workers = load.get("workers_mb") or []
        if workers:
            each = ", ".join(f"RSS {w['rss_mb']} MB (PSS {w['pss_mb']} MB)" for w in workers)
            lines.append("")
            lines.append(
                f"Memory per gunicorn worker after new list and search pages: {each}. "
                "PSS counts pages shared with the other worker and the master by halves."
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
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
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    load = None if args.no_load else load_run(url, args.load_seconds, args.connections)
    table = render(args.database, args.articles, built, measured, load)
    print(table)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / f"{args.database}-{args.articles}.md").write_text(table, encoding="utf-8")
    (out / f"{args.database}-{args.articles}.json").write_text(
        json.dumps({**measured, "load": load, "generated_seconds": built}, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
