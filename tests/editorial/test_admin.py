import itertools

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.editorial.tagging import tag_merge
from archive.models import (
    Article,
    ArticleStatus,
    ArticleTag,
    PhotoCaption,
    PlaceAlias,
    Quote,
    SpeakerAlias,
    Tag,
    TagOperation,
    TagRedirect,
)
from tests.admin_support import action, admin_url, form_data, make_user
from tests.conftest import soup
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


_serial = itertools.count()


def make_rows(model, n):
    """n rows of a model, each with tags and the related rows its list shows."""
    for _ in range(n):
        i = next(_serial)
        if model == "article":
            article = ArticleFactory(tags=[f"t{i}", "shared"], places=[PlaceFactory()])
            QuoteFactory(article=article)
            PhotoCaptionFactory(article=article)
        elif model == "quote":
            QuoteFactory(tags=[f"t{i}", "shared"], place=PlaceFactory())
        elif model == "photocaption":
            PhotoCaptionFactory(tags=[f"t{i}", "shared"], place=PlaceFactory())
        elif model == "place":
            place = PlaceFactory(tags=[f"t{i}"], parent=PlaceFactory())
            PlaceAlias.objects.create(owner=place, name=f"Alias {i}")
            QuoteFactory(place=place)
        elif model == "speaker":
            speaker = SpeakerFactory(tags=[f"t{i}"])
            SpeakerAlias.objects.create(owner=speaker, name=f"Alias {i}")
            QuoteFactory(speaker=speaker)
        elif model == "outlet":
            ArticleFactory(outlet=OutletFactory())
        elif model == "tag":
            ArticleFactory(tags=[f"t{i}"])


def changelist_queries(client, model):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model))
    assert response.status_code == 200
    return len(queries)


CHANGELISTS = ["article", "quote", "photocaption", "place", "speaker", "outlet", "tag"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_of_100_rows_runs_as_many_queries_as_one_of_2(editor_client, model):
    make_rows(model, 2)
    few = changelist_queries(editor_client, model)
    make_rows(model, 98)
    response = editor_client.get(admin_url(model))
    rows = soup(response).select("#result_list tbody tr")
    assert len(rows) >= 100
    assert changelist_queries(editor_client, model) == few


@pytest.mark.parametrize("model", [*CHANGELISTS, "tagoperation", "tagredirect"])
def test_every_changelist_and_add_page_opens(editor_client, model):
    make_rows(model if model in CHANGELISTS else "tag", 1)
    assert editor_client.get(admin_url(model)).status_code == 200
    if model not in {"tagoperation", "tagredirect"}:
        assert editor_client.get(admin_url(model, "add")).status_code == 200


def test_article_list_shows_tags_and_counts(editor_client):
    article = ArticleFactory(headline="Russia regroups", tags=["Izyum", "kharkiv-offensive"])
    QuoteFactory.create_batch(3, article=article)
    PhotoCaptionFactory(article=article)
    row = soup(editor_client.get(admin_url("article"))).select_one("#result_list tbody tr")
    assert row.select_one(".field-tag_list").text == "Izyum, kharkiv-offensive"
    assert row.select_one(".field-quote_count").text == "3"
    assert row.select_one(".field-caption_count").text == "1"


def test_article_search_finds_words_in_the_body(editor_client):
    ArticleFactory(headline="One", paragraphs=["Troops left Balakliya overnight."])
    ArticleFactory(headline="Two", paragraphs=["Nothing here."])
    page = soup(editor_client.get(admin_url("article"), {"q": "balakliya"}))
    assert [a.text for a in page.select("#result_list .field-headline a")] == ["One"]


def test_article_list_filters_by_tag_and_place(editor_client):
    izyum = PlaceFactory(name="Izyum")
    ArticleFactory(headline="Tagged", tags=["izyum"])
    ArticleFactory(headline="Placed", places=[izyum])
    by_tag = soup(editor_client.get(admin_url("article"), {"tag": "izyum"}))
    assert [a.text for a in by_tag.select("#result_list .field-headline a")] == ["Tagged"]
    by_place = soup(editor_client.get(admin_url("article"), {"places__id__exact": izyum.pk}))
    assert [a.text for a in by_place.select("#result_list .field-headline a")] == ["Placed"]


def test_place_list_counts_articles_quotes_and_captions(editor_client):
    place = PlaceFactory(name="Balakliya")
    ArticleFactory(places=[place])
    QuoteFactory.create_batch(2, place=place)
    PhotoCaptionFactory(place=place)
    page = soup(editor_client.get(admin_url("place"), {"q": "Balakliya"}))
    row = page.select_one("#result_list tbody tr")
    counts = [row.select_one(f".field-{n}_count").text for n in ("article", "quote", "caption")]
    assert counts == ["1", "2", "1"]


def test_autocomplete_finds_a_place_by_another_spelling(editor_client):
    place = PlaceFactory(name="Izyum")
    PlaceAlias.objects.create(owner=place, name="Izium")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Izium", "app_label": "archive", "model_name": "article", "field_name": "places"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Izyum"]


