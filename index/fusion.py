"""Pure rank fusion: several ranked lists of (id, score) -> one ranked list."""

from __future__ import annotations

Ranking = list[tuple[str, float]]


def reciprocal_rank_fusion(
    rankings: list[Ranking], k: int = 60, weights: list[float] | None = None
) -> Ranking:
    """RRF (Cormack et al. 2009): score(id) = sum_i w_i / (k + rank_i(id)), ranks 1-based.

    Only ranks matter, so retrievers with incomparable score scales fuse cleanly.
    Ties keep the order in which ids were first seen.
    """
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, (doc_id, _) in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + w / (k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])


def min_max(ranking: Ranking) -> Ranking:
    """Scale scores into [0, 1]; a list of equal scores maps to all 1.0."""
    if not ranking:
        return []
    scores = [s for _, s in ranking]
    lo, hi = min(scores), max(scores)
    if hi == lo:
        return [(d, 1.0) for d, _ in ranking]
    return [(d, (s - lo) / (hi - lo)) for d, s in ranking]


def weighted_fusion(rankings: list[Ranking], weights: list[float]) -> Ranking:
    """Convex combination of min-max normalised scores; an id missing from a list scores 0 there."""
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for doc_id, s in min_max(ranking):
            fused[doc_id] = fused.get(doc_id, 0.0) + w * s
    return sorted(fused.items(), key=lambda kv: -kv[1])
