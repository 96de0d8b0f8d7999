"""Milvus as the shared store: the address, the connection, the schema, expressions, the lease.

See index/milvus.py (the reader) for what the collections hold and index/milvus_writer.py for how
a commit keeps documents whole.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rag.errors import IndexLockedError, IndexNotFoundError, PolicyQAError, StoreUnavailableError
from rag.records import Clause, Document, Filters
from rag.text import fold

FORMAT_VERSION = 3  # 2: statistics per access level; 3: dense_ready
DUMMY_DIM = 2  # every Milvus collection needs a vector field; the bookkeeping ones carry a dummy
# Every collection of one store (name prefix): what dropping a store drops.
COLLECTIONS = ("state", "terms", "documents", "registry", "clauses")
CLAUSE_CACHE = 4096
DOCUMENT_CACHE = 64
QUERY_BATCH = 512
MAX_CLAUSES_PER_QUERY = 16_384
# Rows of a version being written may be among the nearest; ask for this many more, drop them.
OVERFETCH = 16
_CONNECT_LOCK = threading.Lock()
_CLIENTS: dict[tuple[str, str], Any] = {}


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
                raise StoreUnavailableError.of("store.needs_pymilvus") from exc
            try:
                found = MilvusClient(uri=address.uri, token=address.token or "", timeout=10)
            except Exception as exc:
                raise StoreUnavailableError.of("store.unreachable", uri=address.uri, why=exc) from exc
            _CLIENTS[key] = found
        return found


def call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """A pymilvus call, its failure as a PolicyQAError that says what was being done."""
    try:
        return fn(*args, **kwargs)
    except PolicyQAError:
        raise
    except Exception as exc:
        raise StoreUnavailableError.of("store.call_failed", what=what, why=exc) from exc


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


def quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def expr_in(field: str, values: Iterable[str]) -> str:
    return f"{field} in [{', '.join(quote(v) for v in values)}]"


@dataclass(frozen=True)
class Scope:
    """Which clauses a search may return: a Milvus expression and the same test in Python."""

    expr: str
    filters: Filters | None = None
    doc_ids: frozenset[str] | None = None

    def and_documents(self, doc_ids: Iterable[str]) -> Scope:
        ids = frozenset(doc_ids) if self.doc_ids is None else self.doc_ids & frozenset(doc_ids)
        expr = expr_in("doc_id", sorted(ids))
        return Scope(f"({self.expr}) and {expr}" if self.expr else expr, self.filters, ids)


def filter_expression(filters: Filters) -> str:
    parts = []
    if filters.doc_type:
        parts.append(f"doc_type == {quote(fold(filters.doc_type))}")
    if filters.sources:
        parts.append(expr_in("source", filters.sources))
    if filters.issuer:
        parts.append(f"issuer like {quote('%' + fold(filters.issuer).replace('%', '') + '%')}")
    # A document without a complete ISO date cannot be shown to fall inside a range.
    if filters.date_from:
        parts.append(f"iso_date and date >= {quote(filters.date_from)}")
    if filters.date_to:
        parts.append(f"iso_date and date <= {quote(filters.date_to)}")
    if filters.access is not None:
        parts.append(expr_in("access", sorted(filters.access)) if filters.access else "false")
    return " and ".join(parts)


def clause_access(clause: Clause, doc: Document) -> str:
    return clause.access if clause.access != "public" else doc.access


def ready_only(allowed: Scope | None) -> Scope:
    """Dense searches skip rows whose vectors are still to come (placeholders)."""
    if allowed is None or not allowed.expr:
        return Scope(
            "dense_ready == true", allowed.filters if allowed else None, allowed.doc_ids if allowed else None
        )
    return Scope(f"({allowed.expr}) and dense_ready == true", allowed.filters, allowed.doc_ids)


LEASE_S = 120.0


def dummy() -> list[float]:
    return [0.0] * DUMMY_DIM


def ensure_collections(address: StoreAddress, dim: int) -> None:
    """Create the store's collections and indexes when they do not exist yet, and load them."""
    from pymilvus import DataType

    c = client(address)

    def create(
        kind: str, fields: list[tuple[str, Any, dict[str, Any]]], indexes: list[tuple[str, str, str]]
    ) -> None:
        name = address.collection(kind)
        if not call("list collections", c.has_collection, name):
            schema = c.create_schema(auto_id=False, enable_dynamic_field=False)
            for fname, ftype, kwargs in fields:
                schema.add_field(fname, ftype, **kwargs)
            params = c.prepare_index_params()
            for fname, itype, metric in indexes:
                extra: dict[str, Any] = (
                    {"params": {"M": 16, "efConstruction": 200}} if itype == "HNSW" else {}
                )
                if metric:
                    extra["metric_type"] = metric
                params.add_index(fname, index_type=itype, **extra)
            call(f"create collection {name}", c.create_collection, name, schema=schema, index_params=params)
        call(f"load collection {name}", c.load_collection, name)

    key = ("key", DataType.VARCHAR, {"is_primary": True, "max_length": 512})
    dummy = ("vec", DataType.FLOAT_VECTOR, {"dim": DUMMY_DIM})
    flat = [("vec", "FLAT", "L2")]
    create("state", [key, ("data", DataType.JSON, {}), dummy], flat)
    create("terms", [key, ("count", DataType.INT64, {}), dummy], flat)
    varchar = DataType.VARCHAR
    create(
        "documents",
        [
            ("doc_id", varchar, {"is_primary": True, "max_length": 512}),
            ("version", varchar, {"max_length": 64}),
            ("source", varchar, {"max_length": 2048}),
            ("data", DataType.JSON, {}),
            dummy,
        ],
        flat,
    )
    # A document's tasks and references (rag.registry.DocumentEntries) as JSON text in parts of at
    # most REGISTRY_PART characters (a JSON field holds at most 64 KiB; a plan may list hundreds of
    # tasks), written with the version they were computed from: other versions' rows are not read.
    create(
        "registry",
        [
            ("pk", varchar, {"is_primary": True, "max_length": 600}),  # doc_id|part
            ("doc_id", varchar, {"max_length": 512}),
            ("version", varchar, {"max_length": 64}),
            ("part", DataType.INT64, {}),
            ("parts", DataType.INT64, {}),
            ("text", varchar, {"max_length": 65_535}),
            dummy,
        ],
        flat,
    )
    create(
        "clauses",
        [
            ("pk", varchar, {"is_primary": True, "max_length": 1100}),
            ("clause_id", varchar, {"max_length": 1024}),
            ("doc_id", varchar, {"max_length": 512}),
            ("version", varchar, {"max_length": 64}),
            ("pos", DataType.INT64, {}),
            ("access", varchar, {"max_length": 64}),
            ("doc_type", varchar, {"max_length": 256}),
            ("source", varchar, {"max_length": 2048}),
            ("issuer", varchar, {"max_length": 2048}),
            ("date", varchar, {"max_length": 32}),
            ("iso_date", DataType.BOOL, {}),
            ("text_sha", varchar, {"max_length": 32}),
            (
                "dense_ready",
                DataType.BOOL,
                {},
            ),  # false until the text is embedded (searchable lexically first)
            ("dense", DataType.FLOAT_VECTOR, {"dim": dim}),
            ("sparse", DataType.SPARSE_FLOAT_VECTOR, {}),
            ("data", DataType.JSON, {}),
        ],
        [
            ("dense", "HNSW", "IP"),
            ("sparse", "SPARSE_INVERTED_INDEX", "IP"),
            # a document's rows and a clause by id are read by these
            ("doc_id", "INVERTED", ""),
            ("clause_id", "INVERTED", ""),
        ],
    )


