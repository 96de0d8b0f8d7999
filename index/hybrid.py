"""Hybrid retrieval: dense and BM25 candidates, fused, nudged by query hints, filtered first.

Retrieval reads no question text: it receives a ``SearchQuery`` (rag.questions), whose hints the
question reader found. A plain string is searched as it is, unless the retriever was given a
``read`` function (the pipeline passes ``rag.reading.search_query``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from index.embedders import Embedder, get_embedder
from index.fusion import Ranking, reciprocal_rank_fusion, weighted_fusion
from index.query import issuer_matches, number_key, number_matches
from index.stores import Store
from rag.questions import SearchQuery
from rag.records import Clause, DocumentMeta, Filters, Hit
from rag.restore import DiacriticRestorer, lost_diacritics
from rag.text import fold
from rag.vocabulary import QUESTION_PHRASES, TAKES_EFFECT

MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("rrf", "weighted")
_LOCATOR_PART = re.compile(r"[.\s/]+")
# An article's own locator ("Điều 5", "Điều 2a"), not one of its khoản or điểm.
_ARTICLE = re.compile(r"^Điều \d+[a-zđ]?$")
_TAKES_EFFECT = re.compile(TAKES_EFFECT)
# Asked parts that name a unit: a task's field when it has one, else the heading over its duties.
UNIT_ASKS = ("lead_unit", "coordinating_units")


def task_path(locator: str) -> list[str]:
    """The numbered path of a locator: "II.4 · Đơn vị thực hiện" -> ["II", "4"]."""
    return [p for p in _LOCATOR_PART.split(locator.split("·")[0]) if p]


def clause_strength(hints: SearchQuery, clause: Clause, doc_year: str) -> float:
    """Pure: how strongly the query's explicit references point at this clause within its document.

    Generic structural rules only: "nhiệm vụ 4" names the item numbered 4 below a top-level
    section (and everything under it), above all when it has task fields; a year matches a clause's year field or its document's.
    """
    strength = 0.0
    if hints.task_number is not None:
        path = task_path(clause.locator)
        if hints.task_number in path[1:2]:
            # A task carries structured fields (lead unit, deadline …); a plain "4." list item may not be one.
            strength += 1.0 if (clause.fields or clause.kind == "field") else 0.4
    if hints.years:
        year = clause.fields.get("year", "") or doc_year
        if year and year in hints.years:
            strength += 0.3
    return strength


def document_strength(hints: SearchQuery, meta: DocumentMeta) -> float:
    """Pure: how explicitly the query names this document (by number, by type and issuer, by type)."""
    strength = 0.0
    numbers = [r.number for r in hints.doc_refs] + list(hints.numbers)
    if any(number_matches(n, meta.number) for n in numbers):
        strength += 1.0
    doc_type = fold(meta.doc_type)
    if any(
        fold(t) == doc_type
        and (issuer_matches(phrase, meta.issuer) or issuer_matches(phrase, meta.parent_issuer))
        for t, phrase in hints.issuer_refs
    ):
        strength += 1.0
    if doc_type and any(fold(t) == doc_type for t in hints.doc_types):
        strength += 0.3
    return strength


def hint_strength(hints: SearchQuery, clause: Clause, meta: DocumentMeta) -> float:
    return clause_strength(hints, clause, meta.date[:4]) + document_strength(hints, meta)


# A query with fewer than this share of its words marked was typed without marks (normal
# Vietnamese text marks 60-80% of its words; a few proper names typed with marks stay under it).
MARKS_LOST = 0.35
# The best BM25 clauses whose spellings give an unmarked query its marks.
RESTORE_FROM = 20


class DocumentLookup:
    """The documents a query may name (``document_strength`` >= 1), found by the leading digits
    of their number and by their type, not by a pass over every document: every document a
    number or a type-and-issuer names is among ``candidates``."""

    def __init__(self, documents: Iterable[Any]) -> None:
        self.by_digits: dict[str, list[Any]] = {}
        self.by_type: dict[str, list[Any]] = {}
        self.every = list(documents)
        for d in self.every:
            if digits := number_key(d.meta.number):
                self.by_digits.setdefault(digits, []).append(d)
            self.by_type.setdefault(fold(d.meta.doc_type), []).append(d)

    def candidates(self, hints: SearchQuery) -> list[Any]:
        found: dict[str, Any] = {}
        for number in [r.number for r in hints.doc_refs] + list(hints.numbers):
            digits = number_key(number)
            if not digits:
                return self.every  # "/kh-ubnd": any number may begin with it
            found.update((d.id, d) for d in self.by_digits.get(digits, ()))
        for doc_type, _ in hints.issuer_refs:
            found.update((d.id, d) for d in self.by_type.get(fold(doc_type), ()))
        return list(found.values())


# BM25 rankings remembered per retriever (one index snapshot): a few questions' worth.
BM25_MEMO = 32


class Channel(NamedTuple):
    """One ranking to fuse: which retriever made it (its weight) and the share of that weight it gets."""

    name: str  # "dense", "bm25", "passage", "local"
    ranking: Ranking
    share: float = 1.0


class HybridRetriever:
    """``run(query, k, mode, filters, fusion) -> [Hit]`` over one ``Store`` snapshot (embedded or Milvus).

    Filters are applied to the candidate pools before any top-k cut, so a restricted
    clause can never surface, and filtered queries still get k results when k exist.
    """

    def __init__(
        self,
        store: Store,
        embedder: Embedder | None = None,
        *,
        candidates: int = 50,
        # RRF's k: 15 lets a clause one ranking puts near the top outweigh clauses every ranking
        # puts in the middle (with the passage and local rankings; fitted with the weights below on
        # the even-numbered documents of provinces + kinds and checked on the odd ones).
        rrf_k: int = 15,
        # Dense votes at half BM25's weight: on Vietnamese policy text, exact terms (unit names,
        # document numbers, quantities) decide more often than paraphrase; the dev set agreed
        # (hit@5 0.93 -> 0.96, MRR 0.82 -> 0.89 against equal weights).
        weights: tuple[float, float] = (0.5, 1.0),
        hint_weight: float = 1.0,
        promote_from: int = 10,
        continuation_items: int = 4,
        # The passage ranking (index/passages.py) at half BM25's weight; the documents of the best
        # clauses (up to three) each ranked on their own statistics at 4x BM25's weight times their
        # share of those clauses. Fitted on the even-numbered documents of provinces + kinds (search
        # hit@5 0.84/0.91 -> 0.95/0.94; passage 0.5-2, local 0-4 tried), checked on the odd ones
        # (0.89/0.90 -> 0.94/0.91). Tried again one at a time (dense 0.3/0.75/1.0, passage 0.25/1.0,
        # local 2/6, rrf_k 8/30): none raised search hit@5 on both halves of kinds and provinces.
        passage_weight: float = 0.5,
        local_weight: float = 4.0,
        local_docs: int = 10,  # every document among the best clauses (promote_from) is ranked on its own
        read: Callable[[str], SearchQuery] | None = None,
    ) -> None:
        self.store = store
        self.read = read  # how a plain string is read (rag.reading.search_query); None: no hints
        self.embedder = embedder or get_embedder(None)
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = weights  # dense, bm25
        self.hint_weight = hint_weight
        self.passage_weight = passage_weight
        self.local_weight = local_weight
        self.local_docs = local_docs
        self._effect: dict[str, list[str]] = {}  # document id -> its clauses saying when it takes effect
        self._documents: DocumentLookup | None = None  # the snapshot's documents by number and type
        self.promote_from = promote_from
        self.continuation_items = continuation_items
        # The last BM25 rankings: the answerer's hybrid attempt reuses its lexical attempt's.
        self._bm25_memo: OrderedDict[tuple[str, int, Any], Ranking] = OrderedDict()
        self._memo_lock = threading.Lock()

    # --- single retrievers -------------------------------------------------------------------
    def dense_ranking(self, query: str, n: int, allowed: Any) -> Ranking:
        if not len(self.store):
            return []
        return self.store.dense_search(self.embedder.embed_query(query), n, allowed)

    def bm25_ranking(self, query: str, n: int, allowed: Any) -> Ranking:
        key = (query, n, allowed)
        try:
            hash(key)
        except TypeError:  # a scope that is no set of ids (a store's expression): not remembered
            return self.store.lexical_search(query, n, allowed)
        with self._memo_lock:
            found = self._bm25_memo.get(key)
            if found is not None:
                self._bm25_memo.move_to_end(key)
                return found
        ranking = self.store.lexical_search(query, n, allowed)
        with self._memo_lock:
            self._bm25_memo[key] = ranking
            while len(self._bm25_memo) > BM25_MEMO:
                self._bm25_memo.popitem(last=False)
        return ranking

    def passage_ranking(self, query: str, n: int, allowed: Any) -> Ranking:
        """Clauses by the passage around them (a store without passages: none)."""
        if not self.passage_weight:
            return []
        return self.store.passage_search(query, n, allowed)

    def marked_query(self, query: str, lexical: Ranking) -> str:
        """A Vietnamese query typed without its marks, given them back for the dense search.

        BM25 reads the folded words either way, but the embedding model reads "ke hoach" as other
        words than "kế hoạch" and finds little. The clauses BM25 found hold the query's words with
        their marks: each folded word takes the spelling those clauses give it (in the context of
        its neighbours, rag.restore), the question's own words from a short phrase table.
        """
        if not lost_diacritics(query, MARKS_LOST):
            return query
        texts = [c.text for cid, _ in lexical[:RESTORE_FROM] if (c := self.store.clause(cid)) is not None]
        return DiacriticRestorer([*texts, *QUESTION_PHRASES]).restore(query)

    # --- the retriever -----------------------------------------------------------------------
    def query_of(self, query: str | SearchQuery) -> SearchQuery:
        if isinstance(query, SearchQuery):
            return query
        return self.read(query) if self.read is not None else SearchQuery.plain(query)

    def run(
        self,
        query: str | SearchQuery,
        k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        fusion: str = "rrf",
    ) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {MODES}")
        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; choose from {FUSIONS}")
        hints = self.query_of(query)
        query = hints.text
        if not query.strip() or k <= 0:
            return []
        allowed = self.store.allowed(filters)
        if allowed is not None and not allowed:
            return []
        n = max(self.candidates, 5 * k)
        # BM25 needs Vietnamese words; an English question gets its administrative terms mapped.
        lexical_query, english = hints.lexical_text, hints.english
        if mode == "hybrid" and fusion == "rrf" and self.store.engine_fusion:
            return self._run_fused_in_engine(hints, lexical_query, k, n, allowed)
        bm25 = self.bm25_ranking(lexical_query, n, allowed) if mode in ("hybrid", "bm25") else []
        if mode == "hybrid" and not english:
            query = self.marked_query(query, bm25)
        dense = self.dense_ranking(query, n, allowed) if mode in ("hybrid", "dense") else []
        per_mode = {"dense": dict(dense), "bm25": dict(bm25)}
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            ranked = self._lift_asked(hints, bm25, allowed)
        else:
            rankings = [Channel("dense", dense), Channel("bm25", bm25)]
            passages = self.passage_ranking(lexical_query, n, allowed)
            if passages:
                rankings.append(Channel("passage", passages))
            named = self._named_documents(hints, allowed)
            if named is not None:
                # The query names a document: also rank within it, so its clauses are candidates
                # even when the whole-corpus pools missed them (OCR text, for instance).
                in_doc_dense = self.dense_ranking(query, n, named)
                in_doc_bm25 = self.bm25_ranking(lexical_query, n, named)
                per_mode["dense"] = dict(in_doc_dense) | per_mode["dense"]
                per_mode["bm25"] = dict(in_doc_bm25) | per_mode["bm25"]
                rankings += [Channel("dense", in_doc_dense), Channel("bm25", in_doc_bm25)]
                if passages:
                    rankings.append(Channel("passage", self.passage_ranking(lexical_query, n, named)))
            ranked = self._fuse(rankings, fusion, english=english)
            # A number no document here carries names a document the corpus only cites: none of
            # the documents found is the one asked about, so none is ranked on its own.
            cited_only = named is None and bool(hints.doc_refs or hints.numbers)
            local = [] if cited_only else self._local_rankings(lexical_query, ranked, n, allowed)
            if local:
                rankings += local
                ranked = self._fuse(rankings, fusion, english=english)
            ranked = self._apply_hints(hints, ranked, fusion, allowed, votes=self._votes(rankings, english))
            ranked = self._promote_continuations(ranked, allowed)
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

    def _run_fused_in_engine(
        self, hints: SearchQuery, lexical_query: str, k: int, n: int, allowed: Any
    ) -> list[Hit]:
        """Dense and BM25 fused by the store's engine (Milvus ``hybrid_search`` with RRF), then the
        same hints; a named document's own fused ranking joins by best score."""
        vector = self.embedder.embed_query(hints.text) if len(self.store) else None
        if vector is None:
            return []
        scores = dict(self.store.fused_search(vector, lexical_query, n, allowed, self.rrf_k))
        named = self._named_documents(hints, allowed)
        if named is not None:
            for cid, score in self.store.fused_search(vector, lexical_query, n, named, self.rrf_k):
                scores[cid] = max(score, scores.get(cid, 0.0))
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        ranked = self._apply_hints(hints, ranked, "rrf", allowed, votes=1.0)
        ranked = self._promote_continuations(ranked, allowed)
        found = self.store.clauses_by_id([cid for cid, _ in ranked[:k]])
        return [
            Hit(clause=found[cid], score=score, rank=rank, scores={"rrf": score})
            for rank, (cid, score) in enumerate(((c, s) for c, s in ranked[:k] if c in found), start=1)
        ]

    def _local_rankings(self, query: str, ranked: Ranking, n: int, allowed: Any) -> list[Channel]:
        """The documents of the best clauses, each ranked on its own statistics (``local_search``),
        weighed by its share of those clauses: a question the corpus answers in one document
        leans on that document's ranking, one spread over several leans on none of them much."""
        search = self.store.local_search
        top = ranked[: self.promote_from]
        if not self.local_weight or not top:
            return []
        # Each clause counts by its rank (1/rank): a document holding the first clause weighs as
        # much as one holding several lower ones, so a short document found first by every
        # retriever is not outweighed by a long one that merely fills the list.
        share: dict[str, float] = {}
        for rank, (cid, _) in enumerate(top, start=1):
            clause = self.store.clause(cid)
            if clause is not None:
                share[clause.doc_id] = share.get(clause.doc_id, 0.0) + 1.0 / rank
        total = sum(1.0 / r for r in range(1, len(top) + 1))
        best = sorted(share.items(), key=lambda kv: -kv[1])[: self.local_docs]
        return [Channel("local", search(query, d, n, allowed), mass / total) for d, mass in best]

    def _channel_weights(self, english: bool) -> dict[str, float]:
        dense_w, bm25_w = self.weights
        if english:
            # An English question reaches BM25 only through the glossary's few words; the
            # multilingual dense model reads all of it, so it leads.
            dense_w, bm25_w = bm25_w, dense_w
        return {
            "dense": dense_w,
            "bm25": bm25_w,
            "passage": self.passage_weight * bm25_w,
            "local": self.local_weight * bm25_w,
        }

    def _votes(self, rankings: list[Channel], english: bool) -> float:
        """The fused weight of one (dense, bm25) pair per search scope: hints stay worth as much."""
        weights = self._channel_weights(english)
        pair = weights["dense"] + weights["bm25"]
        return sum(weights[c.name] * c.share for c in rankings) / pair if pair else 1.0

    def _fuse(self, rankings: list[Channel], fusion: str, *, english: bool = False) -> Ranking:
        weights = self._channel_weights(english)
        lists = [c.ranking for c in rankings]
        channel = [weights[c.name] * c.share for c in rankings]
        if fusion == "weighted":
            return weighted_fusion(lists, channel)
        return reciprocal_rank_fusion(lists, k=self.rrf_k, weights=channel)

    def _named_documents(self, hints: SearchQuery, allowed: Any) -> Any:
        """The scope of the documents the query names by number or by type and issuer, if any."""
        if not (hints.doc_refs or hints.numbers or hints.issuer_refs):
            return None
        candidates = self._lookup().candidates(hints)
        named = [d.id for d in candidates if document_strength(hints, d.meta) >= 1.0]
        return self.store.within_documents(named, allowed) if named else None

    def _lookup(self) -> DocumentLookup:
        with self._memo_lock:
            if self._documents is None:
                self._documents = DocumentLookup(self.store.documents())
            return self._documents

    def _promote_continuations(self, ranked: Ranking, allowed: Any) -> Ranking:
        """A lead-in ending with ":" ("… đề nghị các cơ quan, đơn vị:") is answered by the items
        that follow it, which the parser keeps as its siblings: rank those right after it."""
        store = self.store
        scores = dict(ranked)
        changed = False
        for cid, score in ranked[: self.promote_from]:
            clause = store.clause(cid)
            if clause is None or clause.children or not clause.text.rstrip().endswith(":"):
                continue
            window = store.neighbours(cid, n=self.continuation_items)
            after = window[window.index(clause) + 1 :]
            for i, nxt in enumerate(after):
                if nxt.kind != "item" or nxt.parent_id != clause.parent_id:
                    break
                lifted = score - 1e-9 * (i + 1)
                if store.admits(allowed, nxt.id) and lifted > scores.get(nxt.id, float("-inf")):
                    scores[nxt.id] = lifted
                    changed = True
        return sorted(scores.items(), key=lambda kv: -kv[1]) if changed else ranked

    def _apply_hints(
        self,
        hints: SearchQuery,
        ranked: Ranking,
        fusion: str,
        allowed: Any,
        votes: float = 1.0,
    ) -> Ranking:
        if not hints.has_signal or not ranked:
            return ranked
        store = self.store
        # One hint point is worth a first-rank vote in RRF (or a full normalised score when weighted),
        # per pair of fused rankings, so in-document rankings do not dilute the hints.
        unit = votes * self.hint_weight * (1.0 / (self.rrf_k + 1) if fusion == "rrf" else 1.0)
        doc_strength: dict[str, float] = {}
        scores: dict[str, float] = {}
        found = store.clauses_by_id([cid for cid, _ in ranked])  # one read on a mapped or remote store
        for cid, score in ranked:
            clause = found.get(cid)
            doc = store.document_meta(clause.doc_id) if clause else None
            if clause is None or doc is None:
                scores[cid] = score
                continue
            if doc.id not in doc_strength:
                doc_strength[doc.id] = document_strength(hints, doc.meta)
            strength = doc_strength[doc.id] + clause_strength(hints, clause, doc.meta.date[:4])
            scores[cid] = score + unit * strength
        if hints.asks:
            self._promote_asked(hints.asks, scores, unit, allowed)
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def _lift_asked(self, hints: SearchQuery, ranked: Ranking, allowed: Any) -> Ranking:
        """BM25 alone (the answerer's first, lexical attempt) with the asked part lifted next to the
        clause that matched, as the fused ranking has it."""
        if not hints.asks or not ranked:
            return ranked
        scores = dict(ranked)
        self._promote_asked(hints.asks, scores, 1.0, allowed)
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def _promote_asked(self, asks: str, scores: dict[str, float], unit: float, allowed: Any) -> None:
        """Lift the part of the document the question asks for next to the clauses that matched.

        "Who carries out the task about X?" matches X in the task's items, but the answer is
        the task's "Đơn vị thực hiện" field; "who signed the plan?" matches the plan, but the
        answer is its signature block. So each top candidate passes its score on to that part.
        """
        store = self.store
        top = sorted(scores.items(), key=lambda kv: -kv[1])[: self.promote_from]
        lifted: dict[str, float] = {}
        for cid, score in top:
            clause = store.clause(cid)
            if clause is None:
                continue
            if asks in ("signer", "recipients"):
                kind = "signature" if asks == "signer" else "recipients"
                targets = [c.id for c in store.document_clauses(clause.doc_id) if c.kind == kind]
            elif asks == "article":
                targets = self._article_heading(clause)
            elif asks == "effect":
                targets = self._effect_clauses(clause.doc_id)
            else:
                targets = self._asked_fields(clause, asks)
            # A hair above the clause that matched: the asked part sorts right before it. A unit's
            # heading (no field names the unit) a hair below: the duty may name the unit itself.
            step = 1e-6 * unit
            if not targets and asks in UNIT_ASKS:
                targets, step = self._section_heading(clause), -step
            for target in targets:
                if store.admits(allowed, target):
                    lifted[target] = max(lifted.get(target, 0.0), score + step)
        for target, score in lifted.items():
            if score > scores.get(target, 0.0):
                scores.pop(target, None)  # re-insert: among equal scores, the matching clause stays first
                scores[target] = score

    def _effect_clauses(self, doc_id: str) -> list[str]:
        """The clauses of a document that say from when it takes effect (``TAKES_EFFECT``)."""
        found = self._effect.get(doc_id)
        if found is None:
            found = [c.id for c in self.store.document_clauses(doc_id) if _TAKES_EFFECT.search(fold(c.text))]
            self._effect[doc_id] = found
        return found

    def _article_heading(self, clause: Clause) -> list[str]:
        """The heading clause of the article ("Điều 5") a clause sits in; none outside articles."""
        node: Clause | None = self.store.clause(clause.parent_id) if clause.parent_id else None
        for _ in range(6):  # khoản and điểm sit a few levels below their article
            if node is None:
                return []
            if _ARTICLE.match(node.locator):
                return [node.id]
            node = self.store.clause(node.parent_id) if node.parent_id else None
        return []

    def _section_heading(self, clause: Clause) -> list[str]:
        """The heading a duty sits under: in "1. Sở Tài chính" / "a) Chủ trì thẩm định …" the
        question's words match the duty, but the unit asked for is named by its heading. Only a
        heading inside a section is lifted: a top-level division or an article names a topic."""
        parent = self.store.clause(clause.parent_id) if clause.parent_id else None
        if parent is None or parent.kind != "heading" or not parent.parent_id:
            return []
        return [] if _ARTICLE.match(parent.locator) else [parent.id]

    def _asked_fields(self, clause: Clause, key: str) -> list[str]:
        """The nearest enclosing task's field clauses that carry ``key`` (the clause itself if it does)."""
        store = self.store
        node: Clause | None = clause
        for _ in range(6):  # tasks sit a few levels deep at most
            if node is None:
                return []
            if node.kind == "field" and key in node.fields:
                return [node.id]
            fields = [
                c.id
                for child in node.children
                if (c := store.clause(child)) is not None and c.kind == "field" and key in c.fields
            ]
            if fields:
                return fields
            node = store.clause(node.parent_id) if node.parent_id else None
        return []
