"""The facet index agrees with plain SQL after every kind of edit (a differential test).

Random edits (tags added and removed, places moved and re-parented, articles published and
unpublished, moved to another day or outlet, deleted; quotes and captions changed; tags merged
and renamed; aliases added, renamed, moved and deleted), each followed by a comparison of every
facet count, per-day count, subject page count, ranked index, article page's related articles
and the places' and speakers' names and aliases the index gives with the database's own answer.
Drafts never count.
ARCHIVE_FACET_EDITS sets the number of edits (default 30: two rounds of every kind; a long run
uses thousands).
"""

from __future__ import annotations

import datetime
import io
import os
import random

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.http import QueryDict

from archive.editorial.tagging import tag_merge, tag_rename
from archive.editorial.workflow import article_status_set
from archive.facetindex import counting, tally
from archive.facetindex.build import index_build
from archive.facetindex.changelog import engine_for
from archive.facetindex.runtime import index_current, index_rebuild
from archive.facetindex.subjects import document_tags, subject_names, subject_ranking
from archive.models import (
    PLACE_DEPTH,
    Article,
    ArticleStatus,
    Outlet,
    PhotoCaption,
    Place,
    Quote,
    Speaker,
    Tag,
)
from archive.public import facets, selectors
from archive.public.filters import ArticleFilter, PhotoCaptionFilter, QuoteFilter
from archive.public.rowtags import tags_from_index
from archive.search.query import NameTable
from tests.factories import (
    ArticleFactory,
    OutletFactory,
    PhotoCaptionFactory,
    PlaceFactory,
    QuoteFactory,
    SpeakerFactory,
)
from tests.public.facet_oracle import sql_days, sql_facets, sql_rankings, sql_related

pytestmark = pytest.mark.django_db
needs_tally = pytest.mark.skipif(tally.NATIVE is None, reason="tally.c not built (make install)")

EDITS = int(os.environ.get("ARCHIVE_FACET_EDITS", "30"))
LISTS = (
    (ArticleFilter, Article, ("place", "tag", "outlet", "speaker")),
    (QuoteFilter, Quote, ("speaker", "place", "outlet", "tag")),
    (PhotoCaptionFilter, PhotoCaption, ("agency", "place", "tag")),
)
SUBJECT_PAGES = {
    Place: selectors.place_page,
    Speaker: selectors.speaker_page,
    Tag: selectors.tag_page,
    Outlet: selectors.outlet_page,
}
DAY = datetime.date(2022, 9, 1)


def _world(rng: random.Random):
    region = PlaceFactory(kind="region")
    places = [region] + [PlaceFactory(parent=region if i % 2 else None) for i in range(5)]
    outlets = [OutletFactory() for _ in range(4)]
    speakers = [SpeakerFactory() for _ in range(5)]
    tags = [f"tag {i}" for i in range(8)]
    for i in range(24):
        article = ArticleFactory(
            outlet=rng.choice(outlets),
            published_on=DAY + datetime.timedelta(days=rng.randrange(10)),
            status=ArticleStatus.PUBLISHED if i % 5 else ArticleStatus.DRAFT,
            places=rng.sample(places, rng.randrange(3)),
            tags=rng.sample(tags, rng.randrange(3)),
        )
        for _ in range(rng.randrange(3)):
            QuoteFactory(
                article=article,
                speaker=rng.choice(speakers),
                place=rng.choice([None, *places]),
                tags=rng.sample(tags, rng.randrange(2)),
            )
        for _ in range(rng.randrange(2)):
            PhotoCaptionFactory(
                article=article,
                agency=rng.choice([None, *outlets]),
                distributor=rng.choice([None, None, *outlets]),
                place=rng.choice([None, *places]),
                tags=rng.sample(tags, rng.randrange(2)),
            )


KINDS_OF_EDIT = 15


