"""Markup stored in any field stays text on every public and admin page, under a strict CSP."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "inert-content-password-31"
# Each part would set window.__xss, or open a dialog, if a page ever let it run.
HOSTILE = (
    '<script>window.__xss = 1; alert("script")</script>'
    '<img src="x" onerror="window.__xss = 2; alert(\'img\')">'
    "<svg onload=\"window.__xss = 3; alert('svg')\"></svg>"
    '"><a href="javascript:alert(4)">x</a>'
)
# Tag names hold at most 100 characters.
TAG = '<img src=x onerror="window.__xss = 4; alert(5)">'
# Collects CSP violations before any page script runs; init scripts are exempt from the CSP.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture
def hostile_archive():
    place = PlaceFactory(name=f"Izyum {HOSTILE}", slug="izyum", latitude=49.2, longitude=37.3)
    place.aliases.create(name=f"Izium {HOSTILE}")
    speaker = SpeakerFactory(name=f"Speaker {HOSTILE}", slug="speaker", role=HOSTILE)
    speaker.aliases.create(name=f"Alias {HOSTILE}")
    outlet = OutletFactory(name=f"Outlet {HOSTILE}", slug="outlet")
    article = ArticleFactory(
        outlet=outlet,
        slug="hostile",
        headline=f"Headline {HOSTILE}",
        standfirst=HOSTILE,
        paragraphs=[f"He said “Quote {HOSTILE}” and left.", f"Body {HOSTILE}"],
        places=[place],
        tags=[TAG],
    )
    quote = QuoteFactory(
        article=article, speaker=speaker, text=f"Quote {HOSTILE}", paragraph=1, place=place
    )
    quote.tags.add(TAG)
    caption = PhotoCaptionFactory(
        article=article, text=f"Caption {HOSTILE}", credit=f"Credit {HOSTILE}", place=place
    )
    return {"article": article, "quote": quote, "caption": caption, "tag": article.tags.get()}


@pytest.fixture
def watched(page):
    """The tab, with every dialog recorded (and dismissed) and CSP violations collected."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)
    page.dialogs = dialogs
    return page


def assert_inert(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None, f"stored script ran on {url}"
    assert page.dialogs == [], f"a dialog opened on {url}: {page.dialogs}"
    assert page.evaluate("window.__csp") == [], f"CSP violations on {url}"
    # The markup is there to read, as text.
    assert "window.__xss =" in page.locator("body").inner_text(), url


def test_stored_markup_stays_text_on_every_public_page(watched, live_server, hostile_archive):
    base = live_server.url
    tag = hostile_archive["tag"]
    for path in (
        "/",
        "/articles/",
        "/articles/?place=izyum",
        "/articles/hostile/",
        "/quotes/",
        "/quotes/?speaker=speaker",
        "/photos/",
        "/places/",
        "/places/izyum/",
        "/speakers/",
        "/speakers/speaker/",
        tag.get_absolute_url(),
        "/outlets/outlet/",
    ):
        assert_inert(watched, base + path)


def test_stored_markup_stays_text_in_the_admin_which_works_under_the_csp(
    watched, live_server, hostile_archive
):
    User.objects.create_superuser("desk", "desk@example.org", PASSWORD)
    base = live_server.url
    watched.goto(base + reverse("admin:login"))
    watched.get_by_label("Username").fill("desk")
    watched.get_by_label("Password").fill(PASSWORD)
    watched.get_by_role("button", name="Log in").click()
    watched.wait_for_url(base + reverse("admin:index"))
    assert watched.evaluate("window.__csp") == []

    article, quote, caption = (hostile_archive[k] for k in ("article", "quote", "caption"))
    objects = [article, quote, caption, hostile_archive["tag"]]
    objects += [article.outlet, quote.speaker, quote.place]
    for obj in objects:
        info = (obj._meta.app_label, obj._meta.model_name)
        assert type(obj) in admin.site._registry, info
        assert_inert(watched, base + reverse("admin:{}_{}_changelist".format(*info)))
        assert_inert(watched, base + reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    # The change form's own scripts ran: the admin's JavaScript is allowed by the policy.
    assert watched.evaluate("typeof window.django") == "object"
