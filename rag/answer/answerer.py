"""The answerer: a short answer with clause citations, or an explicit abstention.

Works with no language model. Strategies are tried in order (document facts, task fields,
year targets, dates of cited documents, then the extractive passage); each returns an
answer composed from the retrieved clauses or passes. Every answer is checked for support
(`rag.answer.support`): when the question's evidence is not in the cited clause it abstains
and shows the closest clauses as related.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Any

from index.hybrid import document_strength
from rag.answer.base import CITATIONS, NOT_FOUND, Composed, Context, Strategy
from rag.answer.choices import FormAnswer, read_form
from rag.answer.clause_reference import ClauseReferenceAnswer
from rag.answer.corpus import CorpusView
from rag.answer.delegated import DelegatedTask
from rag.answer.document_facts import DocumentFacts, EffectiveDate, ReferenceDate, SignedBy
from rag.answer.documents import document_affinity, named_documents
from rag.answer.evidence import Evidence
from rag.answer.legal import ArticleLocator
from rag.answer.lineage import Lineage
from rag.answer.passage import ExtractivePassage
from rag.answer.stats import KeyedStats, ViewStats
from rag.answer.support import SupportCheck
from rag.answer.targets import YearTargets
from rag.answer.task_fields import TaskFields
from rag.answer.tasks_due import TasksDue
from rag.answer.unit_tasks import UnitTasks
from rag.intent import Intent
from rag.matching import TextTerms
from rag.records import Answer, Citation, Clause, Filters, Hit
from rag.references import formal_reference
from rag.text import fold

# Calibrated on the dev set (see eval report): below this share of the question's
# evidence weight found in the cited clause, the documents do not answer the question.
SUPPORT_THRESHOLD = 0.5
# A question naming something no document mentions needs near-complete support elsewhere.
UNKNOWN_WORD_SUPPORT_CAP = 0.45
# Hybrid answering is lexical first: when the BM25 clauses alone support an answer this well,
# the dense query embedding (≈ 30–45 ms of CPU, most of a question's cost) adds nothing, so it is
# skipped; weaker support, English questions and abstentions get the full hybrid search.
LEXICAL_SUFFICIENT = 0.7
RETRIEVE_K = 24

STRATEGIES: tuple[Strategy, ...] = (
    FormAnswer(),
    ClauseReferenceAnswer(),
    SignedBy(),
    DocumentFacts(),
    UnitTasks(),  # "Sở X được giao những nhiệm vụ gì", before the one-task fields
    TasksDue(),  # "nhiệm vụ nào phải hoàn thành trong quý IV/2025"
    Lineage(),  # "văn bản nào triển khai X", "… căn cứ vào văn bản nào"
    DelegatedTask(),  # "Chủ trì triển khai các nhiệm vụ tại mục (IV)(3.4)(a)", before the fields
    TaskFields(),
    YearTargets(),
    EffectiveDate(),
    ReferenceDate(),
    ArticleLocator(),
    ExtractivePassage(),
)


# On a store that keeps its statistics (Milvus), a question is answered from the documents its
# hits come from and those it names: at most this many, fetched per question.
WORKING_DOCUMENTS = 12


@dataclass(frozen=True)
class _Reading:
    """The corpus as one question's answer reads it: the whole view, or its working set."""

    view: CorpusView
    evidence: Evidence
    support: SupportCheck

    @classmethod
    def of(cls, view: CorpusView) -> _Reading:
        return cls(view, Evidence(view), SupportCheck(view))


@dataclass
class _Attempt:
    """One retrieval mode's hits and what was composed from them."""

    composed: Composed | None
    hits: list[Hit]
    retrieve_ms: float
    answer_ms: float
    reading: _Reading | None = None
    context: Context | None = None

    @property
    def support(self) -> float:
        return self.composed.support if self.composed is not None else 0.0

    def timings(self) -> dict[str, float]:
        return {"retrieve_ms": round(self.retrieve_ms, 2), "answer_ms": round(self.answer_ms, 2)}


