import datetime

import pytest

from archive.models import ArticleStatus, OutletKind
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)


@pytest.fixture
def archive(db):
    """Two published articles and a draft, each naming its own subjects: known counts."""
    region = PlaceFactory(name="Kharkiv Oblast", slug="kharkiv-oblast", kind="region")
    izyum = PlaceFactory(name="Izyum", slug="izyum", parent=region, latitude=49.2, longitude=37.3)
    balakliya = PlaceFactory(name="Balakliya", slug="balakliya", parent=region)
    secret_place = PlaceFactory(name="Secret Village", slug="secret-village")
    scroll = OutletFactory(name="Scroll", slug="scroll")
    ndtv = OutletFactory(name="NDTV", slug="ndtv")
    hidden_outlet = OutletFactory(name="Hidden Wire", slug="hidden-wire")
    afp = OutletFactory(name="AFP", slug="afp", kind=OutletKind.PHOTO_AGENCY)
    ministry = SpeakerFactory(name="Defence Ministry", slug="defence-ministry")
    mayor = SpeakerFactory(name="The Mayor", slug="the-mayor")
    source = SpeakerFactory(name="Unnamed Source", slug="unnamed-source")
    first = ArticleFactory(
        slug="regroup",
        headline="Russia regroups troops near Izyum",
        outlet=scroll,
        published_on=datetime.date(2022, 9, 10),
        places=[izyum],
        tags=["troop-withdrawal"],
    )
    second = ArticleFactory(
        slug="balakliya-retaken",
        headline="Balakliya retaken",
        outlet=ndtv,
        published_on=datetime.date(2022, 9, 9),
        places=[balakliya],
        tags=["counter-offensive"],
    )
    draft = ArticleFactory(
        slug="draft-story",
        headline="A draft about a secret village",
        outlet=hidden_outlet,
        status=ArticleStatus.DRAFT,
        places=[secret_place],
        tags=["embargoed"],
    )
    QuoteFactory(article=first, position=1, speaker=ministry, text="We regroup", tags=["army"])
    QuoteFactory(
        article=second, position=1, speaker=mayor, text="The town is free", place=balakliya
    )
    QuoteFactory(article=draft, position=1, speaker=source, text="Say nothing")
    PhotoCaptionFactory(
        article=first,
        position=1,
        text="Soldiers on a road",
        credit="Juan Barreto/AFP",
        photographer="Juan Barreto",
        agency=afp,
        place=izyum,
    )
    PhotoCaptionFactory(
        article=draft, position=1, text="Hidden photo", photographer="Kemal Aktas", agency=afp
    )
    return {"first": first, "second": second, "draft": draft}
