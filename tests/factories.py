import datetime

import factory

from archive import models


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Outlet
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")


class TaggedFactory(factory.django.DjangoModelFactory):
    """Adds tags given as `tags=[...]` after the object is saved."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class PlaceFactory(TaggedFactory):
    class Meta:
        model = models.Place
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = models.PlaceKind.TOWN


class SpeakerFactory(TaggedFactory):
    class Meta:
        model = models.Speaker
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")


class ArticleFactory(TaggedFactory):
    class Meta:
        model = models.Article
        skip_postgeneration_save = True

    outlet = factory.SubFactory(OutletFactory)
    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    published_on = datetime.date(2022, 9, 10)
    status = models.ArticleStatus.PUBLISHED
    paragraphs = factory.LazyFunction(lambda: ["First paragraph.", "Second paragraph."])

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if create and extracted:
            self.places.add(*extracted)


class QuoteFactory(TaggedFactory):
    class Meta:
        model = models.Quote
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    speaker = factory.SubFactory(SpeakerFactory)
    text = factory.Sequence(lambda n: f"Words spoken, number {n}")


class PhotoCaptionFactory(TaggedFactory):
    class Meta:
        model = models.PhotoCaption
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"A photo, number {n}")
    agency = factory.SubFactory(OutletFactory, kind=models.OutletKind.PHOTO_AGENCY)
