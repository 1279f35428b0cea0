"""A synthetic archive of any size, for trying the archive at scale.

Everything is built from the word lists below and a seeded random generator, so one seed
always gives the same archive. Places, speakers, outlets and tags are drawn with a Zipf-like
skew: a few are in thousands of articles, most in a handful. Every slug starts with "gen-",
so the generated archive never collides with the seed fixtures.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import string
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.utils.text import slugify

from archive import models as m
from archive.search.backends import backend_for

FIRST = "Oleksii Dmytro Olena Iryna Andrii Serhii Natalia Yulia Mykola Taras Oksana Viktor Ivan"
FIRST += " Anna Maria Pavlo Roman Yevhen Kateryna Vadym Igor Denis Sergei Alexei Elena Tatiana"
FIRST += " Mikhail Olga Anton James Sarah David Emma Thomas Claire Marek Agnieszka Jonas Ingrid"
LAST = "Kovalenko Bondarenko Tkachenko Shevchenko Marchenko Melnyk Kravchenko Lysenko Boyko"
LAST += " Savchenko Rudenko Moroz Pavlenko Koval Hnatyuk Ivanov Petrov Sokolov Volkov Orlov"
LAST += " Fedorov Morozov Zaitsev Lebedev Novak Wojcik Nowak Lindqvist Hughes Bennett Walsh"
LAST += " Carter Fischer Keller Dubois Laurent Rossi Jensen Kowalski Horvath Popescu Yaremchuk"
FIRST_NAMES, LAST_NAMES = FIRST.split(), LAST.split()
ROLES = [
    "Defence Minister",
    "Foreign Minister",
    "regional governor",
    "army spokesman",
    "mayor",
    "military analyst",
    "deputy prime minister",
    "presidential adviser",
    "commander",
    "human rights ombudsman",
]
AFFILIATIONS = ["Government", "Armed Forces", "Regional administration", "Ministry", "Think tank"]
SYLLABLES = [
    "Bal Kup Iz Ly Vol Kras Myr Pol Zol Ber Dob Hor Kam Nov Ros Sla Sum Tor Vel Zel Char Dnip Pid "
    "Ost Lis Mar Chu Bor Hly Kre Pav Sev Yar Zhyt Khm Luk Rov Ter Uzh Vin".split(),
    "a o e y i ya yu ia".split(),
    "nsk vka liya yum man hrad pil ivka ske ne ove yn ets horod opil chuk dar sk".split(),
]
PUBLISHERS = (
    "Courier Herald Dispatch Observer Chronicle Gazette Monitor Tribune Post Ledger Sentinel "
    "Record Bulletin Express Journal Times Register Review Standard Star Mirror Echo Wire"
).split()
ADJECTIVES = "Northern Eastern Daily Evening Continental Atlantic Baltic Central Global".split()
AGENCIES = "Frontline Pictures|Eastlight Photo|Reportage Images|Meridian Press Photo|Steppe Agency"
TOPICS = (
    "counter-offensive|shelling|evacuation|grain exports|energy grid|prisoner exchange|sanctions"
    "|drone strikes|air defence|mobilisation|refugees|reconstruction|war crimes|diplomacy"
    "|peace talks"
    "|humanitarian aid|logistics|artillery|railways|elections|occupation|annexation|partisans"
    "|mines|nuclear safety|cyber attacks|propaganda|casualties|front line|supply lines|bridges"
    "|winter|power cuts|water supply|schools|hospitals|volunteers|aid convoys|air raids|missiles"
).split("|")
FORCES = ["Russian forces", "Ukrainian troops", "Separatist units", "Artillery crews", "Marines"]
VERBS = ["regroup", "advance", "withdraw", "retreat", "push forward", "dig in", "counter-attack"]
PAST = ["regrouped", "advanced", "withdrew", "retreated", "pushed forward", "dug in", "held out"]
SENTENCES = [
    "{force} said they had {past} around {place} on {weekday}.",
    "The defence ministry said its troops were regrouping from {place} to bolster efforts "
    "along the {place2} front.",
    "Officials in {region} said {number} settlements had been liberated since the start of "
    "the month.",
    "Residents of {place} were told to evacuate as shelling continued overnight, according "
    "to {outlet}.",
    "Satellite images showed armoured vehicles moving towards {place}, analysts said.",
    "The town of {place}, a railway hub with a pre-war population of around {number},000, "
    "was captured in {month}.",
    "{outlet} could not independently verify the claims about {place}.",
    "Power and water supplies in {region} were cut after strikes on {place}.",
    "Military observers said the army had advanced further still beyond {place2}.",
    "The retreat from {place} is the worst setback since troops were forced back in {month}.",
    "Aid convoys reached {place} on {weekday}, the regional administration said.",
    "Fighting was reported in a number of other localities, particularly north of {place2}.",
]
QUOTES = [
    "The situation in {place} is very difficult",
    "We will not give up a single metre of {place}",
    "Our forces are regrouping to bolster the front near {place}",
    "The more weapons we receive, the faster this war will end",
    "Please do not hurry with the reports about {place}",
    "We have no other choice but to keep {region}, and we will succeed",
    "Every settlement around {place} will be liberated",
    "The enemy is demonstrating its best ability: to show its back",
    "Humanitarian corridors from {place} must stay open",
    "The supply lines to {place} have been cut",
]
CAPTIONS = [
    "A woman rides a bike past a destroyed building in {place}, {region}",
    "Soldiers patrol a village near {place} after it was retaken",
    "A tank advances towards the front north of {place}",
    "Residents queue for water in {place}",
    "An armoured vehicle stands abandoned on a road outside {place}",
    "Rescuers search the rubble of an apartment block in {place}",
]
HEADLINES = [
    "{force} {verb} near {place} as fighting spreads across {region}",
    "{speaker} says troops will {verb} around {place}",
    "Residents flee {place} as {force} {verb}",
    "{place}: what we know about the battle for {region}",
    "{topic} dominates talks as forces {verb} near {place}",
]
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()
CHOICES = {
    "force": FORCES,
    "past": PAST,
    "verb": VERBS,
    "weekday": WEEKDAYS,
    "month": MONTHS,
}
FIELDS = {
    template: [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
    for template in SENTENCES + QUOTES + CAPTIONS + HEADLINES
}


@dataclass
class GenerateReport:
    """How much a generation run wrote, and how long it took."""

    articles: int = 0
    quotes: int = 0
    captions: int = 0
    places: int = 0
    speakers: int = 0
    seconds: float = 0.0


class Zipf:
    """Draw items so that the k-th is about 1/k^s as likely as the first."""

    def __init__(self, items: list, rng: random.Random, s: float = 1.1):
        self.items, self.rng = items, rng
        weights = [1 / (rank**s) for rank in range(1, len(items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def one(self):
        point = self.rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect(self.cumulative, point)]

    def distinct(self, k: int) -> list:
        chosen: dict = {}
        for _ in range(k * 4):
            if len(chosen) == k:
                break
            item = self.one()
            chosen[id(item)] = item
        return list(chosen.values())


def _add_aliases(alias_model, owners: list, rng, using: str) -> list:
    """Give about three owners in ten the other transliterations of their name; return them."""
    aliases = [
        alias_model(owner=owner, name=variant, note="other transliteration")
        for owner in owners
        if rng.random() < 0.3
        for variant in _variants(owner.name)
    ]
    return alias_model.objects.using(using).bulk_create(aliases)


def _variants(name: str) -> list[str]:
    """Other transliterations of a name, as other outlets print it (Izyum, Izium)."""
    swaps = [("y", "i"), ("ya", "ia"), ("iv", "ov"), ("h", "g"), ("ts", "tz")]
    return sorted({name.replace(a, b) for a, b in swaps} - {name})[:2]


def _reference_data(rng: random.Random, articles: int, using: str) -> dict:
    """Create the outlets, places, speakers and tags the generated articles draw on."""
    outlets = [
        m.Outlet(
            name=f"The {adj} {noun}",
            slug=f"gen-{slugify(adj)}-{slugify(noun)}",
            homepage=f"https://{slugify(adj)}{slugify(noun)}.example",
        )
        for adj, noun in itertools.islice(itertools.product(ADJECTIVES, PUBLISHERS), 40)
    ]
    agencies = [
        m.Outlet(name=name, slug=f"gen-{slugify(name)}", kind=m.OutletKind.PHOTO_AGENCY)
        for name in AGENCIES.split("|")
    ]
    m.Outlet.objects.using(using).bulk_create(outlets + agencies)

    roots = ["".join(parts) for parts in itertools.product(*SYLLABLES)]
    rng.shuffle(roots)
    region_count = 40
    place_count = min(max(articles // 30, 60), 3000) + region_count
    names = roots[:place_count]
    regions = [
        m.Place(name=f"{n}ska Oblast", slug=f"gen-r{i:02d}-{slugify(n)}", kind=m.PlaceKind.REGION)
        for i, n in enumerate(names[:region_count])
    ]
    m.Place.objects.using(using).bulk_create(regions)
    kinds = [m.PlaceKind.CITY, m.PlaceKind.TOWN, m.PlaceKind.TOWN, m.PlaceKind.VILLAGE]
    towns = [
        m.Place(
            name=name,
            slug=f"gen-p{i:04d}-{slugify(name)}",
            kind=rng.choice(kinds),
            parent=rng.choice(regions),
            latitude=round(rng.uniform(44.5, 52.0), 4),
            longitude=round(rng.uniform(22.5, 40.0), 4),
        )
        for i, name in enumerate(names[region_count:])
    ]
    m.Place.objects.using(using).bulk_create(towns)
    place_aliases = _add_aliases(m.PlaceAlias, towns, rng, using)

    people = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    rng.shuffle(people)
    speaker_count = min(max(articles // 40, 40), len(people))
    speakers = [
        m.Speaker(
            name=f"{first} {last}",
            slug=f"gen-s{i:04d}-{slugify(first)}-{slugify(last)}",
            role=rng.choice(ROLES),
            affiliation=rng.choice(AFFILIATIONS),
        )
        for i, (first, last) in enumerate(people[:speaker_count])
    ]
    m.Speaker.objects.using(using).bulk_create(speakers)
    _add_aliases(m.SpeakerAlias, speakers, rng, using)

    taken = {name.casefold() for name in m.Tag.objects.using(using).values_list("name", flat=True)}
    wanted = TOPICS + [f"{region.name} front" for region in regions]
    m.Tag.objects.using(using).bulk_create(
        [
            m.Tag(name=name, slug=f"gen-{slugify(name)}")
            for name in wanted
            if name.casefold() not in taken
        ]
    )
    by_name = {tag.name.casefold(): tag for tag in m.Tag.objects.using(using).all()}
    tags = [by_name[name.casefold()] for name in wanted]
    rng.shuffle(tags)
    rng.shuffle(towns)
    rng.shuffle(speakers)
    rng.shuffle(outlets)
    report = GenerateReport(places=len(regions) + len(towns), speakers=len(speakers))
    return {
        "outlets": Zipf(outlets, rng),
        "agencies": Zipf(agencies, rng),
        "places": Zipf(towns, rng),
        "speakers": Zipf(speakers, rng),
        "tags": Zipf(tags, rng, s=0.9),
        "aliases": {a.owner_id: a.name for a in place_aliases},
        "report": report,
    }


class _Writer:
    """Build one batch of articles with their quotes, captions, places and tags."""

    def __init__(self, rng: random.Random, ref: dict):
        self.rng, self.ref = rng, ref
        self.start = datetime.date(2019, 1, 1)

    def pick(self, items: Sequence):
        return items[int(self.rng.random() * len(items))]

    def _fill(self, template: str, places: list[m.Place], **extra) -> str:
        pick = self.pick
        place = pick(places)
        # Now and then an article prints another spelling, as the seed reports do.
        name = place.name
        if self.rng.random() < 0.2:
            name = self.ref["aliases"].get(place.pk, name)
        fields = {"place": name, **extra}
        # Only the fields the template names are drawn, in a fixed order, for speed.
        for field in FIELDS[template]:
            if field == "place2":
                fields[field] = pick(places).name
            elif field == "region":
                fields[field] = place.parent.name if place.parent_id else place.name
            elif field == "number":
                fields[field] = 2 + int(self.rng.random() * 89)
            elif field in CHOICES:
                fields[field] = pick(CHOICES[field])
        return template.format_map(fields)

    def article(self, number: int, places: list[m.Place]):
        rng, ref = self.rng, self.ref
        outlet = ref["outlets"].one()
        # Later years hold more of the archive than earlier ones.
        day = int(2000 * rng.random() ** 0.6)
        published_on = self.start + datetime.timedelta(days=day)
        speakers = [ref["speakers"].one() for _ in range(max(1, round(rng.gauss(5, 1.5))))]
        headline = self._fill(
            self.pick(HEADLINES), places, speaker=speakers[0].name, topic=self.pick(TOPICS)
        )
        headline = headline[0].upper() + headline[1:]
        paragraphs, quotes = [], []
        for position, speaker in enumerate(speakers, start=1):
            context = [
                self._fill(self.pick(SENTENCES), places, outlet=outlet.name)
                for _ in range(rng.randint(1, 3))
            ]
            said = self._fill(self.pick(QUOTES), places)
            paragraphs.append(" ".join(context))
            paragraphs.append(f"“{said},” {speaker.name}, the {speaker.role}, said.")
            quotes.append((position, speaker, said, len(paragraphs)))
        created = datetime.datetime.combine(published_on, datetime.time(9), tzinfo=datetime.UTC)
        roll = rng.random()
        status = "draft" if roll < 0.06 else "in_review" if roll < 0.1 else "published"
        slug = f"gen-{number:06d}-{slugify(headline)[:60].strip('-')}"
        article = m.Article(
            outlet_id=outlet.pk,
            headline=headline,
            slug=slug,
            standfirst=self._fill(self.pick(SENTENCES), places, outlet=outlet.name),
            byline=f"By {self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}",
            dateline=places[0].name,
            published_on=published_on,
            source_url=f"{outlet.homepage}/{published_on:%Y/%m}/{slug}",
            paragraphs=paragraphs,
            language="en",
            status=status,
            created_at=created,
            updated_at=created,
        )
        return article, quotes, created


def archive_generate(
    *,
    articles: int,
    seed: int = 1,
    batch: int = 5000,
    using: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateReport:
    """Add a synthetic archive of `articles` articles, the same for the same seed."""
    began = time.monotonic()
    using = using or router.db_for_write(m.Article)
    search = backend_for(connections[using])
    rng = random.Random(seed)
    with transaction.atomic(using=using):
        ref = _reference_data(rng, articles, using)
    writer = _Writer(rng, ref)
    report = ref["report"]
    for first in range(1, articles + 1, batch):
        numbers = range(first, min(first + batch, articles + 1))
        bulk_load: AbstractContextManager[None] = search.bulk_load() if search else nullcontext()
        with transaction.atomic(using=using), bulk_load:
            counts = _write_batch(writer, numbers, using)
        report.articles += len(numbers)
        report.quotes += counts[0]
        report.captions += counts[1]
        if progress:
            progress(report.articles, articles)
    report.seconds = time.monotonic() - began
    return report


def _write_batch(writer: _Writer, numbers: range, using: str) -> tuple[int, int]:
    rng, ref = writer.rng, writer.ref
    rows = []
    for number in numbers:
        places = ref["places"].distinct(max(1, round(rng.gauss(4, 1.2))))
        article, quotes, created = writer.article(number, places)
        rows.append((article, quotes, places, created))
    m.Article.objects.using(using).bulk_create([row[0] for row in rows])
    quotes, captions, place_links, taggings, cited = [], [], [], [], []
    for article, said, places, created in rows:
        for position, speaker, text, paragraph in said:
            quotes.append(
                m.Quote(
                    article_id=article.pk,
                    position=position,
                    speaker_id=speaker.pk,
                    text=text,
                    paragraph=paragraph,
                    place_id=writer.pick(places).pk,
                )
            )
        for position in range(1, writer.pick((1, 2, 2, 2, 3)) + 1):
            agency = ref["agencies"].one()
            photographer = f"{writer.pick(FIRST_NAMES)} {writer.pick(LAST_NAMES)}"
            captions.append(
                m.PhotoCaption(
                    article_id=article.pk,
                    position=position,
                    text=writer._fill(writer.pick(CAPTIONS), places) + ".",
                    credit=f"{photographer}/{agency.name}",
                    photographer=photographer,
                    agency_id=agency.pk,
                    taken_on=article.published_on,
                    place_id=places[0].pk,
                )
            )
        place_links += [
            m.Article.places.through(article_id=article.pk, place_id=place.pk) for place in places
        ]
        tags = ref["tags"].distinct(max(1, round(rng.gauss(5, 1.5))))
        taggings += [
            m.ArticleTag(tag_id=tag.pk, content_object_id=article.pk, added_at=created)
            for tag in tags
        ]
        if rng.random() < 0.3:
            cited.append(
                m.Article.cited_outlets.through(
                    article_id=article.pk, outlet_id=ref["outlets"].one().pk
                )
            )
    m.Quote.objects.using(using).bulk_create(quotes)
    m.PhotoCaption.objects.using(using).bulk_create(captions)
    m.Article.places.through.objects.using(using).bulk_create(place_links)
    m.ArticleTag.objects.using(using).bulk_create(taggings)
    m.Article.cited_outlets.through.objects.using(using).bulk_create(cited)
    return len(quotes), len(captions)
