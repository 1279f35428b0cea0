"""Benchmark the report ingester: one 2,000-word report, then 1,000 reports in one command.

    python scripts/bench_ingest.py [--reports 1000] [--words 2000]

Builds a scratch SQLite archive (migrate, roles, the seed fixtures) in a temporary folder,
writes synthetic reports made from a fixed vocabulary of newsroom sentences (a quote per 45
words or so, a little denser than the seeds' one per 60; captions with credits; furniture; the
archive's places and speakers and names it does not know), then times `manage.py
ingest_report` as an operator would run it. Prints figures; the targets (issue #11) are under
1 s for the 2,000-word report and under 2 minutes for 1,000.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from harness import manage

SPEAKERS = [
    ("Ukrainian President Volodymyr Zelenskyy", "he"),
    ("Foreign Minister Dmytro Kuleba", "he"),
    ("Defence Ministry spokesman Igor Konashenkov", "he"),
    ("regional governor Oleh Synehubov", "he"),
    ("Mayor Hanna Petrenko", "she"),
    ("aid worker Marta Kowalczyk", "she"),
]
PLACES = ["Izyum", "Balakliya", "Kupiansk", "Kharkiv", "Lyman", "Kyiv", "Poltava", "Sumy"]
CLAIMS = [
    "the road to {place} had been cleared of mines",
    "supplies were reaching {place} again",
    "the shelling near {place} had stopped overnight",
    "families were returning to {place}",
    "the bridge outside {place} would be repaired within weeks",
]
FURNITURE = [
    "Click here to read more",
    "Follow us on Twitter and Facebook",
    "ALSO READ: WHAT WE KNOW SO FAR ABOUT THE COUNTER-OFFENSIVE",
    "Advertisement",
]


NARRATION = [
    "Convoys carrying food, medicine and fuel left {place} at dawn and reached {other} by "
    "the afternoon, after engineers had repaired two bridges on the main road.",
    "The route between {place} and {other} had been closed since the spring, when the fighting "
    "cut the railway and most of the villages along it were emptied.",
    "Aid groups estimate that several thousand people stayed in {place} through the winter, "
    "most of them elderly residents who could not or would not leave their homes.",
]


def paragraph(rng: random.Random, number: int) -> str:
    who, pronoun = rng.choice(SPEAKERS)
    place, other = rng.sample(PLACES, 2)
    claim = rng.choice(CLAIMS).format(place=place)
    shape = number % 8
    if shape >= 5:
        # Narration without quotes, as most of a report is.
        return NARRATION[shape - 5].format(place=place, other=other)
    if shape == 0:
        return f'"We can say that {claim}," {who} said on Saturday in {other}.'
    if shape == 1:
        return f'{who} said {claim}, calling it "a turning point for {other}".'
    if shape == 2:
        return f'"The people of {place} have waited long enough," {pronoun} said. "Now we rebuild."'
    if shape == 3:
        return (
            f"Residents of {place} told reporters that {claim}, according to {who}, "
            f"who visited {other} on Friday."
        )
    return f"Officials in {place} said {claim}, and that convoys to {other} would resume."


def report(rng: random.Random, words: int, serial: int) -> str:
    parts = [f"Report {serial}: recovery reaches {rng.choice(PLACES)} as convoys resume", ""]
    count, number = 0, 0
    while count < words:
        text = paragraph(rng, number)
        parts += [text, ""]
        count += len(text.split())
        number += 1
        if number % 7 == 0:
            parts += [rng.choice(FURNITURE), ""]
        if number % 9 == 0:
            place = rng.choice(PLACES)
            parts += [f"A convoy arrives in {place} on September 10. | Juan Barreto/AFP", ""]
    parts.append(f"(Serial {serial}: this story has not been edited by NDTV staff.)")
    return "\n".join(parts)


def timed(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run a manage.py command; return the seconds it took and its output."""
    started = time.perf_counter()
    output = manage(env, *args)
    return time.perf_counter() - started, output


WARM = """
import statistics, time
from pathlib import Path
from archive.ingest.pipeline import archive_index_load, report_propose
index = archive_index_load()
text = Path({path!r}).read_text()
report_propose(text, source="warm-up", index=index)
times = []
for _ in range(5):
    started = time.perf_counter()
    report_propose(text, source="bench", index=index)
    times.append(time.perf_counter() - started)
print(f"{{statistics.median(times):.3f}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--words", type=int, default=2000)
    options = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        folder = Path(folder)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "DJANGO_SECRET_KEY": "bench-ingest-key-not-for-production-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_DEBUG": "0",
        }
        for args in (("migrate", "-v0"), ("setup_roles", "--editor", "bench")):
            manage(env, *args)
        manage(env, "load_archive", "--no-progress")
        big = folder / "big.txt"
        big.write_text(report(rng, options.words, 0), encoding="utf-8")
        reports = folder / "reports"
        reports.mkdir()
        for serial in range(1, options.reports + 1):
            text = report(rng, rng.randint(300, 900), serial)
            (reports / f"{serial:05d}.txt").write_text(text, encoding="utf-8")
        files = sorted(str(p) for p in reports.glob("*.txt"))
        words = sum(len(Path(f).read_text().split()) for f in files)

        _, warm = timed(env, "shell", "-c", WARM.format(path=str(big)))
        cold, _ = timed(env, "ingest_report", str(big), "--dry-run", "--json")
        batch, _ = timed(env, "ingest_report", *files, "--dry-run")
        written, out = timed(
            env, "ingest_report", *files, "--outlet", "ndtv", "--published-on", "2022-09-10",
            "--user", "bench",
        )  # fmt: skip
        created = out.strip().splitlines()[-1]

    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print()
    print(f"Ingest benchmark (SQLite, this machine, {os.cpu_count()} cores, load {load})")
    print(f"  one report of {options.words} words, in process (median of 5):  "
          f"{float(warm.strip().splitlines()[-1]):.3f} s   target < 1 s")  # fmt: skip
    print(f"  the same, as a fresh `ingest_report --dry-run --json` process: {cold:.2f} s "
          "(Django start-up and indexes included)")  # fmt: skip
    print(f"  {options.reports} reports ({words} words), one command, --dry-run:  {batch:.1f} s"
          "   target < 120 s")  # fmt: skip
    print(f"  {options.reports} reports, one command, writing drafts:      {written:.1f} s"
          f"   ({created})")  # fmt: skip


if __name__ == "__main__":
    main()
