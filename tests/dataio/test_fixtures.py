"""The seed fixtures hold what the three seed reports printed."""

import datetime

import pytest

from archive.models import (
    Article,
    ArticleStatus,
    PhotoCaption,
    Place,
    PlaceAlias,
    Quote,
    QuoteKind,
    Speaker,
    SpeakerAlias,
)

pytestmark = pytest.mark.usefixtures("seed")

# (outlet, speaker slug, a fragment of the quote as printed, full or partial)
SEED_QUOTES = [
    ("scroll-in", "russian-defence-ministry", "to regroup", QuoteKind.PARTIAL),
    ("scroll-in", "russian-defence-ministry", "bolster the force", QuoteKind.PARTIAL),
    ("scroll-in", "volodymyr-zelenskyy", "demonstrating its best ability", QuoteKind.FULL),
    ("scroll-in", "volodymyr-zelenskyy", "a good decision for them to run", QuoteKind.FULL),
    (
        "scroll-in",
        "dmytro-kuleba",
        "the more weapons we receive, the faster we will win",
        QuoteKind.FULL,
    ),
    (
        "ndtv",
        "russian-defence-ministry",
        "a decision was made to regroup Russian troops",
        QuoteKind.FULL,
    ),
    ("ndtv", "denis-pushilin", "very difficult", QuoteKind.PARTIAL),
    ("ndtv", "denis-pushilin", "a number of other localities", QuoteKind.PARTIAL),
    ("ndtv", "denis-pushilin", "We have no other choice but to keep Donbas", QuoteKind.FULL),
    ("fox-news", "volodymyr-zelenskyy", "liberated", QuoteKind.PARTIAL),
    ("fox-news", "igor-konashenkov", "regrouped", QuoteKind.PARTIAL),
    ("fox-news", "igor-konashenkov", "in order to achieve the stated goals", QuoteKind.PARTIAL),
    ("fox-news", "oleksii-reznikov", "convinced", QuoteKind.PARTIAL),
    ("fox-news", "oleksii-reznikov", "the Russian troops will start fleeing", QuoteKind.FULL),
    ("fox-news", "oleksii-reznikov", "destroying their supply chains", QuoteKind.FULL),
    ("fox-news", "oleksii-reznikov", "like an avalanche", QuoteKind.PARTIAL),
    (
        "fox-news",
        "oleksii-reznikov",
        "each line of defense falling one after the other",
        QuoteKind.PARTIAL,
    ),
    ("fox-news", "uk-defence-ministry", "likely taken by surprise", QuoteKind.PARTIAL),
    ("fox-news", "uk-defence-ministry", "The sector was only lightly held", QuoteKind.FULL),
    ("fox-news", "uk-defence-ministry", "would be a significant blow", QuoteKind.PARTIAL),
    ("fox-news", "volodymyr-zelenskyy", "Please do not hurry with the reports", QuoteKind.FULL),
]


def test_the_three_seed_articles_are_published_on_the_day():
    articles = Article.objects.select_related("outlet")
    assert sorted(a.outlet.slug for a in articles) == ["fox-news", "ndtv", "scroll-in"]
    assert {a.published_on for a in articles} == {datetime.date(2022, 9, 10)}
    assert {a.status for a in articles} == {ArticleStatus.PUBLISHED}


def test_page_furniture_is_not_body_text():
    body = "\n".join(p for a in Article.objects.all() for p in a.paragraphs)
    for furniture in (
        "CLICK HERE TO GET THE FOX NEWS APP",
        "UKRAINIAN SOLDIERS ADVANCE 30 MILES",
        "This Article is From",
        "Photo by Metin Aktas",
        "Juan Barreto/AFP",
    ):
        assert furniture not in body
    assert (
        "Kharkiv ukrainian soldier" not in Article.objects.get(outlet__slug="fox-news").paragraphs
    )


def test_ndtv_carries_its_dateline_and_syndication_note():
    ndtv = Article.objects.get(outlet__slug="ndtv")
    assert ndtv.dateline == "Moscow"
    assert "syndicated feed" in ndtv.syndication_note
    assert ndtv.headline.startswith("Russia")
    assert "Regrouping" in ndtv.headline


