"""Generated hostile requests against every public URL: none may give a server error.

Each test sends a fixed number of requests (derandomized, so every run sends the same ones);
together they send more than 2,000.
"""

import csv
import io
import json
from collections import Counter
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import ArticleStatus
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

PARAMS = [
    "q",
    "place",
    "tag",
    "outlet",
    "speaker",
    "agency",
    "photographer",
    "from",
    "to",
    "sort",
    "page",
    "format",
]
KNOWN = [
    "izyum",
    "izium",
    "balakliya",
    "kharkiv-oblast",
    "ndtv",
    "afp",
    "igor-konashenkov",
    "troop-withdrawal",
    "Troop-Withdrawal",
    "hidden-draft",
    "2022-09-10",
    "2022-09-01",
    "2022-13-45",
    "0001-01-01",
    "9999-12-31",
    "10/09/2022",
    "newest",
    "oldest",
    "relevance",
    "-published_on",
    "headline",
    "json",
    "csv",
    "xml",
    "0",
    "-1",
    "1",
    "2",
    "last",
    "99999999999999999999999",
    "1e9",
    "",
    " ",
    "\x00",
    "%00",
    "' OR 1=1 --",
    '"; DROP TABLE archive_article; --',
    "<script>alert(1)</script>",
    "Ізюм",
    "izyum AND balakliya",
    '"regroup',
    "NEAR(a b)",
    "*",
    "a" * 600,
]
# The pages that exist in archive_rows.
DETAILS = [
    ("/articles/", "russia-regroups"),
    ("/places/", "izyum"),
    ("/places/", "kharkiv-oblast"),
    ("/speakers/", "igor-konashenkov"),
    ("/tags/", "troop-withdrawal"),
    ("/outlets/", "ndtv"),
    ("/outlets/", "afp"),
]
EXAMPLES = {"lists": 450, "exports": 450, "feed": 250, "details": 400, "pages": 250, "paths": 250}
SETTINGS = settings(
    max_examples=1,  # replaced per test
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

values = st.one_of(
    st.sampled_from(KNOWN),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="ascii"), max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
)
keys = st.one_of(st.sampled_from(PARAMS), st.sampled_from(PARAMS), st.text(max_size=12))
queries = st.lists(st.tuples(keys, values), max_size=8)


@pytest.fixture
def archive_rows():
    """A small archive with a value behind each kind of parameter, and a draft."""
    region = PlaceFactory(
        name="Kharkiv region", slug="kharkiv-oblast", latitude=49.5, longitude=36.5
    )
    izyum = PlaceFactory(name="Izyum", slug="izyum", parent=region, latitude=49.2, longitude=37.3)
    izyum.aliases.create(name="Izium")
    outlet = OutletFactory(name="NDTV", slug="ndtv")
    agency = OutletFactory(name="AFP", slug="afp")
    speaker = SpeakerFactory(name="Igor Konashenkov", slug="igor-konashenkov")
    article = ArticleFactory(
        outlet=outlet,
        slug="russia-regroups",
        headline="Russia regroups troops near Izyum",
        paragraphs=["“We regroup,” he said.", "Second."],
        places=[izyum],
        tags=["troop-withdrawal"],
    )
    QuoteFactory(article=article, speaker=speaker, text="We regroup", place=izyum, tags=["quote"])
    PhotoCaptionFactory(article=article, agency=agency, credit="Juan Barreto/AFP", place=izyum)
    ArticleFactory(slug="hidden-draft", status=ArticleStatus.DRAFT, places=[izyum])


def fuzz(strategy, examples: int, check) -> Counter:
    """Run `check` on `examples` generated values; count the statuses it returns."""
    statuses = Counter()

    @settings(SETTINGS, max_examples=examples)
    @given(strategy)
    def run(value):
        statuses[check(value)] += 1

    run()
    assert statuses.total() >= examples
    return statuses


def get(client, url) -> tuple[int, str, bytes]:
    """Request a URL and return its status, content type and body; fail on a server error."""
    response = client.get(url)
    assert response.status_code < 500, f"{response.status_code} for {url!r}"
    # A failure inside a streamed body is a server error too: read it all.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.get("Content-Type", ""), body


def test_lists_survive_any_query(client, archive_rows):
    paths = st.sampled_from(["/articles/", "/quotes/", "/photos/"])

    def check(case):
        path, query = case
        return get(client, f"{path}?{urlencode(query)}")[0]

    statuses = fuzz(st.tuples(paths, queries), EXAMPLES["lists"], check)
    assert statuses[200] >= EXAMPLES["lists"] // 5, statuses  # not only rejected queries


