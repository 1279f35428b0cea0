"""Each credit pattern, on captions written for these tests."""

import pytest

from archive.ingest.captions import caption_parse, credit_split
from tests.ingest.helpers import index_with, propose


@pytest.mark.parametrize(
    "block, text, photographer, agency, distributor",
    [
        (
            "Dockers march past the harbour gates on May 3. | Lena Ostrova/AFP",
            "Dockers march past the harbour gates on May 3.",
            "Lena Ostrova",
            "AFP",
            None,
        ),
        (
            "A crane stands idle in the port. (Photo by Karl Mend/Anadolu Agency via Getty Images)",
            "A crane stands idle in the port.",
            "Karl Mend",
            "Anadolu Agency",
            "Getty Images",
        ),
        (
            "Strikers gather at dawn. Photo: Ivo Sten/Reuters",
            "Strikers gather at dawn.",
            "Ivo Sten",
            "Reuters",
            None,
        ),
        (
            "Police watch the picket line. (AP Photo/Mira Kolar)",
            "Police watch the picket line.",
            "Mira Kolar",
            "AP",
            None,
        ),
        (
            "A ship waits offshore. REUTERS/Pavel Orzel",
            "A ship waits offshore.",
            "Pavel Orzel",
            "REUTERS",
            None,
        ),
        (
            "Empty quays on the third day. (Photo by JAN NOWAK / AFP) (Photo by JAN NOWAK/AFP "
            "via Getty Images)",
            "Empty quays on the third day.",
            "Jan Nowak",
            "AFP",
            "Getty Images",
        ),
    ],
)
def test_credit_is_split_into_photographer_agency_and_distributor(
    block, text, photographer, agency, distributor
):
    caption = caption_parse(block)
    assert caption is not None
    assert (caption.text, caption.photographer, caption.agency, caption.distributor) == (
        text,
        photographer,
        agency,
        distributor,
    )


def test_file_credit_has_no_photographer():
    caption = caption_parse("The union says the offer is final. (File)")
    assert caption.text == "The union says the offer is final."
    assert caption.credit == "File"
    assert (caption.photographer, caption.agency) == (None, None)


def test_a_sentence_with_a_pipe_is_not_a_caption():
    assert caption_parse("Wages rose | but prices rose faster, the union said.") is None


def test_photographer_for_an_outlet():
    assert credit_split("Photo by Ola Brand for The Harbour Times") == (
        "Ola Brand",
        "The Harbour Times",
        None,
    )


def test_caption_agency_is_matched_to_the_archive_outlet():
    index = index_with(outlets=[("afp", "AFP"), ("getty-images", "Getty Images")])
    proposal = propose(
        "Harbour strike enters its second week\n\n"
        "The port has been shut for eight days, the union said.\n\n"
        "Pickets at the gate on May 3, 2024. (Photo by Lena Ostrova/AFP via Getty Images)",
        index,
    )
    [caption] = proposal.photo_captions
    assert (caption.agency_slug, caption.distributor_slug) == ("afp", "getty-images")
    assert caption.taken_on == "2024-05-03"
    assert proposal.paragraphs == ["The port has been shut for eight days, the union said."]


def test_handout_credit_via_an_agency():
    caption = caption_parse("Rescuers reach the quay. (Kessel Fire Brigade via AP)")
    assert (caption.text, caption.agency, caption.distributor) == (
        "Rescuers reach the quay.",
        "Kessel Fire Brigade",
        "AP",
    )


def test_labelled_caption_takes_the_image_source_line_before_it():
    proposal = propose(
        "Harbour strike enters its second week\n\n"
        "The port has been shut for eight days, the union said.\n\n"
        "Image source, Reuters\n\n"
        "Image caption, Pickets outside the harbour gates\n\n"
        "Talks resume on Monday.\n"
    )
    [caption] = proposal.photo_captions
    assert (caption.text, caption.credit, caption.agency) == (
        "Pickets outside the harbour gates",
        "Reuters",
        "Reuters",
    )
    assert proposal.paragraphs == [
        "The port has been shut for eight days, the union said.",
        "Talks resume on Monday.",
    ]
