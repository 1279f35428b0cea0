"""Any text at all gives a proposal or an IngestError, never another exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.ingest.pipeline import report_propose
from archive.ingest.proposal import IngestError
from tests.ingest.helpers import index_with

INDEX = index_with(
    speakers=[("ana-brest", "Ana Brest", "person", ["Brest"])],
    places=[("kessel", "Kessel", "city", None, ["Kessl"])],
)
PIECES = st.sampled_from(
    [
        '"', "“", "”", "‘", "’", "«", "»", ",", ".", ":", " said", " he said", "said ",
        "according to ", " | ", "(Photo by ", "/AFP)", " via ", "(File)", "\n\n", "\n",
        "Ana Brest", "Brest", "KESSEL, Norland (AP) — ", "Kessel:", "Kessel region", "in ",
        "Click here", "By ", "Sep 10, 2022", "Saturday", "U.K.", "Sept. ", "the ministry",
        "spokesman ", "Mai Mahiu", "<p>", "</p>", "-", "’s", "We will win", "Q", "x",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60))
def test_any_text_gives_a_proposal_or_a_clear_refusal(pieces):
    text = "".join(pieces)
    try:
        proposal = report_propose(text, source="fuzz", index=INDEX)
    except IngestError:
        return
    assert proposal.paragraphs
    for quote in proposal.quotes:
        body = proposal.paragraphs[quote.paragraph - 1]
        assert quote.text.strip() and quote.text in body
    proposal.as_json()
