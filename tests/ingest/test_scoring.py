"""manage.py score_ingest: precision and recall against fixtures, in both modes."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"

REPORT = """Harbour strike enters its second week

Dockers at the port of Kessel in Norland stayed out for an eighth day on Saturday.

"We will stay out for as long as it takes," union leader Ana Brest said.

"Nobody has called us," said Piotr Lasko.

Pickets at the gate. | Lena Ostrova/AFP
"""


def fixture(model, **fields):
    return {"model": f"archive.{model}", "fields": fields}


@pytest.fixture
def folders(tmp_path):
    seeds, fixtures = tmp_path / "seeds", tmp_path / "fixtures"
    seeds.mkdir()
    fixtures.mkdir()
    (seeds / "strike.txt").write_text(REPORT, encoding="utf-8")
    records = [
        fixture("outlet", name="AFP", slug="afp"),
        fixture("place", name="Kessel", slug="kessel", kind="city"),
        fixture("place", name="Norland", slug="norland", kind="country"),
        fixture("speaker", name="Ana Brest", slug="ana-brest", kind="person"),
        fixture("speaker", name="Piotr Lasko", slug="piotr-lasko", kind="person"),
        fixture(
            "article",
            slug="strike",
            paragraphs=[
                "Dockers at the port of Kessel in Norland stayed out for an eighth day on "
                "Saturday.",
                '"We will stay out for as long as it takes," union leader Ana Brest said.',
            ],
            places=[["kessel"], ["norland"], ["harbour-city"]],
        ),
        fixture(
            "quote",
            article=["strike"],
            speaker=["ana-brest"],
            text="We will stay out for as long as it takes,",
        ),  # fmt: skip
        fixture(
            "photocaption",
            article=["strike"],
            text="Pickets at the gate.",
            photographer="Lena Ostrova",
            agency=["afp"],
            distributor=None,
        ),  # fmt: skip
    ]
    (fixtures / "all.json").write_text(json.dumps(records), encoding="utf-8")
    return seeds, fixtures


def score(*args) -> list[dict]:
    out = io.StringIO()
    call_command("score_ingest", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def kessel(db):
    from archive.models import Place

    return Place.objects.create(name="Kessel", slug="kessel", kind="city")


def test_scores_count_matches_against_the_fixtures(folders, kessel):
    seeds, fixtures = folders
    [result] = score("--seeds", seeds, "--fixtures", fixtures, "--mode", "archive")
    # One of two proposed pairs is in the fixture (Lasko's quote is not).
    assert result["quotes"] == {
        "precision": 0.5, "recall": 1.0, "matched": 1, "proposed": 2, "expected": 1,
    }  # fmt: skip
    assert (result["captions"]["precision"], result["captions"]["recall"]) == (1.0, 1.0)
    # Kessel is in the archive, Norland ("in Norland") is a gazetteer town of that name, and
    # Harbour City is printed nowhere.
    assert (result["places"]["matched"], result["places"]["proposed"]) == (2, 2)
    assert result["places"]["expected"] == 3


def test_fail_under_exits_with_an_error_naming_the_low_measure(folders, kessel):
    seeds, fixtures = folders
    with pytest.raises(CommandError, match="archive quotes precision 0.500"):
        score("--seeds", seeds, "--fixtures", fixtures, "--mode", "archive", "--fail-under", 0.9)


def test_an_empty_archive_is_a_clear_error_in_archive_mode(folders):
    seeds, fixtures = folders
    # The fixture names Kessel, Norland and Harbour City; none is in the test database.
    with pytest.raises(CommandError, match="load them first"):
        score("--seeds", seeds, "--fixtures", fixtures, "--mode", "archive")


def test_no_seeds_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No seed reports"):
        score("--seeds", tmp_path, "--mode", "archive")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed reports are not beside the repo")
def test_the_seed_reports_score_at_least_0_9_in_both_modes(seed):
    results = score("--fail-under", 0.9)
    assert [r["mode"] for r in results] == ["archive", "gazetteer"]
    assert all(len(r["seeds"]) == len(list(Path(SEEDS).glob("*.txt"))) for r in results)
