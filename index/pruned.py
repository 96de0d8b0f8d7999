"""Exact top-k BM25 without scoring every text: MaxScore over term-major postings.

Scoring a query over the whole index adds every posting of its terms, so its cost grows with the
corpus: a frequent word ("kế_hoạch", "tỉnh") holds a posting for most clauses. The best k texts
rarely need them. Each (field, term) of a query has an upper bound on what it can add to any text
(its weight × idf × the largest term-frequency part among its postings). Terms are taken from
the largest bound down; every text a taken term's posting holds is scored in full (all the
query's terms, the same float32 arithmetic as the exhaustive scorer, so the same values bit for
bit); the k-th best score so far is a floor no returned text falls under. Once the bounds of the
terms not taken sum to less than that floor, a text holding only those terms cannot reach the
top k, and their postings are never read (Turtle & Flood 1995, "Query evaluation: strategies
and optimizations"; the term-at-a-time form).

What is returned is exact: every text scoring at least the k-th best score (ties included), with
its score; a text not returned scores strictly less. The bounds' term-frequency parts are found
once per term and process (one pass over that term's posting, the cost one exhaustive query paid
for it) and remembered with the postings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.postings import FieldPostings

# Float32 sums of float32 contributions may exceed the float64 sum of the bounds by a few ulps
# per term: a margin far above that keeps pruning safe (it only stops a little later).
_MARGIN = 1e-4
# Below this many admitted texts, scoring them directly costs less than walking postings.
DIRECT_ROWS = 2048
# A query whose terms hold fewer postings than this is scored exhaustively: a few numpy passes
# over them cost less than pruning (an index of some thousand clauses).
EXHAUSTIVE_POSTINGS = 40_000
# The texts scored first for a floor: those holding the rarest terms, up to this many postings.
SEED_ROWS = 2_000

Scorer = tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]


@dataclass(frozen=True)
class _Term:
    field: int  # position of its field in the query
    rows: np.ndarray  # the texts holding it, ascending
    tf: np.ndarray  # its count in each
    idf: float
    bound: float  # no text gains more than this from the term


class PrunedQuery:
    """One query over some BM25 fields of the same texts, each field weighted and given its terms
    (each counted once, in the order ``set(terms)`` gives, as ``FieldPostings.score`` adds them)."""

    def __init__(
        self,
        fields: Sequence[tuple[FieldPostings, float, Iterable[str]]],
        scorer: Scorer,
        params: Any,
    ) -> None:
        self.scorer, self.params = scorer, params
        self.fields = [postings for postings, _, _ in fields]
        self.weights = [weight for _, weight, _ in fields]
        self.n = self.fields[0].n_docs if self.fields else 0
        idf_fn = scorer[0]
        self.terms: list[list[_Term]] = []
        for i, (postings, weight, words) in enumerate(fields):
            found = []
            for word in set(words):
                t = postings.terms.find(word)
                if t < 0:
                    continue
                a, b = int(postings.term_ptr[t]), int(postings.term_ptr[t + 1])
                idf = float(idf_fn(np.array([b - a], dtype=np.float64), postings.n_docs)[0])
                part = postings.max_tf_part(t, scorer[1], params)
                found.append(
                    _Term(i, postings.term_rows[a:b], postings.term_tf[a:b], idf, weight * idf * part)
                )
            self.terms.append(found)

    def exact(self, rows: np.ndarray) -> np.ndarray:
        """The scores of ``rows`` (ascending, distinct): the exhaustive scorer's values for them
        (each term's contribution computed alike, added in the same order; a text without the
        term adds nothing, as adding zero changes no float)."""
        total = np.zeros(len(rows), dtype=np.float32)
        scratch: np.ndarray | None = None
        for postings, weight, terms in zip(self.fields, self.weights, self.terms, strict=True):
            if not terms:
                continue
            field = np.zeros(len(rows), dtype=np.float32)
            for term in terms:
                if len(term.rows) <= 8 * len(rows):
                    # A short posting: every contribution, spread on a scratch row and read back.
                    if scratch is None:
                        scratch = np.zeros(self.n, dtype=np.float32)
                    scratch[term.rows] = self._contributions(postings, term, slice(None))
                    field += scratch[rows]
                    scratch[term.rows] = 0.0
                    continue
                at = np.searchsorted(term.rows, rows)
                inside = at < len(term.rows)
                held = np.zeros(len(rows), dtype=bool)
                held[inside] = term.rows[at[inside]] == rows[inside]
                if held.any():
                    field[held] += self._contributions(postings, term, at[held])
            total += weight * field
        return total

    def _contributions(self, postings: FieldPostings, term: _Term, at: Any) -> np.ndarray:
        """What the term adds to the texts at positions ``at`` of its posting (float32)."""
        p = self.params
        tf = term.tf[at].astype(np.float32)
        part = self.scorer[1](tf, postings.lengths[term.rows[at]], postings.avgdl, p.k1, p.b, p.delta)
        return (term.idf * part).astype(np.float32)

    def all_scores(self) -> np.ndarray:
        """Every text's score, the exhaustive way (``FieldPostings.score``'s arithmetic)."""
        total = np.zeros(self.n, dtype=np.float32)
        tf_fn, p = self.scorer[1], self.params
        for postings, weight, terms in zip(self.fields, self.weights, self.terms, strict=True):
            if not terms:
                continue
            field = np.zeros(self.n, dtype=np.float32)
            for term in terms:
                part = tf_fn(
                    term.tf.astype(np.float32),
                    postings.lengths[term.rows],
                    postings.avgdl,
                    p.k1,
                    p.b,
                    p.delta,
                )
                field[term.rows] += (term.idf * part).astype(np.float32)
            total += weight * field
        return total

    def best(self, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores), unordered: every admitted text (``mask``: bool per text) scoring above
        zero and at least the k-th best such score; every other text scores less."""
        if k <= 0 or self.n == 0:
            return _EMPTY_ROWS, _EMPTY_SCORES
        if mask is not None:
            admitted = np.flatnonzero(mask)
            if len(admitted) <= DIRECT_ROWS:
                return _at_least_kth(admitted, self.exact(admitted), k)
        order = sorted((t for terms in self.terms for t in terms), key=lambda t: -t.bound)
        postings = sum(len(t.rows) for t in order)
        if postings <= EXHAUSTIVE_POSTINGS:
            return self._exhaustive(k, mask)
        # A floor first: the texts holding the terms of the largest bounds (the rarest words),
        # enough of them for k scores.
        seen = np.zeros(self.n, dtype=bool)
        size = 0
        for term in order:
            if size >= 2 * k and size + len(term.rows) > SEED_ROWS:
                break
            seen[term.rows] = True
            size += len(term.rows)
        rows = _admitted(np.flatnonzero(seen), mask)
        scores = self.exact(rows)
        floor = _kth(scores, k)
        # The terms a text must hold to reach the floor: those before the bounds left sum under it.
        rest = np.cumsum([t.bound for t in reversed(order)])[::-1]
        essential = [t for t, r in zip(order, rest, strict=True) if not r * (1 + _MARGIN) < floor]
        if floor <= 0 or len(essential) == len(order):
            return self._exhaustive(k, mask)
        held = np.zeros(self.n, dtype=bool)
        for term in essential:
            held[term.rows] = True
        held &= ~seen
        candidates = _admitted(np.flatnonzero(held), mask)
        rows = np.concatenate([rows, candidates])
        scores = np.concatenate([scores, self.exact(candidates)])
        return _at_least_kth(rows, scores, k)

    def _exhaustive(self, k: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        scores = self.all_scores()
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        rows = np.flatnonzero(scores > 0)
        return _at_least_kth(rows, scores[rows], k)


def _admitted(rows: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return rows if mask is None else rows[mask[rows]]


def _kth(scores: np.ndarray, k: int) -> float:
    """The k-th best positive score (0 when fewer are positive)."""
    positive = scores[scores > 0]
    if len(positive) < k:
        return 0.0
    return float(np.partition(positive, len(positive) - k)[len(positive) - k])


_EMPTY_ROWS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float32)


def _at_least_kth(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The positive scores at least the k-th best (all positive ones when fewer than k)."""
    positive = scores > 0
    rows, scores = rows[positive], scores[positive]
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        rows, scores = rows[keep], scores[keep]
    return rows, scores


def ranked(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Pure: the k best (row, score), best first, ties by row (``lexical.top_k``'s order)."""
    order = np.lexsort((rows, -scores))[:k]
    return [(int(rows[i]), float(scores[i])) for i in order]