def _edit(rng: random.Random, user, kind: int) -> str:
    """Make one edit of this kind, at random; return what it was (for a failure's message)."""
    articles = list(Article.objects.all())
    places, tags = list(Place.objects.all()), list(Tag.objects.all())
    article = rng.choice(articles)
    if kind == 0 and tags:
        article.tags.add(rng.choice(tags))
    elif kind == 1 and article.tags.exists():
        article.tags.remove(rng.choice(list(article.tags.all())))
    elif kind == 2:
        article.places.clear()
        article.places.add(*rng.sample(places, rng.randrange(3)))
    elif kind == 3:
        status = ArticleStatus.DRAFT if article.is_published else ArticleStatus.PUBLISHED
        article_status_set([article], status, user=user)
    elif kind == 4:
        article.published_on = DAY + datetime.timedelta(days=rng.randrange(12))
        article.outlet = rng.choice(list(Outlet.objects.all()))
        article.save()
    elif kind == 5 and len(articles) > 5:
        article.delete()
    elif kind == 6 and len(tags) > 2:
        source, target = rng.sample(tags, 2)
        tag_merge([source], target, user=user)
    elif kind == 7 and tags:
        tag = rng.choice(tags)
        tag_rename(tag, f"{tag.name} {rng.randrange(1000)}", user=user)
    elif kind == 8:
        place = rng.choice(places)
        others = [p for p in places if p.pk != place.pk and p.parent_id is None]
        Place.objects.filter(pk=place.pk).update(parent=rng.choice([None, *others]))
    elif kind == 9 and (quote := Quote.objects.order_by("?").first()):
        quote.speaker = rng.choice(list(Speaker.objects.all()))
        quote.place = rng.choice([None, *places])
        quote.save()
        if tags:
            quote.tags.add(rng.choice(tags))
    elif kind == 10 and (caption := PhotoCaption.objects.order_by("?").first()):
        caption.agency = rng.choice([None, *Outlet.objects.all()])
        caption.article = rng.choice(articles)
        caption.position = 1000 + rng.randrange(10**6)
        caption.save()
    elif kind == 11:
        QuoteFactory(article=article, speaker=SpeakerFactory(), tags=[f"new {rng.randrange(99)}"])
    elif kind == 12:
        if article.cited_outlets.exists():
            article.cited_outlets.clear()
        else:
            article.cited_outlets.add(rng.choice(list(Outlet.objects.all())))
    elif kind == 13:
        _edit_alias(rng, places)
    else:
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.IN_REVIEW)
    return f"edit {kind} on article {article.slug}"


def _edit_alias(rng: random.Random, places: list[Place]) -> None:
    """Add, rename, move or delete an alias of a place or a speaker."""
    speakers = list(Speaker.objects.all())
    owner_model, owners = rng.choice([(Place, places), (Speaker, speakers)])
    aliases = owner_model.aliases.rel.related_model
    existing = list(aliases.objects.all())
    action = rng.randrange(4) if existing else 0
    if action == 0:
        aliases.objects.create(owner=rng.choice(owners), name=f"Alias {rng.randrange(10**6)}")
    elif action == 1:
        alias = rng.choice(existing)
        alias.name = f"{alias.name} {rng.randrange(100)}"
        alias.save()
    elif action == 2:
        alias = rng.choice(existing)
        alias.owner = rng.choice(owners)
        alias.save()
    else:
        rng.choice(existing).delete()


def _random_filters(rng: random.Random, names: tuple[str, ...]) -> dict[str, list[str]]:
    slugs = {
        "place": list(Place.objects.values_list("slug", flat=True)),
        "tag": list(Tag.objects.values_list("slug", flat=True)),
        "outlet": list(Outlet.objects.values_list("slug", flat=True)),
        "agency": list(Outlet.objects.values_list("slug", flat=True)),
        "speaker": list(Speaker.objects.values_list("slug", flat=True)),
    }
    data: dict[str, list[str]] = {}
    for name in rng.sample(names, rng.randrange(3)):
        if slugs[name]:
            data[name] = rng.sample(slugs[name], min(len(slugs[name]), 1 + rng.randrange(2)))
    if rng.random() < 0.3:
        # From before the first day too: most documents match, and a facet is counted as the
        # whole list's counts less the few that do not.
        data["from"] = [str(DAY + datetime.timedelta(days=rng.randrange(-3, 10)))]
    return data


