"""The answerer: a short answer with clause citations, or an explicit abstention.

Works with no language model. Strategies are tried in order (document facts, task fields,
year targets, dates of cited documents, then the extractive passage); each returns an
answer composed from the retrieved clauses or passes. Every answer is checked for support
(`rag.answer.support`): when the question's evidence is not in the cited clause it abstains
and shows the closest clauses as related.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Any

from index.hybrid import document_strength
from index.query import number_key
from rag.answer.asked_parts import compose, fills
from rag.answer.base import CITATIONS, NOT_FOUND, Composed, Context, Strategy
from rag.answer.choices import FormAnswer, retriever_for
from rag.answer.clause_reference import ClauseReferenceAnswer
from rag.answer.corpus import CorpusView
from rag.answer.delegated import DelegatedTask
from rag.answer.document_facts import DocumentFacts, EffectiveDate, ReferenceDate, SignedBy
from rag.answer.documents import document_affinity, named_documents
from rag.answer.evidence import Evidence
from rag.answer.extremes import TableExtreme
from rag.answer.legal import ArticleLocator
from rag.answer.lineage import Lineage
from rag.answer.passage import ExtractivePassage
from rag.answer.phrasing import further_citations, tidy_start
from rag.answer.resolution import (
    DocumentIndex,
    Resolved,
    doubtful_note,
    not_found_text,
    references_of,
    resolve_documents,
)
from rag.answer.stats import KeyedStats, ViewStats
from rag.answer.support import SupportCheck
from rag.answer.targets import YearTargets
from rag.answer.task_fields import TaskFields
from rag.answer.tasks_due import TasksDue
from rag.answer.unit_tasks import UnitTasks
from rag.labels import citation_label
from rag.matching import TextTerms
from rag.questions import AskedPart, Catalogue, Question, Turn
from rag.reading import catalogue_of, read
from rag.records import Answer, Citation, Clause, Filters, Hit
from rag.references import document_reference, formal_reference
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
# The strategy an answer records when no strategy composed anything (an abstention).
NO_STRATEGY = "none"
# How many filters' sets of readable documents the answerer keeps (oldest dropped first).
ALLOWED_CACHE = 64
# Answer.code of a question naming a document that is not among the readable ones.
DOCUMENT_NOT_FOUND = "document_not_found"

STRATEGIES: tuple[Strategy, ...] = (
    FormAnswer(),
    ClauseReferenceAnswer(),
    TableExtreme(),  # "địa phương nào được ít nhất": a table's row by the asked column
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


def asks_other_documents(question: Question) -> bool:
    """ "Những văn bản nào triển khai Kế hoạch 245?", "Ông X ký những văn bản nào?": the answer is
    in the documents that cite the one named (or that a person signed), not inside it."""
    return (
        question.lineage is not None and question.lineage[1] == "in"
    ) or "documents_signed" in question.cues


def routed(strategies: tuple[Strategy, ...], question: Question) -> list[Strategy]:
    """The strategies that claim the question (by its slot, cues and form), in their order."""
    return [s for s in strategies if s.claims_question(question)]


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
        self._by_source = {d.source: d.id for d in self._metas.values()}
        self._resolution = DocumentIndex(self._metas.values())  # numbers, types, levels -> documents
        self._allowed_cache: dict[str, frozenset[str]] = {}
        self.catalogue: Catalogue = catalogue_of((d.id, d.meta) for d in self._metas.values())
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

    def read(self, question: str, history: list[Turn] | None = None) -> Question:
        """The question as the reader understands it, against the documents of this store."""
        return read(question, history or [], self.catalogue)

    def _reading(self, intent: Question, hits: list[Hit]) -> _Reading:
        if self._whole is not None:
            return self._whole
        assert self._stats is not None
        named = [d.id for d in self._metas.values() if document_strength(intent.search, d.meta) >= 1.0]
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
        question: str | Question,
        retriever: Any,
        *,
        k: int | None = None,
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> Answer:
        intent = question if isinstance(question, Question) else self.read(question)
        whole = self._run_one(intent, retriever, k=k, mode=mode, filters=filters)
        if not intent.parts or whole.code == DOCUMENT_NOT_FOUND or intent.form.kind != "plain":
            return whole
        # A question asking several things: each part the whole answer leaves open is answered
        # on its own, inside the documents the whole question names (rag.answer.asked_parts).
        inside = self._inside(filters, self.resolve(intent, filters).documents)
        answers: list[tuple[AskedPart, Answer | None]] = []
        for part in intent.parts:
            asked = replace(self.read(part.question or part.text), parts=())
            filled = fills(part, asked, whole)
            answers.append(
                (part, None if filled else self._run_one(asked, retriever, k=k, mode=mode, filters=inside))
            )
        return compose(intent, whole, answers)

    def _run_one(
        self,
        intent: Question,
        retriever: Any,
        *,
        k: int | None = None,
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> Answer:
        started = time.perf_counter()
        # The document first: a number no readable document carries or cites is answered as such.
        resolved = self.resolve(intent, filters)
        if resolved.missing or resolved.none:
            return self._not_found(intent, resolved, mode, (time.perf_counter() - started) * 1000)
        if not asks_other_documents(intent):
            filters = self._inside(filters, resolved.documents)
        retriever = retriever_for(intent, retriever)  # a choice question: the choices join the query
        timings: dict[str, float] = {}
        if mode == "hybrid" and not intent.english and self.lexical_sufficient is not None:
            lexical = self._answer(intent, retriever, k=k, mode="bm25", filters=filters, resolved=resolved)
            if lexical.support >= self.lexical_sufficient:
                answer = self._finish(intent.text, lexical, mode, lexical.timings())
                answer.lexical_only = True
                return self._noted(answer, resolved)
            timings["lexical_first_ms"] = round(lexical.retrieve_ms + lexical.answer_ms, 2)
        attempt = self._answer(intent, retriever, k=k, mode=mode, filters=filters, resolved=resolved)
        return self._noted(self._finish(intent.text, attempt, mode, attempt.timings() | timings), resolved)

    def _noted(self, answer: Answer, resolved: Resolved) -> Answer:
        """An answer from a document taken for the named number by its code alone, its digits read
        by OCR with doubt or left blank, says so: the match is shown as uncertain, not silently trusted."""
        source = answer.citations[0].doc_id if answer.citations else ""
        if source in resolved.doubtful:  # the answer is that document's
            note = doubtful_note(self._metas[source].meta, resolved.named.get(source, ""))
            answer.answer = f"{answer.answer}\n{note}"
        return answer

    def warm(self) -> None:
        """Build now what a first question would otherwise build: the registry of units, tasks and
        lineage, the index of the numbers each document's text names, the corpus statistics'
        tables (a server does this before it says it is ready)."""
        self.store.registry()
        if self._whole is None:
            return
        self._whole.view.warm()

    def resolve(self, question: Question, filters: Filters | None) -> Resolved:
        """The documents the question is answered inside (rag.answer.resolution)."""
        allowed = self._docs_allowed(filters)
        texts = None
        numbers = [n for _, n, _ in references_of(question)]
        if self._whole is not None and numbers:
            # Only the texts that can cite a named number are read (never every document's).
            index = self._whole.view.number_documents()
            # and those whose own number was not read (a draft's blank, a garbled scan).
            candidates = set(index.get("", frozenset()))
            for number in numbers:
                head = number_key(number)
                candidates |= index.get(head, frozenset()) if head else set(allowed)
            view = self._whole.view
            texts = {d: view.folded_document(d) for d in candidates & allowed}
        return resolve_documents(question, self._resolution, allowed, texts)

    def _inside(self, filters: Filters | None, documents: set[str]) -> Filters | None:
        """``filters`` narrowed to the resolved documents."""
        if not documents:
            return filters
        sources = [self._metas[d].source for d in sorted(documents) if d in self._metas]
        if filters is not None and filters.sources:
            sources = [s for s in sources if s in filters.sources]
        return replace(filters, sources=sources) if filters else Filters(sources=sources)

    def _not_found(self, question: Question, resolved: Resolved, mode: str, ms: float) -> Answer:
        """The named document is not among those the asker may search: say so, with the closest."""
        labels = {d: document_reference(m.meta) for d, m in self._metas.items()}
        headers = [c for d in resolved.closest if (c := self.store.clause(f"{d}:header")) is not None]
        return Answer(
            question=question.text,
            answer=not_found_text(resolved, labels) if resolved.missing else NOT_FOUND,
            abstained=True,
            related=[self._cite(c, 0.0) for c in headers],
            timings={"resolve_ms": round(ms, 2)},
            mode=mode,
            strategy="document_resolution",
            code=DOCUMENT_NOT_FOUND if resolved.missing else "",
        )

    def _answer(
        self,
        intent: Question,
        retriever: Any,
        *,
        k: int | None,
        mode: str,
        filters: Filters | None,
        resolved: Resolved | None = None,
    ) -> _Attempt:
        """Retrieve with one mode and compose; support 0 when there is nothing to answer from."""
        t0 = time.perf_counter()
        hits = retriever.run(intent.search, k=max(k or RETRIEVE_K, CITATIONS), mode=mode, filters=filters)
        t1 = time.perf_counter()
        allowed_docs = {h.clause.doc_id for h in hits} | self._docs_allowed(filters)
        reading = self._reading(intent, hits)

        def within(doc_ids: set[str]) -> list[Hit]:
            """The same search restricted to some documents (the ones a question names)."""
            scoped_sources = [self._metas[d].source for d in doc_ids if d in self._metas]
            scoped = replace(filters, sources=scoped_sources) if filters else Filters(sources=scoped_sources)
            return retriever.run(intent.search, k=max(k or RETRIEVE_K, CITATIONS), mode=mode, filters=scoped)

        # The numbers the question names were resolved to documents: the corpus knows them.
        numbers_known = resolved is not None and bool(resolved.documents)
        composed, ctx = self._compose(intent, hits, allowed_docs, reading, within, numbers_known)
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
                strategy=composed.strategy if composed is not None else NO_STRATEGY,
            )
        text = view.readable(composed.text, composed.cited)
        hits, supporting = self._supporting(attempt)
        keep = further_citations(text, question, composed.cited, supporting, view.idf)
        citations = self._citations(composed, hits, keep)
        return Answer(
            question=question,
            answer=tidy_start(text, composed.cited),
            abstained=False,
            citations=citations,
            related=[
                self._cite(h.clause, h.score)
                for h in hits[:CITATIONS]
                if h.clause.id not in {c.clause_id for c in citations}
            ][:3],
            timings=timings,
            mode=mode,
            strategy=composed.strategy,
        )

    def _docs_allowed(self, filters: Filters | None) -> set[str]:
        if filters is None:
            return set(self._metas)
        key = repr(filters)  # the same caller's filters recur: a public caller's on every question
        found = self._allowed_cache.get(key)
        if found is None:
            found = self._documents_passing(filters)
            with contextlib.suppress(RuntimeError, KeyError, StopIteration):  # another thread trimmed it
                if len(self._allowed_cache) >= ALLOWED_CACHE:
                    self._allowed_cache.pop(next(iter(self._allowed_cache)))
            self._allowed_cache[key] = found
        return set(found)

    def _documents_passing(self, filters: Filters) -> frozenset[str]:
        docs: Iterable[Any] = self._metas.values()
        out = set()
        sources = set(filters.sources or ())
        if sources:  # named sources: only their documents are looked at
            docs = [self._metas[d] for s in sources if (d := self._by_source.get(s)) is not None]
        for d in docs:
            if filters.access is not None and d.access not in filters.access:
                continue
            if sources and d.source not in sources:
                continue
            if filters.doc_type and fold(filters.doc_type) != fold(d.meta.doc_type):
                continue
            if filters.issuer and fold(filters.issuer) not in fold(d.meta.issuer):
                continue
            out.add(d.id)
        return frozenset(out)

    # --- composition ---------------------------------------------------------------------
    def _compose(
        self,
        intent: Question,
        hits: list[Hit],
        allowed: set[str],
        reading: _Reading,
        within: Callable[[set[str]], list[Hit]] | None = None,
        numbers_known: bool = False,
    ) -> tuple[Composed | None, Context | None]:
        if reading.support.mentions_unknown(intent, numbers=not numbers_known):
            return None, None
        affinity = document_affinity(reading.view, intent, allowed)
        # A question that names its document (by number, or by type and author) is answered from it.
        named = named_documents(reading.view, intent, affinity)
        if named and within is not None and len(named) < len(affinity):
            hits = within(named) or hits
        ctx = Context(
            question=intent,
            hits=hits,
            affinity=affinity,
            view=reading.view,
            evidence=reading.evidence,
            support=reading.support,
            registry=self.store.registry,
        )
        # Structure first, but a structured answer the support check rejects (the task found is
        # about another year, the field names no unit asked for) lets the later strategies try;
        # the best-supported answer stands.
        best: Composed | None = None
        for strategy in routed(self.strategies, intent):
            composed = strategy.compose(ctx)
            if composed is None:
                continue
            composed.strategy = strategy.name
            if not composed.cited:
                # The documents lack what the question names (a task, an article): abstain.
                return composed if best is None else best, ctx
            composed = self._checked(intent, composed, allowed, reading.support)
            if composed is not None and composed.support >= SUPPORT_THRESHOLD:
                return composed, ctx
            if composed is not None and (best is None or composed.support > best.support):
                best = composed
        return best, ctx

    def _checked(
        self, intent: Question, composed: Composed, allowed: set[str], support: SupportCheck
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
        if doc is None:
            return Citation.of(clause, score, short_reference=citation_label(clause, None))
        reference = formal_reference(clause, doc.meta)
        return Citation.of(clause, score, doc.meta.label(), reference, citation_label(clause, doc))

    def _supporting(self, attempt: _Attempt) -> tuple[list[Hit], frozenset[str]]:
        """The hits that may be cited after the answer's own clauses: those the evidence ranking
        scores as supporting the question first (the same fact is often stated in a target section
        and again in a task), in turns with the retrieval order; and the ids of the former and of
        the first retrieval hit."""
        ctx = attempt.context
        if ctx is None:
            return attempt.hits, frozenset()
        by_id = {h.clause.id: h for h in attempt.hits}
        floor = min((h.score for h in attempt.hits), default=0.0)  # an item under a retrieved heading
        ranked = (
            ctx.ranked()  # the strategies' own ranking, when they read these hits
            if attempt.hits is ctx.hits
            else ctx.evidence.candidates(ctx.question, attempt.hits, ctx.affinity)
        )
        supporting = [
            by_id.get(c.clause.id) or Hit(clause=c.clause, score=floor, rank=0)
            for c in ranked
            if c.support >= SUPPORT_THRESHOLD
        ][: CITATIONS - 1]
        # Taken in turns with the retrieval order: each ranking finds what the other misses.
        ordered = [h for pair in zip_longest(supporting, attempt.hits) for h in pair if h is not None]
        first = [h.clause.id for h in attempt.hits[:1]]  # what retrieval found first is cited too
        return ordered, frozenset([*(h.clause.id for h in supporting), *first])

    def _citations(
        self, composed: Composed, hits: list[Hit], keep: Callable[[Clause], bool]
    ) -> list[Citation]:
        """The answer's own clauses, then the hits ``keep`` says support it."""
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
            if h.clause.id not in seen and keep(h.clause):
                out.append(self._cite(h.clause, h.score))
                seen.add(h.clause.id)
        return out


def _segmented(text: str) -> list[str]:
    from index.lexical import tokenize

    return list(tokenize(text).word)
