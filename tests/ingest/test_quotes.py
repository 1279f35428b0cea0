"""Each attribution pattern, on texts written for these tests."""

from tests.ingest.helpers import index_with, pairs, propose

HEADLINE = "Harbour strike enters its second week\n\n"


def test_said_after_the_quote_with_a_named_speaker():
    text = HEADLINE + '"The docks will stay shut until we are heard," Marta Kowalczyk said.'
    assert pairs(propose(text)) == [
        ("Marta Kowalczyk", "The docks will stay shut until we are heard,")
    ]


def test_said_before_the_name():
    text = HEADLINE + "“We are ready to talk,” said Tomasz Wierzba, the port’s director."
    proposal = propose(text)
    assert pairs(proposal) == [("Tomasz Wierzba", "We are ready to talk,")]


def test_according_to_names_the_speaker():
    text = HEADLINE + (
        "The talks collapsed over \u201cthe question of night shifts and overtime pay\u201d, "
        "according to Union leader Ana Brest."
    )
    proposal = propose(text)
    assert pairs(proposal) == [("Ana Brest", "the question of night shifts and overtime pay")]
    assert proposal.quotes[0].partial is True


def test_told_names_the_speaker_before_the_verb():
    text = HEADLINE + '"Nobody has called us," Piotr Lasko told reporters on Monday.'
    assert pairs(propose(text)) == [("Piotr Lasko", "Nobody has called us,")]


def test_said_in_a_statement():
    text = HEADLINE + (
        '"The strike is unlawful," the Harbour Authority said in a statement on Tuesday.'
    )
    proposal = propose(text)
    assert pairs(proposal) == [("Harbour Authority", "The strike is unlawful,")]
    assert proposal.speakers[0].kind == "organisation"


def test_an_organisation_with_a_possessive_is_matched_to_the_archive():
    index = index_with(
        speakers=[
            (
                "norland-transport-ministry",
                "Norland Transport Ministry",
                "organisation",
                ["Norland's transport ministry"],
            )
        ]
    )
    text = HEADLINE + '"Talks will resume," Norland’s transport ministry said.'
    proposal = propose(text, index)
    assert [(q.speaker_slug, q.text) for q in proposal.quotes] == [
        ("norland-transport-ministry", "Talks will resume,")
    ]
    assert proposal.speakers[0].new is False


def test_he_said_is_the_person_named_last():
    text = HEADLINE + (
        "Port director Tomasz Wierzba met the union on Monday, according to Radio Kessel.\n\n"
        '"We have offered a fair deal," he said. "Now it is their turn."'
    )
    assert pairs(propose(text)) == [
        ("Tomasz Wierzba", "We have offered a fair deal,"),
        ("Tomasz Wierzba", "Now it is their turn."),
    ]


def test_she_said_skips_organisations_named_since():
    text = HEADLINE + (
        "Union leader Ana Brest rejected the offer.\n\n"
        "The Harbour Authority said talks were over.\n\n"
        '"We will not go back," she said.'
    )
    assert pairs(propose(text)) == [("Ana Brest", "We will not go back,")]


def test_a_quote_split_around_its_attribution():
    text = HEADLINE + '"We will stay out," Ana Brest said, "for as long as it takes."'
    assert pairs(propose(text)) == [
        ("Ana Brest", "We will stay out,"),
        ("Ana Brest", "for as long as it takes."),
    ]


def test_a_quote_over_several_paragraphs_keeps_its_speaker():
    text = HEADLINE + (
        'Ana Brest said: "The first week was hard.\n\n'
        '"The second will be harder, and we know it.\n\n'
        '"But we will not give in."\n\n'
        "The port has been shut since May 3."
    )
    proposal = propose(text)
    assert [s for s, _ in pairs(proposal)] == ["Ana Brest"] * 3
    assert [q.paragraph for q in proposal.quotes] == [1, 2, 3]
    assert proposal.quotes[1].text == "The second will be harder, and we know it."


def test_partial_quotes_inside_a_sentence_take_the_sentence_speaker():
    text = HEADLINE + (
        'Piotr Lasko said the offer was "an insult" and that workers felt "betrayed by everyone".'
    )
    proposal = propose(text)
    assert pairs(proposal) == [
        ("Piotr Lasko", "an insult"),
        ("Piotr Lasko", "betrayed by everyone"),
    ]
    assert all(q.partial for q in proposal.quotes)


