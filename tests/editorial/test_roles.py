import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from archive.models import Article, ArticleStatus, Quote, Tag
from tests.admin_support import action, admin_url, form_data
from tests.conftest import soup
from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def setup_roles(*args):
    out = io.StringIO()
    call_command("setup_roles", *args, stdout=out)
    return out.getvalue()


def test_setup_roles_creates_two_groups_and_a_second_run_changes_nothing():
    first = setup_roles()
    assert "Editor: " in first and "(created)" in first
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    second = setup_roles()
    assert "Editor: " in second
    assert "(created)" not in second and "(updated)" not in second
    assert second.count("(unchanged)") == 2
    assert Group.objects.count() == 2
    assert {"publish_article", "delete_article", "change_tag"} <= editor


def test_setup_roles_puts_back_a_permission_removed_by_hand():
    setup_roles()
    group = Group.objects.get(name="Contributor")
    group.permissions.remove(group.permissions.get(codename="change_article"))
    assert "Contributor: " in setup_roles()
    assert group.permissions.filter(codename="change_article").exists()


def test_contributor_may_not_publish_unpublish_or_delete():
    setup_roles()
    codenames = set(
        Group.objects.get(name="Contributor").permissions.values_list("codename", flat=True)
    )
    assert {"add_article", "change_article", "add_tag", "change_quote"} <= codenames
    assert not {c for c in codenames if c.startswith("delete_")}
    assert "publish_article" not in codenames


def test_setup_roles_creates_staff_accounts_in_one_role():
    out = setup_roles("--editor", "alice", "--contributor", "bob")
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    assert alice.is_staff and not alice.is_superuser and not alice.has_usable_password()
    assert [g.name for g in alice.groups.all()] == ["Editor"]
    assert [g.name for g in bob.groups.all()] == ["Contributor"]
    assert "manage.py changepassword alice" in out
    setup_roles("--contributor", "alice")
    assert [g.name for g in User.objects.get(username="alice").groups.all()] == ["Contributor"]


def test_setup_roles_refuses_a_bad_username_with_one_clean_line():
    with pytest.raises(CommandError, match="bad name!"):
        setup_roles("--editor", "bad name!")
    assert not User.objects.exists()


# --- Enforced on the server -----------------------------------------------------------------


def test_contributor_forging_status_published_is_refused_and_nothing_changes(
    contributor_client,
):
    article = ArticleFactory(headline="Draft headline", status=ArticleStatus.DRAFT)
    url = admin_url("article", "change", article.pk)
    page = contributor_client.get(url)
    offered = [o["value"] for o in form_data_options(page, "status")]
    assert offered == ["draft", "in_review"]
    data = form_data(page)
    data["status"] = "published"
    data["headline"] = "Changed"
    response = contributor_client.post(url, data)
    assert response.status_code == 200
    assert "Only editors may publish or unpublish articles." in response.content.decode()
    article.refresh_from_db()
    assert (article.status, article.headline) == ("draft", "Draft headline")


def form_data_options(response, name):
    return soup(response).select(f"select[name={name}] option")


def test_contributor_cannot_add_an_article_as_published(contributor_client):
    outlet = ArticleFactory().outlet
    data = form_data(contributor_client.get(admin_url("article", "add")))
    data.update(
        headline="New",
        slug="new",
        outlet=outlet.pk,
        published_on="2022-09-10",
        status="published",
        paragraphs='["One."]',
        language="en",
    )
    response = contributor_client.post(admin_url("article", "add"), data)
    assert response.status_code == 200
    assert not Article.objects.filter(slug="new").exists()
    data["status"] = "draft"
    assert contributor_client.post(admin_url("article", "add"), data).status_code == 302
    assert Article.objects.get(slug="new").status == "draft"


def test_contributor_can_edit_a_draft(contributor_client, contributor):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    url = admin_url("article", "change", article.pk)
    data = form_data(contributor_client.get(url))
    data["headline"] = "Better"
    data["status"] = "in_review"
    assert contributor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Better", "in_review")
    assert article.history.first().history_user == contributor


