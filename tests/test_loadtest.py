"""The load test's mixed mode, run for a few seconds on a tiny archive of its own: every reader
page is new and answered, and the editor's saves in the admin all succeed.

It runs scripts/loadtest.py as `make loadtest-mixed` does, against gunicorn on loopback with a
SQLite archive in a temporary folder, whatever database the suite itself uses.
"""

import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def figure(output: str, pattern: str) -> re.Match:
    found = re.search(pattern, output, re.MULTILINE)
    assert found, f"no line matching {pattern!r} in:\n{output}"
    return found


def test_loadtest_mixed_mode_reads_new_pages_while_the_editor_saves(tmp_path):
    command = [sys.executable, "scripts/loadtest.py", "--mode", "mixed", "--articles", "30"]
    # Five seconds: a save every 0.5 s leaves room for a slow or busy machine.
    command += ["--clients", "3", "--seconds", "5", "--data", str(tmp_path), "--server-times"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output

    requests = int(figure(output, r"^requests\s+(\d+)$")[1])
    assert requests > 0
    assert figure(output, r"^errors\s+(\d+)")[1] == "0"
    assert figure(output, r"^5xx\s+(\d+)$")[1] == "0"
    assert figure(output, r"^non-200 pages\s+(\d+)$")[1] == "0"
    asked = figure(output, r"^new addresses\s+(\d+) of (\d+) requests")
    assert asked[1] == asked[2] == str(requests)  # no address asked twice
    saves = figure(output, r"^editor saves\s+(\d+) ok, (\d+) failed")
    assert int(saves[1]) >= 2, output  # one every 0.5 s for 5 s
    assert saves[2] == "0"
    assert re.search(r"^target\s+(PASS|FAIL): ", output, re.MULTILINE)
    # The server's own times: the readers' pages, and the share the editor's requests took.
    assert figure(output, r"^server time\s+mean (\d+) ms a reader page")
    share = figure(output, r"^editor's share\s+([\d.]+) s of the workers' (\d+) s \((\d+)%\)")
    assert 0 < float(share[1]) < int(share[2])
    # Each save went through the admin as the editor and changed an article's tags.
    with closing(sqlite3.connect(tmp_path / "loadtest.sqlite3")) as db:
        logged = db.execute(
            "SELECT count(*) FROM django_admin_log JOIN auth_user ON auth_user.id = user_id "
            "WHERE username = 'loadtest-mixed-editor' AND change_message LIKE '%Tags%'"
        ).fetchone()[0]
    assert logged == int(saves[1])
