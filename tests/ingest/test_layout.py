"""Headline, dateline, byline, date, syndication note and page furniture."""

from datetime import date

from tests.ingest.helpers import index_with, propose

NOTE = (
    "(Except for the headline, this story has not been edited by Norland Daily staff "
    "and is published from a syndicated feed.)"
)
REPORT = """Published: May 4, 2024

Harbour strike enters its second week

By Lena Ostrova

KESSEL, Norland (AP) — Dockers at the port of Kessel stayed out for an eighth day on Saturday.

Click here to read more about the strike

Follow us on Twitter and Facebook

HARBOUR BOSSES FACE NEW DEADLINE IN PAY ROW

Pickets

The talks are due to resume on Monday, the union said.

We use cookies to improve your experience.

"""
REPORT += NOTE


def test_layout_keeps_the_body_and_reports_the_furniture():
    proposal = propose(REPORT, index_with(outlets=[("norland-daily", "Norland Daily")]))
    assert proposal.headline == "Harbour strike enters its second week"
    assert proposal.byline == "Lena Ostrova"
    assert proposal.dateline == "Kessel, Norland"
    assert proposal.published_on == "2024-05-04"
    assert proposal.paragraphs == [
        "Dockers at the port of Kessel stayed out for an eighth day on Saturday.",
        "The talks are due to resume on Monday, the union said.",
    ]
    assert proposal.syndication_note.startswith("Except for the headline")
    assert proposal.outlet == "norland-daily"
    assert "Click here to read more about the strike" in proposal.removed
    assert "Follow us on Twitter and Facebook" in proposal.removed
    assert "HARBOUR BOSSES FACE NEW DEADLINE IN PAY ROW" in proposal.removed
    assert "Pickets" in proposal.removed
    assert "We use cookies to improve your experience." in proposal.removed


def test_weekdays_are_resolved_against_the_printed_date():
    proposal = propose(REPORT)
    assert {d["text"]: d["date"] for d in proposal.dates} == {
        "Saturday": "2024-05-04",
        "Monday": "2024-04-29",
    }


def test_a_given_date_wins_over_the_printed_one():
    proposal = propose(REPORT, published_on=date(2024, 5, 6))
    assert proposal.published_on == "2024-05-06"
    assert {d["text"]: d["date"] for d in proposal.dates}["Saturday"] == "2024-05-04"


def test_standalone_dateline_separates_the_standfirst_from_the_body():
    proposal = propose(
        "Harbour strike enters its second week\n\n"
        "Dockers want a pay rise that matches prices, and say they will not back down.\n\n"
        "Kessel:\n\n"
        "Dockers stayed out for an eighth day on Saturday.\n"
    )
    assert proposal.dateline == "Kessel"
    assert proposal.standfirst.startswith("Dockers want a pay rise")
    assert proposal.paragraphs == ["Dockers stayed out for an eighth day on Saturday."]


def test_without_a_headline_line_the_first_sentence_stands_in_with_low_confidence():
    proposal = propose("Dockers stayed out on Saturday. The port is shut.\n\nTalks resume Monday.")
    assert proposal.headline == "Dockers stayed out on Saturday."
    assert proposal.headline_confidence < 0.5


def test_wire_dateline_with_a_date_and_agency():
    proposal = propose(
        "Harbour strike enters its second week\n\n"
        "KESSEL, May 4 (Reuters) - Dockers stayed out for an eighth day.\n\n"
        "Talks resume on Monday.\n"
    )
    assert proposal.dateline == "Kessel"
    assert proposal.paragraphs[0] == "Dockers stayed out for an eighth day."


def test_a_contributor_line_is_a_syndication_note():
    proposal = propose(
        "Harbour strike enters its second week\n\n"
        "Dockers stayed out for an eighth day.\n\n"
        "Associated Press writer Jan Nowak contributed from Kessel.\n"
    )
    assert proposal.syndication_note == "Associated Press writer Jan Nowak contributed from Kessel."
    assert proposal.paragraphs == ["Dockers stayed out for an eighth day."]


def test_a_two_word_headline_in_windows_1252_with_crlf():
    from archive.ingest.pipeline import report_read

    raw = b"Strike ends\r\n\r\n\x93We won,\x94 Ana Brest said on Monday.\r\n"
    text, _ = report_read(raw, max_bytes=10_000)
    proposal = propose(text)
    assert proposal.headline == "Strike ends"
    assert [(q.speaker, q.text) for q in proposal.quotes] == [("Ana Brest", "We won,")]
