from __future__ import annotations

import pytest

from index.fusion import min_max, reciprocal_rank_fusion, weighted_fusion


def test_rrf_rewards_agreement() -> None:
    dense = [("a", 0.9), ("b", 0.8), ("c", 0.7)]
    bm25 = [("c", 12.0), ("a", 3.0), ("d", 1.0)]
    fused = reciprocal_rank_fusion([dense, bm25], k=60)
    assert [d for d, _ in fused] == ["a", "c", "b", "d"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_rrf_weights_and_validation() -> None:
    fused = reciprocal_rank_fusion([[("a", 1.0)], [("b", 1.0)]], weights=[1.0, 2.0])
    assert fused[0][0] == "b"
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([[("a", 1.0)]], weights=[1.0, 2.0])


def test_min_max_and_weighted_fusion() -> None:
    assert min_max([("a", 5.0), ("b", 3.0), ("c", 1.0)]) == [("a", 1.0), ("b", 0.5), ("c", 0.0)]
    assert min_max([("a", 2.0), ("b", 2.0)]) == [("a", 1.0), ("b", 1.0)]
    fused = weighted_fusion([[("a", 0.9), ("b", 0.5)], [("b", 10.0), ("a", 0.0)]], [0.3, 0.7])
    assert fused[0] == ("b", pytest.approx(0.7))
    assert fused[1] == ("a", pytest.approx(0.3))


def test_empty_rankings() -> None:
    assert reciprocal_rank_fusion([[], []]) == []
    assert weighted_fusion([[], []], [0.5, 0.5]) == []
