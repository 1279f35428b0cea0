"""Fixtures and helpers shared by the admin, roles and history tests."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=io.StringIO())


def make_user(username, role):
    call_command("setup_roles", f"--{role}", username, stdout=io.StringIO())
    user = User.objects.get(username=username)
    user.set_password("pw-for-tests-only")
    user.save()
    return user


@pytest.fixture
def editor(roles):
    return make_user("edna", "editor")


@pytest.fixture
def contributor(roles):
    return make_user("colin", "contributor")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def contributor_client(contributor):
    client = Client()
    client.force_login(contributor)
    return client


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:archive_{model}_{view}", args=args)


def form_data(response) -> dict:
    """Everything a browser would post back from the admin change form on this page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", id=lambda v: v and v.endswith("_form"))
    data: dict = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("disabled") is not None:
            continue
        if field.name == "textarea":
            data[name] = field.text.lstrip("\n")
        elif field.name == "select":
            chosen = [o.get("value") for o in field.find_all("option") if o.has_attr("selected")]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in {"submit", "button", "file"}:
            data[name] = field.get("value", "")
    return data


def action(client, model, name, objects, *, step=False, **extra):
    """Post an admin action for the given objects: from the changelist, or (step=True) from
    the action's own confirmation page."""
    data = {"action": name, "_selected_action": [o.pk for o in objects], **extra}
    if not step:
        data["index"] = "0"
    return client.post(admin_url(model), data, follow=True)
