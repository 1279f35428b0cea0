"""Faults: a load killed half way, two loads at once, backup and restore into an empty database.

Each test runs manage.py in subprocesses against a scratch database of its own: a SQLite file,
and also a PostgreSQL database when the suite itself runs on PostgreSQL.
"""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.dataio.checksum import archive_checksum, archive_checksums
from archive.models import Article, Outlet, Place, Speaker, Statement, Tag
from tests.dataio.bulk import write_bulk_fixture
from tests.factories import ArticleFactory, PhotoCaptionFactory, PlaceFactory, QuoteFactory

ROOT = Path(__file__).resolve().parents[2]
SUITE_DB = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if SUITE_DB.startswith(("postgres", "pgsql")) else [])


class Scratch:
    """A database of its own, driven through manage.py in subprocesses."""

    def __init__(self, url: str):
        self.url = url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        self.env.update(
            DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings_test", PYTHONUNBUFFERED="1"
        )

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "manage.py", *args]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            self.command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def checksum(self) -> str:
        return self.run("checksum_archive").stdout.strip()

    def is_writing(self) -> bool:
        """Whether an uncommitted transaction has written to the database yet."""
        if self.url.startswith("sqlite"):
            # SQLite spills a large transaction's pages to the write-ahead log before commit.
            wal = Path(self.url.removeprefix("sqlite:///") + "-wal")
            return wal.exists() and wal.stat().st_size > 1_000_000
        import psycopg

        # A PostgreSQL transaction is given an id when it first writes.
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND backend_xid IS NOT NULL"
            ).fetchone()
        return row[0] > 0

    def count(self, model: str) -> int:
        code = f"from archive.models import {model}; print({model}.objects.count())"
        return int(self.run("shell", "-c", code).stdout.strip().splitlines()[-1])


