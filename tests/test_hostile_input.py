"""Hostile input that reaches the archive from editors, files, readers and operators (issue #13)."""

import csv
import io
import json
import os
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from archive.editorial import tagging
from archive.models import ArticleStatus, Outlet, Tag
from archive.public.exports import csv_lines
from tests.admin_support import action, admin_url, form_data
from tests.conftest import soup
from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db

NO_LETTERS = ["!!!", "🔥", "— ·", "___"]


def load(*paths):
    call_command(
        "load_archive", "--no-progress", *paths, stdout=io.StringIO(), stderr=io.StringIO()
    )


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# --- Tag names without letters or digits ----------------------------------------------------


@pytest.mark.parametrize("name", NO_LETTERS)
def test_a_tag_without_letters_or_digits_cannot_be_created_by_any_save(name):
    with pytest.raises(ValidationError, match="at least one letter or digit"):
        Tag.objects.create(name=name)
    with pytest.raises(ValidationError, match="at least one letter or digit"):
        Tag(name=name, slug="given").full_clean()
    assert not Tag.objects.exists()


def test_the_database_refuses_a_tag_without_a_slug():
    tag = Tag.objects.create(name="Izyum")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.filter(pk=tag.pk).update(slug="")


def test_names_without_letters_do_not_resolve_to_one_another():
    with pytest.raises(ValidationError, match="“🔥” has none"):
        Tag.objects.resolve(["Izyum", "🔥"])
    assert Tag.objects.resolve(["!!!"], create=False) == []


