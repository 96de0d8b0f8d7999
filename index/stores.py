"""Which store a location names, and the one interface every store implements.

A location is a directory (the embedded index: FAISS + BM25 files, generations on disk) or a
``http(s)://host:port`` URI (a Milvus server: Standalone, Distributed, Zilliz Cloud with
``POLICYQA_STORE_TOKEN``; Milvus Lite's gRPC server in tests). Retrieval, the answerer, the API
and eval talk to a ``Store`` and a ``StoreWriter`` only; ``open_reader`` / ``open_writer`` pick
the backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from rag.records import Clause, Document, Filters

Location = Path | str
REMOTE_SCHEMES = ("http://", "https://")


def is_remote(location: Location | None) -> bool:
    return isinstance(location, str) and location.lower().startswith(REMOTE_SCHEMES)


def location_of(text: str | os.PathLike[str]) -> Location:
    """A URI stays a string (a Path would fold its '//'); anything else is a resolved directory."""
    raw = os.fspath(text)
    if raw.lower().startswith(REMOTE_SCHEMES):
        return raw.rstrip("/")
    return Path(raw).expanduser().resolve()


class Store(Protocol):
    """A read-only snapshot of one store generation (what retrieval and answering read)."""

    generation: str
    manifest: dict[str, Any]

    def documents(self) -> list[Document]: ...
    def document(self, doc_id: str) -> Document | None: ...
    def document_meta(self, doc_id: str) -> Document | None: ...
    def document_by_source(self, source: str) -> Document | None: ...
    def clause(self, clause_id: str) -> Clause | None: ...
    def document_clauses(self, doc_id: str) -> list[Clause]: ...
    def neighbours(self, clause_id: str, n: int = 2) -> list[Clause]: ...
    def restricted(self, levels: frozenset[str]) -> Store: ...
    def allowed(self, filters: Filters | None) -> Any: ...
    def within_documents(self, doc_ids: Iterable[str], allowed: Any) -> Any: ...
    def admits(self, allowed: Any, clause_id: str) -> bool: ...
    def dense_search(self, vector: Any, n: int, allowed: Any) -> list[tuple[str, float]]: ...
    def lexical_search(self, query: str, n: int, allowed: Any) -> list[tuple[str, float]]: ...
    def __len__(self) -> int: ...


class StoreWriter(Protocol):
    """Stages upserts and removals; ``commit()`` makes them visible (each document whole)."""

    def document_by_source(self, source: str) -> Document | None: ...
    def upsert(self, documents: Iterable[Document]) -> None: ...
    def remove(self, sources: Iterable[str]) -> list[str]: ...
    @property
    def dirty(self) -> bool: ...
    def commit(self, **kwargs: Any) -> str | None: ...
    def close(self) -> None: ...
    def __enter__(self) -> StoreWriter: ...
    def __exit__(self, *exc: object) -> None: ...


def open_reader(location: Location, embedder: Any = None) -> Store:
    if is_remote(location):
        from index.milvus import MilvusStore

        return MilvusStore.open(str(location), embedder)
    from index.store import IndexStore

    return IndexStore.open(Path(location), embedder)


def open_writer(location: Location, embedder: Any, *, lock_timeout: float = 30.0) -> StoreWriter:
    if is_remote(location):
        from index.milvus_writer import MilvusWriter

        return MilvusWriter(str(location), embedder, lock_timeout=lock_timeout)
    from index.store import IndexWriter

    return IndexWriter(Path(location), embedder, lock_timeout=lock_timeout)


def current_generation(location: Location) -> str:
    """The generation a reader would open now (cheap: replicas poll it to see others' writes)."""
    if is_remote(location):
        from index.milvus import read_generation as milvus_generation

        return milvus_generation(str(location))
    from index.store import read_generation

    return read_generation(Path(location))


def known_documents(location: Location) -> dict[str, Document]:
    """The current documents by source (a hint for skipping unchanged files; empty if none)."""
    if is_remote(location):
        from index.milvus import current_documents as milvus_documents

        return milvus_documents(str(location))
    from index.store import current_documents

    return current_documents(Path(location))
