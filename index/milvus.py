"""Milvus as the shared store (pymilvus): the reader side.

Four collections per store name (``POLICYQA_STORE_NAME``, default ``policyqa``):

- ``<name>_clauses``: one row per indexed clause *version* (primary key ``version|clause_id``): the
  dense vector (HNSW, inner product), a sparse BM25 vector built from our own Vietnamese analysis
  (index/sparse.py), the clause record as JSON, and the scalar fields filters run on (access, folded
  type and issuer, source, date, document id) inside the engine, before the top-k cut;
- ``<name>_documents``: one row per document: its metadata and its *live version*. A clause row is
  visible only when its version is its document's live version, so a document's clauses appear
  together when that one row flips, and an interrupted write leaves rows no reader sees;
- ``<name>_terms``: corpus statistics kept at ingest (index/corpus_stats.py keys -> counts);
- ``<name>_state``: the generation every replica polls, counts, BM25 lengths, the embedder, the
  writer's lease.

A ``MilvusStore`` is one generation's snapshot: document metadata (not clauses) is held in memory;
clauses are fetched by query into a bounded cache, statistics by key.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from index.corpus_stats import level_key
from index.lexical import DEFAULT_WEIGHTS, BM25Params
from index.milvus_base import (
    CLAUSE_CACHE,
    DOCUMENT_CACHE,
    FORMAT_VERSION,
    MAX_CLAUSES_PER_QUERY,
    OVERFETCH,
    QUERY_BATCH,
    Live,
    Scope,
    StoreAddress,
    StoreUnavailableError,
    call,
    client,
    current_documents,
    expr_in,
    filter_expression,
    live_documents,
    quote,
    read_generation,
    read_state,
    ready_only,
)
from index.milvus_rows import registry_entries
from index.sparse import query_keys, query_vector
from index.store import FilterRow, FilterTest, check_embedder
from rag.errors import IndexCorruptError, IndexNotFoundError, UnsupportedError
from rag.records import Clause, Document, Filters

if TYPE_CHECKING:
    from rag.registry import DocumentEntries, Registry


class MilvusStore:
    """One generation of a Milvus store, read-only (see the module docstring)."""

    working_set = True  # the answerer reads the documents of a question's hits, not all of them
    # Hybrid search fused here, with the embedded index's weights (dense at half weight, led by
    # dense for English), so answers are the embedded index's; or by Milvus (hybrid_search, plain
    # RRF: it takes no weights) with POLICYQA_MILVUS_FUSION=engine. See docs/scaling.md.
    engine_fusion = os.environ.get("POLICYQA_MILVUS_FUSION", "client") == "engine"

    def __init__(self, address: StoreAddress, state: dict[str, Any], documents: list[Live]) -> None:
        self.address = address
        self.directory = str(address)
        self.generation = f"gen-{state['generation']}"
        self.state = state
        self.manifest = dict(state.get("manifest", {}))
        self.params = BM25Params(**self.manifest.get("bm25", {}))
        self.levels: frozenset[str] | None = None
        self._rows = documents
        self._docs = [d for d, _, _ in documents]
        self._by_id = {d.id: d for d in self._docs}
        self._by_source = {d.source: d for d in self._docs}
        self._live = {d.id: version for d, version, _ in documents}
        self._dense_pending = frozenset(d.id for d, _, pending in documents if pending)
        self._clauses: OrderedDict[str, Clause] = OrderedDict()
        self._doc_clauses: OrderedDict[str, list[Clause]] = OrderedDict()
        self._lock = threading.Lock()
        # Registry entries by document id, shared with this snapshot's access views.
        self._entries: dict[str, DocumentEntries] = {}
        self._entries_lock = threading.Lock()
        self._registry: Registry | None = None

    @classmethod
    def open(cls, location: str, embedder: Any = None) -> MilvusStore:
        address = StoreAddress.parse(location)
        state = read_state(address)
        if state is None:
            raise IndexNotFoundError.of("index.missing_store", address=address, location=location)
        version = state.get("manifest", {}).get("format_version")
        if version != FORMAT_VERSION:
            raise IndexCorruptError.of(
                "index.store_format", address=address, found=str(version), expected=str(FORMAT_VERSION)
            )
        store = cls(address, state, live_documents(address))
        if embedder is not None:
            check_embedder(store.manifest, embedder, address)
        return store

    @property
    def _client(self) -> Any:
        return client(self.address)

    # --- documents and clauses ---------------------------------------------------------------
    def documents(self) -> list[Document]:
        """Live documents' metadata; their clauses are read with ``document_clauses``."""
        return list(self._docs)

    def document(self, doc_id: str) -> Document | None:
        meta = self._by_id.get(doc_id)
        if meta is None:
            return None
        full = Document.from_dict(meta.to_dict())
        full.clauses = self.document_clauses(doc_id)
        full.stored_clauses = 0
        return full

    def document_meta(self, doc_id: str) -> Document | None:
        """The document's metadata, without its clauses (held in memory: no round trip)."""
        return self._by_id.get(doc_id)

    def document_by_source(self, source: str) -> Document | None:
        doc = self._by_source.get(source)
        return self.document(doc.id) if doc else None

    @property
    def readable_levels(self) -> list[str]:
        """The access levels whose statistics this view reads (all the store has, unless restricted)."""
        present = sorted(self.state.get("levels", {}))
        return [lv for lv in present if self.levels is None or lv in self.levels]

    def _level_count(self, what: str) -> int:
        levels = self.state.get("levels", {})
        return sum(int(levels[lv].get(what, 0)) for lv in self.readable_levels)

    def __len__(self) -> int:
        return self._level_count("texts")

    @property
    def n_clauses(self) -> int:
        return self._level_count("clauses")

    def document_clauses(self, doc_id: str) -> list[Clause]:
        with self._lock:
            cached = self._doc_clauses.get(doc_id)
            if cached is not None:
                self._doc_clauses.move_to_end(doc_id)
                return list(cached)
        version = self._live.get(doc_id)
        if version is None:
            return []
        rows = call(
            "read a document's clauses",
            self._client.query,
            self.address.collection("clauses"),
            filter=f"doc_id == {quote(doc_id)} and version == {quote(version)}",
            output_fields=["data", "pos"],
            limit=MAX_CLAUSES_PER_QUERY,
        )
        ordered = [Clause.from_dict(r["data"]) for r in sorted(rows, key=lambda r: r["pos"])]
        with self._lock:
            self._doc_clauses[doc_id] = ordered
            while len(self._doc_clauses) > DOCUMENT_CACHE:
                self._doc_clauses.popitem(last=False)
            for c in ordered:
                self._remember(c)
        return list(ordered)

    def _remember(self, clause: Clause) -> None:
        self._clauses[clause.id] = clause
        self._clauses.move_to_end(clause.id)
        while len(self._clauses) > CLAUSE_CACHE:
            self._clauses.popitem(last=False)

    def clauses_by_id(self, ids: Iterable[str]) -> dict[str, Clause]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Clause] = {}
        with self._lock:
            for cid in wanted:
                if cid in self._clauses:
                    out[cid] = self._clauses[cid]
        missing = [cid for cid in wanted if cid not in out]
        for start in range(0, len(missing), QUERY_BATCH):
            rows = call(
                "read clauses",
                self._client.query,
                self.address.collection("clauses"),
                filter=expr_in("clause_id", missing[start : start + QUERY_BATCH]),
                output_fields=["data", "doc_id", "version"],
            )
            for r in rows:
                if self._live.get(r["doc_id"]) == r["version"]:
                    c = Clause.from_dict(r["data"])
                    out[c.id] = c
        with self._lock:
            for c in out.values():
                self._remember(c)
        return out

    def clause(self, clause_id: str) -> Clause | None:
        return self.clauses_by_id([clause_id]).get(clause_id)

    def neighbours(self, clause_id: str, n: int = 2) -> list[Clause]:
        clause = self.clause(clause_id)
        if clause is None:
            return []
        ordered = self.document_clauses(clause.doc_id)
        i = next((k for k, c in enumerate(ordered) if c.id == clause_id), None)
        return [] if i is None else ordered[max(0, i - n) : i + n + 1]

    def dense_pending(self) -> frozenset[str]:
        """Ids of documents searchable lexically whose dense vectors are not there yet."""
        return self._dense_pending

    def live_version(self, doc_id: str) -> str | None:
        return self._live.get(doc_id)

    def restricted(self, levels: frozenset[str]) -> MilvusStore:
        """The store as a caller reading only ``levels`` sees it: their documents, and statistics
        (BM25 and the answerer's) summed over their levels only."""
        docs = [live for live in self._rows if live[0].access in levels]
        view = MilvusStore(self.address, self.state, docs)
        view.levels = levels
        view._entries, view._entries_lock = self._entries, self._entries_lock
        return view

    def registry(self) -> Registry:
        """Units, tasks and lineage of this view's documents, from the entries the writer kept
        (the registry collection); a document without fitting ones (written before they were
        kept, or by a writer that died) is read once from its clauses."""
        if self._registry is None:
            from rag.registry import Registry

            self._registry = Registry(self._docs, self._registry_entries())
        return self._registry

    def _registry_entries(self) -> dict[str, DocumentEntries]:
        from rag.registry import DocumentEntries, document_entries

        with self._entries_lock:
            wanted = [d.id for d in self._docs if d.id not in self._entries]
            name = self.address.collection("registry")
            if wanted and call("list collections", self._client.has_collection, name):
                for start in range(0, len(wanted), QUERY_BATCH):
                    rows = call(
                        "read tasks and references",
                        self._client.query,
                        name,
                        filter=expr_in("doc_id", wanted[start : start + QUERY_BATCH]),
                        output_fields=["doc_id", "version", "part", "parts", "text"],
                        limit=MAX_CLAUSES_PER_QUERY,
                    )
                    for doc_id, data in registry_entries(rows, self._live).items():
                        found = DocumentEntries.from_dict(data)
                        if found.fits(self._by_id[doc_id]):
                            self._entries[doc_id] = found
            for doc_id in wanted:
                if doc_id not in self._entries and (doc := self.document(doc_id)) is not None:
                    self._entries[doc_id] = document_entries(doc)
            return {d.id: self._entries[d.id] for d in self._docs if d.id in self._entries}

    # --- statistics --------------------------------------------------------------------------
    def vocabulary(self) -> frozenset[str]:
        """Not held here (it grows with the corpus): ``term_counts`` answers for the words asked."""
        raise UnsupportedError(
            "a Milvus store keeps word counts, not the vocabulary: ask term_counts for the words needed"
        )

    def term_counts(self, keys: list[str]) -> dict[str, int]:
        """Counts of statistics keys over the levels this view reads (keys no clause has: absent)."""
        wanted = [level_key(lv, k) for k in dict.fromkeys(keys) for lv in self.readable_levels]
        out: dict[str, int] = {}
        for start in range(0, len(wanted), QUERY_BATCH):
            rows = call(
                "read term statistics",
                self._client.query,
                self.address.collection("terms"),
                filter=expr_in("key", wanted[start : start + QUERY_BATCH]),
                output_fields=["key", "count"],
            )
            for r in rows:
                key = r["key"].partition("|")[2]
                out[key] = out.get(key, 0) + int(r["count"])
        return out

    # --- filtering ---------------------------------------------------------------------------
    def allowed(self, filters: Filters | None) -> Scope | None:
        if self.levels is not None:
            levels = (
                self.levels if filters is None or filters.access is None else self.levels & filters.access
            )
            base = filters or Filters()
            from dataclasses import replace

            filters = replace(base, access=levels)
        if filters is None or filters.is_empty():
            return None
        return Scope(filter_expression(filters), filters)

    def within_documents(self, doc_ids: Iterable[str], allowed: Scope | None) -> Scope | None:
        ids = [d for d in doc_ids if d in self._by_id]
        if not ids:
            return None
        return (allowed or Scope("")).and_documents(ids)

    def admits(self, allowed: Scope | None, clause_id: str) -> bool:
        if allowed is None:
            return True
        clause = self.clause(clause_id)
        doc = self._by_id.get(clause.doc_id) if clause else None
        if clause is None or doc is None:
            return False
        if allowed.doc_ids is not None and doc.id not in allowed.doc_ids:
            return False
        return allowed.filters is None or FilterTest.of(allowed.filters).passes(FilterRow.of(clause, doc))

    # --- searching ---------------------------------------------------------------------------
    def _search(self, data: Any, field: str, n: int, allowed: Scope | None, params: dict[str, Any]) -> Any:
        rows = call(
            f"{field} search",
            self._client.search,
            self.address.collection("clauses"),
            data=[data],
            anns_field=field,
            limit=n + OVERFETCH,
            filter=allowed.expr if allowed is not None else "",
            search_params=params,
            output_fields=["clause_id", "doc_id", "version", "source", "pos", "data"],
        )
        return self._visible(rows[0], n)

    def _visible(self, hits: Any, n: int) -> list[tuple[str, float]]:
        found: list[tuple[float, str, int, str, float]] = []
        with self._lock:
            for h in hits:
                e = h["entity"]
                if self._live.get(e["doc_id"]) != e["version"]:
                    continue  # a version being written, or replaced: not visible
                self._remember(Clause.from_dict(e["data"]))
                score = float(h["distance"])
                found.append((-round(score, 4), e["source"], e["pos"], e["clause_id"], score))
        # Equal scores in document order (source, then position), as the embedded index breaks ties.
        return [(cid, score) for *_, cid, score in sorted(found)[:n]]

    def dense_search(self, vector: Any, n: int, allowed: Scope | None) -> list[tuple[str, float]]:
        if not self._live:
            return []
        return self._search(
            [float(x) for x in vector],
            "dense",
            n,
            ready_only(allowed),
            {"metric_type": "IP", "params": {"ef": max(64, 2 * n)}},
        )

    def passage_search(self, query: str, n: int, allowed: Scope | None) -> list[tuple[str, float]]:
        """No passages on Milvus yet: the retriever fuses what the engine ranks."""
        return []

    def local_search(self, query: str, doc_id: str, n: int, allowed: Scope | None) -> list[tuple[str, float]]:
        """No per-document statistics on Milvus yet."""
        return []

    def fused_search(
        self, vector: Any, query: str, n: int, allowed: Scope | None, rrf_k: int
    ) -> list[tuple[str, float]]:
        """Dense and BM25 searches fused in the engine (``hybrid_search``, reciprocal rank fusion)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        if not self._live:
            return []
        expr = allowed.expr if allowed is not None else ""
        dense_expr = ready_only(allowed).expr
        limit = n + OVERFETCH
        requests = [
            AnnSearchRequest(
                data=[[float(x) for x in vector]],
                anns_field="dense",
                param={"metric_type": "IP", "params": {"ef": max(64, 2 * n)}},
                limit=limit,
                expr=dense_expr,
            )
        ]
        sparse = self.lexical_query(query)
        if sparse:
            requests.append(
                AnnSearchRequest(
                    data=[sparse], anns_field="sparse", param={"metric_type": "IP"}, limit=limit, expr=expr
                )
            )
        rows = call(
            "hybrid search",
            self._client.hybrid_search,
            self.address.collection("clauses"),
            requests,
            RRFRanker(rrf_k),
            limit=limit,
            output_fields=["clause_id", "doc_id", "version", "source", "pos", "data"],
        )
        return self._visible(rows[0], n)

    def lexical_query(self, query: str) -> dict[int, float]:
        keys = query_keys(query)
        df = self.term_counts([k for ks in keys.values() for k in ks])
        return query_vector(keys, df, max(1, len(self)), self.params, DEFAULT_WEIGHTS)

    def lexical_search(self, query: str, n: int, allowed: Scope | None) -> list[tuple[str, float]]:
        vector = self.lexical_query(query)
        if not vector or not self._live:
            return []
        return self._search(vector, "sparse", n, allowed, {"metric_type": "IP"})


__all__ = ["MilvusStore", "StoreUnavailableError", "current_documents", "read_generation"]
