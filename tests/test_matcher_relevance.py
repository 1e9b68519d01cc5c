"""The matcher must beat every baseline on the hand-labeled relevance set (NDCG@10).

The set (tests/data/relevance) was judged before the matcher was tuned; see
benchmarks/relevance.py for the full table.
"""

from __future__ import annotations

import pytest

from majobs.matcher.evaluate import (
    EvalSet,
    bm25_ranker,
    load_eval_set,
    matcher_ranker,
    mean_ndcg,
    ndcg_at_k,
    random_ranker,
    tfidf_ranker,
    within_radius,
)


@pytest.fixture(scope="module")
def ev() -> EvalSet:
    return load_eval_set()


def test_eval_set_is_big_enough_and_consistent(ev: EvalSet) -> None:
    assert len(ev.docs) >= 150 and len(ev.profiles) >= 8
    assert set(ev.judgments) == set(ev.profiles)
    for grades in ev.judgments.values():
        assert grades and all(0 <= g <= 3 for g in grades.values())
        assert max(grades.values()) == 3   # every profile has at least one ideal posting


def test_ndcg_at_k() -> None:
    grades = {1: 3, 2: 2, 3: 1}
    assert ndcg_at_k([1, 2, 3], grades) == pytest.approx(1.0)
    assert ndcg_at_k([9, 8, 7], grades) == 0.0
    assert 0 < ndcg_at_k([3, 2, 1], grades) < ndcg_at_k([1, 3, 2], grades) < 1
    assert ndcg_at_k([1], {}) == 0.0


def test_matcher_beats_every_baseline(ev: EvalSet) -> None:
    matcher = mean_ndcg(ev, matcher_ranker(ev))["mean"]
    baselines = {"random": mean_ndcg(ev, random_ranker(ev))["mean"],
                 "tfidf": mean_ndcg(ev, tfidf_ranker(ev))["mean"],
                 "bm25": mean_ndcg(ev, bm25_ranker(ev))["mean"],
                 "bm25+radius": mean_ndcg(ev, within_radius(ev, bm25_ranker(ev)))["mean"]}
    for name, score in baselines.items():
        assert matcher > score, f"matcher {matcher:.3f} <= {name} {score:.3f}"
