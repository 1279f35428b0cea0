"""The list timeline's bars: per day over a short span, per month over a long one."""

from __future__ import annotations

import datetime
import random

import pytest

from archive.public import facets


def reference_bars(days: list[tuple[datetime.date, int]]) -> tuple[str, list]:
    """The timeline's bars worked out date by date, the plain way."""
    counts = dict(days)
    first, last = min(counts), max(counts)
    if (last - first).days <= 92:
        span = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
        return "day", [(day, counts.get(day, 0)) for day in span]
    months: dict[datetime.date, int] = {}
    for day, n in counts.items():
        key = day.replace(day=1)
        months[key] = months.get(key, 0) + n
    month, filled = first.replace(day=1), []
    while month <= last:
        filled.append((month, months.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return "month", filled


@pytest.mark.parametrize("seed", range(40))
def test_the_timeline_sums_days_into_the_bars_a_plain_count_gives(seed):
    rng = random.Random(seed)
    start = datetime.date(1999, 12, 1) + datetime.timedelta(days=rng.randrange(9000))
    span = rng.choice([0, 1, 30, 92, 93, 120, 365, 800, 4000])
    chosen = sorted(rng.sample(range(span + 1), min(span + 1, rng.randrange(1, 300))))
    days = [(start + datetime.timedelta(days=i), rng.randrange(1, 50)) for i in chosen]

    timeline = facets.list_timeline(days=[(day.toordinal(), n) for day, n in days])

    unit, expected = reference_bars(days)
    expected_timeline = facets._scale(expected, unit)
    assert timeline == expected_timeline
    assert sum(bar.count for bar in timeline.bars) == sum(n for _day, n in days)


def test_the_timeline_of_nothing_has_no_bars():
    assert facets.list_timeline(days=[]).bars == []


def test_a_long_timeline_crosses_years_month_by_month():
    days = [
        (datetime.date(2021, 10, 31), 1),
        (datetime.date(2021, 12, 31), 2),
        (datetime.date(2022, 3, 1), 5),
    ]
    timeline = facets.list_timeline(days=[(day.toordinal(), n) for day, n in days])
    assert timeline.unit == "month"
    assert [(bar.iso, bar.count) for bar in timeline.bars] == [
        ("2021-10", 1),
        ("2021-11", 0),
        ("2021-12", 2),
        ("2022-01", 0),
        ("2022-02", 0),
        ("2022-03", 5),
    ]