def test_exports_survive_any_query_and_stay_well_formed(client, archive_rows):
    paths = st.sampled_from(["/articles/", "/quotes/", "/photos/"])
    formats = st.sampled_from(["json", "csv"])

    def check(case):
        path, export, query = case
        url = f"{path}?{urlencode([*query, ('format', export)])}"
        status, content_type, body = get(client, url)
        if status != 200:
            return status
        if content_type.startswith("application/json"):
            assert isinstance(json.loads(body)["results"], list), url
        else:
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            assert rows and len({len(row) for row in rows}) == 1, url
        return status

    statuses = fuzz(st.tuples(paths, formats, queries), EXAMPLES["exports"], check)
    assert statuses[200] >= EXAMPLES["exports"] // 5, statuses


def test_the_feed_survives_any_query_and_stays_well_formed(client, archive_rows):
    def check(query):
        url = f"/articles/feed/?{urlencode(query)}"
        status, _, body = get(client, url)
        if status == 200:
            ElementTree.fromstring(body)
        return status

    statuses = fuzz(queries, EXAMPLES["feed"], check)
    assert statuses[200] >= EXAMPLES["feed"] // 5, statuses


def test_detail_pages_survive_any_address(client, archive_rows):
    prefixes = st.sampled_from(
        ["/articles/", "/places/", "/speakers/", "/tags/", "/outlets/", "/articles/feed/"]
    )
    segments = st.one_of(st.sampled_from(KNOWN), st.text(min_size=1, max_size=60))
    addresses = st.one_of(st.sampled_from(DETAILS), st.tuples(prefixes, segments))

    def check(case):
        (prefix, segment), query = case
        return get(client, f"{prefix}{quote(segment, safe='')}/?{urlencode(query)}")[0]

    statuses = fuzz(st.tuples(addresses, queries), EXAMPLES["details"], check)
    assert statuses[200] >= EXAMPLES["details"] // 5, statuses


def test_other_pages_survive_any_query(client, archive_rows):
    paths = st.sampled_from(
        ["/", "/places/", "/speakers/", "/sitemap.xml", "/robots.txt", "/healthz"]
    )

    def check(case):
        path, query = case
        return get(client, f"{path}?{urlencode(query)}")[0]

    statuses = fuzz(st.tuples(paths, queries), EXAMPLES["pages"], check)
    assert statuses[200] >= EXAMPLES["pages"] // 2, statuses


def test_any_path_gives_a_page_or_a_client_error(client, archive_rows):
    paths = st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4)

    def check(parts):
        return get(client, "/" + "/".join(quote(part, safe="") for part in parts))[0]

    statuses = fuzz(paths, EXAMPLES["paths"], check)
    assert set(statuses) <= {200, 301, 302, 400, 404}, statuses


def test_the_fuzzing_sends_at_least_two_thousand_requests():
    assert sum(EXAMPLES.values()) >= 2000


# --- load_archive on hostile and broken files ------------------------------------------------

GOOD = [
    {"model": "archive.outlet", "fields": {"name": "The Daily", "slug": "the-daily"}},
    {"model": "archive.speaker", "fields": {"name": "A Spokesperson", "slug": "a-spokes"}},
    {
        "model": "archive.article",
        "fields": {
            "outlet": ["the-daily"],
            "headline": "A headline",
            "slug": "a-headline",
            "published_on": "2022-09-10",
            "paragraphs": ["“We will win,” she said."],
            "status": "published",
            "places": [["izyum"]],
        },
    },
    {
        "model": "archive.quote",
        "fields": {
            "article": ["a-headline"],
            "position": 1,
            "speaker": ["a-spokes"],
            "text": "We will win,",
            "paragraph": 1,
        },
    },
    {"model": "archive.tag", "fields": {"name": "Retreat", "slug": "retreat"}},
    {
        "model": "archive.articletag",
        "fields": {"tag": ["Retreat"], "content_object": ["a-headline"]},
    },
]


def with_field(index: int, **fields) -> list[dict]:
    records = json.loads(json.dumps(GOOD))
    records[index]["fields"].update(fields)
    return records