def test_view_on_site_only_for_published_articles(editor_client):
    published = ArticleFactory(status=ArticleStatus.PUBLISHED)
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    page = soup(editor_client.get(admin_url("article", "change", published.pk)))
    assert page.select_one("a.viewsitelink")["href"].endswith(published.get_absolute_url())
    page = soup(editor_client.get(admin_url("article", "change", draft.pk)))
    assert page.select_one("a.viewsitelink") is None


# --- Editing and tags -----------------------------------------------------------------------


def test_editing_an_article_saves_fields_tags_and_inline_quotes(editor_client, editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT, tags=["old"])
    quote = QuoteFactory(article=article, text="Before")
    data = form_data(editor_client.get(admin_url("article", "change", article.pk)))
    data["headline"] = "After"
    data["tags"] = "Valencia, valencia, VALENCIA"
    data["quotes-0-text"] = "After quote"
    data["quotes-0-tags"] = "quoted"
    response = editor_client.post(admin_url("article", "change", article.pk), data)
    assert response.status_code == 302, soup(response).select(".errorlist")
    article.refresh_from_db()
    quote.refresh_from_db()
    assert article.headline == "After"
    assert list(article.tags.names()) == ["Valencia"]
    assert Tag.objects.filter(name__iexact="valencia").count() == 1
    assert (quote.text, list(quote.tags.names())) == ("After quote", ["quoted"])
    assert ArticleTag.objects.get(content_object=article).added_by == editor


def test_a_tag_typed_with_other_case_or_spacing_reuses_the_existing_tag(editor_client):
    existing = Tag.objects.create(name="kharkiv-offensive")
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    data = form_data(editor_client.get(admin_url("article", "change", article.pk)))
    data["tags"] = "Kharkiv Offensive, KHARKIV-OFFENSIVE"
    editor_client.post(admin_url("article", "change", article.pk), data)
    assert list(article.tags.all()) == [existing]
    assert Tag.objects.count() == 1


def test_tag_suggestions_list_matching_tags_most_used_first(editor_client):
    ArticleFactory.create_batch(2, tags=["Kharkiv counteroffensive"])
    ArticleFactory(tags=["Kharkiv"])
    ArticleFactory(tags=["Izyum"])
    response = editor_client.get(admin_url("tag", "suggest"), {"q": "khar"})
    assert response.json()["results"] == [
        {"name": "Kharkiv counteroffensive", "count": 2},
        {"name": "Kharkiv", "count": 1},
    ]
    assert editor_client.get(admin_url("tag", "suggest"), {"q": "  "}).json() == {"results": []}
    long = editor_client.get(admin_url("tag", "suggest"), {"q": "x" * 5000})
    assert long.status_code == 200


