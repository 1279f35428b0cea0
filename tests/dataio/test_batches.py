import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from archive.dataio.batches import NATURAL_KEYS, KeyCache, key_paths, normal_key
from archive.dataio.catalog import ARCHIVE_MODELS
from archive.models import ArticleTag, Tag
from tests.factories import ArticleFactory, PhotoCaptionFactory, PlaceFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def test_every_archive_model_has_its_natural_key_written_out():
    assert {m._meta.label_lower for m in ARCHIVE_MODELS} <= set(NATURAL_KEYS)


def test_the_natural_keys_in_memory_are_the_models_own(db):
    """The table the loader looks keys up by agrees with every model's natural_key()."""
    editor = User.objects.create_user("desk")
    place = PlaceFactory(slug="izyum")
    place.aliases.create(name="Izium")
    place.tags.add("Front", through_defaults={"added_by": editor})
    article = ArticleFactory(places=[place], tags=["Retreat"])
    QuoteFactory(article=article, tags=["Kremlin"])
    PhotoCaptionFactory(article=article, tags=["Rail"])
    checked = 0
    for model in ARCHIVE_MODELS:
        label = model._meta.label_lower
        cache = KeyCache()
        for obj in model._default_manager.all():
            key = normal_key(label, obj.natural_key())
            cache.fetch(label, [key])
            assert cache.pk(label, key) == obj.pk, (label, key)
            checked += 1
    assert checked > 10
    assert [path for path, _ in key_paths("archive.quotetag")] == [
        "tag__name",
        "content_object__article__slug",
        "content_object__position",
    ]


def test_a_tag_is_found_by_its_name_in_any_case():
    tag = Tag.objects.create(name="Counter-offensive", slug="counter-offensive")
    cache = KeyCache()
    key = normal_key("archive.tag", ["COUNTER-OFFENSIVE"])
    cache.fetch("archive.tag", [key])
    assert cache.pk("archive.tag", key) == tag.pk


def test_a_record_the_database_refuses_is_named_and_nothing_is_written(tmp_path):
    """A new tag whose slug another tag has: refused by the database, named by record."""
    Tag.objects.create(name="Retreat", slug="retreat")
    records = [
        {"model": "archive.tag", "fields": {"name": f"Topic {n}", "slug": f"topic-{n}"}}
        for n in range(5)
    ] + [{"model": "archive.tag", "fields": {"name": "Withdrawal", "slug": "retreat"}}]
    path = tmp_path / "tags.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("load_archive", "--no-progress", str(path), stdout=io.StringIO())
    assert "Nothing was loaded: 1 problem found." in str(info.value)
    assert "tags.json #6: archive.tag: slug: Tag with this Slug already exists." in str(info.value)
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["retreat"]


def test_a_load_adds_quotes_and_taggings_to_an_article_already_there(tmp_path):
    article = ArticleFactory(slug="kept", paragraphs=["One.", "Two."])
    speaker = QuoteFactory(article=article, position=1).speaker
    records = [
        {
            "model": "archive.quote",
            "fields": {
                "article": ["kept"],
                "position": 2,
                "speaker": [speaker.slug],
                "text": "Two.",
                "paragraph": 2,
            },
        },
        {"model": "archive.tag", "fields": {"name": "Retreat", "slug": "retreat"}},
        {"model": "archive.articletag", "fields": {"tag": ["retreat"], "content_object": ["kept"]}},
    ]
    path = tmp_path / "more.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    out = io.StringIO()
    call_command("load_archive", "--no-progress", str(path), stdout=out)
    assert "Loaded: 3 created, 0 updated, 0 unchanged." in out.getvalue()
    assert list(article.quotes.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert ArticleTag.objects.get().tag.name == "Retreat"


def _search_rows():
    from django.db import connection

    tables = {
        "sqlite": ["archive_search_article", "archive_search_quote", "archive_search_caption"],
        "postgresql": ["archive_search_article"],
    }[connection.vendor]
    with connection.cursor() as cursor:
        rows = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            rows.append(cursor.fetchall())
    return rows


@pytest.mark.parametrize("articles_there", [False, True])
def test_the_search_index_after_a_load_is_the_one_a_rebuild_makes(articles_there):
    """Into an empty archive the index is filled once at the end; else row by row."""
    from django.db import connection

    from archive.search.backends import backend_for

    if articles_there:
        ArticleFactory(slug="already-there", headline="Already there")
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    loaded = _search_rows()
    assert len(loaded[0]) == 3 + articles_there
    backend_for(connection).rebuild()
    assert _search_rows() == loaded


def test_loaded_rows_take_their_keys_from_the_table_so_later_rows_get_new_ones(tmp_path):
    """On PostgreSQL the keys of a COPY come from the table's sequence: a row added after the
    load, the ordinary way, gets a key of its own, and the loaded rows' keys follow the file."""
    article = ArticleFactory(slug="kept", paragraphs=["One.", "Two.", "Three."])
    speaker = QuoteFactory(article=article, position=1).speaker
    records = [
        {
            "model": "archive.quote",
            "fields": {
                "article": ["kept"],
                "position": position,
                "speaker": [speaker.slug],
                "text": f"Said {position}.",
                "paragraph": 1,
            },
        }
        for position in (2, 3, 4)
    ]
    path = tmp_path / "quotes.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    call_command("load_archive", "--no-progress", str(path), stdout=io.StringIO())
    later = QuoteFactory(article=article, position=5)
    ids = list(article.quotes.order_by("position").values_list("pk", flat=True))
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert later.pk == max(ids)


def test_text_with_tabs_newlines_and_backslashes_is_loaded_exactly(tmp_path):
    """COPY's own separators and escapes in the text are data, not syntax."""
    article = ArticleFactory(slug="kept", paragraphs=["One."])
    speaker = QuoteFactory(article=article, position=1).speaker
    text = 'Tab\there, a new\nline, a back\\slash, \\N, "quotes", \\. and a\r\nCRLF'
    records = [
        {
            "model": "archive.quote",
            "fields": {
                "article": ["kept"],
                "position": 2,
                "speaker": [speaker.slug],
                "text": text,
                "paragraph": 1,
            },
        }
    ]
    path = tmp_path / "quote.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    call_command("load_archive", "--no-progress", str(path), stdout=io.StringIO())
    assert article.quotes.get(position=2).text == text
