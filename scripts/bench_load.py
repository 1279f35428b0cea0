"""Benchmark load_archive: restore an export of N generated articles into an empty database.

    python scripts/bench_load.py [--articles 5000] [--database sqlite|postgres] [--seed 7]

Generates an archive (`generate_archive --articles N --seed 7`) into a scratch database,
exports it (`export_archive`), then times `manage.py load_archive FILE` into a freshly
migrated database, as an operator restoring a backup would run it; then times the same load
again (every record unchanged) and checks that exporting the restored archive gives the same
bytes. Prints records per second; the target (issue #14) is at least 5,000 records/s.
PostgreSQL runs use two scratch databases on 127.0.0.1:5432 (BENCH_PG_URL to change).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
import time
from pathlib import Path

from harness import manage, server_env

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/archive_bench_load")


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _database(kind: str, folder: Path, role: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{role}.sqlite3'}"
    url = f"{PG_URL}_{role}"
    _fresh_postgres(url)
    return url


def _timed(env: dict[str, str], *args: str) -> tuple[float, str]:
    began = time.perf_counter()
    output = manage(env, *args)
    return time.perf_counter() - began, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        folder = Path(name)
        source = server_env(_database(options.database, folder, "source"))
        target = server_env(_database(options.database, folder, "target"))
        manage(source, "migrate", "--noinput", "-v", "0")
        manage(
            source,
            "generate_archive",
            "--articles",
            str(options.articles),
            "--seed",
            str(options.seed),
        )
        backup, again = folder / "backup.json", folder / "again.json"
        manage(source, "export_archive", "-o", str(backup))
        manage(target, "migrate", "--noinput", "-v", "0")
        # Django's own start-up (settings, apps, URL conf) is timed on a command doing nothing.
        startup, _ = _timed(target, "check", "--deploy", "--fail-level", "CRITICAL")
        seconds, output = _timed(target, "load_archive", "--no-progress", str(backup))
        records = int(output.strip().splitlines()[-1].split()[1])
        again_seconds, again_output = _timed(target, "load_archive", "--no-progress", str(backup))
        manage(target, "export_archive", "-o", str(again))
        same = filecmp.cmp(backup, again, shallow=False)
        size = backup.stat().st_size
        if options.database == "postgres":
            for role in ("source", "target"):
                _fresh_postgres(f"{PG_URL}_{role}")
    print(
        f"load_archive, {options.database}, {options.articles} generated articles "
        f"({records} records, {size / 2**20:.1f} MB):"
    )
    print(
        f"  into an empty database: {seconds:.1f} s, {records / seconds:,.0f} records/s "
        f"(command start-up about {startup:.1f} s included)"
    )
    print(
        f"  again, nothing to change: {again_seconds:.1f} s, "
        f"{records / again_seconds:,.0f} records/s ({again_output.strip().splitlines()[-1]})"
    )
    print(f"  export → load → export byte-identical: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
