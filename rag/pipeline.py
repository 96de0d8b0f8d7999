"""The one code path behind the CLI, the API and the evaluation: open an index, search, ask.

`Assistant` holds an opened index generation. `reload()` swaps in a newer generation
atomically (one attribute assignment of an immutable snapshot), so readers in other
threads keep using the old one until they finish.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import NotFoundError
from rag.questions import FollowUp, Turn
from rag.reading.followup import clarifying_question
from rag.records import Answer, Clause, Document, Filters, Hit
from rag.references import document_reference, formal_reference
from rag.text import fold

if TYPE_CHECKING:
    from rag.registry import Registry

# Longest answer text (structured answers list several items; extracts are ~550 characters).
MAX_ANSWER_TEXT = 2000
# A unit filter keeps the hits of its tasks among this many times k retrieved.
UNIT_SEARCH_DEPTH = 8
# Asked once per access view when a server warms up: generic questions, one in English, that walk the
# answer path (no gold question; their answers are thrown away).
WARM_QUESTIONS = ("Ai ký văn bản này?", "Who is responsible for this task?")
# How long a writer waits for this process's other writer to finish its swap (seconds).
WRITE_WAIT_S = 60.0


@dataclass(frozen=True)
class _View:
    store: Any  # index.store.IndexStore
    retriever: Any  # index.hybrid.HybridRetriever
    answerer: Any  # rag.answer.Answerer


@dataclass(frozen=True)
class _Snapshot:
    store: Any  # index.store.IndexStore
    retriever: Any  # index.hybrid.HybridRetriever
    answerer: Any  # rag.answer.Answerer
    embedder: Any
    # Per set of access levels: the index as those callers see it (BM25 statistics, vocabulary,
    # the answerer's corpus statistics over their documents only), built on first use.
    views: dict[frozenset[str], _View] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def view(self, filters: Filters | None) -> _View:
        """What a caller with these filters may learn from: everything, or only their levels."""
        if filters is None or filters.access is None:
            return _View(self.store, self.retriever, self.answerer)
        levels = frozenset(filters.access)
        with self.lock:
            if levels not in self.views:
                from rag.answer import Answerer

                if all(d.access in levels for d in self.store.documents()):
                    # Every document is theirs to read (a public server's usual case): their view
                    # is the whole one, not a second copy of it.
                    self.views[levels] = _View(self.store, self.retriever, self.answerer)
                else:
                    store = self.store.restricted(levels)
                    self.views[levels] = _View(store, retriever_of(store, self.embedder), Answerer(store))
            return self.views[levels]

    def warm(self, access: Iterable[frozenset[str] | None]) -> None:
        """Build each access view these callers will read, and what its answerer builds on first use."""
        warmed: set[int] = set()
        for levels in access:
            filters = Filters(access=set(levels)) if levels is not None else None
            view = self.view(filters)
            if id(view.answerer) in warmed:  # the same view under two level sets: once is enough
                continue
            warmed.add(id(view.answerer))
            view.answerer.warm()
            view.retriever.run("văn bản", k=1)  # the store's filter rows and masks for these levels
            for question in WARM_QUESTIONS:  # the answer path's own first-use costs (patterns, caches)
                view.answerer.run(view.answerer.read(question), view.retriever, filters=filters)


class Assistant:
    def __init__(self, index_dir: Path | str, *, embedder: Any = None, generator: Any = None) -> None:
        from index.embedders import get_embedder
        from index.stores import location_of

        # The store's location: an index directory, or a Milvus server URI (index.stores).
        self.index_dir = location_of(index_dir)
        self.embedder = embedder or get_embedder(None)
        self.generator = generator  # rag.generate.LLMGenerator or None (extractive)
        self._write_lock = threading.Lock()
        self.write_wait_s = WRITE_WAIT_S
        # The access views warm() set up: a reloaded snapshot is set up for them before it goes live.
        self._warm_access: tuple[frozenset[str] | None, ...] = ()
        self._snapshot = self._load()

    @classmethod
    def open(cls, index_dir: Path | str, *, embedder: Any = None, generator: Any = None) -> Assistant:
        return cls(index_dir, embedder=embedder, generator=generator)

    def _load(self) -> _Snapshot:
        from index.stores import open_reader
        from rag.answer import Answerer

        store = open_reader(self.index_dir, embedder=self.embedder)
        snapshot = _Snapshot(store, retriever_of(store, self.embedder), Answerer(store), self.embedder)
        snapshot.warm(self._warm_access)
        return snapshot

    def reload(self) -> None:
        """Swap in the index's current generation (after an ingest by this or another process)."""
        self._snapshot = self._load()

    def warm(self, access: Iterable[frozenset[str] | None] = (None,)) -> None:
        """Set up now everything a first question would otherwise set up, so no asker waits for it:
        the word segmenter and part-of-speech model, the query embedder, the reader's tables, and
        for each access view (None: every level) the view itself, its answerer's registry of
        units, tasks and lineage, the index of numbers the texts name and the corpus statistics.
        A server calls it before /healthz says ok; a reloaded snapshot is set up the same way
        before it replaces this one."""
        from index.lexical import load_models
        from rag.reading import warm as warm_reader

        load_models()
        warm_reader()
        self.embedder.embed_query("văn bản")
        self._warm_access = tuple(dict.fromkeys([*self._warm_access, *access]))
        self._snapshot.warm(self._warm_access)

    @property
    def store(self) -> Any:
        return self._snapshot.store

    # --- reading -------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 5,
        mode: str = "hybrid",
        filters: Filters | None = None,
        unit: str | None = None,
    ) -> list[Hit]:
        """Ranked clauses; with ``unit``, only those of tasks the unit leads or coordinates."""
        retriever = self._snapshot.view(filters).retriever
        if not unit:
            return retriever.run(query, k=k, mode=mode, filters=filters)
        store = self._snapshot.store
        hits = retriever.run(query, k=k * UNIT_SEARCH_DEPTH, mode=mode, filters=filters)
        kept = [h for h in hits if names_unit(h.clause, unit, store.clause)][:k]
        return [replace(h, rank=i) for i, h in enumerate(kept, 1)]

    def reference(self, clause: Clause) -> str:
        """The clause's formal reference ("mục 2 phần II Kế hoạch số … của UBND tỉnh …")."""
        doc = self._snapshot.store.document_meta(clause.doc_id)
        return formal_reference(clause, doc.meta) if doc else ""

    def ask(
        self,
        question: str,
        *,
        top_k: int | None = None,
        mode: str = "hybrid",
        filters: Filters | None = None,
        history: Sequence[Turn] | None = None,
    ) -> Answer:
        """Answer ``question``; with ``history`` (the asker's earlier turns) a follow-up is read in their scope."""
        view = self._snapshot.view(filters)
        started = time.perf_counter()
        read = view.answerer.read(question, list(history or []))
        follow = read.follow_up or FollowUp()
        usable, scoped = self._follow_up_filters(follow, filters, view.store)
        if follow.clarify or not usable:
            return self._clarify(question, follow, filters, started)
        filters = dates_as_sources(scoped, view.store.documents())
        answer = view.answerer.run(read, view.retriever, k=top_k, mode=mode, filters=filters)
        answer.question = question
        if follow.restated:
            answer.resolved_question = follow.restated
        if self.generator is not None and not answer.abstained:
            answer = self.generator.run(follow.restated or question, answer)  # keeps answer.question
        answer.answer = cut_answer(answer.answer)
        pending = view.store.dense_pending()
        if pending:  # just uploaded: found by its words only, its meaning-based search follows
            cited = [*answer.citations, *answer.related]
            answer.dense_pending = sorted({c.source for c in cited if c.doc_id in pending})
        answer.timings["total_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return answer

    def _follow_up_filters(
        self, resolution: FollowUp, filters: Filters | None, store: Any
    ) -> tuple[bool, Filters | None]:
        """``filters`` narrowed to the document a follow-up refers to, when the asker may read it.

        Not usable when the follow-up can name its document no other way and that document is
        not readable (or does not exist: the same answer, so nothing is learnt about other levels).
        """
        doc = store.document_meta(resolution.doc_id) if resolution.doc_id else None
        readable = doc is not None and (
            filters is None or filters.access is None or doc.access in filters.access
        )
        if readable and filters is not None and filters.sources and doc.source not in filters.sources:
            readable = False  # the asker's own filters exclude it
        if not readable:
            return not resolution.needs_document, filters
        return True, replace(filters, sources=[doc.source]) if filters else Filters(sources=[doc.source])

    def _clarify(
        self, question: str, resolution: FollowUp, filters: Filters | None, started: float
    ) -> Answer:
        """Ask back which document (or task) is meant, naming documents the asker may read."""
        access = filters.access if filters is not None else None
        labels = sorted({document_reference(d.meta) for d in self.documents(access=access)})
        return Answer(
            question=question,
            answer=clarifying_question(resolution.clarify or "document", labels),
            abstained=False,
            clarify=True,
            timings={"total_ms": round((time.perf_counter() - started) * 1000, 2)},
            strategy="clarify",
        )

    def ask_stream(
        self,
        question: str,
        *,
        top_k: int | None = None,
        mode: str = "hybrid",
        filters: Filters | None = None,
        history: Sequence[Turn] | None = None,
    ) -> Iterator[tuple[str, Any]]:
        """Yields ("delta", text) pieces of the answer, then ("answer", Answer) with the citations."""
        answer = self.ask(question, top_k=top_k, mode=mode, filters=filters, history=history)
        for piece in _chunks(answer.answer):
            yield "delta", piece
        yield "answer", answer

    def documents(self, access: set[str] | None = None) -> list[Document]:
        docs = self._snapshot.store.documents()
        return [d for d in docs if access is None or d.access in access]

    def document(self, doc_id: str, access: set[str] | None = None) -> Document:
        doc = self._snapshot.store.document(doc_id)
        if doc is None or (access is not None and doc.access not in access):
            raise NotFoundError.of("document.missing", doc_id=repr(doc_id))
        return doc

    def clause(
        self, clause_id: str, access: set[str] | None = None, n: int = 2
    ) -> tuple[Clause, list[Clause]]:
        """The clause and its neighbours (n before and after, in document order, the clause included)."""
        store = self._snapshot.store
        clause = store.clause(clause_id)
        doc = store.document_meta(clause.doc_id) if clause is not None else None
        # The document's level is what counts (a clause record may carry the default).
        if clause is None or doc is None or (access is not None and doc.access not in access):
            raise NotFoundError.of("clause.missing", clause_id=repr(clause_id))
        return clause, store.neighbours(clause_id, n=n)

    def registry(self, access: set[str] | frozenset[str] | None = None) -> Registry:
        """Units, tasks and lineage of the documents these levels may read (``rag.registry``),
        assembled once per snapshot and access view from what ingest kept with the index (on
        every store: no clause is read)."""
        view = self._snapshot.view(Filters(access=set(access)) if access is not None else None)
        return view.store.registry()

    def document_label(self, doc_id: str) -> str:
        doc = self._snapshot.store.document_meta(doc_id)
        return doc.meta.label() if doc else ""

    # --- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """This process's writers one at a time; held only to stage and swap (never while parsing or embedding)."""
        from rag.errors import IndexLockedError

        if not self._write_lock.acquire(timeout=self.write_wait_s):
            raise IndexLockedError.of("index.busy_writing")
        try:
            yield
            self.reload()  # before the lock goes: the next writer and every reader see this generation
        finally:
            self._write_lock.release()

    def ingest(self, paths: list[Path], *, access: str = "public", root: Path | None = None) -> Any:
        """Ingest files into the live index, then swap in the new generation."""
        from rag.ingest import ingest_paths

        return ingest_paths(
            paths,
            self.index_dir,
            access=access,
            embedder=self.embedder,
            progress=False,
            root=root,
            lock=self._writing(),
        )

    def ingest_files(self, files: list[Any], *, access: str, **hooks: Any) -> Any:
        """``rag.ingest.ingest_files`` into the live index (``before_commit``/``after_commit`` hooks)."""
        from rag.ingest import ingest_files

        return ingest_files(
            files,
            self.index_dir,
            access=access,
            embedder=self.embedder,
            progress=False,
            lock=self._writing(),
            **hooks,
        )

    def complete_dense(self) -> str | None:
        """Embed what ``dense_later`` uploads left out (the texts unlocked, the write under the lock)."""
        from rag.ingest import complete_dense

        if not self.store.dense_pending():
            return None
        return complete_dense(self.index_dir, embedder=self.embedder, lock=self._writing())

    def remove(self, sources: list[str]) -> list[str]:
        from rag.ingest import remove_sources

        with self._writing():
            return remove_sources(sources, self.index_dir, embedder=self.embedder)


def retriever_of(store: Any, embedder: Any) -> Any:
    """The hybrid retriever over a store; a plain string it is given is read as a question's query."""
    from index.hybrid import HybridRetriever
    from rag.reading import search_query

    return HybridRetriever(store, embedder, read=search_query)


NO_SOURCE = "\x00no document"  # a source no document has: an empty selection, not "no filter"


def dates_as_sources(filters: Filters | None, documents: list[Document]) -> Filters | None:
    """``filters`` with its date range also spelled as the sources inside it.

    Retrieval honours dates itself, but the answerer's own document scans (cited dates, named
    documents) look only at sources, doc type, issuer and access; as sources every scan obeys.
    """
    if filters is None or not (filters.date_from or filters.date_to):
        return filters
    inside = [
        d.source
        for d in documents
        if _iso_date(d.meta.date)
        and (not filters.date_from or d.meta.date >= filters.date_from)
        and (not filters.date_to or d.meta.date <= filters.date_to)
        and (not filters.sources or d.source in filters.sources)
    ]
    return replace(filters, sources=inside or [NO_SOURCE])


def names_unit(clause: Clause, unit: str, lookup: Any) -> bool:
    """The clause, or the task it sits in, names the unit as lead or coordinating (folded)."""
    want = fold(unit)
    node: Clause | None = clause
    for _ in range(8):  # a task is a few levels up at most
        if node is None:
            return False
        roles = " ".join(node.fields.get(k, "") for k in ("lead_unit", "coordinating_units"))
        if want in fold(roles):
            return True
        node = lookup(node.parent_id) if node.parent_id else None
    return False


def _iso_date(date: str) -> bool:
    return len(date) == 10 and date[4] == "-" and date[7] == "-" and date.replace("-", "").isdigit()


def cut_answer(text: str, limit: int = MAX_ANSWER_TEXT) -> str:
    """At most ``limit`` characters, cut at a space: whatever a clause holds, an answer stays readable."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"


def _chunks(text: str, size: int = 24) -> Iterator[str]:
    """Split an answer into word-aligned pieces for streaming."""
    words = text.split(" ")
    for i in range(0, len(words), size):
        piece = " ".join(words[i : i + size])
        yield piece if i + size >= len(words) else piece + " "


def filters_from_args(args: argparse.Namespace) -> Filters | None:
    f = Filters(
        doc_type=getattr(args, "doc_type", None),
        sources=getattr(args, "source", None),
        issuer=getattr(args, "issuer", None),
        date_from=getattr(args, "date_from", None),
        date_to=getattr(args, "date_to", None),
    )
    return None if f.is_empty() else f


# --- CLI handlers ----------------------------------------------------------------------------
def run_search(args: argparse.Namespace) -> int:
    from rag.render import format_hits

    assistant = Assistant.open(args.index_dir)
    hits = assistant.search(args.query, k=args.k, mode=args.mode, filters=filters_from_args(args))
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
    else:
        print(format_hits(hits, assistant.document_label))
    return 0


def run_ask(args: argparse.Namespace) -> int:
    from rag.render import format_answer

    generator = None
    if args.llm:
        from rag.generate import LLMGenerator

        generator = LLMGenerator.from_spec(args.llm, base_url=args.llm_base_url)
    assistant = Assistant.open(args.index_dir, generator=generator)
    answer = assistant.ask(args.question, top_k=args.k, mode=args.mode, filters=filters_from_args(args))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0
