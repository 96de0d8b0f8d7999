"""One BM25 query over some fields of the same texts: every text's score, the scores of some
texts only, and the best k.

Every text's score adds each posting of the query's terms (``FieldPostings.score``'s float32
arithmetic). The scores of a few texts (the clauses of a named document, those a passage ranking
places first) are read from the clause-major arrays instead: each text's own terms matched to the
query's by id, each term's contribution computed as the exhaustive scorer computes it and a text's
added in the same term order (a text without a term adds zero, which changes no float), so the
values are the same bit for bit and the work follows those texts, not the index's size.

Exact pruned top-k (MaxScore: per-term bounds, a floor from the rarest terms' texts, only texts
holding a term that can reach it scored in full) was built and measured on the provinces
documents copied 30 times (94,110 clauses, the 60 benchmark questions): their lexical queries
hold about 90 (field, term) pairs and 700k postings, the bounds of the terms left out sum to about
the k-th best score, and 10-55k texts stay candidates; pruning cost 16.8 ms a query against
10.2 ms for adding every posting, so it was left out (docs/scaling.md); so was a block-max index
kept at ingest (windows of clause rows, each term's largest tf part per window): its bounds over
≈ 180k blocks a query and the rounds widening the scored windows cost what the skipped postings
saved. Every posting's tf part is kept at ingest instead (FieldPostings.parts): adding every
posting is an idf product and a scatter-add.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.postings import FieldPostings

# Up to this many admitted texts, scoring them from their own terms costs less than every posting.
DIRECT_ROWS = 2048
Scorer = tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]


@dataclass(frozen=True)
class _Term:
    field: int  # position of its field in the query
    id: int  # its id in the field's vocabulary
    rows: np.ndarray  # the texts holding it, ascending
    tf: np.ndarray  # its count in each
    part: np.ndarray  # its tf part of the score in each (FieldPostings.parts)
    idf: float


class FieldsQuery:
    """One query over some BM25 fields of the same texts, each field weighted and given its terms
    (each counted once, in sorted order as ``FieldPostings.score`` adds them: the float32 sums
    are then the same in every process, whatever its hash seed)."""

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
        for i, (postings, _, words) in enumerate(fields):
            found = []
            parts = postings.parts(scorer[1], params)
            for word in sorted(set(words)):
                t = postings.terms.find(word)
                if t < 0:
                    continue
                a, b = int(postings.term_ptr[t]), int(postings.term_ptr[t + 1])
                idf = float(idf_fn(np.array([b - a], dtype=np.float64), postings.n_docs)[0])
                found.append(_Term(i, t, postings.term_rows[a:b], postings.term_tf[a:b], parts[a:b], idf))
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
        for weight, terms in zip(self.weights, self.terms, strict=True):
            if not terms:
                continue
            field = np.zeros(self.n, dtype=np.float32)
            for term in terms:  # the tf parts kept with the postings: the values computed here before
                field[term.rows] += (term.idf * term.part).astype(np.float32)
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
        scores = self.all_scores()
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        rows = np.flatnonzero(scores > 0)
        return _at_least_kth(rows, scores[rows], k)


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
