import io
import json

import pytest
from django.core.management import call_command

from archive.editorial import history
from archive.editorial.tagging import tag_add, tag_merge, tag_remove
from archive.models import Article, ArticleStatus, Place, PlaceAlias, Quote, Tag
from tests.admin_support import admin_url, form_data
from tests.conftest import soup
from tests.factories import ArticleFactory, PlaceFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def save_in_admin(client, model, obj, **changes):
    url = admin_url(model, "change", obj.pk)
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, soup(response).select(".errorlist")
    return response


def history_rows(client, model, obj):
    page = soup(client.get(admin_url(model, "history", obj.pk)))
    return page.select("#change-history tbody tr")


def test_an_admin_save_records_who_when_and_each_changed_field(editor_client, editor):
    article = ArticleFactory(headline="Before", status=ArticleStatus.DRAFT, tags=["old"])
    save_in_admin(editor_client, "article", article, headline="After", tags="old, new")
    # Created, tagged "old", then changed in the admin.
    records = list(article.history.order_by("history_id"))
    assert [(r.headline, r.relations["tags"]) for r in records] == [
        ("Before", []),
        ("Before", ["old"]),
        ("After", ["new", "old"]),
    ]
    latest = records[-1]
    assert latest.history_user == editor
    changes = {c.field: (c.old, c.new) for c in history.history_changes(records[1], latest)}
    assert changes == {"Headline": ("Before", "After"), "Tags": ("old", "new, old")}
    rows = history_rows(editor_client, "article", article)
    assert len(rows) == 3
    assert "edna" in rows[0].text
    assert "Headline:" in rows[0].text and "Before" in rows[0].text and "After" in rows[0].text
    assert "Tags:" in rows[0].text