def _mismatches(index, rng: random.Random) -> list[str]:
    """Return every count on which the index and the database disagree."""
    problems = []
    for filter_class, model, names in LISTS:
        for data in ({}, _random_filters(rng, names)):
            base = model.objects.published()
            query = QueryDict(mutable=True)
            for name, values in data.items():
                query.setlist(name, values)
            filterset = filter_class(data=query, queryset=base)
            assert filterset.is_valid(), filterset.form.errors
            matcher = facets.list_matcher(filterset=filterset, index=index)
            expected = sql_facets(filterset, base)
            for name in names:
                slugs = index.labels.slug[facets.SUBJECT_OF[name]]
                got = {slugs[pk]: n for pk, n in matcher.facet(name).items()}
                if got != expected[name]:
                    problems.append(f"{model.__name__} {data} {name}: {got} != {expected[name]}")
            days = sql_days(filterset.qs, filter_class.date_field)
            if [(datetime.date.fromordinal(d), n) for d, n in matcher.days()] != days:
                problems.append(f"{model.__name__} {data} days differ")
            if matcher.count() != filterset.qs.count():
                problems.append(f"{model.__name__} {data} count differs")
    for model, page in SUBJECT_PAGES.items():
        for subject in model.objects.all():
            expected = selectors.subject_counts(page=page(**{model._meta.model_name: subject}))
            got = selectors.subject_page_counts(subject=subject)
            if got != expected:
                problems.append(f"{model.__name__} {subject.slug}: {got} != {expected}")
    for subject, expected in sql_rankings().items():
        got = subject_ranking(index, subject, PLACE_DEPTH)
        if got != expected:
            problems.append(f"ranking of {subject}: {got} != {expected}")
    # Every place's and speaker's names and aliases, as a search reads them.
    if subject_names(index) != NameTable.from_database():
        problems.append("names and aliases differ")
    problems += _tag_mismatches(index)
    for article in Article.objects.prefetch_related("places", "tags"):
        for size in (2, 5):  # two: the newest days' cut falls inside the window more often
            got = selectors.article_related(article=article, size=size)
            if got != (expected := sql_related(article, size=size)):
                problems.append(f"related to {article.slug} ({size}): {got} != {expected}")
    return problems


def _tag_mismatches(index) -> list[str]:
    """Return every published row whose tags from the index (as a page shows them) are not its
    tags in the database, and every draft row the index gives tags to."""
    problems = []
    for model in (Article, Quote, PhotoCaption):
        rows = list(model.objects.published())
        kind = facets.KIND_OF[model]
        # The index is current: it holds every published row (none is left to a prefetch).
        if set(document_tags(index, kind, [row.pk for row in rows])) != {row.pk for row in rows}:
            problems.append(f"published {model.__name__} rows missing from the index")
        tags_from_index(rows, index=index)
        for row in rows:
            got = [(tag.pk, tag.slug, tag.name) for tag in row.tags.all()]
            expected = sorted(
                model.objects.get(pk=row.pk).tags.values_list("pk", "slug", "name"),
                key=lambda tag: (tag[2].casefold(), tag[2]),
            )
            if got != expected:
                problems.append(f"tags of {model.__name__} {row.pk}: {got} != {expected}")
        drafts = model.objects.exclude(pk__in=model.objects.published().values("pk"))
        if held := document_tags(index, kind, list(drafts.values_list("pk", flat=True))):
            problems.append(f"drafts given tags: {model.__name__} {held}")
    return problems


@pytest.fixture(params=["numpy", pytest.param("tally.c", marks=needs_tally)])
def count_path(request, monkeypatch):
    """Each test that takes it runs twice: facets counted by numpy alone, then by tally.c."""
    if request.param == "numpy":
        monkeypatch.setattr(counting, "NATIVE", None)
        monkeypatch.setattr(counting, "tally", lambda *args: None)
        monkeypatch.setattr(counting, "tally_weighted", lambda *args: None)
    return request.param