VALID_TEXT = json.dumps(GOOD, ensure_ascii=False)
BROKEN_FILES = {
    "truncated": (VALID_TEXT[: len(VALID_TEXT) // 2], "not valid JSON"),
    "not UTF-8": (b"\xff\xfe[\x00{\x00", "cannot be read"),
    "nested too deeply": ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    "a number too long": ("[" + "9" * 5000 + "]", "not valid JSON"),
    "empty": ("", "not valid JSON"),
    "fields not an object": ([{"model": "archive.outlet", "fields": ["x"]}], "missing 'fields'"),
    "position as words": (with_field(3, position="one"), "position: expected a whole number"),
    "position as true": (with_field(3, position=True), "position: expected a whole number"),
    "headline as a number": (with_field(2, headline=42), "headline: expected text"),
    "headline as an object": (with_field(2, headline={"x": 1}), "headline: expected text"),
    "outlet as a bare slug": (with_field(2, outlet="the-daily"), "outlet: expected a natural key"),
    "places not nested": (with_field(2, places=["izyum"]), "places: expected a list of natural"),
    "position out of range": (with_field(3, position=10**20), "position: 10000000000000000000"),
    "headline too long": (with_field(2, headline="x" * 301), "headline: Ensure this value"),
    "an unknown status": (with_field(2, status="leaked"), "status: Value 'leaked' is not"),
    "an impossible date": (
        with_field(2, published_on="2022-02-30"),
        "#3: archive.article: published_on: “2022-02-30” value has the correct format",
    ),
    "the same article twice": (
        GOOD + [GOOD[2]],
        "broken.json #7: archive.article: the same object as",
    ),
    "a tag twice, in other case": (
        GOOD + [{"model": "archive.tag", "fields": {"name": "RETREAT", "slug": "retreat-2"}}],
        "broken.json #7: archive.tag: the same object as",
    ),
    "a tagging twice": (GOOD + [GOOD[5]], "broken.json #7: archive.articletag: the same object as"),
}


@pytest.fixture
def seeded(db):
    """A little archive already there, which a refused load must leave exactly as it was."""
    place = PlaceFactory(name="Izyum", slug="izyum")
    place.aliases.create(name="Izium")
    ArticleFactory(slug="kept", headline="Kept as it was", places=[place], tags=["kept"])


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_load_refuses_a_broken_file_names_the_problem_and_changes_nothing(seeded, tmp_path, case):
    from django.core.management import CommandError, call_command

    from archive.dataio.checksum import archive_checksum

    content, message = BROKEN_FILES[case]
    path = tmp_path / "broken.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    before = archive_checksum()
    with pytest.raises(CommandError) as info:
        call_command("load_archive", "--no-progress", str(path), stdout=io.StringIO())
    assert str(info.value).startswith("Nothing was loaded"), info.value
    assert message in str(info.value)
    assert "broken.json" in str(info.value)
    assert archive_checksum() == before


def test_load_refuses_a_file_over_the_size_limit_before_reading_it(seeded, tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.ARCHIVE_IMPORT_MAX_BYTES = 1024
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(GOOD * 10), encoding="utf-8")
    with pytest.raises(CommandError, match=r"huge.json: 0.0 MB is larger than the limit of 0 MB"):
        call_command("load_archive", "--no-progress", str(path), stdout=io.StringIO())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@st.composite
def mangled_archives(draw):
    """The good records with some fields replaced, removed or added at random."""
    records = json.loads(json.dumps(GOOD))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        record = draw(st.sampled_from(records))
        names = sorted(record["fields"]) or ["name"]
        action = draw(st.sampled_from(["replace", "remove", "add", "model"]))
        if action == "replace":
            record["fields"][draw(st.sampled_from(names))] = draw(json_values)
        elif action == "remove":
            record["fields"].pop(draw(st.sampled_from(names)), None)
        elif action == "add":
            record["fields"][draw(st.text(max_size=10))] = draw(json_values)
        else:
            record["model"] = draw(st.sampled_from(["archive.place", "archive.nothing", 7]))
    return records


def test_load_either_loads_or_refuses_cleanly_whatever_the_records(seeded, tmp_path):
    from archive.dataio.checksum import archive_checksum
    from archive.dataio.load import ArchiveImportError, archive_import

    before = archive_checksum()
    path = tmp_path / "mangled.json"
    outcomes = Counter()

    @settings(SETTINGS, max_examples=150)
    @given(mangled_archives())
    def run(records):
        path.write_text(json.dumps(records), encoding="utf-8")
        try:
            archive_import([path], dry_run=True)
        except ArchiveImportError as exc:
            assert exc.problems and all("mangled.json" in p for p in exc.problems)
            outcomes["refused"] += 1
        else:
            outcomes["loaded"] += 1
        assert archive_checksum() == before  # a dry run writes nothing either way

    run()
    assert outcomes["refused"] >= 50, outcomes