@pytest.fixture(params=BACKENDS)
def scratch(request, tmp_path):
    """An empty, migrated scratch database."""
    if request.param == "sqlite":
        yield _migrated(Scratch(f"sqlite:///{tmp_path / 'scratch.sqlite3'}"))
        return
    import psycopg

    config = dj_database_url.parse(SUITE_DB)
    name = f"archive_reliability_fault_{os.getpid()}"
    server = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = SUITE_DB.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield _migrated(Scratch(url))
    finally:
        with psycopg.connect(**server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrated(db: Scratch) -> Scratch:
    db.run("migrate", "--noinput", "-v", "0")
    return db


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_load_killed_half_way_leaves_the_database_as_it_was(scratch, tmp_path):
    scratch.run("load_archive", "--no-progress")  # the seed archive
    before = scratch.checksum()
    big = tmp_path / "big.json"
    # Big enough to still be writing a few seconds in, at several thousand records a second.
    total = write_bulk_fixture(big, 12000)  # 60,080 records
    assert total > 60_000
    process = scratch.start("load_archive", "--no-progress", str(big))
    try:
        wait_until(lambda: scratch.is_writing() or process.poll() is not None, timeout=240)
        assert process.poll() is None, process.communicate()
        time.sleep(1)  # well into the file: thousands of rows written, none committed
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert scratch.checksum() == before
    assert scratch.count("Article") == 3
    if scratch.url.startswith("sqlite"):
        path = scratch.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The database is not left locked: the next load goes through.
    assert "Nothing to change" in scratch.run("load_archive", "--no-progress").stdout


def test_two_loads_at_once_leave_no_duplicates(scratch, tmp_path):
    fixture = tmp_path / "some.json"
    total = write_bulk_fixture(fixture, 100, prefix="twin")
    processes = [scratch.start("load_archive", "--no-progress", str(fixture)) for _ in range(2)]
    outputs = [process.communicate(timeout=240) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, out + err
    summaries = sorted(out.strip().splitlines()[-1] for out, _ in outputs)
    assert summaries == [
        f"Loaded: 0 created, 0 updated, {total} unchanged. Nothing to change.",
        f"Loaded: {total} created, 0 updated, 0 unchanged.",
    ]
    assert scratch.count("Article") == 100
    assert scratch.count("Quote") == 100
    assert scratch.count("Tag") == 20


@pytest.mark.django_db(transaction=True)
def test_export_then_load_into_an_empty_database_reproduces_the_archive(scratch, tmp_path):
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    editor = User.objects.create_user("desk-editor", password="x-long-enough-password-1")
    place = PlaceFactory(
        name="Kupiansk <b>", slug="kupiansk-yard", latitude=49.7106, longitude=37.6156
    )
    place.aliases.create(name="Kupyansk")
    place.tags.add("Rail hub", through_defaults={"added_by": editor})
    article = ArticleFactory(
        headline="“Regrouping” — Ізюм", places=[place], paragraphs=["Один.", "Two <i>"]
    )
    article.tags.add("Counter-offensive", through_defaults={"added_by": editor})
    QuoteFactory(article=article, tags=["Kremlin"])
    PhotoCaptionFactory(article=article, tags=["rail hub"])
    original = archive_checksum()
    backup = tmp_path / "backup.json"
    call_command("export_archive", "-o", str(backup), stdout=io.StringIO())
    assert any(r["model"] == "archive.placealias" for r in json.loads(backup.read_text()))

    restored = scratch.run("load_archive", "--no-progress", str(backup))
    assert "auth.user: 1 created" in restored.stdout  # the editor who added tags
    by_model = scratch.run("checksum_archive", "--by-model").stdout.splitlines()
    assert by_model[:-1] == [f"{digest}  {label}" for label, digest in archive_checksums().items()]
    assert by_model[-1] == original

    # And back into this very database once emptied, as after losing it.
    empty_archive()
    assert archive_checksum() != original
    call_command("load_archive", "--no-progress", str(backup), stdout=io.StringIO())
    assert archive_checksum() == original


@pytest.mark.django_db
def test_the_checksum_changes_with_any_field_tag_or_alias():
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    seen = {archive_checksum()}
    article = Article.objects.order_by("slug").first()
    for change in (
        lambda: Article.objects.filter(pk=article.pk).update(headline="Changed"),
        lambda: article.tags.add("one more"),
        lambda: Place.objects.order_by("slug").first().aliases.create(name="Another spelling"),
        lambda: Tag.objects.filter(name="one more").update(name="One More"),
    ):
        change()
        checksum = archive_checksum()
        assert checksum not in seen
        seen.add(checksum)


def empty_archive():
    Article.objects.all().delete()
    Statement.objects.all().delete()
    Speaker.objects.all().delete()
    Place.objects.update(parent=None)
    Place.objects.all().delete()
    Outlet.objects.all().delete()
    Tag.objects.all().delete()


@pytest.mark.django_db
def test_the_checksum_ignores_primary_keys_and_row_order(tmp_path):
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    first = archive_checksum()
    backup = io.StringIO()
    call_command("export_archive", stdout=backup, stderr=io.StringIO())
    empty_archive()
    # The reverse order within each model (places and speakers still parent first: a place
    # names its parent, a spokesman whom he speaks for), so every row gets another primary key.
    records = json.loads(backup.getvalue())
    linked = {"archive.place", "archive.speaker"}
    kept = [r for r in records if r["model"] in linked]
    records = kept + [r for r in reversed(records) if r["model"] not in linked]
    fixture = tmp_path / "reordered.json"
    fixture.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    call_command("load_archive", "--no-progress", str(fixture), stdout=io.StringIO())
    assert archive_checksum() == first


@pytest.mark.django_db
def test_a_load_that_finds_the_database_locked_says_so_and_writes_nothing(tmp_path, monkeypatch):
    from django.core.management import CommandError
    from django.db import OperationalError

    from archive.dataio import load

    def locked():
        raise OperationalError("database is locked")

    monkeypatch.setattr(load, "_wait_for_other_imports", locked)
    fixture = tmp_path / "some.json"
    write_bulk_fixture(fixture, 2)
    with pytest.raises(CommandError, match=r"refused the load \(database is locked\); nothing"):
        call_command("load_archive", "--no-progress", str(fixture), stdout=io.StringIO())
    assert not Article.objects.exists()
