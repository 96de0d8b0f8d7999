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

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from index.corpus_stats import level_key
from index.lexical import DEFAULT_WEIGHTS, BM25Params
from index.sparse import query_keys, query_vector
from rag.errors import EmbedderMismatchError, IndexCorruptError, IndexNotFoundError, PolicyQAError
from rag.records import Clause, Document, Filters
from rag.text import fold

FORMAT_VERSION = 3  # 2: statistics per access level; 3: dense_ready
DUMMY_DIM = 2  # every Milvus collection needs a vector field; the bookkeeping ones carry a dummy
CLAUSE_CACHE = 4096
DOCUMENT_CACHE = 64
QUERY_BATCH = 512
MAX_CLAUSES_PER_QUERY = 16_384
# Rows of a version being written may be among the nearest; ask for this many more, drop them.
OVERFETCH = 16
_CONNECT_LOCK = threading.Lock()
_CLIENTS: dict[tuple[str, str], Any] = {}


class StoreUnavailableError(PolicyQAError):
    """The Milvus server cannot be reached or refused the request."""


@dataclass(frozen=True)
class StoreAddress:
    uri: str  # what pymilvus connects to (no query string)
    name: str  # collection prefix
    token: str

    @classmethod
    def parse(cls, location: str) -> StoreAddress:
        parts = urlsplit(location)
        query = parse_qs(parts.query)
        name = (query.get("name") or [os.environ.get("POLICYQA_STORE_NAME", "policyqa")])[0]
        if not name.replace("_", "").isalnum():
            raise PolicyQAError(f"store name {name!r}: use letters, digits and '_' only")
        return cls(
            uri=f"{parts.scheme}://{parts.netloc}",
            name=name,
            token=os.environ.get("POLICYQA_STORE_TOKEN", ""),
        )

    def collection(self, kind: str) -> str:
        return f"{self.name}_{kind}"

    def __str__(self) -> str:
        return f"{self.uri}?name={self.name}"


def client(address: StoreAddress) -> Any:
    """One pymilvus client per server and token in a process (gRPC channels are thread-safe)."""
    key = (address.uri, address.token)
    with _CONNECT_LOCK:
        found = _CLIENTS.get(key)
        if found is None:
            # pymilvus logs each failed call with a traceback; ours say what failed, once.
            logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
            try:
                from pymilvus import MilvusClient
            except ImportError as exc:  # pragma: no cover - the milvus extra is not installed
                raise StoreUnavailableError(
                    "the Milvus store needs pymilvus: pip install 'policyqa[milvus]'"
                ) from exc
            try:
                found = MilvusClient(uri=address.uri, token=address.token or "", timeout=10)
            except Exception as exc:
                raise StoreUnavailableError(
                    f"cannot reach the Milvus server at {address.uri}: {exc}"
                ) from exc
            _CLIENTS[key] = found
        return found


def call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """A pymilvus call, its failure as a PolicyQAError that says what was being done."""
    try:
        return fn(*args, **kwargs)
    except PolicyQAError:
        raise
    except Exception as exc:
        raise StoreUnavailableError(f"Milvus: {what} failed: {exc}") from exc


def read_state(address: StoreAddress) -> dict[str, Any] | None:
    c = client(address)
    name = address.collection("state")
    if not call("list collections", c.has_collection, name):
        return None
    rows = call("read the store state", c.query, name, filter='key == "store"', output_fields=["data"])
    return dict(rows[0]["data"]) if rows else None


def read_generation(location: str) -> str:
    address = StoreAddress.parse(location)
    state = read_state(address)
    if state is None:
        raise IndexNotFoundError(f"no store at {address}; run: policyqa ingest corpus --store {location}")
    return f"gen-{state['generation']}"


# A live document: its metadata (clauses not loaded), its live version, whether its dense vectors
# are still to come.
Live = tuple[Document, str, bool]


def live_documents(address: StoreAddress) -> list[Live]:
    """Every live document (see ``Live``), by source."""
    c = client(address)
    name = address.collection("documents")
    if not call("list collections", c.has_collection, name):
        return []
    out: list[Live] = []
    iterator = call(
        "list documents",
        c.query_iterator,
        name,
        batch_size=1000,
        filter='version != ""',
        output_fields=["data", "version"],
    )
    try:
        while batch := iterator.next():
            out.extend(
                (Document.from_dict(r["data"]), r["version"], bool(r["data"].get("dense_pending")))
                for r in batch
            )
    finally:
        iterator.close()
    return sorted(out, key=lambda dv: dv[0].source)


def current_documents(location: str) -> dict[str, Document]:
    try:
        return {d.source: d for d, _, _ in live_documents(StoreAddress.parse(location))}
    except PolicyQAError:
        return {}


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _in(field: str, values: Iterable[str]) -> str:
    return f"{field} in [{', '.join(_quote(v) for v in values)}]"


@dataclass(frozen=True)
class Scope:
    """Which clauses a search may return: a Milvus expression and the same test in Python."""

    expr: str
    filters: Filters | None = None
    doc_ids: frozenset[str] | None = None

    def and_documents(self, doc_ids: Iterable[str]) -> Scope:
        ids = frozenset(doc_ids) if self.doc_ids is None else self.doc_ids & frozenset(doc_ids)
        expr = _in("doc_id", sorted(ids))
        return Scope(f"({self.expr}) and {expr}" if self.expr else expr, self.filters, ids)


