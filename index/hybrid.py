"""Hybrid retrieval: dense and BM25 candidates, fused, nudged by query hints, filtered first."""

from __future__ import annotations

import re

import numpy as np

from index.embedders import Embedder, get_embedder
from index.fusion import Ranking, reciprocal_rank_fusion, weighted_fusion
from index.lexical import top_k
from index.query import QueryHints, analyze_query, number_matches
from index.store import IndexStore
from rag.records import Clause, Filters, Hit
from rag.text import fold

MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("rrf", "weighted")
_LOCATOR_PART = re.compile(r"[.\s/]+")


def hint_strength(hints: QueryHints, clause: Clause, doc_number: str, doc_year: str) -> float:
    """Pure: how strongly the query's explicit references point at this clause (0 = not at all).

    Generic structural rules only: a task number names a numbered item under a heading about
    tasks; a document reference names a document by its number; a year matches a clause's
    year field or the document's date.
    """
    strength = 0.0
    if hints.task_number is not None:
        parts = [p for p in _LOCATOR_PART.split(clause.locator) if p]
        if hints.task_number in parts[1:] or (len(parts) == 1 and parts[0] == hints.task_number):
            context = fold(" ".join([*clause.breadcrumb, clause.title]))
            strength += 1.0 if "nhiem vu" in context or "task" in context else 0.3
    for ref in hints.doc_refs:
        if number_matches(ref.number, doc_number):
            strength += 1.0
            break
    else:
        if any(number_matches(n, doc_number) for n in hints.numbers):
            strength += 1.0
    if hints.years:
        year = clause.fields.get("year", "") or doc_year
        if year and year in hints.years:
            strength += 0.3
    return strength


class HybridRetriever:
    """``run(query, k, mode, filters, fusion) -> [Hit]`` over one loaded ``IndexStore``.

    Filters are applied to the candidate pools before any top-k cut, so a restricted
    clause can never surface, and filtered queries still get k results when k exist.
    """

    def __init__(
        self,
        store: IndexStore,
        embedder: Embedder | None = None,
        *,
        candidates: int = 50,
        rrf_k: int = 60,
        weights: tuple[float, float] = (1.0, 1.0),
        hint_weight: float = 1.0,
    ) -> None:
        self.store = store
        self.embedder = embedder or get_embedder(None)
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = weights  # dense, bm25
        self.hint_weight = hint_weight
        self._rows_cache: dict[int, tuple[frozenset[str], np.ndarray]] = {}

    # --- single retrievers -------------------------------------------------------------------
    def dense_ranking(self, query: str, n: int, allowed: frozenset[str] | None) -> Ranking:
        dense = self.store.dense
        if not len(dense):
            return []
        vector = self.embedder.embed_query(query)
        if allowed is None:
            return dense.search(vector, n)[0]
        rows = self._allowed_rows(allowed, dense.ids)
        # Exact scores over the allowed rows: no approximate search can leak a filtered clause.
        return top_k([dense.ids[i] for i in rows], dense.scores_for(vector, rows), n, positive_only=False)

    def bm25_ranking(self, query: str, n: int, allowed: frozenset[str] | None) -> Ranking:
        lexical = self.store.lexical
        if not len(lexical):
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(lexical.ids), dtype=bool)
            mask[self._allowed_rows(allowed, lexical.ids)] = True
        return lexical.search(query, n, mask)

    def _allowed_rows(self, allowed: frozenset[str], ids: list[str]) -> np.ndarray:
        key = id(ids)
        cached = self._rows_cache.get(key)
        if cached is None or cached[0] is not allowed:
            cached = (allowed, np.array([i for i, cid in enumerate(ids) if cid in allowed], dtype=np.int64))
            self._rows_cache[key] = cached
        return cached[1]

    # --- the retriever -----------------------------------------------------------------------
    def run(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        fusion: str = "rrf",
    ) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {MODES}")
        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; choose from {FUSIONS}")
        if not query.strip() or k <= 0:
            return []
        allowed = self.store.allowed(filters)
        if allowed is not None and not allowed:
            return []
        n = max(self.candidates, 5 * k)
        dense = self.dense_ranking(query, n, allowed) if mode in ("hybrid", "dense") else []
        bm25 = self.bm25_ranking(query, n, allowed) if mode in ("hybrid", "bm25") else []
        per_mode = {"dense": dict(dense), "bm25": dict(bm25)}
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            ranked = bm25
        else:
            ranked = self._fuse(dense, bm25, fusion)
            ranked = self._apply_hints(query, ranked, fusion)
        hits: list[Hit] = []
        for rank, (cid, score) in enumerate(ranked[:k], start=1):
            clause = self.store.clause(cid)
            if clause is None:  # cannot happen for a consistent generation; never crash a query on it
                continue
            scores = {m: per_mode[m][cid] for m in ("dense", "bm25") if cid in per_mode[m]}
            if mode == "hybrid":
                scores[fusion] = score
            hits.append(Hit(clause=clause, score=score, rank=rank, scores=scores))
        return hits

    def _fuse(self, dense: Ranking, bm25: Ranking, fusion: str) -> Ranking:
        if fusion == "weighted":
            return weighted_fusion([dense, bm25], list(self.weights))
        return reciprocal_rank_fusion([dense, bm25], k=self.rrf_k, weights=list(self.weights))

    def _apply_hints(self, query: str, ranked: Ranking, fusion: str) -> Ranking:
        hints = analyze_query(query)
        if not hints.has_signal or not ranked:
            return ranked
        # One hint point is worth a first-rank vote in RRF (or a full normalised score when weighted).
        unit = self.hint_weight * (1.0 / (self.rrf_k + 1) if fusion == "rrf" else 1.0)
        out: Ranking = []
        for cid, score in ranked:
            clause = self.store.clause(cid)
            doc = self.store.document(clause.doc_id) if clause else None
            if clause is None or doc is None:
                out.append((cid, score))
                continue
            strength = hint_strength(hints, clause, doc.meta.number, doc.meta.date[:4])
            out.append((cid, score + unit * strength))
        out.sort(key=lambda kv: -kv[1])
        return out
