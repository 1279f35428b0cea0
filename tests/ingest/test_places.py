"""Places: the archive's names and other spellings first, then the bundled gazetteer."""

from archive.ingest.pipeline import report_propose
from tests.ingest.helpers import index_with

HEADLINE = "Floods reach the north\n\n"


def places(text, index=None, gazetteer=True):
    proposal = report_propose(
        HEADLINE + text, source="test", index=index or index_with(), use_gazetteer=gazetteer
    )
    return {p.name: p for p in proposal.places}


def test_archive_spellings_case_and_possessives_are_matched():
    index = index_with(
        places=[("kessel", "Kessel", "city", None, ["Kessl"]), ("norland", "Norland", "country",
                None, [])]
    )  # fmt: skip
    found = places("Norland's army reached KESSEL and then Kessl again.", index, gazetteer=False)
    assert set(found) == {"Norland", "Kessel"}
    assert found["Kessel"].mentions == ["KESSEL", "Kessl"]
    assert found["Kessel"].new is False


def test_unknown_places_come_from_the_gazetteer_with_coordinates_and_country():
    found = places("Rescuers were sent from Bologna to the town of Faenza in Italy on Monday.")
    assert set(found) == {"Bologna", "Faenza", "Italy"}
    assert found["Faenza"].new is True
    assert found["Faenza"].parent == "Italy"
    assert round(found["Bologna"].latitude) == 44
    assert found["Italy"].kind == "country"


def test_a_gazetteer_town_needs_the_grammar_of_a_place():
    # "Reading" and "Mobile" are towns, but here they are words at the start of a sentence.
    found = places("Reading the report, officials said little. Mobile phones were down.")
    assert found == {}


def test_part_of_a_longer_name_is_not_a_place():
    found = places("The dam near the town of Mai Mahiu broke on Monday.")
    assert "Mai" not in found


def test_region_named_after_a_city_is_proposed_and_takes_the_bare_name():
    found = places("Rain fell across the Bologna province on Monday. In Bologna, roads closed.")
    assert set(found) == {"Bologna province"}
    assert found["Bologna province"].kind == "region"
    assert found["Bologna province"].parent == "Italy"
    assert found["Bologna province"].mentions == ["Bologna province", "Bologna"]