def filter_expression(filters: Filters) -> str:
    parts = []
    if filters.doc_type:
        parts.append(f"doc_type == {_quote(fold(filters.doc_type))}")
    if filters.sources:
        parts.append(_in("source", filters.sources))
    if filters.issuer:
        parts.append(f"issuer like {_quote('%' + fold(filters.issuer).replace('%', '') + '%')}")
    # A document without a complete ISO date cannot be shown to fall inside a range.
    if filters.date_from:
        parts.append(f"iso_date and date >= {_quote(filters.date_from)}")
    if filters.date_to:
        parts.append(f"iso_date and date <= {_quote(filters.date_to)}")
    if filters.access is not None:
        parts.append(_in("access", sorted(filters.access)) if filters.access else "false")
    return " and ".join(parts)


def clause_access(clause: Clause, doc: Document) -> str:
    return clause.access if clause.access != "public" else doc.access


class MilvusStore:
    """One generation of a Milvus store, read-only (see the module docstring)."""

    working_set = True  # the answerer reads the documents of a question's hits, not all of them
    # Hybrid search fused by Milvus (hybrid_search, RRF) or here, with dense at half weight as on
    # the embedded index (POLICYQA_MILVUS_FUSION=engine|client); see docs/scaling.md for the measurements.
    engine_fusion = os.environ.get("POLICYQA_MILVUS_FUSION", "engine") == "engine"

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

    @classmethod
    def open(cls, location: str, embedder: Any = None) -> MilvusStore:
        address = StoreAddress.parse(location)
        state = read_state(address)
        if state is None:
            raise IndexNotFoundError(f"no store at {address}; run: policyqa ingest corpus --store {location}")
        version = state.get("manifest", {}).get("format_version")
        if version != FORMAT_VERSION:
            raise IndexCorruptError(
                f"the store at {address} has format {version}, this policyqa reads {FORMAT_VERSION}; "
                "ingest the documents again into a new store name (?name=…)"
            )
        store = cls(address, state, live_documents(address))
        if embedder is not None:
            info = store.manifest.get("embedder", {})
            if info and (info.get("id") != embedder.id or int(info.get("dim", embedder.dim)) != embedder.dim):
                raise EmbedderMismatchError(
                    f"the store at {address} was built with embedder {info.get('id')!r} (dim {info.get('dim')}), "
                    f"but {embedder.id!r} (dim {embedder.dim}) was asked to query it; set POLICYQA_EMBEDDER "
                    "to the store's embedder, or rebuild the store with the new one"
                )
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
            filter=f"doc_id == {_quote(doc_id)} and version == {_quote(version)}",
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
                filter=_in("clause_id", missing[start : start + QUERY_BATCH]),
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
        return view

    # --- statistics --------------------------------------------------------------------------
    def term_counts(self, keys: list[str]) -> dict[str, int]:
        """Counts of statistics keys over the levels this view reads (keys no clause has: absent)."""
        wanted = [level_key(lv, k) for k in dict.fromkeys(keys) for lv in self.readable_levels]
        out: dict[str, int] = {}
        for start in range(0, len(wanted), QUERY_BATCH):
            rows = call(
                "read term statistics",
                self._client.query,
                self.address.collection("terms"),
                filter=_in("key", wanted[start : start + QUERY_BATCH]),
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
        f = allowed.filters
        if f is None:
            return True
        meta = doc.meta
        checks = [
            not f.doc_type or fold(f.doc_type) == fold(meta.doc_type),
            not f.sources or doc.source in f.sources,
            not f.issuer or fold(f.issuer) in fold(f"{meta.issuer} {meta.parent_issuer}"),
            not f.date_from or (_iso(meta.date) and meta.date >= f.date_from),
            not f.date_to or (_iso(meta.date) and meta.date <= f.date_to),
            f.access is None or clause_access(clause, doc) in f.access,
        ]
        return all(checks)

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
            _ready(allowed),
            {"metric_type": "IP", "params": {"ef": max(64, 2 * n)}},
        )

    def fused_search(
        self, vector: Any, query: str, n: int, allowed: Scope | None, rrf_k: int
    ) -> list[tuple[str, float]]:
        """Dense and BM25 searches fused in the engine (``hybrid_search``, reciprocal rank fusion)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        if not self._live:
            return []
        expr = allowed.expr if allowed is not None else ""
        dense_expr = _ready(allowed).expr
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


def _ready(allowed: Scope | None) -> Scope:
    """Dense searches skip rows whose vectors are still to come (placeholders)."""
    if allowed is None or not allowed.expr:
        return Scope(
            "dense_ready == true", allowed.filters if allowed else None, allowed.doc_ids if allowed else None
        )
    return Scope(f"({allowed.expr}) and dense_ready == true", allowed.filters, allowed.doc_ids)


def _iso(date: str) -> bool:
    return len(date) == 10 and date[4] == "-" and date[7] == "-" and date.replace("-", "").isdigit()