def test_contributor_cannot_change_a_published_article(contributor_client):
    article = ArticleFactory(headline="Live", status=ArticleStatus.PUBLISHED)
    url = admin_url("article", "change", article.pk)
    page = contributor_client.get(url)
    assert page.status_code == 200  # may read it
    response = contributor_client.post(url, {"headline": "Defaced", "status": "draft"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Live", "published")


def test_contributor_forging_the_publish_and_unpublish_actions_changes_nothing(
    contributor_client,
):
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    live = ArticleFactory(status=ArticleStatus.PUBLISHED)
    action(contributor_client, "article", "publish", [draft])
    action(contributor_client, "article", "unpublish", [live])
    action(contributor_client, "article", "send_to_review", [live])
    assert Article.objects.get(pk=draft.pk).status == "draft"
    assert Article.objects.get(pk=live.pk).status == "published"


def test_contributor_cannot_delete(contributor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    quote = QuoteFactory(article=article)
    response = contributor_client.post(admin_url("article", "delete", article.pk), {"post": "yes"})
    assert response.status_code == 403
    action(contributor_client, "article", "delete_selected", [article], post="yes")
    action(contributor_client, "quote", "delete_selected", [quote], post="yes")
    assert Article.objects.filter(pk=article.pk).exists()
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_contributor_can_tag_but_not_merge_or_delete_tags(contributor_client):
    quote = QuoteFactory(article__status=ArticleStatus.DRAFT)
    action(contributor_client, "quote", "add_tags", [quote], step=True, apply="1", tags="Izyum")
    assert list(quote.tags.names()) == ["Izyum"]
    a, b = Tag.objects.get(name="Izyum"), Tag.objects.create(name="Izium")
    action(contributor_client, "tag", "merge_tags", [a, b], step=True, target=a.pk, confirm="1")
    action(contributor_client, "tag", "delete_unused", [b])
    assert set(Tag.objects.values_list("name", flat=True)) == {"Izyum", "Izium"}
    assert contributor_client.get(admin_url("tag", "suggest"), {"q": "iz"}).status_code == 200


def test_editor_can_publish_and_delete(editor_client):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["status"] = "published"
    assert editor_client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).status == "published"
    response = editor_client.post(admin_url("article", "delete", article.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_restoring_a_published_version_is_refused_for_a_contributor(
    editor_client, contributor_client
):
    article = ArticleFactory(status=ArticleStatus.PUBLISHED)
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["status"] = "draft"
    editor_client.post(url, data)
    published = article.history.filter(status="published").first()
    restore = admin_url("article", "restore", article.pk, published.history_id)
    response = contributor_client.post(restore)
    assert response.status_code == 200
    assert "only editors may do" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_contributor_reads_a_published_article_body_as_paragraphs(contributor_client):
    article = ArticleFactory(status=ArticleStatus.PUBLISHED, paragraphs=["First.", "<b>Second</b>"])
    page = soup(contributor_client.get(admin_url("article", "change", article.pk)))
    body = page.select_one(".field-body .readonly")
    assert [p.text for p in body.select("p")] == ["First.", "<b>Second</b>"]
    assert page.select_one("textarea") is None


def test_the_article_picker_offers_a_contributor_only_articles_they_may_add_to(
    contributor_client, editor_client
):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, headline="Picker draft")
    published = ArticleFactory(status=ArticleStatus.PUBLISHED, headline="Picker published")
    params = {
        "app_label": "archive",
        "model_name": "quote",
        "field_name": "article",
        "term": "Picker",
    }

    def offered(client):
        response = client.get("/admin/autocomplete/", params)
        assert response.status_code == 200
        return {int(row["id"]) for row in response.json()["results"]}

    assert offered(contributor_client) == {draft.pk}
    assert offered(editor_client) == {draft.pk, published.pk}


def test_a_contributor_reads_an_old_version_of_a_published_article(
    editor_client, contributor_client
):
    article = ArticleFactory(status=ArticleStatus.PUBLISHED, headline="First headline")
    url = admin_url("article", "change", article.pk)
    data = form_data(editor_client.get(url))
    data["headline"] = "Second headline"
    assert editor_client.post(url, data).status_code == 302
    first = article.history.order_by("history_id").first()
    page = contributor_client.get(
        admin_url("article", "simple_history", article.pk, first.history_id)
    )
    assert page.status_code == 200
    assert "First headline" in page.content.decode()