def test_every_count_from_the_index_equals_plain_sql_after_each_random_edit(count_path):
    rng = random.Random(14)
    user = User.objects.create_superuser("facets", "facets@example.org", "pw-for-tests-only")
    _world(rng)
    index_rebuild(save=False)
    assert _mismatches(index_current(), rng) == []
    for step in range(EDITS):
        # Every kind of edit comes once in each round of KINDS_OF_EDIT steps, in random order.
        if step % KINDS_OF_EDIT == 0:
            kinds = rng.sample(range(KINDS_OF_EDIT), KINDS_OF_EDIT)
        what = _edit(rng, user, kinds[step % KINDS_OF_EDIT])
        index = index_current()
        problems = _mismatches(index, rng)
        assert problems == [], f"after step {step} ({what})"
    # The kept index counts what a fresh build counts, whatever it went through.
    fresh = index_build(engine_for_default())
    for kind, docs in index.docs.items():
        assert sorted(docs.ids[docs.alive].tolist()) == fresh.docs[kind].ids.tolist(), kind


def test_a_facet_matching_nearly_every_document_is_the_whole_less_the_few_others(count_path):
    _world(random.Random(3))
    index_rebuild(save=False)
    index = index_current()
    for kind, names in (("article", ("place", "tag", "outlet", "speaker")), ("quote", ("place",))):
        docs = index.docs[kind]
        days = sorted(set(docs.columns["day"][docs.alive].tolist()))
        # From the second day on: all but the first day's few documents match.
        matcher = counting.Matcher(index, counting.Selection(kind, first_day=days[1]))
        live, matched = docs.live_count(), int(np.count_nonzero(matcher.mask()))
        assert 0 < (live - matched) * counting.DENSE < live  # the few others are counted
        for name in names:
            straight = counting.facet_counts(index, kind, name, matcher.mask())
            assert matcher.facet(name) == straight, (kind, name)


def engine_for_default():
    from django.db import connection

    return engine_for(connection)


def test_a_draft_never_counts_and_publishing_it_counts_on_the_next_request(client):
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    ArticleFactory(places=[izyum], tags=["counter-offensive"])
    draft = ArticleFactory(places=[izyum], tags=["secret"], status=ArticleStatus.DRAFT)
    page = client.get("/articles/")
    assert page.context["result_count"] == 1
    tags = {v.slug: v.count for f in page.context["facets"] if f.name == "tag" for v in f.values}
    assert tags == {"counter-offensive": 1}
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.PUBLISHED)
    page = client.get("/articles/?place=izyum")
    assert page.context["result_count"] == 2
    tags = {v.slug: v.count for f in page.context["facets"] if f.name == "tag" for v in f.values}
    assert tags == {"counter-offensive": 1, "secret": 1}


def test_a_page_at_the_revision_the_index_last_read_reads_no_log_and_an_edit_is_seen(
    client, monkeypatch
):
    izyum = PlaceFactory(name="Izyum", slug="izyum")
    article = ArticleFactory(places=[izyum], tags=["counter-offensive"])
    engine = type(engine_for_default())
    reads = []
    read_log = engine.changes_since
    monkeypatch.setattr(
        engine, "changes_since", lambda self, *args: reads.append(1) or read_log(self, *args)
    )
    assert client.get("/articles/?n=1").context["result_count"] == 1
    assert len(reads) == 1  # the first page reads the log
    assert client.get("/articles/?n=2").context["result_count"] == 1
    assert client.get("/places/izyum/").status_code == 200
    assert len(reads) == 1  # nothing committed since: the log is not read again
    article.tags.add("kharkiv")  # one edit raises the revision in its transaction
    page = client.get("/articles/?n=3")
    assert len(reads) == 2
    tags = {v.slug: v.count for f in page.context["facets"] if f.name == "tag" for v in f.values}
    assert tags == {"counter-offensive": 1, "kharkiv": 1}
    # Outside a page (no revision read first) the log is read every time.
    index_current()
    index_current()
    assert len(reads) == 4