class Lease:
    """One writer at a time: a lease row in the state collection (owner, expiry), renewed while
    writing; a lease whose process on this machine is gone is taken over at once. A guard against
    accidents (two ingests started by hand), not a distributed lock."""

    def __init__(self, address: StoreAddress) -> None:
        self.address = address
        self.client = client(address)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held = False

    def _read(self) -> dict[str, Any] | None:
        rows = call(
            "read the lease",
            self.client.query,
            self.address.collection("state"),
            filter='key == "lease"',
            output_fields=["data"],
        )
        return dict(rows[0]["data"]) if rows else None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            lease = self._read()
            if lease is None or lease.get("until", 0) < time.time() or _dead(lease.get("owner", "")):
                self.renew()
                if (self._read() or {}).get("owner") == self.owner:
                    self.held = True
                    return
            if time.monotonic() >= deadline:
                holder = lease.get("owner") if lease else "another writer"
                raise IndexLockedError(
                    f"the store at {self.address} is being written by {holder}; try again when it "
                    f"finishes (its lease ends within {LEASE_S:.0f} s if it died)"
                )
            time.sleep(0.5)

    def renew(self) -> None:
        row = {"key": "lease", "data": {"owner": self.owner, "until": time.time() + LEASE_S}, "vec": dummy()}
        call("take the lease", self.client.upsert, self.address.collection("state"), [row])

    def release(self) -> None:
        if not self.held:
            return
        try:
            if (self._read() or {}).get("owner") == self.owner:
                call(
                    "release the lease",
                    self.client.delete,
                    self.address.collection("state"),
                    filter='key == "lease"',
                )
        finally:
            self.held = False


def _dead(owner: str) -> bool:
    """A lease taken on this machine by a process that no longer runs (killed mid-write)."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