def test_the_article_form_refuses_a_tag_without_letters_and_keeps_the_old_tags(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT, tags=["izyum"])
    data = form_data(editor_client.get(admin_url("article", "change", article.pk)))
    data["tags"] = "kharkiv, !!!"
    response = editor_client.post(admin_url("article", "change", article.pk), data)
    assert response.status_code == 200
    errors = " ".join(e.get_text() for e in soup(response).select(".errorlist"))
    assert "A tag name needs at least one letter or digit; “!!!” has none." in errors
    assert list(article.tags.names()) == ["izyum"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["izyum"]


def test_the_add_tags_action_refuses_a_tag_without_letters(editor_client):
    quote = QuoteFactory()
    response = action(
        editor_client, "quote", "add_tags", [quote], step=True, apply="1", tags="casualties, 🔥"
    )
    assert response.status_code == 200
    assert "“🔥” has none" in response.content.decode()
    assert list(quote.tags.names()) == []
    assert not Tag.objects.exists()


def test_the_tag_admin_refuses_to_add_or_rename_to_a_name_without_letters(editor_client):
    response = editor_client.post(admin_url("tag", "add"), {"name": "???"})
    assert response.status_code == 200
    assert "“???” has none" in response.content.decode()
    tag = Tag.objects.create(name="izyum")
    with pytest.raises(ValidationError, match="at least one letter or digit"):
        tagging.tag_rename(tag, "🔥🔥", user=None)
    assert Tag.objects.get().name == "izyum"


def test_load_archive_refuses_a_tag_without_letters_with_file_record_and_field(tmp_path):
    path = write(
        tmp_path,
        "tags.json",
        [
            {"model": "archive.tag", "fields": {"name": "izyum", "slug": "izyum"}},
            {"model": "archive.tag", "fields": {"name": "!!!", "slug": "bang"}},
        ],
    )
    with pytest.raises(CommandError) as excinfo:
        load(path)
    assert f"{path} #2: archive.tag: name: A tag name needs at least one letter or digit" in str(
        excinfo.value
    )
    assert not Tag.objects.exists()


def _store_tag_without_slug(name: str) -> None:
    """Store a tag as a database from before the constraint could hold it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("ALTER TABLE archive_tag DROP CONSTRAINT tag_slug_not_empty")
        Tag.objects.filter(name=name).update(name="!!!", slug="")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


@pytest.mark.django_db(transaction=True)
def test_no_page_fails_on_a_stored_tag_without_a_slug_and_the_migration_repairs_it(client):
    """A database from before the constraint may hold such a tag; pages must still render."""
    import importlib

    from django.apps import apps
    from django.db import connection

    article = ArticleFactory(status=ArticleStatus.PUBLISHED, tags=["izyum", "bang"])
    QuoteFactory(article=article, tags=["bang"])
    _store_tag_without_slug("bang")
    for url in ["/", "/articles/", article.get_absolute_url(), "/quotes/", "/sitemap.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'href="/tags//"' not in response.content.decode(), url
    assert "!!!" in client.get(article.get_absolute_url()).content.decode()
    migration = importlib.import_module("archive.migrations.0005_tag_slug_not_empty")
    migration.give_empty_slugs_an_address(apps, None)
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE archive_tag ADD CONSTRAINT tag_slug_not_empty CHECK (NOT slug = '')"
            )
    tag = Tag.objects.get(name="!!!")
    assert tag.slug == f"tag-{tag.pk}"
    assert client.get(tag.get_absolute_url()).status_code == 200


# --- load_archive: record shapes and files without a size ----------------------------------

OUTLET = {"model": "archive.outlet", "fields": {"name": "The Daily", "slug": "the-daily"}}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {"model": "ARCHIVE.PLACE", "fields": {"name": "Izyum", "slug": "izyum"}},
            "#2: model 'ARCHIVE.PLACE' must be written in lower case: 'archive.place'",
        ),
        (
            {"model": "archive.speaker", "fields": {"name": "A", "slug": "a", "version": 7}},
            "#2: archive.speaker: 'version' is not archive content and cannot be loaded",
        ),
        (
            {"model": "archive.speaker", "version": 7, "fields": {"name": "A", "slug": "a"}},
            "#2: unknown key 'version' (a record has only 'model' and 'fields')",
        ),
    ],
)
def test_load_archive_names_an_odd_record_in_one_line(tmp_path, record, message):
    path = write(tmp_path, "odd.json", [OUTLET, record])
    with pytest.raises(CommandError) as excinfo:
        load(path)
    assert str(excinfo.value).splitlines() == [
        "Nothing was loaded: 1 problem found.",
        f"  {path} {message}",
    ]
    assert not Outlet.objects.exists()


def _feed_fifo(path, data: bytes):
    def feed():
        try:
            with open(path, "wb") as stream:
                stream.write(data)
        except BrokenPipeError:
            pass  # the reader stopped at the limit, as it should

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def test_a_pipe_over_the_size_limit_is_refused_and_loads_nothing(tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 1024
    fifo = tmp_path / "big.json"
    os.mkfifo(fifo)
    big = json.dumps([OUTLET] + [{"model": "archive.tag", "fields": {"name": "x" * 90}}] * 20)
    thread = _feed_fifo(fifo, big.encode())
    with pytest.raises(CommandError, match=r"big.json: is larger than the limit of 0 MB"):
        load(str(fifo))
    thread.join(timeout=5)
    assert not Outlet.objects.exists()


def test_a_pipe_within_the_limit_loads(tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 1024
    fifo = tmp_path / "small.json"
    os.mkfifo(fifo)
    thread = _feed_fifo(fifo, json.dumps([OUTLET]).encode())
    load(str(fifo))
    thread.join(timeout=5)
    assert list(Outlet.objects.values_list("slug", flat=True)) == ["the-daily"]


def test_dev_zero_is_read_only_up_to_the_limit(settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 4096
    with pytest.raises(CommandError, match="/dev/zero: is larger than the limit"):
        load("/dev/zero")


# --- CSV exports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        " =HYPERLINK(1)",
        "  \n @x",
        "\u3000=1",  # ideographic space
        "\u200b=1",  # zero-width space
        "＝HYPERLINK(1)",
        "＋1",
        "－1",
        "＠SUM(A1)",
        " ＝1",
        "﹦1",  # small equals sign
    ],
)
def test_a_csv_cell_that_could_run_as_a_formula_starts_with_an_apostrophe(text):
    header, body = list(csv_lines(["headline"], [{"headline": text}]))
    assert header == '"headline"\r\n'
    assert next(csv.reader(io.StringIO(body))) == ["'" + text]


@pytest.mark.parametrize("text", ["Izyum", "", "Said “no”", "a=b", "1-2", "  spaced", "Ｉｚｙｕｍ"])
def test_a_plain_csv_cell_is_left_as_it_is(text):
    body = list(csv_lines(["headline"], [{"headline": text}]))[1]
    assert next(csv.reader(io.StringIO(body))) == [text]


def test_every_csv_cell_is_quoted_and_its_quotes_doubled(client):
    ArticleFactory(status=ArticleStatus.PUBLISHED, headline='He said "=1+1", then left')
    response = client.get("/articles/?format=csv")
    line = b"".join(response.streaming_content).decode().splitlines()[1]
    assert '"He said ""=1+1"", then left"' in line
    assert re.fullmatch(r'("(?:[^"]|"")*",)*"(?:[^"]|"")*"', line), line


@pytest.mark.parametrize(
    "url",
    [
        "/tags/a%00b/",
        "/places/%00/",
        "/articles/?q=%00",
        "/articles/?tag=troop%00withdrawal",
        "/admin/archive/article/?q=%00",
        "/admin/archive/tag/%00/change/",
        "/api/articles?q=%00",
    ],
)
def test_a_nul_character_in_an_address_is_a_bad_request_on_every_database(editor_client, url):
    # PostgreSQL text cannot hold NUL: without the guard a tag's address or an admin search
    # with one fails in the database as a server error.
    ArticleFactory(tags=["troop-withdrawal"])
    response = editor_client.get(url)
    assert response.status_code == 400
    assert b"NUL" in response.content
    if url.startswith("/api/"):
        assert response.json()["status"] == 400


def test_an_encoded_percent_sign_is_not_mistaken_for_a_nul(client):
    ArticleFactory(tags=["troop-withdrawal"])
    assert client.get("/articles/?q=%2500").status_code == 200