def test_a_worker_behind_a_pruned_log_starts_again_and_misses_nothing():
    from django.core.management import call_command

    from archive.facetindex import runtime

    izyum = PlaceFactory(slug="izyum")
    first = ArticleFactory(places=[izyum])
    behind = index_current()  # a worker that then sees no request for a while
    second = ArticleFactory(places=[izyum])
    out = io.StringIO()
    call_command("rebuild_facet_index", stdout=out)
    assert "change-log rows deleted" in out.getvalue()
    runtime._state["index"] = behind
    third = ArticleFactory(places=[izyum])
    index = index_current()
    place = index.labels.by_slug["place"]["izyum"]
    counts = facets.whole_list_matcher(Article, index).facet("place")
    assert counts == {place: 3}
    assert sorted(index.docs["article"].ids[index.docs["article"].alive].tolist()) == sorted(
        [first.pk, second.pk, third.pk]
    )


def test_a_second_rebuild_after_pruning_leaves_an_index_that_is_not_stale(settings, tmp_path):
    """Pruning can empty the log; the next saved index must still be ahead of the prune, or
    every reader would take it for stale and rebuild it at every request."""
    from django.core.management import call_command

    from archive.facetindex import runtime

    settings.ARCHIVE_FACET_SNAPSHOT_DIR = str(tmp_path)
    ArticleFactory(places=[PlaceFactory(slug="izyum")])
    call_command("rebuild_facet_index", stdout=io.StringIO())  # prunes every log row
    call_command("rebuild_facet_index", stdout=io.StringIO())  # the log is empty now
    runtime.index_reset()
    index = index_current()
    assert not engine_for_default().changes_since(index.position).stale
    assert runtime._state["index"] is index  # kept: the next request builds nothing
    assert index_current().position == index.position


def test_a_documents_slot_and_tags_are_found_in_order_appended_and_after_compacting():
    from archive.facetindex.store import Docs

    def docs(ids, tags):
        return Docs(
            np.array(ids, dtype=np.int64),
            np.ones(len(ids), dtype=np.bool_),
            {"day": np.zeros(len(ids), dtype=np.int32), "outlet": np.zeros(len(ids), np.int32)},
            {"tag": (np.array([s for s, _ in tags], np.int64), np.array([t for _, t in tags]))},
        ).sorted()

    built = docs([3, 5, 9], [(0, 30), (2, 90), (2, 91)])
    assert built.live_slots(np.array([9, 4, 3])).tolist() == [2, -1, 0]
    # Article 5 read again (its old slot dies), 7 and 1 added after the ids in order.
    new = built.appended(
        np.array([5, 7, 1]),
        {"day": np.zeros(3, np.int32), "outlet": np.zeros(3, np.int32)},
        {"tag": (np.array([0, 0, 2]), np.array([50, 51, 10]))},
        np.array([1]),
    )
    assert new.ordered == 3  # the built ids are in order; the appended ones are scanned
    slots = new.live_slots(np.array([1, 5, 9, 7, 8]))
    assert slots.tolist() == [5, 3, 2, 4, -1]
    values = new.values_of("tag", slots[slots >= 0])
    assert [v.tolist() for v in values] == [[10], [50, 51], [90, 91], []]
    # The newest id appended again right after the ids in order (a snapshot keeps appended
    # slots): its dead copy ends the part in order, the live one is found after it.
    again = built.appended(
        np.array([9]),
        {"day": np.zeros(1, np.int32), "outlet": np.zeros(1, np.int32)},
        {"tag": (np.array([0]), np.array([92]))},
        np.array([2]),
    )
    reloaded = Docs(again.ids, again.alive, again.columns, again.pairs, again.heads)
    assert again.ids.tolist() == [3, 5, 9, 9]
    for docs in (again, reloaded):
        assert docs.live_slots(np.array([9, 3])).tolist() == [3, 0]
        assert [v.tolist() for v in docs.values_of("tag", np.array([3]))] == [[92]]
    compact, moved = new.compacted()
    assert compact.ids.tolist() == [1, 3, 5, 7, 9]  # in id order again, as a build reads them
    assert moved.tolist() == [1, -1, 4, 2, 3, 0]
    slots = compact.live_slots(np.array([9, 1, 5]))
    assert [v.tolist() for v in compact.values_of("tag", slots)] == [[90, 91], [10], [50, 51]]


