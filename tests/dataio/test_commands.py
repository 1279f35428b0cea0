import io
import json

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, Outlet, Quote, Speaker, Tag
from tests.dataio.archive_io import export, flush_archive
from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_archive", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def snapshot():
    """Everything a failed load must leave as it was."""
    return (
        sorted(Outlet.objects.values_list("slug", "name")),
        sorted(Speaker.objects.values_list("slug", "name")),
        sorted(Article.objects.values_list("slug", "headline", "status")),
        sorted(Quote.objects.values_list("article__slug", "position", "text")),
        sorted(Tag.objects.values_list("name", flat=True)),
    )


OUTLET = {"model": "archive.outlet", "fields": {"name": "The Daily", "slug": "the-daily"}}
SPEAKER = {"model": "archive.speaker", "fields": {"name": "A Spokesperson", "slug": "a-spokes"}}
ARTICLE = {
    "model": "archive.article",
    "fields": {
        "outlet": ["the-daily"],
        "headline": "A headline",
        "slug": "a-headline",
        "published_on": "2022-09-10",
        "paragraphs": ["“We will win,” she said."],
        "status": "published",
    },
}
QUOTE = {
    "model": "archive.quote",
    "fields": {
        "article": ["a-headline"],
        "position": 1,
        "speaker": ["a-spokes"],
        "text": "We will win,",
        "paragraph": 1,
    },
}


def test_load_reports_created_then_unchanged_on_a_second_run(tmp_path):
    path = write(tmp_path, "a.json", [OUTLET, SPEAKER, ARTICLE, QUOTE])
    first = load(path)
    assert "archive.quote: 1 created, 0 updated, 0 unchanged" in first
    assert "Loaded: 4 created, 0 updated, 0 unchanged." in first
    second = load(path)
    assert "Loaded: 0 created, 0 updated, 4 unchanged. Nothing to change." in second
    assert Quote.objects.get().speaker.slug == "a-spokes"


def test_load_updates_a_changed_record_and_keeps_fields_it_does_not_name(tmp_path):
    load(write(tmp_path, "a.json", [OUTLET, SPEAKER, ARTICLE]))
    changed = {"model": "archive.article", "fields": {"slug": "a-headline", "headline": "New"}}
    out = load(write(tmp_path, "b.json", [changed]))
    assert "archive.article: 0 created, 1 updated, 0 unchanged" in out
    article = Article.objects.get()
    assert (article.headline, article.status, article.outlet.slug) == (
        "New",
        "published",
        "the-daily",
    )


def test_records_load_in_dependency_order_whatever_the_file_order(tmp_path):
    path = write(tmp_path, "a.json", [QUOTE, ARTICLE, SPEAKER, OUTLET])
    load(path)
    assert Quote.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('{"model": "archive.outlet"}', "expected a list of objects, found dict"),
        ([{"model": "archive.nothing", "fields": {}}], "#1: unknown model 'archive.nothing'"),
        (
            [{"model": "archive.outlet", "fields": {"name": "X", "slug": "x", "colour": "red"}}],
            "#1: archive.outlet: unknown field 'colour'",
        ),
        (
            [{"model": "archive.outlet", "pk": 4, "fields": {"name": "X", "slug": "x"}}],
            "#1: records carry natural keys, not 'pk'",
        ),
        (
            [
                OUTLET,
                SPEAKER,
                ARTICLE,
                dict(QUOTE, fields=dict(QUOTE["fields"], speaker=["nobody"])),
            ],
            "#4: archive.quote: unknown speaker ['nobody']",
        ),
        (
            [
                OUTLET,
                SPEAKER,
                ARTICLE,
                dict(QUOTE, fields={k: v for k, v in QUOTE["fields"].items() if k != "speaker"}),
            ],
            "#4: archive.quote: speaker: This field cannot be null.",
        ),
        (
            [OUTLET, dict(OUTLET, fields=dict(OUTLET["fields"], name="Other"))],
            "#2: archive.outlet: the same object as",
        ),
        (
            [
                {
                    "model": "archive.place",
                    "fields": {"name": "P", "slug": "p", "kind": "town", "latitude": "95"},
                }
            ],
            "#1: archive.place: latitude: Ensure this value is less than or equal to 90.",
        ),
        (
            [{"model": "archive.outlet", "fields": {"name": "X", "slug": "not a slug!"}}],
            "#1: archive.outlet: slug: Enter a valid “slug”",
        ),
        (
            [OUTLET, dict(ARTICLE, fields=dict(ARTICLE["fields"], published_on="10/09/2022"))],
            "#2: archive.article:",
        ),
    ],
)
def test_a_bad_file_loads_nothing_and_names_the_problem(tmp_path, content, message):
    ArticleFactory(slug="existing", headline="Kept as it was", tags=["kept"])
    before = snapshot()
    path = write(tmp_path, "bad.json", content)
    with pytest.raises(CommandError) as info:
        load(path)
    assert "Nothing was loaded" in str(info.value)
    assert message in str(info.value)
    assert "bad.json" in str(info.value)
    assert snapshot() == before


