"""Best-match order cut from the facet index's arrays: a page sorts only as far as it reaches,
and gives the rows a full sort would (archive.facetindex.counting.RankedIds)."""

from __future__ import annotations

import numpy as np
import pytest

from archive.facetindex.counting import RankedIds


def _full_order(ids, days, scores) -> list[int]:
    rows = sorted(zip(scores.tolist(), days.tolist(), ids.tolist(), strict=True), reverse=True)
    return [pk for _score, _day, pk in rows]


@pytest.mark.parametrize("seed", range(5))
def test_every_page_is_the_full_sort_s_page_ties_included(seed):
    rng = np.random.default_rng(seed)
    n = 500
    ids = rng.permutation(10_000)[:n].astype(np.int64)
    days = rng.integers(730_000, 730_010, n).astype(np.int32)
    # Few distinct scores: many ties at every page boundary, broken by day, then id.
    scores = rng.integers(0, 6, n).astype(np.float64) / 3
    ranked = RankedIds(ids, days, scores)
    want = _full_order(ids, days, scores)
    assert len(ranked) == n
    pages = [ranked[start : start + 20].tolist() for start in range(0, n, 20)]
    assert [pk for page in pages for pk in page] == want
    assert ranked[0:1].tolist() == want[:1]
    assert ranked[490:600].tolist() == want[490:]
    assert ranked[600:620].tolist() == []


def test_an_empty_ranking_has_no_pages():
    empty = RankedIds(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0))
    assert len(empty) == 0
    assert empty[0:20].tolist() == []