def test_appending_keeps_the_narrow_types_the_values_fit():
    import numpy as np

    from archive.facetindex.store import _joined, narrow

    small = narrow(np.array([1, 2, 40], dtype=np.int64))
    assert small.dtype == np.int16
    assert _joined(small, np.array([7], dtype=np.int64))[0].dtype == np.int16
    slots = narrow(np.array([0, 900_000], dtype=np.int64))
    assert slots.dtype == np.int32
    assert _joined(slots, np.array([900_001], dtype=np.int64))[0].dtype == np.int32
    grown, _room = _joined(small, np.array([70_000], dtype=np.int64))
    assert grown.dtype == np.int32 and grown.tolist() == [1, 2, 40, 70_000]


def test_appending_writes_after_the_arrays_and_never_under_an_older_view():
    import numpy as np

    from archive.facetindex.store import _joined

    first, room = _joined(np.array([1, 2, 3], dtype=np.int32), np.array([4], dtype=np.int32))
    second, same = _joined(first, np.array([5, 6], dtype=np.int32), room)
    # The next index's array is the same buffer, longer: nothing of the first was copied.
    assert same is room and np.shares_memory(first, second)
    assert first.tolist() == [1, 2, 3, 4] and second.tolist() == [1, 2, 3, 4, 5, 6]
    # An older index appending again (its view is no longer the whole used front) gets a
    # buffer of its own: the newer index's values stay as they were.
    other, elsewhere = _joined(first, np.array([9], dtype=np.int32), room)
    assert elsewhere is not room and not np.shares_memory(other, second)
    assert other.tolist() == [1, 2, 3, 4, 9] and second.tolist() == [1, 2, 3, 4, 5, 6]
    # A wider value than the buffer holds moves everything to a wider one.
    wide, wider = _joined(second, np.array([2**40], dtype=np.int64), same)
    assert wider is not same and wide.dtype == np.int64 and second.dtype == np.int32
    assert wide.tolist() == [1, 2, 3, 4, 5, 6, 2**40]


def test_newest_first_is_the_same_for_a_few_matches_and_for_many():
    import numpy as np

    for i in range(40):
        ArticleFactory(published_on=DAY + datetime.timedelta(days=i % 7))
    index = index_current()
    docs = index.docs["article"]
    rng = np.random.default_rng(5)
    old = counting.SPARSE
    for share in (0.05, 0.2, 0.5, 1.0):
        mask = docs.alive & (rng.random(docs.size) < share)
        try:
            counting.SPARSE = 0  # the matches sorted on their own
            few = counting.newest_ids(index, "article", mask)
            counting.SPARSE = 10**9  # the index's whole date order, walked
            walked = counting.newest_ids(index, "article", mask)
        finally:
            counting.SPARSE = old
        assert few.tolist() == walked.tolist()
        # A page reads the order only as far as it reaches, a few slots at a time here.
        for newest in (True, False):
            full = walked.tolist() if newest else walked.tolist()[::-1]
            for sparse, stretch in ((0, 4096), (10**9, 3), (10**9, 4096)):
                try:
                    counting.SPARSE, counting.STRETCH = sparse, stretch
                    dated = counting.DatedIds(index, "article", mask, newest=newest)
                    assert len(dated) == len(full)
                    for start, stop in ((0, 1), (0, 5), (3, 9), (len(full) - 2, len(full) + 5)):
                        assert dated[start:stop].tolist() == full[start:stop]
                    assert dated[7:7].tolist() == [] and dated.first().tolist() == full
                    assert (
                        counting.newest_ids(index, "article", mask, 4).tolist()
                        == (walked.tolist()[:4])
                    )
                finally:
                    counting.SPARSE, counting.STRETCH = old, 4096
        days = dict(zip(docs.ids.tolist(), docs.columns["day"].tolist(), strict=True))
        keys = [(days[pk], pk) for pk in few.tolist()]
        assert keys == sorted(keys, reverse=True)


