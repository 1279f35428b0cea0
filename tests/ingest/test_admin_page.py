"""The admin page "Ingest a report": propose, review, confirm; roles; escaping."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from archive.models import Article, ArticleStatus, IngestedReport, Outlet, Place, Quote, Speaker

pytestmark = pytest.mark.django_db

URL = reverse("admin:archive_ingestedreport_add")

REPORT = """Harbour strike enters its second week

Published May 4, 2024

Dockers at the port of Kessel stayed out for an eighth day on Saturday <script>alert(1)</script>.

"We will stay out for as long as it takes," union leader Ana Brest said.

"Nobody has called us," said Piotr Lasko.

Pickets at the gate in Kessel. | Lena Ostrova/AFP
"""


@pytest.fixture
def archive(db):
    Outlet.objects.create(name="Norland Daily", slug="norland-daily")
    Place.objects.create(name="Kessel", slug="kessel", kind="city")
    Speaker.objects.create(name="Ana Brest", slug="ana-brest")
    return Outlet.objects.get()


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def review_data(response) -> dict:
    """What the browser would post back from the review form, as the page proposes it."""
    form = page(response).find("form", id="ingest-review")
    data: dict = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            chosen = [o.get("value") for o in field.find_all("option") if o.has_attr("selected")]
            data[name] = chosen[0] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = "on"
        elif field.get("type") != "submit":
            data[name] = field.get("value", "")
    data["confirm"] = "Create the draft"
    return data


def test_the_page_is_linked_from_the_admin_index_for_contributors(contributor_client):
    index = contributor_client.get(reverse("admin:index"))
    assert page(index).find("a", href=URL) is not None
    assert contributor_client.get(URL).status_code == 200


def test_people_without_the_role_cannot_open_it(client, db):
    user = User.objects.create_user("reader", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": REPORT}).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login page


def test_reading_a_report_shows_the_proposal_and_writes_nothing(archive, editor_client):
    response = editor_client.post(URL, {"text": REPORT, "outlet": archive.pk})
    assert response.status_code == 200
    html = page(response)
    quotes = [m.get_text() for m in html.select("[id^=ingest-paragraph] mark.ingest-quote")]
    assert quotes == ["We will stay out for as long as it takes,", "Nobody has called us,"]
    assert "Kessel" in [
        m.get_text() for m in html.select("[id^=ingest-paragraph] mark.ingest-place")
    ]
    assert (
        html.find("input", {"name": "headline"})["value"] == "Harbour strike enters its second week"
    )
    assert Article.objects.count() == 0


def test_text_from_the_report_is_escaped(archive, editor_client):
    response = editor_client.post(URL, {"text": REPORT, "outlet": archive.pk})
    html = page(response)
    assert html.find("script", string="alert(1)") is None
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_confirming_creates_the_draft_with_the_editor_choices(archive, editor_client, editor):
    review = editor_client.post(URL, {"text": REPORT, "outlet": archive.pk})
    data = review_data(review)
    assert data["quote-0-speaker"] == str(Speaker.objects.get(slug="ana-brest").pk)
    assert data["quote-1-new_speaker"] == "Piotr Lasko"
    data["quote-1-new_speaker"] = "Piotr Laskowski"  # the editor corrects a spelling
    data.pop("caption-0-keep")  # and unticks the caption
    response = editor_client.post(URL, data)
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_article_change", args=[article.pk])
    assert article.status == ArticleStatus.IN_REVIEW
    assert list(Quote.objects.order_by("position").values_list("speaker__name", flat=True)) == [
        "Ana Brest",
        "Piotr Laskowski",
    ]
    assert article.captions.count() == 0
    assert list(article.places.values_list("slug", flat=True)) == ["kessel"]
    assert IngestedReport.objects.get().ingested_by == editor


def test_the_same_text_again_names_its_article_and_offers_no_create_button(archive, editor_client):
    review = editor_client.post(URL, {"text": REPORT, "outlet": archive.pk})
    editor_client.post(URL, review_data(review))
    again = editor_client.post(URL, {"text": REPORT.replace("\n\n", "\n\n\n")})
    slug = Article.objects.get().slug
    assert f"ingested before, as article &#x27;{slug}&#x27;" in again.content.decode()
    assert page(again).find("input", {"name": "confirm"}) is None
    forced = review_data(again)
    editor_client.post(URL, forced)
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\x00\x10JFIF" * 50), "binary"),
        (SimpleUploadedFile("empty.txt", b""), "Paste a report or choose a file"),
    ],
)
def test_a_bad_file_gets_a_clear_message(archive, editor_client, upload, message):
    response = editor_client.post(URL, {"file": upload})
    assert response.status_code == 200
    assert message in page(response).get_text()
    assert Article.objects.count() == 0


def test_the_editor_can_replace_a_matched_place_by_a_new_one(archive, editor_client):
    review = editor_client.post(URL, {"text": REPORT, "outlet": archive.pk})
    data = review_data(review)
    assert data["place-0-place"] == str(Place.objects.get(slug="kessel").pk)
    data["place-0-place"] = ""
    data["place-0-new_name"] = "Kessel Harbour"
    editor_client.post(URL, data)
    article = Article.objects.get()
    assert list(article.places.values_list("name", flat=True)) == ["Kessel Harbour"]
    assert Place.objects.filter(name="Kessel").exists()


def test_an_uploaded_page_is_reviewed_as_its_main_text_and_keeps_its_metadata(
    archive, editor_client
):
    from pathlib import Path

    html = Path(__file__).with_name("saved_page.html").read_bytes()
    review = editor_client.post(
        URL, {"file": SimpleUploadedFile("page.html", html), "outlet": archive.pk}
    )
    data = review_data(review)
    assert "<script" not in data["body"] and "gtag" not in data["body"]
    assert data["meta_title"] == "Wildfires force evacuations near Kessel"
    assert data["published_on"] == "2024-08-12"
    editor_client.post(URL, data)
    article = Article.objects.get()
    assert (article.headline, article.byline, str(article.published_on)) == (
        "Wildfires force evacuations near Kessel",
        "Nikos Papadakis",
        "2024-08-12",
    )
    assert article.captions.get().photographer == "Angelos Tzortzinis"
    assert IngestedReport.objects.get().source == "page.html"
