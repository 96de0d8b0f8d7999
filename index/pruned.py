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
its score; a text not returned scores strictly less. Of the texts holding the terms that must be
read, only those whose score from them plus the bounds of the rest reaches the floor are scored in
full (the document-at-a-time refinement of the same bound). The bounds' term-frequency parts are found
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
# Pruning pays while the postings of the terms a text must hold to reach the floor are at most
# this share of the query's postings (the full scoring of their texts costs several times a posting).
ESSENTIAL_SHARE = 0.2
# The texts scored first for a floor: those holding the rarest terms, up to this many postings.
SEED_ROWS = 2_000

Scorer = tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]


@dataclass(frozen=True)
class _Term:
    field: int  # position of its field in the query
    id: int  # its id in the field's vocabulary
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
                    _Term(i, t, postings.term_rows[a:b], postings.term_tf[a:b], idf, weight * idf * part)
                )
            self.terms.append(found)
        # As float32: a Python float times a float32 array is computed in float32 (NEP 50).
        self._idf = [np.array([t.idf for t in terms], dtype=np.float32) for terms in self.terms]
        self._lookup: dict[int, np.ndarray] = {}

    def exact(self, rows: np.ndarray) -> np.ndarray:
        """The scores of ``rows`` (ascending, distinct): the exhaustive scorer's values for them.

        Read from the clause-major arrays (each text's own terms, matched to the query's by id):
        the work follows the texts, not the postings. Each term's contribution is computed as the
        exhaustive scorer computes it, and a text's are added in the same term order (a text
        without a term adds zero, which changes no float)."""
        total = np.zeros(len(rows), dtype=np.float32)
        p = self.params
        for i, (postings, weight, terms) in enumerate(
            zip(self.fields, self.weights, self.terms, strict=True)
        ):
            if not terms or not len(rows):
                continue
            start, stop = postings.doc_ptr[rows], postings.doc_ptr[rows + 1]
            sizes = stop - start
            at = np.repeat(start - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
            column = self._columns(i)[postings.doc_terms[at]]
            held = column >= 0
            owner = np.repeat(np.arange(len(rows)), sizes)[held]
            column = column[held]
            tf = postings.doc_tf[at][held].astype(np.float32)
            part = self.scorer[1](tf, postings.lengths[rows[owner]], postings.avgdl, p.k1, p.b, p.delta)
            contributions = np.zeros((len(rows), len(terms)), dtype=np.float32)
            contributions[owner, column] = self._idf[i][column] * part
            field = np.zeros(len(rows), dtype=np.float32)
            for j in range(len(terms)):
                field += contributions[:, j]
            total += weight * field
        return total

    def _columns(self, i: int) -> np.ndarray:
        """Field ``i``'s vocabulary -> the position of the term among the query's (-1: not asked)."""
        found = self._lookup.get(i)
        if found is None:
            postings = self.fields[i]
            found = np.full(len(postings.terms), -1, dtype=np.int32)
            found[[t.id for t in self.terms[i]]] = np.arange(len(self.terms[i]), dtype=np.int32)
            self._lookup[i] = found
        return found

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
        if floor <= 0 or sum(len(t.rows) for t in essential) > ESSENTIAL_SHARE * postings:
            # Long questions over many similar texts: the bounds left out sum close to the floor,
            # and reading what must be read costs about what scoring every posting does.
            return self._exhaustive(k, mask)
        # What the texts holding an essential term get from those terms, plus the most the others
        # can add: only a text whose bound reaches the floor is scored in full.
        others = float(rest[len(essential)]) if len(essential) < len(rest) else 0.0
        partial = np.zeros(self.n, dtype=np.float32)
        p = self.params
        for term in essential:
            postings = self.fields[term.field]
            tf = term.tf.astype(np.float32)
            part = self.scorer[1](tf, postings.lengths[term.rows], postings.avgdl, p.k1, p.b, p.delta)
            partial[term.rows] += self.weights[term.field] * (term.idf * part).astype(np.float32)
        reach = (partial.astype(np.float64) + others) * (1 + _MARGIN) >= floor
        reach &= ~seen
        candidates = _admitted(np.flatnonzero(reach), mask)
        if len(candidates) > SEED_ROWS:
            return self._exhaustive(k, mask)  # reading every candidate's terms would cost more
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
