"""manage.py ingest_report: dry run, JSON, writing the draft, repeats and refusals."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from archive.models import (
    Article,
    ArticleStatus,
    IngestedReport,
    Outlet,
    PhotoCaption,
    Place,
    PlaceAlias,
    Quote,
    Speaker,
    SpeakerAlias,
)

pytestmark = pytest.mark.django_db

REPORT = """Harbour strike enters its second week

KESSEL, Norland (AP) — Dockers at the port of Kessel stayed out for an eighth day on Saturday, as \
talks with the Harbour Authority stalled.

"We will stay out for as long as it takes," union leader Ana Brest said.

Harbour Authority spokesman Jonas Feld said the strike was "costing the region dearly".

Pickets at the gate on May 3, 2024. | Lena Ostrova/AFP

Click here to get our app

"Nobody has called us," Brest said.
"""


@pytest.fixture
def archive(db):
    Outlet.objects.create(name="Norland Daily", slug="norland-daily")
    Outlet.objects.create(name="AFP", slug="afp", kind="photo_agency")
    norland = Place.objects.create(name="Norland", slug="norland", kind="country")
    Place.objects.create(name="Kessel", slug="kessel", kind="city", parent=norland)
    brest = Speaker.objects.create(name="Ana Brest", slug="ana-brest", role="Union leader")
    SpeakerAlias.objects.create(owner=brest, name="Brest")


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "strike.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("ingest_report", *map(str, args), "--no-progress", stdout=out, stderr=out)
    return out.getvalue()


def test_dry_run_json_has_the_documented_shape_and_writes_nothing(archive, report):
    [proposal] = json.loads(run(report, "--dry-run", "--json", "--published-on", "2024-05-04"))
    assert set(proposal) >= {
        "source", "headline", "outlet", "published_on", "dateline", "byline", "paragraphs",
        "removed", "quotes", "photo_captions", "places", "speakers",
    }  # fmt: skip
    assert set(proposal["quotes"][0]) == {
        "text", "speaker", "speaker_slug", "paragraph", "partial", "confidence",
    }  # fmt: skip
    assert proposal["published_on"] == "2024-05-04"
    assert proposal["dateline"] == "Kessel, Norland"
    assert [(q["speaker"], q["speaker_slug"]) for q in proposal["quotes"]] == [
        ("Ana Brest", "ana-brest"),
        ("Jonas Feld", None),
        ("Ana Brest", "ana-brest"),
    ]
    assert "Click here to get our app" in proposal["removed"]
    assert {p["slug"] for p in proposal["places"]} == {"kessel", "norland"}
    assert Article.objects.count() == 0


def test_writing_creates_a_draft_in_review_with_everything_proposed(archive, report, editor):
    output = run(report, "--outlet", "norland-daily", "--published-on", "2024-05-04",
                 "--user", editor.username)  # fmt: skip
    article = Article.objects.get()
    assert "1 draft created" in output
    assert article.status == ArticleStatus.IN_REVIEW
    assert article.outlet.slug == "norland-daily"
    assert article.dateline == "Kessel, Norland"
    assert len(article.paragraphs) == 4
    quotes = list(Quote.objects.filter(article=article).order_by("position"))
    assert [(q.position, q.speaker.slug, q.kind) for q in quotes] == [
        (1, "ana-brest", "full"),
        (2, "jonas-feld", "partial"),
        (3, "ana-brest", "full"),
    ]
    feld = Speaker.objects.get(slug="jonas-feld")
    assert feld.role == "Harbour Authority spokesman"
    caption = PhotoCaption.objects.get(article=article)
    assert (caption.photographer, caption.agency.slug, str(caption.taken_on)) == (
        "Lena Ostrova",
        "afp",
        "2024-05-03",
    )
    assert set(article.places.values_list("slug", flat=True)) == {"kessel", "norland"}
    assert IngestedReport.objects.get().article == article


def test_the_same_text_again_names_the_article_and_creates_nothing(
    archive, report, tmp_path, contributor
):
    args = ("--outlet", "norland-daily", "--published-on", "2024-05-04", "--user", "colin")
    run(report, *args)
    respaced = tmp_path / "again.txt"
    respaced.write_text(REPORT.replace("\n\n", "\n\n\n"), encoding="utf-8")
    output = run(respaced, *args)
    slug = Article.objects.get().slug
    assert f"already ingested as article '{slug}'" in output
    assert (Article.objects.count(), Quote.objects.count(), Speaker.objects.count()) == (1, 3, 2)
    dry = run(respaced, "--dry-run")
    assert f"already ingested as article '{slug}'" in dry


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"<html><script>" + b"x();" * 300 + b"</script><body></body></html>", "no readable"),
    ],
)
def test_an_unfit_file_stops_the_batch_and_nothing_is_written(
    archive, report, tmp_path, editor, content, message
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        run(report, bad, "--outlet", "norland-daily", "--published-on", "2024-05-04",
            "--user", editor.username)  # fmt: skip
    assert message in str(excinfo.value)
    assert Article.objects.count() == 0


def test_a_file_over_the_import_limit_is_refused(archive, report, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError, match="larger than the import limit"):
        run(report, "--dry-run")


def test_writing_asks_the_role_policy(archive, report, db):
    User.objects.create_user("reader")
    with pytest.raises(CommandError, match="may not create articles"):
        run(report, "--outlet", "norland-daily", "--published-on", "2024-05-04",
            "--user", "reader")  # fmt: skip
    assert Article.objects.count() == 0


def test_an_operator_without_user_writes_drafts_as_the_command_line(archive, report, db):
    run(report, "--outlet", "norland-daily", "--published-on", "2024-05-04")
    article = Article.objects.get()
    assert article.status == "in_review"


def test_a_missing_date_is_a_clear_error(archive, report, editor):
    with pytest.raises(CommandError, match="no date printed"):
        run(report, "--outlet", "norland-daily", "--user", editor.username)


def test_a_spelling_added_in_the_archive_is_used_by_the_next_ingest(archive, tmp_path):
    path = tmp_path / "kesl.txt"
    path.write_text(
        "Port reopens\n\nShips returned to Kessl harbour on Monday, officials said.\n",
        encoding="utf-8",
    )
    before = json.loads(run(path, "--dry-run", "--json"))[0]
    assert "kessel" not in {p["slug"] for p in before["places"]}
    PlaceAlias.objects.create(owner=Place.objects.get(slug="kessel"), name="Kessl")
    after = json.loads(run(path, "--dry-run", "--json"))[0]
    assert {p["slug"]: p["mentions"] for p in after["places"]}["kessel"] == ["Kessl"]


def test_a_batch_makes_each_new_speaker_once_and_everything_passes_full_clean(
    archive, tmp_path, editor
):
    for n in (1, 2):
        (tmp_path / f"r{n}.txt").write_text(
            f"Port story number {n}\n\n"
            f'"Day {n} of the strike," Harbour Authority spokesman Jonas Feld said in Kessel.\n',
            encoding="utf-8",
        )
    run(tmp_path / "r1.txt", tmp_path / "r2.txt", "--outlet", "norland-daily",
        "--published-on", "2024-05-04", "--user", editor.username)  # fmt: skip
    assert Speaker.objects.filter(name="Jonas Feld").count() == 1
    assert Quote.objects.filter(speaker__name="Jonas Feld").count() == 2
    for model in (Article, Quote, Speaker, Place):
        for row in model.objects.all():
            row.full_clean()


def test_a_saved_web_page_gives_its_article_without_the_page_around_it(archive):
    page = Path(__file__).with_name("saved_page.html")
    [proposal] = json.loads(run(page, "--dry-run", "--json"))
    assert proposal["headline"] == "Wildfires force evacuations near Kessel"
    assert proposal["byline"] == "Nikos Papadakis"
    assert proposal["published_on"] == "2024-08-12"
    assert proposal["dateline"] == "Kessel, Norland"
    text = " ".join(proposal["paragraphs"])
    assert "Hundreds of firefighters battled" in text
    assert not any(word in text for word in ("gtag", "Subscribe", "Privacy", "Share this"))
    [caption] = proposal["photo_captions"]
    assert (caption["photographer"], caption["agency"], caption["distributor"]) == (
        "Angelos Tzortzinis",
        "AFP",
        "Getty Images",
    )
    assert {q["speaker"] for q in proposal["quotes"]} == {
        "Vassilis Kikilias",
        "Maria Georgiou",
        "Kyriakos Mitsotakis",
    }
