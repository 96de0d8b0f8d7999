"""Which store a location names, and the one interface every store implements.

A location is a directory (the embedded index: FAISS + BM25 files, generations on disk) or a
``http(s)://host:port`` URI (a Milvus server: Standalone, Distributed, Zilliz Cloud with
``POLICYQA_STORE_TOKEN``; Milvus Lite's gRPC server in tests). Retrieval, the answerer, the API
and eval talk to a ``Store`` and a ``StoreWriter`` only; ``open_reader`` / ``open_writer`` pick
the backend.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rag.records import Clause, Document, Filters

if TYPE_CHECKING:
    from rag.registry import Registry

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
    """A read-only snapshot of one store generation: everything retrieval, answering, the API and
    eval read from a store. Both backends implement all of it (``index.store.IndexStore``,
    ``index.milvus.MilvusStore``); callers never probe for more (tests/test_layers.py).

    ``allowed`` values are opaque: what ``allowed()``/``within_documents()`` return is handed back
    to the searches and ``admits()`` unchanged.
    """

    generation: str  # "gen-N": answer caches are keyed by it; replicas poll for a newer one
    manifest: dict[str, Any]  # the embedder that built it, BM25 parameters, counts
    # True: the store keeps corpus statistics (``term_counts``) and the answerer reads only a
    # question's working set of documents; False: every text is in memory (``vocabulary``).
    working_set: bool
    # True: ``fused_search`` fuses dense and BM25 in the engine (Milvus ``hybrid_search``); the
    # retriever then calls it instead of fusing two searches itself.
    engine_fusion: bool

    # --- documents and clauses ---------------------------------------------------------------
    def documents(self) -> list[Document]:
        """Every readable document, by source; on a working-set store without clauses (metadata)."""
        ...

    def document(self, doc_id: str) -> Document | None:
        """One document with its clauses."""
        ...

    def document_meta(self, doc_id: str) -> Document | None:
        """One document for its metadata (cheap on every store; clauses may be left out)."""
        ...

    def document_by_source(self, source: str) -> Document | None: ...

    def clause(self, clause_id: str) -> Clause | None: ...

    def clauses_by_id(self, ids: Iterable[str]) -> dict[str, Clause]:
        """The clauses found among ``ids`` (one round trip on a remote store)."""
        ...

    def document_clauses(self, doc_id: str) -> list[Clause]:
        """A document's clauses in document order."""
        ...

    def neighbours(self, clause_id: str, n: int = 2) -> list[Clause]:
        """The clause with up to ``n`` clauses before and after it in document order."""
        ...

    def dense_pending(self) -> frozenset[str]:
        """Ids of documents searchable by their words whose dense vectors are still to come."""
        ...

    def registry(self) -> Registry:
        """Units, tasks and lineage of the readable documents, from what ingest kept with the
        index (``rag.registry``): no clause is read to answer /api/units, /api/tasks, /related."""
        ...

    # --- access views and filters ------------------------------------------------------------
    def restricted(self, levels: frozenset[str]) -> Store:
        """The store as a caller reading only ``levels`` sees it (documents and statistics)."""
        ...

    def allowed(self, filters: Filters | None) -> Any:
        """What a search with these filters may return (None: everything)."""
        ...

    def within_documents(self, doc_ids: Iterable[str], allowed: Any) -> Any:
        """``allowed`` narrowed to some documents; None when nothing is left."""
        ...

    def admits(self, allowed: Any, clause_id: str) -> bool: ...

    # --- searching ---------------------------------------------------------------------------
    def dense_search(self, vector: Any, n: int, allowed: Any) -> list[tuple[str, float]]: ...

    def lexical_search(self, query: str, n: int, allowed: Any) -> list[tuple[str, float]]: ...

    def fused_search(
        self, vector: Any, query: str, n: int, allowed: Any, rrf_k: int
    ) -> list[tuple[str, float]]:
        """Dense and BM25 rankings fused by reciprocal rank (k = ``rrf_k``)."""
        ...

    def passage_search(self, query: str, n: int, allowed: Any) -> list[tuple[str, float]]:
        """Clauses by the best passage of consecutive clauses holding them (BM25 over ≈ 1000-char
        windows and article subtrees), then by their own score; a store without passages: []."""
        ...

    def local_search(self, query: str, doc_id: str, n: int, allowed: Any) -> list[tuple[str, float]]:
        """One document's clauses ranked on that document's own statistics, for the query's words
        that do not name the document; a store without per-document statistics: []."""
        ...

    # --- corpus statistics -------------------------------------------------------------------
    @property
    def n_clauses(self) -> int:
        """Readable clauses (the N of the answerer's idf)."""
        ...

    def term_counts(self, keys: list[str]) -> dict[str, int]:
        """How many readable clauses contain each statistics key (``index.corpus_stats``); keys
        no clause has are absent."""
        ...

    def vocabulary(self) -> frozenset[str]:
        """Every segmented word of the readable clauses. Only a store holding its texts answers
        (``working_set`` False); a working-set store raises UnsupportedError: ask ``term_counts``
        for the ``w:`` keys a question needs instead."""
        ...

    def __len__(self) -> int:
        """How much there is to search (0: an empty store; searches return nothing)."""
        ...


class StoreWriter(Protocol):
    """Stages upserts and removals; ``commit()`` makes them visible (each document whole)."""

    def document_by_source(self, source: str) -> Document | None: ...
    def upsert(self, documents: Iterable[Document]) -> None: ...
    def remove(self, sources: Iterable[str]) -> list[str]: ...
    @property
    def dirty(self) -> bool: ...
    def commit(self, **kwargs: Any) -> str | None:
        """Make the staged changes visible as a new generation (None: nothing staged); ``dense=False``
        leaves new texts searchable by their words only until ``complete_dense()``."""
        ...

    def complete_dense(self, **kwargs: Any) -> str | None:
        """Embed what a ``commit(dense=False)`` left out; None when nothing is pending."""
        ...

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


def store_name(location: Location) -> str:
    """The store, named the same way by every process that opens it: a resolved directory, or a
    Milvus server with its collection name ("http://host:19530?name=policyqa")."""
    if is_remote(location):
        from index.milvus_base import StoreAddress

        return str(StoreAddress.parse(str(location)))
    return str(location)


def folder_name(location: Location) -> str:
    """A folder name for a store, readable and unique: a Milvus store's server and collection
    name ("milvus.example-19530-policyqa-1a2b3c4d"), a directory's last part and a digest."""
    import hashlib
    import re
    from urllib.parse import urlsplit

    if is_remote(location):
        from index.milvus_base import StoreAddress

        address = StoreAddress.parse(str(location))
        parts = urlsplit(address.uri)
        readable = f"{parts.hostname}-{parts.port or ''}-{address.name}"
    else:
        readable = Path(location).name
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", readable)
    digest = hashlib.sha256(store_name(location).encode()).hexdigest()[:8]
    return f"{readable.strip('-')[:80]}-{digest}"


@contextlib.contextmanager
def no_other_writer(location: Location, *, timeout: float = 0.0) -> Iterator[None]:
    """Hold off other writers of the store while the block runs, or raise IndexLockedError.

    The embedded index: its write lock (no other process commits meanwhile). A Milvus store has
    no lock a reader may take (its writers hold a lease while they write); the block runs at once,
    and what it does must tolerate a concurrent commit."""
    if is_remote(location):
        yield
        return
    from index.store import write_lock

    with write_lock(Path(location), timeout=timeout):
        yield
