"""A large, valid archive fixture made up on the spot, for fault and load tests."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

WORDS = (
    "regroup troops front village bridge shelling convoy river offensive region statement "
    "ministry evacuation counterattack supply railway checkpoint governor reporters"
).split()


def bulk_records(articles: int, *, prefix: str = "bulk") -> list[dict]:
    """Return fixture records: outlets, places, speakers and tags, then articles with a quote,
    a caption and a tag each — five records per article, plus about sixty shared ones."""
    records: list[dict] = []

    def add(model: str, **fields) -> None:
        records.append({"model": f"archive.{model}", "fields": fields})

    tags = [f"{prefix} topic {n}" for n in range(20)]
    for name in tags:
        add("tag", name=name, slug=name.replace(" ", "-"))
    add("outlet", name=f"{prefix.title()} Daily", slug=f"{prefix}-daily", kind="publisher")
    add("outlet", name=f"{prefix.upper()} Photo", slug=f"{prefix}-photo", kind="photo_agency")
    for n in range(20):
        add(
            "place",
            name=f"{prefix.title()} town {n}",
            slug=f"{prefix}-town-{n}",
            kind="town",
            latitude=f"{48 + n / 10:.4f}",
            longitude=f"{36 + n / 10:.4f}",
        )
        add("placealias", owner=[f"{prefix}-town-{n}"], name=f"{prefix.title()} burg {n}")
    for n in range(20):
        add("speaker", name=f"{prefix.title()} Speaker {n}", slug=f"{prefix}-speaker-{n}")
    start = datetime.date(2022, 1, 1)
    for n in range(articles):
        slug = f"{prefix}-article-{n}"
        words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(8))
        add(
            "article",
            outlet=[f"{prefix}-daily"],
            headline=f"{words.capitalize()} ({n})",
            slug=slug,
            published_on=(start + datetime.timedelta(days=n % 900)).isoformat(),
            paragraphs=[f"“{words},” an official said.", f"Report number {n} about {words}."],
            status="published" if n % 10 else "draft",
            places=[[f"{prefix}-town-{n % 20}"]],
        )
        add(
            "quote",
            article=[slug],
            position=1,
            speaker=[f"{prefix}-speaker-{n % 20}"],
            text=words,
            paragraph=1,
        )
        add(
            "photocaption",
            article=[slug],
            position=1,
            text=f"A photo of {words}.",
            credit=f"Photographer {n % 7}/{prefix.upper()}",
            agency=[f"{prefix}-photo"],
        )
        add("articletag", tag=[tags[n % 20]], content_object=[slug])
        add("quotetag", tag=[tags[(n + 1) % 20]], content_object=[slug, 1])
    return records


def write_bulk_fixture(path: Path, articles: int, *, prefix: str = "bulk") -> int:
    """Write a bulk fixture file and return how many records it holds."""
    records = bulk_records(articles, prefix=prefix)
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return len(records)