def test_one_bad_file_among_good_ones_loads_nothing(tmp_path):
    good = write(tmp_path, "good.json", [OUTLET, SPEAKER])
    bad = write(tmp_path, "bad.json", [ARTICLE, dict(QUOTE, fields=dict(QUOTE["fields"], text=""))])
    with pytest.raises(CommandError) as info:
        load(good, bad)
    assert "bad.json #2: archive.quote: text: This field cannot be blank." in str(info.value)
    assert not Outlet.objects.exists()


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    bad = [
        {"model": "archive.outlet", "fields": {"name": "", "slug": "one"}},
        {"model": "archive.outlet", "fields": {"name": "Two", "slug": ""}},
    ]
    with pytest.raises(CommandError) as info:
        load(write(tmp_path, "bad.json", bad))
    assert "2 problems found" in str(info.value)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="no-such.json: no such file"):
        load(str(tmp_path / "no-such.json"))


def test_dry_run_validates_and_writes_nothing(tmp_path):
    out = load("--dry-run", write(tmp_path, "a.json", [OUTLET, SPEAKER]))
    assert "Would load: 2 created" in out
    assert not Outlet.objects.exists()


def test_load_archive_without_arguments_loads_the_seed_fixtures():
    out = load()
    assert Article.objects.count() == 3
    assert "archive.article: 3 created" in out
    assert "Nothing to change" in load()


def test_loaddata_reads_the_seed_fixtures_too():
    from archive.dataio.load import seed_fixture_paths

    call_command("loaddata", *seed_fixture_paths(), verbosity=0)
    call_command("loaddata", *seed_fixture_paths(), verbosity=0)
    assert Article.objects.count() == 3
    assert Quote.objects.filter(article__outlet__slug="ndtv").exists()


def test_export_load_export_is_byte_identical(tmp_path):
    load()
    article = Article.objects.get(outlet__slug="ndtv")
    QuoteFactory(article=article, position=99, tags=["Added-Later"])
    first = export()
    flush_archive()
    assert not Article.objects.exists()
    path = tmp_path / "backup.json"
    path.write_text(first, encoding="utf-8")
    load(str(path))
    assert export() == first


def test_export_to_a_file_writes_it_whole(tmp_path):
    load()
    target = tmp_path / "out.json"
    out = io.StringIO()
    call_command("export_archive", "-o", str(target), stdout=out)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {"archive.article", "archive.quote", "archive.placealias"} <= {r["model"] for r in data}
    assert all("pk" not in record for record in data)
    assert f"to {target}" in out.getvalue()
    assert not list(tmp_path.glob(".out.json.*"))


def test_export_to_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_archive", "-o", str(tmp_path / "nope" / "out.json"))


def test_a_spokesman_and_a_place_load_before_or_after_whom_they_point_at(tmp_path):
    records = [
        {
            "model": "archive.speaker",
            "fields": {"name": "A spokesman", "slug": "spokesman", "speaks_for": ["ministry"]},
        },
        {"model": "archive.speaker", "fields": {"name": "The ministry", "slug": "ministry"}},
        {
            "model": "archive.place",
            "fields": {"name": "Town", "slug": "town", "kind": "town", "parent": ["region"]},
        },
        {
            "model": "archive.place",
            "fields": {"name": "Region", "slug": "region", "kind": "region"},
        },
    ]
    load(write(tmp_path, "linked.json", records))
    assert Speaker.objects.get(slug="spokesman").speaks_for.slug == "ministry"
    from archive.models import Place

    assert Place.objects.get(slug="town").parent.slug == "region"
