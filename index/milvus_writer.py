"""Milvus as the shared store: the writer side (see index/milvus.py for the collections).

A commit writes each staged document as a new *version*: its clause rows first (invisible, as
their version is not yet the document's live one), then the statistics delta (new version's
contribution minus the old one's), then the one document row that makes the version live, then
the old version's rows are deleted and the generation every replica polls moves on. Removal
deletes the document row first. A ``writing`` marker in the state row lasts from the first row
written to the generation bump: a writer that finds it (the last one died mid-commit) deletes
rows no document points to, recounts the statistics from the live clauses and bumps the
generation, so a re-run finishes the job and readers never saw a partial document.

One writer at a time: a lease in the state row (owner, expiry) keeps a second writer out; it is
a guard against accidents (two ingests started by hand), not a distributed lock.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from index.embedders import Embedder, embedding_text, get_embedder
from index.lexical import BM25Params
from index.milvus import MilvusStore
from index.milvus_base import (
    FORMAT_VERSION,
    MAX_CLAUSES_PER_QUERY,
    QUERY_BATCH,
    Lease,
    StoreAddress,
    call,
    client,
    dummy,
    ensure_collections,
    expr_in,
    live_documents,
    quote,
    read_state,
)
from index.milvus_rows import clause_rows, contribution, registry_rows, text_hashes
from index.store import document_label, indexable
from rag.errors import EmbedderMismatchError
from rag.records import Clause, Document
from rag.registry import document_entries

# Rows per insert call (POLICYQA_MILVUS_ROW_BATCH; tests use small batches to widen a crash window).
ROW_BATCH = int(os.environ.get("POLICYQA_MILVUS_ROW_BATCH", "256"))
EMBED_BATCH = 64


class MilvusWriter:
    """Stages upserts and removals; ``commit()`` writes them (each document whole) and bumps the generation."""

    def __init__(
        self, location: str, embedder: Embedder | None = None, *, lock_timeout: float = 30.0
    ) -> None:
        self.address = StoreAddress.parse(location)
        self.location = location
        self.embedder = embedder or get_embedder(None)
        self.client = client(self.address)
        ensure_collections(self.address, self.embedder.dim)
        self.lease = Lease(self.address)
        self.owner = self.lease.owner
        self.lease.acquire(lock_timeout)
        try:
            state = read_state(self.address)
            if state is None or "generation" not in state:
                state = self._new_state()
                self._write_state(state)
            self._check_embedder(state)
            if state.get("writing"):
                self._recover(state)
            self.base = MilvusStore.open(location)
        except BaseException:
            self.close()
            raise
        self._docs: dict[str, Document] = {d.source: d for d in self.base.documents()}
        self._staged: dict[str, Document] = {}
        self._removed: dict[str, Document] = {}
        self.committed: str | None = None
        self._zero = [0.0] * self.embedder.dim

    def close(self) -> None:
        self.lease.release()

    def __enter__(self) -> MilvusWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- state -------------------------------------------------------------------------------
    def _new_state(self) -> dict[str, Any]:
        return {
            "generation": 0,
            "clauses": 0,
            "texts": 0,
            "documents": 0,
            "levels": {},
            "lengths": {"word": 0, "fold": 0, "ctx": 0},
            "manifest": {
                "format_version": FORMAT_VERSION,
                "store": "milvus",
                "embedder": {
                    "id": self.embedder.id,
                    "dim": self.embedder.dim,
                    "normalize": self.embedder.normalize,
                },
                "bm25": {
                    "method": "lucene",
                    "k1": BM25Params().k1,
                    "b": BM25Params().b,
                    "delta": BM25Params().delta,
                },
                "dense": {"kind": "hnsw", "metric": "inner_product"},
            },
        }

    def _write_state(self, state: dict[str, Any]) -> None:
        call(
            "write the store state",
            self.client.upsert,
            self.address.collection("state"),
            [{"key": "store", "data": state, "vec": dummy()}],
        )

    def _check_embedder(self, state: dict[str, Any]) -> None:
        info = state.get("manifest", {}).get("embedder", {})
        if info and (info.get("id") != self.embedder.id or int(info.get("dim", 0)) != self.embedder.dim):
            raise EmbedderMismatchError(
                f"the store at {self.address} was built with embedder {info.get('id')!r}; "
                f"{self.embedder.id!r} cannot write to it (set POLICYQA_EMBEDDER={info.get('id')!r} to "
                "write with the embedder that built it, or use a new store name)"
            )

    # --- staging -----------------------------------------------------------------------------
    def document_by_source(self, source: str) -> Document | None:
        return self._staged.get(source) or self._docs.get(source)

    def upsert(self, documents: Iterable[Document]) -> None:
        for doc in documents:
            for source, old in list(self._docs.items()):
                if old.id == doc.id and source != doc.source:
                    self._removed[source] = self._docs.pop(source)
            self._staged[doc.source] = doc
            self._docs[doc.source] = doc

    def remove(self, sources: Iterable[str]) -> list[str]:
        removed = []
        for s in dict.fromkeys(sources):
            doc = self._docs.pop(s, None)
            if doc is not None:
                removed.append(s)
                self._staged.pop(s, None)
                if self.base.document_by_source(s) is not None:
                    self._removed[s] = doc
        return removed

    @property
    def dirty(self) -> bool:
        return bool(self._staged or self._removed)

    # --- committing --------------------------------------------------------------------------
    def commit(self, *, dense: bool = True, **_: Any) -> str | None:
        """Write the staged documents; ``dense=False`` leaves new texts unembedded (searchable
        lexically at once, ``dense_ready`` false) until ``complete_dense()``."""
        if not self.dirty:
            return None
        state = read_state(self.address) or self._new_state()
        touched = sorted({d.id for d in self._staged.values()} | {d.id for d in self._removed.values()})
        state["writing"] = {"owner": self.owner, "doc_ids": touched}
        self._write_state(state)
        params = BM25Params(**state["manifest"]["bm25"])
        delta: Counter[str] = Counter()
        gone: set[str] = set()
        for old in self._removed.values():
            self.lease.renew()
            self._unpublish(old.id, state, delta)
            gone.add(old.id)
        # Count every staged document first: its rows are written with the lengths of the
        # store as this commit leaves it (BM25 length normalisation).
        prepared = [
            self._account(doc, state, delta, replaced=doc.id not in gone) for doc in self._staged.values()
        ]
        avgdl = {k: v / max(1, state["texts"]) for k, v in state["lengths"].items()}
        for doc, (old_version, reuse) in zip(self._staged.values(), prepared, strict=True):
            self.lease.renew()
            self._publish(doc, old_version, reuse, state, params, avgdl, embed=dense)
        self._apply_terms(delta)
        self._flush()
        state["generation"] = int(state["generation"]) + 1
        state.pop("writing", None)
        self._write_state(state)
        self.committed = f"gen-{state['generation']}"
        self.base = MilvusStore.open(self.location)
        self._docs = {d.source: d for d in self.base.documents()}
        self._staged.clear()
        self._removed.clear()
        return self.committed

    def complete_dense(self, **_: Any) -> str | None:
        """Embed the texts a ``commit(dense=False)`` left out, then move the generation on."""
        pending = [d for d, _, waiting in live_documents(self.address) if waiting]
        if not pending:
            return None
        name = self.address.collection("clauses")
        for doc in pending:
            self.lease.renew()
            version = self.base.live_version(doc.id)
            if version is None:
                continue
            rows = call(
                "read rows to embed",
                self.client.query,
                name,
                filter=f"doc_id == {quote(doc.id)} and version == {quote(version)} and dense_ready == false",
                output_fields=["*"],
                limit=MAX_CLAUSES_PER_QUERY,
            )
            label = document_label(doc)
            for start in range(0, len(rows), EMBED_BATCH):
                chunk = rows[start : start + EMBED_BATCH]
                texts = [embedding_text(Clause.from_dict(r["data"]), label) for r in chunk]
                vectors = np.asarray(self.embedder.embed_passages(texts), dtype=np.float32)
                for r, v in zip(chunk, vectors, strict=True):
                    r["dense"], r["dense_ready"] = v.tolist(), True
                call("write vectors", self.client.upsert, name, chunk)
            data = {**self._document_rows([doc.id])[doc.id], "dense_pending": False}
            call(
                "mark a document embedded",
                self.client.upsert,
                self.address.collection("documents"),
                [{"doc_id": doc.id, "version": version, "source": doc.source, "data": data, "vec": dummy()}],
            )
        self._flush()
        state = read_state(self.address) or self._new_state()
        state["generation"] = int(state["generation"]) + 1
        self._write_state(state)
        self.committed = f"gen-{state['generation']}"
        self.base = MilvusStore.open(self.location)
        return self.committed

    def _document_rows(self, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = call(
            "read documents",
            self.client.query,
            self.address.collection("documents"),
            filter=expr_in("doc_id", doc_ids),
            output_fields=["doc_id", "data"],
        )
        return {r["doc_id"]: dict(r["data"]) for r in rows}

    def _flush(self) -> None:
        """Seal what was written, so searches use the indexes (once per commit, not per row)."""
        for kind in ("clauses", "documents", "terms", "registry"):
            call(f"flush {kind}", self.client.flush, self.address.collection(kind))

    def _live_rows(self, doc_id: str, version: str, fields: list[str]) -> list[dict[str, Any]]:
        return call(
            "read a document's rows",
            self.client.query,
            self.address.collection("clauses"),
            filter=f"doc_id == {quote(doc_id)} and version == {quote(version)}",
            output_fields=fields,
            limit=MAX_CLAUSES_PER_QUERY,
        )

    def _contribution(
        self, doc: Document, clauses: list[Clause]
    ) -> tuple[Counter[str], dict[str, int], Counter[str]]:
        return contribution(doc, clauses)

    def _count_into(
        self, state: dict[str, Any], lengths: dict[str, int], sized: Counter[str], sign: int
    ) -> None:
        for k, v in lengths.items():
            state["lengths"][k] = state["lengths"].get(k, 0) + sign * v
        levels = state.setdefault("levels", {})
        for key, v in sized.items():
            level, _, what = key.partition("|")
            entry = levels.setdefault(level, {"clauses": 0, "texts": 0, "documents": 0})
            entry[what] += sign * v
            state[what] = state.get(what, 0) + sign * v
        for level in [lv for lv, e in levels.items() if not any(e.values())]:
            del levels[level]

    def _subtract_version(
        self, doc: Document, version: str, state: dict[str, Any], delta: Counter[str]
    ) -> list[dict[str, Any]]:
        rows = self._live_rows(doc.id, version, ["pk", "data", "pos", "text_sha", "dense"])
        clauses = [Clause.from_dict(r["data"]) for r in sorted(rows, key=lambda r: r["pos"])]
        counts, lengths, sized = self._contribution(doc, clauses)
        delta.subtract(counts)
        self._count_into(state, lengths, sized, -1)
        return rows

    def _unpublish(self, doc_id: str, state: dict[str, Any], delta: Counter[str]) -> None:
        version = self.base.live_version(doc_id)
        old = self.base._by_id.get(doc_id)
        if version is None or old is None:
            return
        self._subtract_version(old, version, state, delta)
        call(
            "delete a document",
            self.client.delete,
            self.address.collection("documents"),
            filter=f"doc_id == {quote(doc_id)}",
        )
        call(
            "delete a document's clauses",
            self.client.delete,
            self.address.collection("clauses"),
            filter=f"doc_id == {quote(doc_id)}",
        )
        call(
            "delete a document's tasks and references",
            self.client.delete,
            self.address.collection("registry"),
            filter=f"doc_id == {quote(doc_id)}",
        )

    def _account(
        self, doc: Document, state: dict[str, Any], delta: Counter[str], *, replaced: bool
    ) -> tuple[str | None, dict[str, list[float]]]:
        """A staged document's statistics into ``state`` and ``delta`` (its old version's out);
        returns the old live version and its vectors by text hash (reused when a text is unchanged)."""
        old_version = self.base.live_version(doc.id) if replaced else None
        reuse: dict[str, list[float]] = {}
        if old_version is not None and (old := self.base._by_id.get(doc.id)) is not None:
            rows = self._subtract_version(old, old_version, state, delta)
            reuse = {r["text_sha"]: r["dense"] for r in rows}
        counts, lengths, sized = self._contribution(doc, sorted(doc.clauses, key=lambda c: c.order))
        self._count_into(state, lengths, sized, 1)
        delta.update(counts)
        return old_version, reuse

    def _publish(
        self,
        doc: Document,
        old_version: str | None,
        reuse: dict[str, list[float]],
        state: dict[str, Any],
        params: BM25Params,
        avgdl: dict[str, float],
        *,
        embed: bool,
    ) -> None:
        version = f"{int(state['generation']) + 1}.{uuid.uuid4().hex[:8]}"
        # Rows left by a writer that died are not any document's live version: drop them first.
        keep = f" and version != {quote(old_version)}" if old_version else ""
        call(
            "drop leftover rows",
            self.client.delete,
            self.address.collection("clauses"),
            filter=f"doc_id == {quote(doc.id)}{keep}",
        )
        ordered = sorted(doc.clauses, key=lambda c: c.order)
        label = document_label(doc)
        shas = text_hashes(doc, ordered)
        todo = [(c, embedding_text(c, label)) for c in ordered if indexable(c) and shas[c.id] not in reuse]
        pending = bool(todo) and not embed
        if pending:
            todo = []
        vectors: dict[str, list[float]] = {}
        for start in range(0, len(todo), EMBED_BATCH):
            chunk = todo[start : start + EMBED_BATCH]
            embedded = self.embedder.embed_passages([t for _, t in chunk])
            for (c, _), v in zip(chunk, np.asarray(embedded, dtype=np.float32), strict=True):
                vectors[c.id] = v.tolist()
        rows = clause_rows(doc, ordered, version, params, avgdl, shas, vectors, reuse, self._zero)
        for start in range(0, len(rows), ROW_BATCH):
            call(
                "write clauses",
                self.client.upsert,
                self.address.collection("clauses"),
                rows[start : start + ROW_BATCH],
            )
        # Its units, tasks and references, kept for /api/units, /api/tasks and /related (read
        # only when the live version is this one: a crash before the flip leaves them unread).
        registry = self.address.collection("registry")
        rows = registry_rows(doc.id, version, document_entries(doc).to_dict())
        call("write a document's tasks and references", self.client.upsert, registry, rows)
        call(
            "drop a document's older tasks and references",
            self.client.delete,
            registry,
            filter=f"doc_id == {quote(doc.id)} and version != {quote(version)}",
        )
        data = {**doc.to_dict(), "clauses": [], "stored_clauses": len(ordered), "dense_pending": pending}
        data["ingested_at"] = data.get("ingested_at") or datetime.now(UTC).isoformat(timespec="seconds")
        call(
            "publish a document",
            self.client.upsert,
            self.address.collection("documents"),
            [{"doc_id": doc.id, "version": version, "source": doc.source, "data": data, "vec": dummy()}],
        )
        if old_version is not None:
            call(
                "drop the replaced version",
                self.client.delete,
                self.address.collection("clauses"),
                filter=f"doc_id == {quote(doc.id)} and version == {quote(old_version)}",
            )

    def _apply_terms(self, delta: Counter[str]) -> None:
        keys = [k for k, v in delta.items() if v]
        name = self.address.collection("terms")
        for start in range(0, len(keys), QUERY_BATCH):
            batch = keys[start : start + QUERY_BATCH]
            rows = call(
                "read term statistics",
                self.client.query,
                name,
                filter=expr_in("key", batch),
                output_fields=["key", "count"],
            )
            current = {r["key"]: int(r["count"]) for r in rows}
            upserts, zero = [], []
            for k in batch:
                value = current.get(k, 0) + delta[k]
                if value > 0:
                    upserts.append({"key": k, "count": value, "vec": dummy()})
                elif k in current:
                    zero.append(k)
            if upserts:
                call("write term statistics", self.client.upsert, name, upserts)
            if zero:
                call("drop term statistics", self.client.delete, name, filter=expr_in("key", zero))

    # --- recovery ----------------------------------------------------------------------------
    def _recover(self, state: dict[str, Any]) -> None:
        """The last writer died mid-commit: drop rows no live document points to, recount the
        statistics from the live clauses, and move the generation on."""
        live = {d.id: v for d, v, _ in live_documents(self.address)}
        for doc_id in state["writing"].get("doc_ids", []):
            version = live.get(doc_id)
            keep = f" and version != {quote(version)}" if version else ""
            call(
                "drop leftover rows",
                self.client.delete,
                self.address.collection("clauses"),
                filter=f"doc_id == {quote(doc_id)}{keep}",
            )
        fresh = self._new_state()
        fresh["manifest"] = state.get("manifest", fresh["manifest"])
        totals = self._recount_totals(fresh)
        call("drop term statistics", self.client.delete, self.address.collection("terms"), filter='key != ""')
        self._apply_terms(totals)
        self._flush()
        fresh["generation"] = int(state["generation"]) + 1
        self._write_state(fresh)
        state.clear()
        state.update(fresh)

    def _recount_totals(self, state: dict[str, Any] | None = None) -> Counter[str]:
        """The statistics of the live clauses, counted afresh (and their counts into ``state``)."""
        state = state if state is not None else self._new_state()
        totals: Counter[str] = Counter()
        for doc, version, _ in live_documents(self.address):
            rows = self._live_rows(doc.id, version, ["data", "pos"])
            clauses = [Clause.from_dict(r["data"]) for r in sorted(rows, key=lambda r: r["pos"])]
            counts, lengths, sized = self._contribution(doc, clauses)
            totals.update(counts)
            self._count_into(state, lengths, sized, 1)
        return totals