def test_a_new_slots_place_in_the_date_order_is_the_place_a_search_over_every_key_gives():
    from archive.facetindex.store import Docs

    rng = np.random.default_rng(11)
    for size in (0, 1, 2, 7, 300):
        ids = rng.integers(1, 60, size)  # repeated ids: a changed document's old and new slots
        days = rng.integers(700_000, 700_010, size).astype(np.int32)
        docs = Docs(ids, np.ones(size, np.bool_), {"day": days}, {})
        order = np.lexsort((docs.ids, days))[::-1].astype(np.int32)
        keys = counting._date_keys(docs, order)
        wanted = (
            np.sort(rng.integers(int(keys.min()) - 3, int(keys.max()) + 3, 50))
            if size
            else (np.array([-5, 0, 5], dtype=np.int64))
        )
        wanted = np.concatenate([wanted, keys[:5]])  # equal keys go before the old slot
        found = counting._first_not_below(docs, order, wanted)
        assert found.tolist() == np.searchsorted(keys, wanted, side="left").tolist()


def test_an_edit_merges_its_documents_into_the_date_order_the_index_had_worked_out():
    import numpy as np

    articles = [
        ArticleFactory(published_on=DAY + datetime.timedelta(days=i % 5)) for i in range(30)
    ]
    # Captions of articles the edits leave alone: a kind with nothing appended keeps its order.
    for article in articles[10:14]:
        PhotoCaptionFactory(article=article)
    index = index_current()
    for kind in ("article", "quote", "caption"):
        counting.date_order(index, kind)
    # Edits that append documents: a day moved (the same id again, on another day), a day kept
    # (the same id and day as the dead slot), new articles on days already there and a new day.
    articles[3].published_on = DAY + datetime.timedelta(days=9)
    articles[3].save()
    articles[4].headline = "Another headline"
    articles[4].save()
    ArticleFactory(published_on=DAY)
    ArticleFactory(published_on=DAY - datetime.timedelta(days=3))
    QuoteFactory(article=articles[7])
    edited = index_current()
    assert edited is not index and edited.docs["article"].size > index.docs["article"].size
    assert edited.docs["caption"].size == index.docs["caption"].size == 4
    # Kinds with appended slots are merged when a page first asks for their order; the
    # others keep theirs as it was.
    assert ("order carried", "article") in edited.memo and ("order", "caption") in edited.memo
    for kind in ("article", "quote", "caption"):
        docs = edited.docs[kind]
        carried = counting.date_order(edited, kind)
        assert ("order carried", kind) not in edited.memo
        assert carried.tolist() == np.lexsort((docs.ids, docs.columns["day"]))[::-1].tolist()
    # Two more edits, the orders asked for after the second only: both merged at once.
    articles[5].published_on = DAY + datetime.timedelta(days=2)
    articles[5].save()
    assert ("order carried", "article") in index_current().memo
    QuoteFactory(article=articles[8])
    ArticleFactory(published_on=DAY + datetime.timedelta(days=1))
    later = index_current()
    assert later.docs["quote"].size > edited.docs["quote"].size
    for kind in ("article", "quote", "caption"):
        docs = later.docs[kind]
        assert ("order", kind) not in later.memo or kind == "caption"
        merged = counting.date_order(later, kind)
        assert merged.tolist() == np.lexsort((docs.ids, docs.columns["day"]))[::-1].tolist()


