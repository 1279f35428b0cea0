"""The API serves each published article as a ninjs 2.2 document, the export's own."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)
from tests.ninjs_support import ninjs_errors

pytestmark = pytest.mark.django_db


def test_api_ninjs_document_is_valid_and_names_the_article(archive, client):
    response = client.get("/api/articles/regroup/ninjs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert ninjs_errors(body) == []
    assert body["uri"] == "http://testserver/articles/regroup/"
    assert body["headlines"][0]["value"] == "Russia regroups troops near Izyum"
    assert [s["literal"] for s in body["subjects"]] == ["troop-withdrawal"]
    assert body["associations"][0]["by"] == "Juan Barreto"
    # Absent fields are left out, never sent as null.
    assert "null" not in response.content.decode()


@pytest.mark.parametrize("slug", ["draft-story", "no-such-article"])
def test_api_ninjs_of_a_draft_or_unknown_article_is_a_json_404(archive, client, slug):
    response = client.get(f"/api/articles/{slug}/ninjs")
    assert response.status_code == 404
    assert response.json()["detail"] == "No published article has this address."


def test_api_ninjs_document_is_the_exports(archive, client):
    out = io.StringIO()
    call_command(
        "export_archive", "--format", "ninjs", "--base-url", "http://testserver", stdout=out
    )
    exported = {}
    for line in out.getvalue().splitlines():
        document = json.loads(line)
        exported[document["uri"]] = document
    served = client.get("/api/articles/regroup/ninjs").json()
    assert served == exported["http://testserver/articles/regroup/"]


def test_api_ninjs_query_count_does_not_grow_with_quotes_captions_and_places(db, client):
    article = ArticleFactory(slug="long-read", tags=["one"], places=[PlaceFactory()])
    QuoteFactory(article=article)
    PhotoCaptionFactory(article=article, place=PlaceFactory())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/articles/long-read/ninjs").status_code == 200
        return len(captured)

    few = queries()
    for n in range(8):
        QuoteFactory(article=article, speaker=SpeakerFactory())
        PhotoCaptionFactory(article=article, place=PlaceFactory())
        article.places.add(PlaceFactory())
        article.tags.add(f"tag-{n}")
    assert queries() == few <= 7
