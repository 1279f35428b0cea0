"""The broad words' posting lists find and rank exactly what the engine does, after any edit.

With ARCHIVE_SEARCH_BROAD_ROWS lowered, nearly every word of a small generated archive gets a
posting list; each query (single words, several words, a place's spellings OR-ed) is answered
from the lists and by the engine, and both must give the same ids and the same scores (SQLite's
bm25, PostgreSQL's ts_rank), bit for bit. Then articles, quotes and captions are edited, added
and deleted, and the index brought up to date from the change log must still agree; so must one
saved and loaded again.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from archive.facetindex.runtime import index_current, index_rebuild
from archive.facetindex.snapshot import snapshot_load, snapshot_save
from archive.models import Article, ArticleStatus, PhotoCaption, Quote
from archive.search import tsrank
from archive.search.backends import search_backend
from archive.search.query import article_matches, parse_terms, search_words_build
from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(settings):
    settings.ARCHIVE_SEARCH_BROAD_ROWS = 3
    call_command("generate_archive", "--articles", "150", "--seed", "5", stdout=io.StringIO())


def _vocabulary() -> list[str]:
    words = set()
    for headline, standfirst in Article.objects.values_list("headline", "standfirst"):
        words.update(w.strip(".,:;'\"").lower() for w in f"{headline} {standfirst}".split())
    return sorted(w for w in words if w.isalpha() and len(w) > 3)


def _queries(rng: random.Random, vocabulary: list[str]) -> list[str]:
    queries = rng.sample(vocabulary, 12)
    queries += [" ".join(rng.sample(vocabulary, 2)) for _ in range(8)]
    queries += [" ".join(rng.sample(vocabulary, 3)) for _ in range(4)]
    return queries


def _agree(words, queries: list[str]) -> int:
    """Compare list and engine on every query; return how many the lists answered."""
    answered = 0
    for text in queries:
        terms = parse_terms(text)
        if not terms:
            continue
        for scored in (False, True):
            fast_ids, fast_scores = article_matches(terms, scored=scored, words=words)
            ids, scores = article_matches(terms, scored=scored)
            order, fast_order = np.argsort(ids), np.argsort(fast_ids)
            assert np.array_equal(ids[order], fast_ids[fast_order]), text
            if scored:
                assert fast_scores is not None and scores is not None
                assert np.array_equal(scores[order], fast_scores[fast_order]), text
        backend = search_backend(connection)
        spellings = [spelling for term in terms for spelling in term.spellings]
        cut = backend.words_of([" ".join(s) for s in spellings])
        answered += words.lists_some(list(cut.values()))
    return answered


def test_lists_find_and_rank_exactly_as_the_engine_does(archive):
    words = search_words_build()
    assert words is not None and len(words.words) > 50
    rng = random.Random(11)
    queries = _queries(rng, _vocabulary())
    # A word of the lists really is answered from them (not left to the engine).
    assert _agree(words, queries) > 0
    common = max(words.words, key=lambda w: len(words.postings(w)[0]))
    ids, scores = words.matches([[common]], scored=True)
    assert len(ids) > 20 and scores is not None and np.all(scores > 0)


def test_lists_stay_exact_after_edits_and_through_a_snapshot(archive, tmp_path):
    index_rebuild(save=False)
    rng = random.Random(3)
    vocabulary = _vocabulary()
    articles = list(Article.objects.order_by("pk"))
    # Headlines and bodies rewritten, quotes and captions changed, articles gone and new.
    for article in rng.sample(articles, 10):
        article.headline = " ".join(rng.sample(vocabulary, 6))
        article.paragraphs = [" ".join(rng.choices(vocabulary, k=40))]
        article.save()
    for quote in Quote.objects.order_by("?")[:10]:
        quote.text = " ".join(rng.choices(vocabulary, k=12))
        quote.save()
    for caption in PhotoCaption.objects.order_by("?")[:5]:
        caption.text = " ".join(rng.choices(vocabulary, k=8))
        caption.save()
    Article.objects.filter(pk__in=[a.pk for a in articles[:4]]).delete()
    fresh = ArticleFactory(headline=" ".join(rng.sample(vocabulary, 5)), status=ArticleStatus.DRAFT)
    QuoteFactory(article=fresh, text=" ".join(rng.choices(vocabulary, k=10)))

    index = index_current()
    # Read again from the engine (term_entries), then kept apart or, once the index compacts
    # away its many dead rows, merged in.
    assert index.words is not None and (index.words.changes or index.dead_share() == 0)
    queries = _queries(rng, vocabulary)
    assert _agree(index.words, queries) > 0
    # A rebuilt index holds the same lists as the one kept current from the log.
    rebuilt = search_words_build()
    assert rebuilt is not None
    for word in rng.sample(sorted(set(rebuilt.words) & set(index.words.words)), 40):
        current, again = index.words.postings(word), rebuilt.postings(word)
        assert np.array_equal(current[0], again[0]) and np.array_equal(current[1], again[1])

    path = tmp_path / "facets.npz"
    snapshot_save(index, path)
    loaded = snapshot_load(path, index.token)
    assert loaded is not None and loaded.words is not None and not loaded.words.changes
    assert _agree(loaded.words, queries) > 0


@pytest.mark.parametrize("fold_c", [True, False])
def test_broad_words_beside_unlisted_ones_are_answered_from_the_lists(archive, monkeypatch, fold_c):
    """A query mixing listed words with words too rare for a list: the engine only names the
    articles holding the rare ones and ranks the few matched articles that hold them; the
    answer is still the engine's own, bit for bit (ts_rank's pairs folded by fold.c or by
    numpy)."""
    if not fold_c:
        monkeypatch.setattr(tsrank, "NATIVE", None)
    words = search_words_build()
    assert words is not None
    backend = search_backend(connection)
    vocabulary = _vocabulary()
    cut = backend.words_of(vocabulary)
    single = [w for w in vocabulary if len(cut[w]) == 1]
    listed = [w for w in single if cut[w][0] in words.words]
    # Words too rare for a list that a query keeps (a stop word is dropped from queries).
    unlisted = [w for w in single if cut[w][0] not in words.words and parse_terms(w)]
    assert len(listed) > 10 and len(unlisted) > 5
    common = sorted(listed, key=lambda w: -len(words.postings(cut[w][0])[0]))
    rng = random.Random(23)
    queries = [f"{w} {r}" for w, r in zip(common[:8], rng.sample(unlisted, 8), strict=True)]
    pairs = zip(common[:4], common[4:8], strict=True)
    queries += [f"{a} {b} {rng.choice(unlisted)}" for a, b in pairs]
    # Whole-query scoring by the engine would be the slow path: it must not happen here.
    backend_class = type(backend)
    engine_arrays, words_postings = backend_class.engine_arrays, backend_class.words_postings
    scored_by_engine, read = [], []

    def spy_engine(self, kind, terms, *, scored):
        if len(terms) > 1:
            scored_by_engine.append(terms)
        return engine_arrays(self, kind, terms, scored=scored)

    def spy_postings(self, spellings):
        read.extend(spellings)
        return words_postings(self, spellings)

    for text in queries:
        terms = parse_terms(text)
        scored_by_engine.clear(), read.clear()
        monkeypatch.setattr(backend_class, "engine_arrays", spy_engine)
        monkeypatch.setattr(backend_class, "words_postings", spy_postings)
        ids, scores = article_matches(terms, scored=True, words=words)
        assert not scored_by_engine and read, text  # only the rare word read from the engine
        monkeypatch.setattr(backend_class, "engine_arrays", engine_arrays)
        expected_ids, expected = article_matches(terms, scored=True)
        order, expected_order = np.argsort(ids), np.argsort(expected_ids)
        assert np.array_equal(ids[order], expected_ids[expected_order]), text
        assert scores is not None and expected is not None
        assert np.array_equal(scores[order], expected[expected_order]), text
    # Some of these queries did match articles holding the rare word.
    assert any(len(article_matches(parse_terms(q), scored=False)[0]) for q in queries)


def test_a_search_page_is_the_same_with_and_without_the_lists(archive, client, settings):
    words = search_words_build()
    assert words is not None
    common = sorted(words.words, key=lambda w: -len(words.postings(w)[0]))[:3]
    pages = {}
    for rows in (3, 0):
        settings.ARCHIVE_SEARCH_BROAD_ROWS = rows
        index_rebuild(save=False)
        assert (index_current().words is None) == (rows == 0)
        pages[rows] = [
            client.get("/articles/", {"q": word}).content.decode().split("<main", 1)[1]
            for word in common
        ]
    assert pages[3] == pages[0]
    assert all("/articles/" in page for page in pages[3])


def test_no_lists_where_the_engine_keeps_none_or_when_turned_off(settings):
    settings.ARCHIVE_SEARCH_BROAD_ROWS = 0
    assert search_words_build() is None
    settings.ARCHIVE_SEARCH_BROAD_ROWS = 3
    built = search_words_build()
    assert built is not None and not built.words  # an empty archive: nothing to list


def test_many_changed_articles_are_merged_into_the_lists(monkeypatch):
    from archive.search import terms

    lists = {"troop": (np.array([1, 2, 3]), np.array([10.0, 1.0, 2.0]))}
    index = terms.TermIndex.from_lists(lists, np.full(6, 5.0), np.ones(6, dtype=bool))
    changed = index.changed({2: (7, {"troop": 4.0}), 5: (3, {"troop": 1.0}), 3: None})
    assert changed.changes  # few: kept apart
    ids, freqs = changed.postings("troop")
    assert ids.tolist() == [1, 2, 5] and freqs.tolist() == [10.0, 4.0, 1.0]
    monkeypatch.setattr(terms, "FOLD_AFTER", 1)
    folded = index.changed({2: (7, {"troop": 4.0}), 5: (3, {"troop": 1.0}), 3: None})
    assert not folded.changes and folded.stale is None  # many: merged in
    assert folded.postings("troop")[0].tolist() == [1, 2, 5]
    assert folded.rows() == 5 and folded.lengths[2] == 7.0
