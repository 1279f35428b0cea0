"""verify_quotes: every quote found in its article's body, or listed and exit 1."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.statements.verify import quote_locate
from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def test_every_seed_quote_is_found_with_its_paragraph_and_anchor(seed):
    out = io.StringIO()
    call_command("verify_quotes", stdout=out)
    text = out.getvalue()
    assert "21 of 21 quotes found in their articles." in text
    line = next(x for x in text.splitlines() if x.startswith("scroll-") and " #2:" in x)
    assert "paragraph 2" in line
    assert "exact “bolster the force’s efforts on the Donetsk front”" in line
    assert "prefix “" in line and "suffix “" in line


def test_a_quote_not_in_its_article_is_listed_and_the_command_fails():
    article = ArticleFactory(paragraphs=["He said “we will stay” on Monday."])
    QuoteFactory(article=article, position=1, text="we will stay", paragraph=1)
    QuoteFactory(article=article, position=2, text="we will leave", paragraph=1)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 quotes found"):
        call_command("verify_quotes", stdout=io.StringIO(), stderr=err)
    assert f"NOT FOUND {article.slug} #2" in err.getvalue()


def test_only_quotation_marks_white_space_and_ellipses_may_differ():
    body = ["Intro.", "He said: “we’ll hold  the line … whatever it takes” and left."]
    found = quote_locate(body, "we'll hold the line...whatever it takes")
    assert found.paragraph == 2 and found.exact.startswith("we’ll") and found.suffix.startswith("”")
    assert quote_locate(body, "…hold the line…") is not None
    assert quote_locate(body, "We'll hold the line") is None  # case differs
    assert quote_locate(body, "we'll hold the line, whatever it takes") is None  # a comma added
    assert quote_locate(body, "whatever it takes … we'll hold") is None  # out of order