def test_one_admin_save_with_new_tags_is_one_history_entry(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    save_in_admin(editor_client, "article", article, headline="One")
    before = article.history.count()
    save_in_admin(editor_client, "article", article, headline="Two", tags="a, b")
    assert article.history.count() == before + 1
    latest = article.history.first()
    assert (latest.headline, latest.relations["tags"]) == ("Two", ["a", "b"])
    assert "Tags added: a, b" in latest.history_change_reason


def test_an_old_version_shows_its_own_tags_not_todays(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT, tags=["izyum"])
    save_in_admin(editor_client, "article", article, headline="v2", tags="izyum, balakliya")
    save_in_admin(editor_client, "article", article, headline="v3", tags="kupiansk")
    v2 = article.history.get(headline="v2")
    assert v2.relations["tags"] == ["balakliya", "izyum"]
    page = soup(
        editor_client.get(admin_url("article", "simple_history", article.pk, v2.history_id))
    )
    assert page.select_one("input#id_tags")["value"] == "balakliya, izyum"
    assert page.select_one("input#id_headline")["value"] == "v2"
    assert list(article.tags.names()) == ["kupiansk"]


def test_bulk_tag_actions_record_who_added_or_removed_which_tag(editor):
    quote = QuoteFactory()
    tag_add([quote], ["Izyum", "casualties"], user=editor)
    tag_remove([quote], ["casualties"], user=editor)
    added, removed = quote.history.order_by("history_id")[1:]
    assert (added.history_user, added.history_change_reason) == (
        editor,
        "Tags added: casualties, Izyum",
    )
    assert (removed.history_user, removed.history_change_reason) == (
        editor,
        "Tags removed: casualties",
    )
    assert added.relations["tags"] == ["casualties", "Izyum"]
    assert removed.relations["tags"] == ["Izyum"]


def test_a_tag_merge_is_in_the_history_of_every_item_it_moved(editor):
    old, new = Tag.objects.create(name="kharkiv-offensive"), Tag.objects.create(name="kharkiv")
    first, second = QuoteFactory(tags=[old]), QuoteFactory(tags=[old, new])
    untouched = QuoteFactory(tags=[new])
    untouched_entries = untouched.history.count()
    tag_merge([old], new, user=editor)
    for quote in (first, second):
        latest = quote.history.first()
        assert latest.history_change_reason == "Tag kharkiv-offensive merged into kharkiv"
        assert latest.history_user == editor
        assert latest.relations["tags"] == ["kharkiv"]
        before = quote.history.all()[1]
        assert "kharkiv-offensive" in before.relations["tags"]
    assert untouched.history.count() == untouched_entries


def test_restoring_an_earlier_version_brings_back_fields_and_tags(editor_client, editor):
    place = PlaceFactory(name="Izyum")
    article = ArticleFactory(headline="v1", status=ArticleStatus.DRAFT, tags=["izyum"])
    save_in_admin(editor_client, "article", article, headline="v2", tags="kupiansk")
    Article.objects.get(pk=article.pk).places.add(place)
    v1 = article.history.get(headline="v1", relations__tags=["izyum"])
    url = admin_url("article", "restore", article.pk, v1.history_id)
    confirm = soup(editor_client.get(url))
    rows = {r.th.text: [td.text for td in r.select("td")] for r in confirm.select("tbody tr")}
    assert rows["Headline"] == ["v2", "v1"]
    assert rows["Tags"] == ["kupiansk", "izyum"]
    assert Article.objects.get(pk=article.pk).headline == "v2"  # nothing yet
    response = editor_client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "v1"
    assert list(article.tags.names()) == ["izyum"]
    assert list(article.places.all()) == []
    latest = article.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Restored the version of")
    assert latest.relations["tags"] == ["izyum"]


def test_restoring_uses_the_surviving_tag_of_a_merge(editor_client):
    quote = QuoteFactory(tags=["Izium"], article=ArticleFactory(status=ArticleStatus.DRAFT))
    save_in_admin(editor_client, "quote", quote, text="Changed", tags="")
    first = quote.history.get(relations__tags=["Izium"])
    tag_merge([Tag.objects.get(name="Izium")], Tag.objects.create(name="Izyum"), user=None)
    editor_client.post(admin_url("quote", "restore", quote.pk, first.history_id))
    assert list(Quote.objects.get(pk=quote.pk).tags.names()) == ["Izyum"]
    assert not Tag.objects.filter(name="Izium").exists()


def test_place_history_keeps_other_spellings(editor_client):
    place = PlaceFactory(name="Izyum")
    PlaceAlias.objects.create(owner=place, name="Izium")
    url = admin_url("place", "change", place.pk)
    data = form_data(editor_client.get(url))
    data["aliases-0-DELETE"] = "on"
    assert editor_client.post(url, data).status_code == 302
    # Created; the alias added outside the admin caught up before the change; the change.
    records = list(place.history.order_by("history_id"))
    assert [r.relations["aliases"] for r in records] == [[], ["Izium"], []]
    assert records[1].history_change_reason == history.CATCH_UP_REASON
    editor_client.post(admin_url("place", "restore", place.pk, records[1].history_id))
    assert list(Place.objects.get(pk=place.pk).aliases.values_list("name", flat=True)) == ["Izium"]


@pytest.mark.parametrize("model", ["quote", "photocaption", "place", "speaker"])
def test_every_historied_model_has_a_history_page(editor_client, model):
    from tests.factories import PhotoCaptionFactory

    factory = {
        "quote": QuoteFactory,
        "photocaption": PhotoCaptionFactory,
        "place": PlaceFactory,
        "speaker": SpeakerFactory,
    }[model]
    obj = factory()
    if hasattr(obj, "article"):
        Article.objects.filter(pk=obj.article_id).update(status=ArticleStatus.DRAFT)
    save_in_admin(editor_client, model, obj, tags="checked")
    rows = history_rows(editor_client, model, obj)
    assert len(rows) == 2  # created, then the admin's change
    assert "edna" in rows[0].text


def test_the_old_version_page_cannot_be_posted_to(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    save_in_admin(editor_client, "article", article, headline="New")
    record = article.history.first()
    url = admin_url("article", "simple_history", article.pk, record.history_id)
    assert editor_client.post(url, {"headline": "Sneaky"}).status_code == 405
    assert Article.objects.get(pk=article.pk).headline == "New"


def test_restore_of_an_unknown_version_is_a_404(editor_client):
    article = ArticleFactory()
    assert editor_client.get(admin_url("article", "restore", article.pk, 999)).status_code == 404
    assert editor_client.get(admin_url("article", "restore", "abc", 1)).status_code == 404
    assert editor_client.get(admin_url("article", "history", "abc")).status_code == 404
    assert editor_client.get(admin_url("article", "simple_history", "abc", 1)).status_code == 404


def test_loading_the_archive_writes_no_history_and_exports_no_versions(tmp_path, seed):
    assert not Article.history.model.objects.exists()
    out = tmp_path / "export.json"
    call_command("export_archive", "-o", str(out), stdout=io.StringIO())
    records = json.loads(out.read_text(encoding="utf-8"))
    assert not any("version" in r["fields"] for r in records)
    article = Article.objects.first()
    article.headline = "Edited"
    article.save()
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    article.refresh_from_db()
    # The load put the seed headline back and moved the version on, so an editor's form
    # opened before the load cannot overwrite it.
    assert article.version == 3
    assert article.headline != "Edited"