@pytest.mark.parametrize(("outlet", "speaker", "fragment", "kind"), SEED_QUOTES)
def test_each_seed_quote_is_attributed_to_its_speaker(outlet, speaker, fragment, kind):
    # A partial quote is the fragment itself; a full one contains it.
    lookup = "text__startswith" if kind == QuoteKind.PARTIAL else "text__contains"
    matches = Quote.objects.filter(
        article__outlet__slug=outlet, speaker__slug=speaker, **{lookup: fragment}
    )
    assert matches.count() == 1, f"{speaker}: {fragment!r}"
    quote = matches.get()
    assert quote.kind == kind
    # The quote stands in the paragraph the fixture points at, as printed.
    assert quote.text in quote.article.paragraphs[quote.paragraph - 1]


def test_no_quote_is_left_unattributed_and_scare_quotes_are_not_quotes():
    assert Quote.objects.count() == len(SEED_QUOTES)
    assert not Quote.objects.filter(text__in=["special operation", "de-Nazify"]).exists()


def test_oleh_nikolenko_is_a_speaker_without_a_direct_quote():
    assert Speaker.objects.filter(slug="oleh-nikolenko").exists()


@pytest.mark.parametrize(
    ("outlet", "photographer", "agency", "distributor", "taken_on", "place"),
    [
        ("scroll-in", "Juan Barreto", "afp", None, datetime.date(2022, 9, 10), "balakliya"),
        (
            "fox-news",
            "Metin Aktas",
            "anadolu-agency",
            "getty-images",
            datetime.date(2022, 9, 9),
            None,
        ),
        (
            "fox-news",
            "Metin Aktas",
            "anadolu-agency",
            "getty-images",
            datetime.date(2022, 9, 8),
            None,
        ),
        (
            "fox-news",
            "Juan Barreto",
            "afp",
            "getty-images",
            datetime.date(2022, 9, 10),
            "balakliya",
        ),
    ],
)
def test_each_credited_caption_has_its_photographer_and_agency(
    outlet, photographer, agency, distributor, taken_on, place
):
    caption = PhotoCaption.objects.get(
        article__outlet__slug=outlet, photographer=photographer, taken_on=taken_on
    )
    assert caption.agency.slug == agency
    assert (caption.distributor.slug if caption.distributor else None) == distributor
    if place:
        assert caption.place.slug == place


def test_the_ndtv_file_photo_caption_is_kept():
    caption = PhotoCaption.objects.get(article__outlet__slug="ndtv")
    assert "regrouping" in caption.text
    assert caption.agency is None


@pytest.mark.parametrize(
    ("spelling", "slug"),
    [
        ("Izium", "izyum"),
        ("Balaklyia", "balakliya"),
        ("Balakliia", "balakliya"),
        ("Lugansk", "luhansk-oblast"),
        ("Kupyansk", "kupiansk"),
        ("Kiev", "kyiv"),
        ("HARKIV", "kharkiv"),
    ],
)
def test_each_spelling_resolves_to_its_place(spelling, slug):
    assert PlaceAlias.objects.get(name__iexact=spelling).owner.slug == slug


def test_zelenskyy_typo_is_a_speaker_alias():
    assert SpeakerAlias.objects.get(name="Zelenksyy").owner.slug == "volodymyr-zelenskyy"


def test_place_hierarchy_and_coordinates():
    izyum = Place.objects.get(slug="izyum")
    assert izyum.parent.slug == "kharkiv-oblast"
    assert izyum.parent.parent.slug == "ukraine"
    assert 49 < izyum.latitude < 49.5 and 37 < izyum.longitude < 37.5
    assert Place.objects.get(slug="lyman").parent.slug == "donetsk-oblast"
    assert Place.objects.get(slug="moscow").parent.slug == "russia"


def test_cited_outlets():
    scroll = Article.objects.get(outlet__slug="scroll-in")
    assert {o.slug for o in scroll.cited_outlets.all()} >= {"bbc", "associated-press", "al-jazeera"}
    fox = Article.objects.get(outlet__slug="fox-news")
    assert {o.slug for o in fox.cited_outlets.all()} >= {"tass", "pravda", "associated-press"}


def test_every_article_is_tagged_from_the_vocabulary():
    for article in Article.objects.all():
        assert article.tags.exists(), article.slug
    tagged = {t.name for a in Article.objects.all() for t in a.tags.all()}
    assert "kharkiv-counteroffensive" in tagged