def test_a_full_sentence_quote_is_not_partial():
    text = HEADLINE + 'Ana Brest said: "We will win."'
    proposal = propose(text)
    assert proposal.quotes[0].partial is False


def test_title_before_the_name_is_proposed_as_the_role_of_a_new_speaker():
    text = HEADLINE + (
        'Harbour Authority spokesman Jonas Feld said the port was "losing money every hour".'
    )
    proposal = propose(text)
    assert proposal.speakers[0].name == "Jonas Feld"
    assert proposal.speakers[0].role == "Harbour Authority spokesman"
    assert proposal.speakers[0].new is True


def test_speaker_matched_through_case_diacritics_and_titles():
    index = index_with(speakers=[("ana-brest", "Ana Brešt", "person", ["Brest"])])
    text = HEADLINE + (
        'Union Leader ANA BREST said the deal was "dead".\n\n"It is over," Brest said.'
    )
    proposal = propose(text, index)
    assert [q.speaker_slug for q in proposal.quotes] == ["ana-brest", "ana-brest"]


def test_surname_alone_refers_back_to_the_full_name():
    text = HEADLINE + ('Union leader Ana Brest spoke first.\n\n"We are not moving," Brest said.')
    assert pairs(propose(text)) == [("Ana Brest", "We are not moving,")]


def test_scare_quotes_without_a_speaker_are_not_proposed():
    text = HEADLINE + 'The ministry called the walkout a "holiday" for the unions.'
    assert propose(text).quotes == []


def test_straight_and_curly_marks_give_the_same_quote():
    straight = propose(HEADLINE + '"We are ready," Ana Brest said.')
    curly = propose(HEADLINE + "\u201cWe are ready,\u201d Ana Brest said.")
    assert pairs(straight) == pairs(curly) == [("Ana Brest", "We are ready,")]


def test_abbreviations_do_not_end_the_sentence():
    text = HEADLINE + (
        'The U.S. Labor Department said on Sept. 4 that the dispute was "regrettable".'
    )
    assert pairs(propose(text)) == [("U.S. Labor Department", "regrettable")]


def test_single_curly_marks_are_quotes_but_apostrophes_are_not():
    text = HEADLINE + "‘The union’s demands are fair,’ Ana Brest said. It’s the dockers’ call."
    assert pairs(propose(text)) == [("Ana Brest", "The union’s demands are fair,")]


def test_an_apposition_between_the_name_and_the_verb():
    text = HEADLINE + (
        'Jonas Feld, director of the port authority, said the losses were "beyond repair".'
    )
    proposal = propose(text)
    assert pairs(proposal) == [("Jonas Feld", "beyond repair")]
    assert proposal.speakers[0].role == "director of the port authority"


def test_the_role_printed_after_said_name():
    text = HEADLINE + '"We are ready," said Tomasz Wierzba, director of the port.'
    proposal = propose(text)
    assert pairs(proposal) == [("Tomasz Wierzba", "We are ready,")]
    assert proposal.speakers[0].role == "director of the port"


def test_a_name_in_apposition_after_a_description_speaks():
    text = HEADLINE + '"We have not been paid," one docker, Jan Nowak, told local radio.'
    assert pairs(propose(text)) == [("Jan Nowak", "We have not been paid,")]


def test_a_quote_over_paragraphs_attributed_only_at_its_end():
    text = HEADLINE + ('"The first week was hard.\n\n"The second will be harder," Ana Brest said.')
    assert pairs(propose(text)) == [
        ("Ana Brest", "The first week was hard."),
        ("Ana Brest", "The second will be harder,"),
    ]


def test_the_title_alone_refers_to_the_person_with_that_role():
    text = HEADLINE + (
        "Port director Tomasz Wierzba met the union on Monday.\n\n"
        '"We are close to a deal," the director said.'
    )
    assert pairs(propose(text)) == [("Tomasz Wierzba", "We are close to a deal,")]


def test_according_to_a_statement_from_names_who_issued_it():
    text = HEADLINE + (
        'The strike was "a grave mistake", according to a statement from the Harbour Authority.'
    )
    assert pairs(propose(text)) == [("Harbour Authority", "a grave mistake")]
