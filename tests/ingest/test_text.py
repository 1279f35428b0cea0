"""Refusing unfit files, decoding, HTML main text and spelling keys."""

import random

import pytest

from archive.ingest.pipeline import report_read
from archive.ingest.proposal import IngestError
from archive.ingest.text import content_hash, fold

LIMIT = 1024 * 1024


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (
            b"<html><head><script>" + b"var x = 1;" * 500 + b"</script></head><body></body></html>",
            "scripts",
        ),
        (b"a" * (LIMIT + 1), "larger than the import limit"),
        (random.Random(1).randbytes(3000).replace(b"\x00", b"\x01"), "encoding"),
        (b"\xff\xfe" + b"\x00\xd8" * 10, "cannot be decoded"),
    ],
)
def test_unfit_files_are_refused_with_one_line(raw, message):
    with pytest.raises(IngestError) as excinfo:
        report_read(raw, max_bytes=LIMIT)
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_latin1_text_is_decoded():
    raw = "Le maire de Besançon a déclaré que la grève était « inacceptable ».".encode("latin-1")
    text, _ = report_read(raw * 3, max_bytes=LIMIT)
    assert "Besançon" in text


def test_utf16_with_bom_is_decoded():
    text, _ = report_read("Dockers stayed out.".encode("utf-16"), max_bytes=LIMIT)
    assert text == "Dockers stayed out."


def test_html_page_gives_its_main_text_and_title():
    body = "".join(
        f"<p>Paragraph {n}: the dockers of Kessel stayed out for another day, the union said.</p>"
        for n in range(8)
    )
    html = (
        "<html><head><title>Harbour strike enters its second week</title>"
        "<script>track()</script></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>Harbour strike enters its second week</h1>{body}"
        "<figure><figcaption>Pickets at the gate. | Lena Ostrova/AFP</figcaption></figure>"
        "</article><footer>All rights reserved</footer></body></html>"
    )
    text, meta = report_read(html.encode(), max_bytes=LIMIT)
    assert "Paragraph 7: the dockers of Kessel" in text
    assert "track()" not in text
    assert "Pickets at the gate. | Lena Ostrova/AFP" in text
    assert meta["title"] == "Harbour strike enters its second week"


def test_fold_ignores_case_diacritics_possessives_and_dots():
    assert fold("Ukraine’s") == fold("UKRAINE") == "ukraine"
    assert fold("U.K. Defense Ministry") == "uk defense ministry"
    assert fold("Kup’iansk") == fold("Kupiansk")
    assert fold("Brešt") == "brest"


def test_content_hash_ignores_spacing():
    assert content_hash("A  b\r\nc") == content_hash("A b c")
    assert content_hash("A b c") != content_hash("A b d")