class Answerer:
    """Extractive, structure-aware answering over one index snapshot."""

    def __init__(
        self,
        store: Any,
        *,
        lexical_sufficient: float | None = LEXICAL_SUFFICIENT,
        strategies: tuple[Strategy, ...] = STRATEGIES,
    ) -> None:
        self.store = store
        self.lexical_sufficient = lexical_sufficient  # None: hybrid always runs the dense search
        self.strategies = strategies
        self._stats: KeyedStats | None = None
        self._whole: _Reading | None = None
        self._metas = {d.id: d for d in store.documents()}
        if store.working_set:
            # The store keeps the corpus statistics; nothing here grows with the corpus.
            self._stats = KeyedStats(
                store.term_counts, store.n_clauses, len(store.documents()), CorpusView([])
            )
        else:
            view = CorpusView(store.documents())
            # Every segmented word of the corpus: a question word outside it names something
            # the documents never mention ("tàu điện", "học phí").
            view.stats = ViewStats(view, store.vocabulary())
            self._whole = _Reading.of(view)

    @property
    def view(self) -> CorpusView:
        """The view over every document (embedded store only; a working-set store has none)."""
        if self._whole is None:
            raise AttributeError("this store is read per question; there is no whole-corpus view")
        return self._whole.view

    def _reading(self, intent: Intent, hits: list[Hit]) -> _Reading:
        if self._whole is not None:
            return self._whole
        assert self._stats is not None
        from index.query import analyze_query

        hints = analyze_query(intent.query)
        named = [d.id for d in self._metas.values() if document_strength(hints, d.meta) >= 1.0]
        ids = list(dict.fromkeys([h.clause.doc_id for h in hits] + named))[:WORKING_DOCUMENTS]
        docs = [d for d in (self.store.document(i) for i in ids) if d is not None]
        view = CorpusView(docs, count_terms=False)
        view.stats = self._stats.with_view(view)
        words = _segmented(intent.query)
        terms = TextTerms.of(intent.query)
        view.stats.prefetch(words, [*terms.folded, *terms.marked])
        return _Reading.of(view)

    # --- entry point ---------------------------------------------------------------------
    def run(
        self,
        question: str,
        retriever: Any,
        *,
        k: int | None = None,
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> Answer:
        intent, retriever = read_form(question, retriever)  # a choice or yes/no question: its stem
        timings: dict[str, float] = {}
        if mode == "hybrid" and not intent.english and self.lexical_sufficient is not None:
            lexical = self._answer(intent, retriever, k=k, mode="bm25", filters=filters)
            if lexical.support >= self.lexical_sufficient:
                answer = self._finish(question, lexical, mode, lexical.timings())
                answer.lexical_only = True
                return answer
            timings["lexical_first_ms"] = round(lexical.retrieve_ms + lexical.answer_ms, 2)
        attempt = self._answer(intent, retriever, k=k, mode=mode, filters=filters)
        return self._finish(question, attempt, mode, attempt.timings() | timings)

    def _answer(
        self, intent: Intent, retriever: Any, *, k: int | None, mode: str, filters: Filters | None
    ) -> _Attempt:
        """Retrieve with one mode and compose; support 0 when there is nothing to answer from."""
        t0 = time.perf_counter()
        hits = retriever.run(intent.query, k=max(k or RETRIEVE_K, CITATIONS), mode=mode, filters=filters)
        t1 = time.perf_counter()
        allowed_docs = {h.clause.doc_id for h in hits} | self._docs_allowed(filters)
        reading = self._reading(intent, hits)
        sources = {d.id: d.source for d in self._metas.values()}

        def within(doc_ids: set[str]) -> list[Hit]:
            """The same search restricted to some documents (the ones a question names)."""
            scoped_sources = [sources[d] for d in doc_ids if d in sources]
            scoped = replace(filters, sources=scoped_sources) if filters else Filters(sources=scoped_sources)
            return retriever.run(intent.query, k=max(k or RETRIEVE_K, CITATIONS), mode=mode, filters=scoped)

        composed, ctx = self._compose(intent, hits, allowed_docs, reading, within)
        t2 = time.perf_counter()
        return _Attempt(
            composed,
            hits,
            retrieve_ms=(t1 - t0) * 1000,
            answer_ms=(t2 - t1) * 1000,
            reading=reading,
            context=ctx,
        )

    def _finish(self, question: str, attempt: _Attempt, mode: str, timings: dict[str, float]) -> Answer:
        composed, hits = attempt.composed, attempt.hits
        assert attempt.reading is not None
        view = attempt.reading.view
        if composed is None or composed.support < SUPPORT_THRESHOLD:
            return Answer(
                question=question,
                answer=NOT_FOUND,
                abstained=True,
                citations=[],
                related=[self._cite(h.clause, h.score) for h in hits[:CITATIONS]],
                timings=timings,
                mode=mode,
            )
        citations = self._citations(composed, self._supporting(attempt))
        return Answer(
            question=question,
            answer=view.readable(composed.text, composed.cited),
            abstained=False,
            citations=citations,
            related=[
                self._cite(h.clause, h.score)
                for h in hits[:CITATIONS]
                if h.clause.id not in {c.clause_id for c in citations}
            ][:3],
            timings=timings,
            mode=mode,
        )

    def _docs_allowed(self, filters: Filters | None) -> set[str]:
        docs = self._metas.values()
        if filters is None:
            return {d.id for d in docs}
        out = set()
        for d in docs:
            if filters.access is not None and d.access not in filters.access:
                continue
            if filters.sources and d.source not in filters.sources:
                continue
            if filters.doc_type and fold(filters.doc_type) != fold(d.meta.doc_type):
                continue
            if filters.issuer and fold(filters.issuer) not in fold(d.meta.issuer):
                continue
            out.add(d.id)
        return out

    # --- composition ---------------------------------------------------------------------
    def _compose(
        self,
        intent: Intent,
        hits: list[Hit],
        allowed: set[str],
        reading: _Reading,
        within: Callable[[set[str]], list[Hit]] | None = None,
    ) -> tuple[Composed | None, Context | None]:
        if reading.support.mentions_unknown(intent):
            return None, None
        affinity = document_affinity(reading.view, intent, allowed)
        # A question that names its document (by number, or by type and author) is answered from it.
        named = named_documents(reading.view, intent, affinity)
        if named and within is not None and len(named) < len(affinity):
            hits = within(named) or hits
        ctx = Context(
            intent=intent,
            hits=hits,
            affinity=affinity,
            view=reading.view,
            evidence=reading.evidence,
            support=reading.support,
        )
        # Structure first, but a structured answer the support check rejects (the task found is
        # about another year, the field names no unit asked for) lets the later strategies try;
        # the best-supported answer stands.
        best: Composed | None = None
        for strategy in self.strategies:
            composed = strategy.compose(ctx)
            if composed is None:
                continue
            if not composed.cited:
                return best, ctx  # the documents lack what the question names (a task, an article)
            composed = self._checked(intent, composed, allowed, reading.support)
            if composed is not None and composed.support >= SUPPORT_THRESHOLD:
                return composed, ctx
            if composed is not None and (best is None or composed.support > best.support):
                best = composed
        return best, ctx

    def _checked(
        self, intent: Intent, composed: Composed, allowed: set[str], support: SupportCheck
    ) -> Composed | None:
        """The support check: capped when the passage answers something else; None from a
        document the caller may not read."""
        if any(c.doc_id not in allowed for c in composed.cited):
            return None  # never answer from a document the caller may not read: abstain
        if support.answers_something_else(intent, composed):
            composed.support = min(composed.support, UNKNOWN_WORD_SUPPORT_CAP)
        return composed

    # --- citations -----------------------------------------------------------------------
    def _cite(self, clause: Clause, score: float) -> Citation:
        doc = self._metas.get(clause.doc_id)
        return Citation.of(
            clause, score, doc.meta.label() if doc else "", formal_reference(clause, doc.meta) if doc else ""
        )

    def _supporting(self, attempt: _Attempt) -> list[Hit]:
        """The hits to cite after the answer's own clauses: those the evidence ranking scores
        as supporting the question first (the same fact is often stated in a target section and
        again in a task), in turns with the retrieval order."""
        ctx = attempt.context
        if ctx is None:
            return attempt.hits
        by_id = {h.clause.id: h for h in attempt.hits}
        floor = min((h.score for h in attempt.hits), default=0.0)  # an item under a retrieved heading
        ranked = (
            ctx.ranked()  # the strategies' own ranking, when they read these hits
            if attempt.hits is ctx.hits
            else ctx.evidence.candidates(ctx.intent, attempt.hits, ctx.affinity)
        )
        supporting = [
            by_id.get(c.clause.id) or Hit(clause=c.clause, score=floor, rank=0)
            for c in ranked
            if c.support >= SUPPORT_THRESHOLD
        ][: CITATIONS - 1]
        # Taken in turns with the retrieval order: each ranking finds what the other misses.
        return [h for pair in zip_longest(supporting, attempt.hits) for h in pair if h is not None]

    def _citations(self, composed: Composed, hits: list[Hit]) -> list[Citation]:
        scores = {h.clause.id: h.score for h in hits}
        top = max(scores.values(), default=1.0)
        out: list[Citation] = []
        seen: set[str] = set()
        for c in composed.cited:
            if c.id not in seen:
                out.append(self._cite(c, scores.get(c.id, top)))
                seen.add(c.id)
        for h in hits:
            if len(out) >= CITATIONS:
                break
            if h.clause.id not in seen:
                out.append(self._cite(h.clause, h.score))
                seen.add(h.clause.id)
        return out


def _segmented(text: str) -> list[str]:
    from index.lexical import tokenize

    return list(tokenize(text).word)