def test_an_edit_carries_the_whole_lists_counts_the_index_had_worked_out():
    unused = PlaceFactory()  # an id below the others', first counted after an edit
    places = [PlaceFactory() for _ in range(3)]
    articles = [
        ArticleFactory(
            published_on=DAY + datetime.timedelta(days=i % 4),
            places=places[: i % 3],
            tags=[f"tag {i % 2}"],
        )
        for i in range(60)  # enough that the edits below leave the index uncompacted
    ]
    for article in articles[:6]:
        QuoteFactory(article=article)
        PhotoCaptionFactory(article=article)
    lonely = PlaceFactory()  # one article's alone: the edits below take it away
    articles[7].places.add(lonely)
    index = index_current()
    for kind, names in counting.FACETS.items():
        matcher = counting.Matcher(index, counting.Selection(kind=kind))
        matcher.days()
        for name in names:
            matcher.facet(name)
    # Edits that take documents away and add others: places dropped (one no longer counted
    # anywhere), one counted for the first time, days moved (one before every other), a quote
    # added, an article unpublished, a new article.
    articles[2].places.clear()
    articles[7].places.remove(lonely)
    articles[8].places.add(unused)
    articles[3].published_on = DAY + datetime.timedelta(days=30)
    articles[3].save()
    articles[4].published_on = DAY - datetime.timedelta(days=5)  # a day before every other
    articles[4].save()
    QuoteFactory(article=articles[1])
    editor = User.objects.create_superuser("carried", "carried@example.org", "pw-for-tests-only")
    article_status_set([articles[5]], ArticleStatus.DRAFT, user=editor)
    ArticleFactory(published_on=DAY, places=[places[0]], tags=["tag 9"])
    edited = index_current()
    assert edited is not index
    for kind, names in counting.FACETS.items():
        docs = edited.docs[kind]
        assert edited.memo[("days", kind)] == counting._day_counts(docs.columns["day"][docs.alive])
        for name in names:
            fresh = counting.facet_counts(edited, kind, name, docs.alive)
            # The same counts in the same (value) order as counting them afresh.
            assert list(edited.memo[("whole", kind, name)].items()) == list(fresh.items()), name
    assert lonely.pk in index.memo[("whole", "article", "place")]
    assert lonely.pk not in edited.memo[("whole", "article", "place")]


def test_a_snapshot_carries_the_date_orders_and_an_edit_merges_into_them(settings, tmp_path):
    import numpy as np

    from archive.facetindex import runtime
    from archive.facetindex.snapshot import snapshot_load, snapshot_path

    settings.ARCHIVE_FACET_SNAPSHOT_DIR = str(tmp_path)
    articles = [
        ArticleFactory(published_on=DAY + datetime.timedelta(days=i % 5)) for i in range(30)
    ]
    for article in articles[:10]:
        QuoteFactory(article=article)
        PhotoCaptionFactory(article=article)
    built = index_rebuild()
    path = snapshot_path()
    assert path is not None
    loaded = snapshot_load(path, engine_for_default().token())
    assert loaded is not None
    for kind in built.docs:
        # Read from the file (mapped, read-only), not sorted again: a fresh sort's order.
        order = loaded.memo[("order", kind)]
        assert not order.flags.writeable, kind
        docs = built.docs[kind]
        fresh = np.lexsort((docs.ids, docs.columns["day"]))[::-1]
        assert order.tolist() == fresh.tolist(), kind
    # The next edits are applied to the loaded index: their slots merged into its orders.
    runtime.index_reset()
    runtime._state["index"] = loaded
    QuoteFactory(article=articles[3])
    ArticleFactory(published_on=DAY + datetime.timedelta(days=2))
    edited = index_current()
    assert edited is not loaded
    for kind in ("article", "quote"):
        docs = edited.docs[kind]
        days = docs.columns["day"].tolist()
        keys = [(day, pk) for pk, day in zip(docs.ids.tolist(), days, strict=True)]
        order = counting.date_order(edited, kind).tolist()
        assert [keys[slot] for slot in order] == sorted(keys, reverse=True), kind


def test_an_edit_of_a_tag_keeps_the_names_worked_out_and_an_edit_of_a_place_does_not():
    from archive.facetindex.subjects import subject_names
    from archive.public.rowtags import _tag_objects

    place = PlaceFactory(name="Izyum")
    ArticleFactory(places=[place], tags=["before"])
    index = index_current()
    names, tags = subject_names(index), _tag_objects(index)
    Tag.objects.filter(name="before").update(name="after")
    renamed = index_current()
    assert renamed.labels is not index.labels
    assert subject_names(renamed) is names  # places' and speakers' names did not change
    assert [t.name for t in _tag_objects(renamed).values()] == ["after"]
    assert _tag_objects(renamed) is not tags
    Place.objects.filter(pk=place.pk).update(name="Izium")
    moved = index_current()
    assert subject_names(moved) is not names
    assert subject_names(moved) == NameTable.from_database()
