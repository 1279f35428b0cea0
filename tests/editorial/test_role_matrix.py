"""The role matrix: every admin URL and action × every role × GET/POST, on published and
draft material.

The cases are generated from the admin's own URL list and actions, so a URL or action added
later joins the matrix by itself. Each case asserts three things: no request ends in a server
error; what the role may do changes the archive (its checksum); and what it may not do leaves
the archive's checksum and the published article's public page exactly as they were.
"""

import itertools
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from archive import models as m
from archive.dataio.checksum import archive_checksum
from archive.editorial.tagging import tag_rename
from tests.admin_support import form_data, make_user
from tests.factories import (
    ArticleFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no-role", "contributor", "editor", "superuser"]
SIDES = ["published", "draft"]
OBJECT_VIEWS = {"change", "delete", "history", "simple_history", "restore"}


def _routes() -> list[tuple[type, str]]:
    """Every named URL the archive's model admins serve, as (model, view)."""
    routes = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "archive":
            continue
        prefix = f"archive_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if pattern.name and pattern.name.startswith(prefix):
                routes.append((model, pattern.name.removeprefix(prefix)))
    return routes


def _actions() -> list[tuple[type, str]]:
    """Every admin action of the archive's model admins, as (model, action name)."""
    return [
        (model, name)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "archive"
        for _, name, _ in model_admin._get_base_actions()
    ]


@dataclass
class World:
    """Published and draft material, one object of each kind on each side."""

    objects: dict[str, dict[type, object]]
    public_urls: list[str]


def _second_version(obj, field: str) -> None:
    setattr(obj, field, getattr(obj, field) + " (second version)")
    obj.save()


def build_world() -> World:
    sides: dict[str, dict[type, object]] = {}
    published = ArticleFactory(status=m.ArticleStatus.PUBLISHED, tags=["Matrix"])
    draft = ArticleFactory(status=m.ArticleStatus.DRAFT, tags=["Matrix"])
    for side, article in (("published", published), ("draft", draft)):
        place = PlaceFactory(tags=["Matrix"])
        speaker = SpeakerFactory(tags=["Matrix"])
        article.places.add(place)
        # The draft's quote and caption were first written into the published article and then
        # moved: restoring their first version would move them back in.
        quote = QuoteFactory(article=published, speaker=speaker, place=place, tags=["Matrix"])
        caption = PhotoCaptionFactory(article=published, place=place, tags=["Matrix"])
        for item in (quote, caption):
            if article != published:
                item.article = article
                item.position += 1000
                item.save()
            else:
                _second_version(item, "text")
        _second_version(article, "headline")
        _second_version(place, "name")
        _second_version(speaker, "name")
        statement = m.Statement.objects.create(
            slug=f"statement-{side}", speaker=speaker, said_on=article.published_on
        )
        _second_version(statement, "summary")
        quote.statement = statement
        quote.save()
        # A pair of quotes an editor said are not one statement.
        other = QuoteFactory(article=article, speaker=speaker, position=quote.position + 500)
        first, second = sorted([quote, other], key=lambda q: q.natural_key())
        rejection = m.StatementRejection.objects.create(first=first, second=second)
        tag = m.Tag.objects.create(name=f"Only {side}")
        article.tags.add(tag)
        spare = m.Tag.objects.create(name=f"Spare {side}")
        operation = tag_rename(spare, f"Renamed {side}", user=None)
        sides[side] = {
            m.Article: article,
            m.Quote: quote,
            m.PhotoCaption: caption,
            m.Place: place,
            m.Speaker: speaker,
            m.Outlet: article.outlet,
            m.Tag: tag,
            m.TagOperation: operation,
            m.TagRedirect: m.TagRedirect.objects.get(old_slug=f"spare-{side}"),
            m.Statement: statement,
            m.StatementRejection: rejection,
        }
    public = sides["published"]
    return World(
        objects=sides,
        public_urls=[
            public[m.Article].get_absolute_url(),
            public[m.Tag].get_absolute_url(),
        ],
    )


def client_for(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    if role == "superuser":
        user = User.objects.create_superuser("root", password="pw-for-tests-only")
    elif role == "no-role":
        user = User.objects.create_user("staffer", password="pw", is_staff=True)
    else:
        user = make_user(f"matrix-{role}", role)
    client.force_login(user)
    return client


def snapshot(world: World, client: Client) -> tuple[str, list[bytes]]:
    """The archive's checksum and the bytes of the published material's public pages."""
    cache.clear()
    pages = []
    for url in world.public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content)
    return archive_checksum(), pages


# --- What each role may do: the policy written out as a table, case by case -----------------

CONTENT = (m.Article, m.Quote, m.PhotoCaption)
SUBJECTS = (m.Place, m.Speaker)
# Logs, and the record of an ingested report: its one write path is the ingest page's two
# steps (propose, then confirm), whose role checks tests/ingest/test_admin_page.py covers; a
# plain POST to any of its URLs changes nothing, for anyone.
NO_ONE_WRITES = (m.TagOperation, m.TagRedirect, m.IngestedReport)
# Lists, history and suggestions: a POST to them writes nothing, for anyone.
READ_ONLY_VIEWS = {"changelist", "history", "simple_history", "suggest"}


def expected_change(role: str, model: type, kind: str, side: str) -> bool:
    """Whether this POST, by this role, on this side, changes the archive."""
    if kind in READ_ONLY_VIEWS:
        return False
    if role in ("anonymous", "no-role") or model in NO_ONE_WRITES:
        return False
    if model is m.Tag and kind in {"delete", "action:delete_selected", "action:delete_unused"}:
        return False  # tags in use are merged or untagged, never deleted
    if model in (m.Speaker, m.Outlet) and kind in {"delete", "action:delete_selected"}:
        return False  # the database protects a speaker's quotes and an outlet's articles
    if kind == "action:publish":
        return role != "contributor" and side == "draft"
    if kind == "action:unpublish":
        return role != "contributor" and side == "published"
    if kind == "action:merge_tags":
        return role != "contributor"
    if model is m.StatementRejection:
        # Read-only: no one adds or edits a pair; un-rejecting one (deleting it) is for editors.
        return kind in {"delete", "action:unreject"} and role in ("editor", "superuser")
    if model is m.Statement:
        # Merging needs two statements and splitting some but not all of one's quotes: with
        # one statement of one quote selected both are refused (tests/statements/test_admin.py).
        if kind in {"action:merge", "action:split"}:
            return False
        if role in ("editor", "superuser"):
            return True
        if kind in {"delete", "action:delete_selected"}:
            return False
        # A contributor may add statements, and change those that report no published quote.
        return kind == "add" or side == "draft"
    if role in ("editor", "superuser"):
        return True
    # A contributor: no deleting, no outlets, no tag curation, nothing readers see.
    if kind in {"delete", "action:delete_selected"} or model is m.Outlet:
        return False
    if model is m.Tag:
        return kind == "add"
    if model in SUBJECTS:
        return True
    # Articles, quotes and captions belong to their article's status; a draft's quote or
    # caption restored to its first version, or moved, goes into (or out of) the published
    # article.
    if kind in {"restore", "change-move"} and model is not m.Article:
        return False
    return side == "draft"


# --- The payload of each POST ----------------------------------------------------------------

EDITED_FIELD = {
    m.Article: "headline",
    m.Quote: "text",
    m.PhotoCaption: "text",
    m.Place: "name",
    m.Speaker: "name",
    m.Outlet: "name",
    m.Tag: "name",
    m.Statement: "summary",
}


def add_payload(model: type, side: str, world: World, superuser: Client) -> dict:
    """A valid add form, as an editor would fill it, pointing at this side's material."""
    objects = world.objects[side]
    if model in NO_ONE_WRITES:
        return {}
    url = reverse(f"admin:archive_{model._meta.model_name}_add")
    response = superuser.get(url)
    if response.status_code != 200:
        return {}  # no one may add these (logs); the POST is refused all the same
    data = form_data(response)
    fields = {
        m.Article: {
            "headline": f"Added on the {side} side",
            "slug": f"added-{side}",
            "outlet": objects[m.Outlet].pk,
            "status": side if side == "draft" else "published",
            "published_on": "2022-09-11",
            "language": "en",
        },
        m.Quote: {
            "article": objects[m.Article].pk,
            "position": 500,
            "speaker": objects[m.Speaker].pk,
            "text": "Added words",
            "kind": "full",
        },
        m.PhotoCaption: {"article": objects[m.Article].pk, "position": 500, "text": "Added"},
        m.Place: {"name": f"Added {side}", "slug": f"added-{side}", "kind": "town"},
        m.Speaker: {"name": f"Added {side}", "slug": f"added-{side}", "kind": "person"},
        m.Outlet: {"name": f"Added {side}", "slug": f"added-{side}", "kind": "publisher"},
        m.Tag: {"name": f"Added {side}"},
        m.Statement: {
            "slug": f"added-{side}",
            "speaker": objects[m.Speaker].pk,
            "said_on": "2022-09-11",
            "status": "suggested",
        },
    }.get(model, {})
    data.update(fields)
    return data


def action_payload(model: type, name: str, obj, world: World, side: str) -> dict:
    data = {"action": name, "_selected_action": [obj.pk], "index": "0"}
    if name in {"add_tags", "remove_tags"}:
        data.update(apply="1", tags="Fresh" if name == "add_tags" else "Matrix")
    elif name == "delete_selected":
        data["post"] = "yes"
    elif name == "split":
        data.update(apply="1", quotes=[q.pk for q in obj.quotes.all()])
    elif name == "merge_tags":
        other = world.objects["draft" if side == "published" else "published"][m.Tag]
        data.update(_selected_action=[obj.pk, other.pk], target=str(obj.pk), confirm="1")
    return data


def object_url(model: type, view: str, obj) -> str:
    name = f"admin:archive_{model._meta.model_name}_{view}"
    if view in {"simple_history", "restore"}:
        first = obj.history.order_by("history_date", "history_id").first()
        return reverse(name, args=[obj.pk, first.history_id])
    return reverse(name, args=[obj.pk])


def post_for(case, world: World, side: str, superuser: Client) -> tuple[str, dict]:
    """The URL and data of this case's POST on one side."""
    model, kind = case
    obj = world.objects[side].get(model)
    if kind.startswith("action:"):
        url = reverse(f"admin:archive_{model._meta.model_name}_changelist")
        return url, action_payload(model, kind.removeprefix("action:"), obj, world, side)
    if kind == "add":
        return reverse(f"admin:archive_{model._meta.model_name}_add"), add_payload(
            model, side, world, superuser
        )
    if kind == "change":
        url = object_url(model, "change", obj)
        data = form_data(superuser.get(url))
        field = EDITED_FIELD.get(model)
        if field:
            data[field] = f"{getattr(obj, field)} (changed)"
        return url, data
    if kind == "change-move":
        # A quote or caption moved to the other side's article.
        url = object_url(model, "change", obj)
        data = form_data(superuser.get(url))
        other = "draft" if side == "published" else "published"
        data["article"] = str(world.objects[other][m.Article].pk)
        return url, data
    if kind == "delete":
        return object_url(model, "delete", obj), {"post": "yes"}
    if kind in OBJECT_VIEWS:
        return object_url(model, kind, obj), {}
    return reverse(f"admin:archive_{model._meta.model_name}_{kind}"), {}


def get_url(case, world: World, side: str) -> str:
    model, kind = case
    obj = world.objects[side].get(model)
    if kind in OBJECT_VIEWS | {"change-move"}:
        return object_url(model, kind.removesuffix("-move"), obj)
    return reverse(f"admin:archive_{model._meta.model_name}_{kind}")


# The record of an ingested report is written only by the ingest page's two steps, whose role
# checks tests/ingest/test_admin_page.py covers; its admin is left out of the matrix here.
CASES = (
    [case for case in _routes() if case[0] is not m.IngestedReport]
    + [(model, f"action:{name}") for model, name in _actions() if model is not m.IngestedReport]
    # Moving a quote or caption between articles is a change of two articles at once.
    + [(m.Quote, "change-move"), (m.PhotoCaption, "change-move")]
)


def _case_id(case) -> str:
    return f"{case[0]._meta.model_name}-{case[1]}"


def test_the_matrix_covers_every_admin_url_and_action():
    kinds = {(model, kind) for model, kind in CASES}
    assert (m.Quote, "restore") in kinds and (m.Tag, "suggest") in kinds
    assert (m.Article, "action:publish") in kinds and (m.Tag, "action:merge_tags") in kinds
    assert len(CASES) >= 60


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world and a signed-in client per role, built once for the module.

    They live in a transaction around all the module's cases; each case runs in its own
    savepoint inside it (pytest-django's), so nothing a case writes reaches the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = {role: client_for(role) for role in ROLES}
        yield world, clients
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_role_matrix(case, matrix):
    model, kind = case
    world, clients = matrix
    reader = Client()
    before = snapshot(world, reader)
    posts = {side: post_for(case, world, side, clients["superuser"]) for side in SIDES}
    problems = []
    for role, side in itertools.product(ROLES, SIDES):
        client = clients[role]
        sid = transaction.savepoint()
        if not kind.startswith("action:"):
            response = client.get(get_url(case, world, side))
            assert response.status_code < 500, f"GET by {role} on the {side} side"
            if archive_checksum() != before[0]:
                problems.append(f"GET by {role} on the {side} side changed the archive")
        url, data = posts[side]
        response = client.post(url, data)
        assert response.status_code < 500, f"POST by {role} on the {side} side"
        changed = archive_checksum() != before[0]
        if expected_change(role, model, kind, side):
            if not changed:
                problems.append(f"{role} could not {kind} on the {side} side")
        elif changed or snapshot(world, reader) != before:
            problems.append(f"{role} changed the archive by {kind} on the {side} side")
        transaction.savepoint_rollback(sid)
        cache.clear()
    assert not problems
