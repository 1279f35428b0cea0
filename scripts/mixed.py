"""The load test's mixed mode: readers who each ask a page not asked before, and one editor
saving in the admin every half second.

Reader pages are list pages N, three facets and a from-date, text searches, place and speaker
pages, JSON pages and article pages, built from popular values of the archive in use
(`popular_values`, run inside the project by `manage.py shell`). No address repeats in a run, so
the page cache never answers a reader.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

from admin_client import Editor
from harness import ROOT, manage

EDITOR_NAME = "loadtest-mixed-editor"
PASSWORD = "loadtest-mixed-editor-password-7d2a"
PAGE_SIZE = 20  # settings.ARCHIVE_PAGE_SIZE


def popular_values() -> dict:
    """Values readers ask for, most used first: only published material. Runs inside Django."""
    from django.conf import settings
    from django.db.models import Count

    from archive.models import Article, ArticleTag, Outlet, Place, Speaker
    from archive.public.bench import BROAD_WORDS

    published = Article.objects.published()

    def top(queryset, n):
        return list(queryset.annotate(n=Count("pk")).order_by("-n")[:n])

    places = top(Place.objects.filter(articles__in=published).values_list("slug", "name"), 1500)
    tags = top(
        ArticleTag.objects.filter(content_object__in=published).values_list("tag__slug"), 200
    )
    newest = published.order_by("-published_on").values_list("published_on", flat=True).first()
    editor_tag = top(
        ArticleTag.objects.filter(content_object__in=published)
        .exclude(tag__name__contains=",")
        .values_list("tag__name"),
        1,
    )
    return {
        "admin": "/" + settings.ADMIN_URL,
        "articles": published.count(),
        "newest": str(newest or datetime.date.today()),
        "places": [slug for slug, _, _ in places],
        "place_names": [name for _, name, n in places if n >= 20][:300] or ["Izyum"],
        "tags": [(slug, n) for slug, n in tags],
        "outlets": [
            slug
            for slug, _ in top(
                Outlet.objects.filter(articles__in=published).values_list("slug"), 20
            )
        ],
        "speakers": [
            slug
            for slug, _ in top(
                Speaker.objects.filter(quotes__article__in=published).values_list("slug"), 2000
            )
        ],
        "slugs": list(
            published.order_by("-published_on", "-pk").values_list("slug", flat=True)[:5000]
        ),
        "editor_articles": list(
            published.order_by("-published_on", "-pk").values_list("pk", flat=True)[:10]
        ),
        "editor_tag": editor_tag[0][0] if editor_tag else "Load test",
        "words": list(BROAD_WORDS),
    }


def archive_values(env: dict[str, str]) -> dict:
    """Create the editor (the Editor role, a known password); return `popular_values()`."""
    manage(env, "setup_roles", "--editor", EDITOR_NAME)
    out = manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "import json, sys\n"
        "from django.contrib.auth.models import User\n"
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})\n"
        "from mixed import popular_values\n"
        f"user = User.objects.get(username={EDITOR_NAME!r})\n"
        f"user.set_password({PASSWORD!r}); user.save()\n"
        "print(json.dumps(popular_values()))",
    )
    return json.loads(out.strip().splitlines()[-1])


def page_kinds(values: dict) -> list[tuple[str, Callable[[int], str]]]:
    """(kind, address of the i-th request of that kind); an address may come round again."""
    pages = max(values["articles"] // PAGE_SIZE, 1)
    shallow = min(pages, 500)
    newest = datetime.date.fromisoformat(values["newest"])
    places, tags, speakers = values["places"] or ["none"], values["tags"], values["speakers"]
    outlets, words, names = values["outlets"] or ["none"], values["words"], values["place_names"]
    tag_slugs = [slug for slug, _ in tags] or ["none"]

    def pick(items: list, i: int, step: int = 1):
        return items[(i * step) % len(items)]

    def list_page(i: int) -> str:
        sort = "&sort=oldest" if (i // shallow) % 2 else ""
        return f"/articles/?page={1 + (i * 37) % shallow}{sort}"

    def three_facets(i: int) -> str:
        start = newest - datetime.timedelta(days=30 + i % 700)
        return (
            f"/articles/?place={pick(places, i)}&tag={pick(tag_slugs, i, 7)}"
            f"&outlet={pick(outlets, i, 3)}&from={start}"
        )

    def search(i: int) -> str:
        word = pick(words, i)
        other = pick(names, i // len(words))
        sort = "&sort=newest" if (i // (len(words) * len(names))) % 2 else ""
        return f"/articles/?q={quote_plus(f'{word} {other}')}{sort}"

    def json_page(i: int) -> str:
        slug, n = pick(tags, i) if tags else ("none", 0)
        last = max((n + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        return f"/articles/?format=json&tag={slug}&page={1 + (i // len(tag_slugs)) % last}"

    return [
        ("list page N", list_page),
        ("three facets + from", three_facets),
        ("text search", search),
        ("place page", lambda i: f"/places/{pick(places, i)}/"),
        ("speaker page", lambda i: f"/speakers/{pick(speakers, i)}/" if speakers else ""),
        ("JSON page", json_page),
        ("article page", lambda i: f"/articles/{pick(values['slugs'], i)}/"),
    ]


class NewPaths:
    """The readers' next address: the kinds in turn, each address new in this run.

    A kind whose addresses have all been asked drops out; `kind_of` says which kind each
    address was, for the figures by kind.
    """

    TRIES = 200  # addresses a kind may repeat in a row before it counts as used up

    def __init__(self, values: dict):
        self.kinds = page_kinds(values)
        self.next_i = [0] * len(self.kinds)
        self.turn = 0
        self.kind_of: dict[str, str] = {}
        self.used_up: list[str] = []

    def __call__(self) -> str:
        while len(self.used_up) < len(self.kinds):
            k = self.turn % len(self.kinds)
            self.turn += 1
            name, address = self.kinds[k]
            if name in self.used_up:
                continue
            for _ in range(self.TRIES):
                path = address(self.next_i[k])
                self.next_i[k] += 1
                if path and path not in self.kind_of:
                    self.kind_of[path] = name
                    return path
            self.used_up.append(name)
        raise SystemExit("Every kind of page has been asked at all its addresses; run shorter.")


@dataclass
class EditorTally:
    """What the editor saw: each save's seconds, the failures, saves that started late."""

    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    late: int = 0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def editor_start(
    base: str, values: dict, every: float, stop: threading.Event
) -> tuple[threading.Thread, EditorTally]:
    """Log the editor in, then save every `every` seconds in a thread until `stop` is set.

    Each save adds the archive's most used tag to one of the newest published articles, or takes
    it off again, through the admin's change form (the role policy decides, as for a person).
    """
    editor = Editor(base, values["admin"], EDITOR_NAME, PASSWORD)
    tally = EditorTally()
    articles, tag = values["editor_articles"], values["editor_tag"]

    def run() -> None:
        due, n = time.monotonic(), 0
        while not stop.is_set():
            try:
                problem, seconds = editor.toggle_tag(articles[n % len(articles)], tag)
            except OSError as exc:  # includes HTTP errors of the change form
                problem, seconds = repr(exc), 0.0
            if problem:
                tally.failures.append(problem)
            else:
                tally.seconds.append(seconds)
            n += 1
            due += every
            wait = due - time.monotonic()
            if wait < 0:
                tally.late += 1
                due = time.monotonic()
            stop.wait(max(wait, 0))

    thread = threading.Thread(target=run, name="editor", daemon=True)
    thread.start()
    return thread, tally


def server_times(access_log: Path, kind_of: dict[str, str]) -> dict[str, list[float]]:
    """Seconds the server spent on each request, by page kind, from gunicorn's access log
    (lines "METHOD path?query status microseconds"); the editor's form loads and saves too."""
    times: dict[str, list[float]] = {}
    for line in access_log.read_text(errors="replace").splitlines():
        method, address, _, micro = line.rsplit(" ", 3)
        path = address.removesuffix("?")
        if path in kind_of:
            kind = kind_of[path]
        elif "/change/" in path:
            kind = "editor: save" if method == "POST" else "editor: change form"
        else:
            continue
        times.setdefault(kind, []).append(int(micro) / 1e6)
    return times
