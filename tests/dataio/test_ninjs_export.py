"""`export_archive --format ninjs`: published articles only, deterministic, written atomically."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from archive.models import ArticleStatus
from tests.factories import ArticleFactory, PhotoCaptionFactory, QuoteFactory
from tests.ninjs_support import ninjs_errors

pytestmark = pytest.mark.django_db


def export(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_archive", "--format", "ninjs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def articles(db):
    second = ArticleFactory(slug="b-second", headline="Second")
    first = ArticleFactory(slug="a-first", headline="First", tags=["z-tag", "a-tag"])
    draft = ArticleFactory(slug="c-draft", headline="Draft", status=ArticleStatus.DRAFT)
    QuoteFactory(article=first)
    PhotoCaptionFactory(article=second)
    QuoteFactory(article=draft)
    return first, second


def test_export_ninjs_writes_one_valid_document_per_published_article(articles):
    out, err = export("--base-url", "https://archive.example.org/")
    lines = out.splitlines()
    documents = [json.loads(line) for line in lines]
    assert [d["uri"] for d in documents] == [
        "https://archive.example.org/articles/a-first/",
        "https://archive.example.org/articles/b-second/",
    ]
    assert "Draft" not in out and "c-draft" not in out
    assert [ninjs_errors(d) for d in documents] == [[], []]
    assert err.strip() == "Exported 2 published articles as ninjs."


def test_export_ninjs_is_the_same_bytes_twice(articles, tmp_path):
    target = tmp_path / "archive.jsonl"
    out = io.StringIO()
    call_command(
        "export_archive",
        "--format=ninjs",
        "--base-url=https://archive.example.org",
        f"--output={target}",
        stdout=out,
    )
    first = target.read_bytes()
    assert f"Exported 2 published articles as ninjs to {target}." in out.getvalue()
    again, _err = export("--base-url", "https://archive.example.org")
    assert first == again.encode()
    assert first.count(b"\n") == 2
    assert [p.name for p in tmp_path.iterdir()] == ["archive.jsonl"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--format ninjs needs --base-url"),
        (("--base-url", "archive.example.org"), "is not a site address"),
        (("--base-url", "https://archive.example.org/?x=1"), "is not a site address"),
        (("--base-url", "ftp://archive.example.org"), "is not a site address"),
    ],
)
def test_export_ninjs_without_a_site_address_is_refused(articles, tmp_path, args, message):
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match=message):
        call_command("export_archive", "--format", "ninjs", "--output", str(target), *args)
    assert list(tmp_path.iterdir()) == []