def test_tag_suggestions_need_a_login(client):
    response = client.get(admin_url("tag", "suggest"), {"q": "a"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_tag_field_offers_suggestions_without_a_cdn(editor_client):
    article = ArticleFactory()
    QuoteFactory(article=article)
    PhotoCaptionFactory(article=article)
    page = soup(editor_client.get(admin_url("article", "change", article.pk)))
    for name in ("tags", "quotes-0-tags", "captions-0-tags"):
        field = page.select_one(f"input#id_{name}")
        assert "tag-suggest" in field["class"]
        assert field["data-suggest-url"] == admin_url("tag", "suggest")
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any(src.endswith("archive/admin/tag-suggest.js") for src in scripts)
    assert all(src.startswith("/") for src in scripts)
    assert editor_client.get("/static/archive/admin/tag-suggest.js").status_code == 200


# --- Bulk actions ---------------------------------------------------------------------------


def test_add_tags_action_asks_for_tags_then_tags_the_selected_quotes(editor_client, editor):
    first, second, other = QuoteFactory(tags=["kept"]), QuoteFactory(), QuoteFactory()
    page = soup(action(editor_client, "quote", "add_tags", [first, second]))
    assert page.select_one("input[name=tags]") is not None
    assert len(page.select("input[name=_selected_action]")) == 2
    response = action(
        editor_client,
        "quote",
        "add_tags",
        [first, second],
        step=True,
        apply="1",
        tags="Izyum, casualties, izyum",
    )
    assert "Added Izyum, casualties to 2 quotes." in response.content.decode()
    assert set(first.tags.names()) == {"casualties", "Izyum", "kept"}
    assert set(second.tags.names()) == {"casualties", "Izyum"}
    assert list(other.tags.names()) == []
    assert {t.added_by for t in Quote.tags.through.objects.filter(tag__name="Izyum")} == {editor}


@pytest.mark.parametrize("model", ["article", "photocaption", "place", "speaker"])
def test_every_tagged_model_has_the_add_and_remove_tag_actions(editor_client, model):
    factory = {
        "article": ArticleFactory,
        "photocaption": PhotoCaptionFactory,
        "place": PlaceFactory,
        "speaker": SpeakerFactory,
    }[model]
    obj = factory(tags=["old", "stays"])
    action(editor_client, model, "add_tags", [obj], step=True, apply="1", tags="new")
    assert sorted(obj.tags.names()) == ["new", "old", "stays"]
    action(editor_client, model, "remove_tags", [obj], step=True, apply="1", tags="OLD")
    assert sorted(obj.tags.names()) == ["new", "stays"]


def test_remove_tags_refuses_a_name_that_is_no_tag_and_changes_nothing(editor_client):
    quote = QuoteFactory(tags=["izyum"])
    response = action(
        editor_client,
        "quote",
        "remove_tags",
        [quote],
        step=True,
        apply="1",
        tags="izyum, nosuchtag",
    )
    assert "There is no tag called “nosuchtag”." in response.content.decode()
    assert list(quote.tags.names()) == ["izyum"]


def test_add_tags_with_an_empty_form_shows_the_error(editor_client):
    quote = QuoteFactory()
    response = action(editor_client, "quote", "add_tags", [quote], step=True, apply="1", tags=" , ")
    assert response.status_code == 200
    assert "Give at least one tag name." in response.content.decode()


def test_publish_unpublish_and_review_actions(editor_client):
    drafts = ArticleFactory.create_batch(2, status=ArticleStatus.DRAFT)
    response = action(editor_client, "article", "publish", drafts)
    assert "2 articles now published." in response.content.decode()
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}
    action(editor_client, "article", "send_to_review", drafts[:1])
    action(editor_client, "article", "unpublish", drafts[1:])
    assert sorted(Article.objects.values_list("status", flat=True)) == ["draft", "in_review"]
    assert drafts[0].history.first().history_change_reason == "Status set to In review"


# --- Tag management -------------------------------------------------------------------------


def tagged_counts(name):
    tag = Tag.objects.filter(name=name).first()
    if tag is None:
        return None
    return tuple(
        model.tags.through.objects.filter(tag=tag).count()
        for model in (Article, Quote, PhotoCaption)
    )


def test_tag_list_shows_usage_per_model(editor_client):
    ArticleFactory(tags=["izyum"])
    QuoteFactory.create_batch(2, tags=["izyum"])
    PlaceFactory(tags=["izyum"])
    row = soup(editor_client.get(admin_url("tag"), {"q": "izyum"})).select_one(
        "#result_list tbody tr"
    )
    cells = [
        row.select_one(f".field-{n}").text
        for n in (
            "articles_uses",
            "quotes_uses",
            "captions_uses",
            "places_uses",
            "speakers_uses",
            "total",
        )
    ]
    # The article's quotes each carry their own article, so three articles in all.
    assert cells == ["1", "2", "0", "1", "0", "4"]


def test_merging_tags_shows_counts_first_then_moves_every_item_once(editor_client, editor):
    old = Tag.objects.create(name="kharkiv-offensive")
    new = Tag.objects.create(name="kharkiv-counteroffensive")
    both = ArticleFactory(tags=[old, new])
    only_old = ArticleFactory(tags=[old])
    only_new = ArticleFactory(tags=[new])
    quotes = QuoteFactory.create_batch(2, tags=[old])
    assert tagged_counts("kharkiv-offensive")[:2] == (2, 2)
    assert tagged_counts("kharkiv-counteroffensive")[:2] == (2, 0)

    choose = action(editor_client, "tag", "merge_tags", [old, new])
    assert choose.status_code == 200
    preview = soup(action(editor_client, "tag", "merge_tags", [old, new], step=True, target=new.pk))
    rows = {
        r.th.text: [td.text for td in r.select("td")]
        for r in preview.select("#merge-preview tbody tr")
    }
    # now on target, now on merged tags, on both, on target after
    assert rows["Articles"] == ["2", "2", "1", "3"]
    assert rows["Quotes"] == ["0", "2", "0", "2"]
    assert Tag.objects.filter(name="kharkiv-offensive").exists()  # nothing merged yet

    done = action(
        editor_client, "tag", "merge_tags", [old, new], step=True, target=new.pk, confirm="1"
    )
    assert "Merged kharkiv-offensive into kharkiv-counteroffensive" in done.content.decode()
    assert tagged_counts("kharkiv-offensive") is None
    assert tagged_counts("kharkiv-counteroffensive") == (3, 2, 0)
    for obj in [both, only_old, only_new, *quotes]:
        assert list(obj.tags.names()) == ["kharkiv-counteroffensive"]
    assert new.redirects.get().old_slug == "kharkiv-offensive"
    operation = TagOperation.objects.get()
    assert operation.performed_by == editor
    assert operation.source_names == ["kharkiv-offensive"]
    assert operation.moved["articles"] == {"moved": 1, "duplicates": 1}


def test_merged_tag_address_leads_to_the_new_tag():

    old = Tag.objects.create(name="Izium")
    new = Tag.objects.create(name="Izyum")
    ArticleFactory(tags=[old])
    tag_merge([old], new, user=None)
    assert TagRedirect.objects.target_url("izium") == new.get_absolute_url() == "/tags/izyum/"
    assert TagRedirect.objects.target_url("no-such-tag") is None
    # Typing the old name now picks the surviving tag instead of recreating the old one.
    assert Tag.objects.resolve(["Izium"]) == [new]


def test_merge_with_a_single_tag_selected_explains_instead_of_failing(editor_client):
    tag = Tag.objects.create(name="alone")
    response = action(editor_client, "tag", "merge_tags", [tag])
    assert "Select at least two tags to merge." in response.content.decode()
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_renaming_a_tag_keeps_its_items_and_redirects_the_old_address(editor_client):
    tag = Tag.objects.create(name="kharkiv offensive")
    article = ArticleFactory(tags=[tag])
    response = editor_client.post(admin_url("tag", "change", tag.pk), {"name": "Kharkiv push"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Kharkiv push", "kharkiv-push")
    assert list(article.tags.all()) == [tag]
    assert TagRedirect.objects.target_url("kharkiv-offensive") == "/tags/kharkiv-push/"


def test_renaming_a_tag_onto_another_tag_says_to_merge(editor_client):
    Tag.objects.create(name="Izyum")
    tag = Tag.objects.create(name="Izium")
    response = editor_client.post(admin_url("tag", "change", tag.pk), {"name": "IZYUM"})
    assert response.status_code == 200
    assert "Merge selected tags" in response.content.decode()
    assert Tag.objects.get(pk=tag.pk).name == "Izium"


def test_delete_unused_deletes_only_tags_nothing_uses(editor_client):
    used = Tag.objects.create(name="used")
    unused = Tag.objects.create(name="unused")
    ArticleFactory(tags=[used])
    response = action(editor_client, "tag", "delete_unused", [used, unused])
    text = response.content.decode()
    assert "Deleted unused." in text
    assert "Kept used: still in use." in text
    assert list(Tag.objects.values_list("name", flat=True)) == ["used"]
    assert "delete_selected" not in [
        o["value"] for o in soup(response).select("select[name=action] option")
    ]


def test_a_used_tag_cannot_be_deleted_from_its_page(editor_client):
    used = Tag.objects.create(name="used")
    ArticleFactory(tags=[used])
    response = editor_client.post(admin_url("tag", "delete", used.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Tag.objects.filter(pk=used.pk).exists()


# --- No lost updates ------------------------------------------------------------------------


def test_second_of_two_conflicting_saves_is_refused_and_keeps_its_input(
    client, editor_client, roles
):
    other = make_user("otto", "editor")
    article = ArticleFactory(headline="Original", status=ArticleStatus.DRAFT)
    mine = form_data(editor_client.get(admin_url("article", "change", article.pk)))
    theirs_client = Client()
    theirs_client.force_login(other)
    theirs = form_data(theirs_client.get(admin_url("article", "change", article.pk)))

    theirs["headline"] = "Their headline"
    assert theirs_client.post(admin_url("article", "change", article.pk), theirs).status_code == 302

    mine["headline"] = "My headline"
    mine["standfirst"] = "My standfirst"
    response = editor_client.post(admin_url("article", "change", article.pk), mine)
    assert response.status_code == 200
    page = soup(response)
    error = page.select_one(".errorlist.nonfield").text
    assert "otto changed this article" in error
    assert "Headline is now “Their headline”" in error
    assert page.select_one("input#id_headline")["value"] == "My headline"
    assert page.select_one("textarea#id_standfirst").text.strip() == "My standfirst"
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Their headline", "")

    # Having seen the warning, saving the form again replaces theirs knowingly.
    again = form_data(response)
    assert again["headline"] == "My headline"
    assert editor_client.post(admin_url("article", "change", article.pk), again).status_code == 302
    article.refresh_from_db()
    assert article.headline == "My headline"


def test_conflicting_saves_of_an_inline_quote_are_refused(editor_client):
    quote = QuoteFactory(text="Original", article=ArticleFactory(status=ArticleStatus.DRAFT))
    data = form_data(editor_client.get(admin_url("article", "change", quote.article.pk)))
    Quote.objects.get(pk=quote.pk).save()  # someone else saves the quote meanwhile
    data["quotes-0-text"] = "Mine"
    response = editor_client.post(admin_url("article", "change", quote.article.pk), data)
    assert response.status_code == 200
    assert "changed this quote" in response.content.decode()
    quote.refresh_from_db()
    assert quote.text == "Original"


def test_a_stale_copy_cannot_be_saved_outside_the_admin_either():
    from archive.versioning import StaleVersionError

    article = ArticleFactory()
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline = "First"
    first.save()
    second.headline = "Second"
    with pytest.raises(StaleVersionError), transaction.atomic():
        second.save()
    assert Article.objects.get(pk=article.pk).headline == "First"
    assert Article.objects.get(pk=article.pk).version == article.version + 1


def test_a_tampered_version_field_gives_a_form_error_not_a_crash(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    data = form_data(editor_client.get(admin_url("article", "change", article.pk)))
    data["seen_version"] = "not-a-number"
    response = editor_client.post(admin_url("article", "change", article.pk), data)
    assert response.status_code == 200
    data["seen_version"] = "999"
    response = editor_client.post(admin_url("article", "change", article.pk), data)
    assert response.status_code == 200
    assert "changed this article" in response.content.decode()


@pytest.mark.parametrize("model", ["photocaption", "place", "speaker", "quote"])
def test_other_models_refuse_a_stale_save_too(editor_client, model):
    factory = {
        "photocaption": PhotoCaptionFactory,
        "place": PlaceFactory,
        "speaker": SpeakerFactory,
        "quote": QuoteFactory,
    }[model]
    obj = factory()
    if hasattr(obj, "article"):
        Article.objects.filter(pk=obj.article_id).update(status=ArticleStatus.DRAFT)
    data = form_data(editor_client.get(admin_url(model, "change", obj.pk)))
    type(obj).objects.get(pk=obj.pk).save()
    response = editor_client.post(admin_url(model, "change", obj.pk), data)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert type(obj).objects.get(pk=obj.pk).version == obj.version + 1  # only the other save landed


def test_the_body_is_edited_as_paragraphs_separated_by_blank_lines(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT, paragraphs=["One.", "Two."])
    url = admin_url("article", "change", article.pk)
    page = soup(editor_client.get(url))
    assert page.select_one("textarea#id_paragraphs").text.strip() == "One.\n\nTwo."
    data = form_data(editor_client.get(url))
    data["paragraphs"] = "One.\r\n\r\nTwo, longer\r\nstill two.\r\n \r\n\r\nThree."
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.paragraphs == ["One.", "Two, longer\nstill two.", "Three."]


def test_a_tag_name_longer_than_allowed_is_a_form_error(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT, tags=["kept"])
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["tags"] = "kept, " + "x" * 150
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    response = action(
        editor_client, "quote", "add_tags", [QuoteFactory()], step=True, apply="1", tags="y" * 150
    )
    assert "at most 100 characters" in response.content.decode()
    assert list(article.tags.names()) == ["kept"]
    assert not Tag.objects.filter(name__startswith="xxx").exists()


def test_a_forged_merge_target_outside_the_selection_merges_nothing(editor_client):
    a, b, outsider = (Tag.objects.create(name=n) for n in ("a", "b", "outsider"))
    ArticleFactory(tags=[a, b])
    response = action(
        editor_client, "tag", "merge_tags", [a, b], step=True, target=outsider.pk, confirm="1"
    )
    assert response.status_code == 200
    assert set(Tag.objects.values_list("name", flat=True)) == {"a", "b", "outsider"}
    assert not TagOperation.objects.exists()
