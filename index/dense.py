"""Dense retrieval over unit vectors with FAISS (inner product = cosine).

Exact ``IndexFlatIP`` below ``hnsw_threshold`` vectors, ``IndexHNSWFlat`` above it. The
vectors matrix is kept alongside the FAISS index, so removing ids rebuilds from stored
vectors and nothing is ever re-embedded. A saved index is read memory-mapped
(``IO_FLAG_MMAP_IFC``: the vectors stay in the file, shared by every process that reads it
through the page cache; only an HNSW graph's links are loaded), and the vectors matrix is then
a read-only view of the index's own storage rather than a second copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# `policyqa bench`, 1M clustered 384-d vectors, 2 busy cores: recall@10 against exact search
# 0.871 at ef 32, 0.979 at 64, 0.9995 at 128 (p50 0.67 ms, p95 1.05 ms; exact flat: 369 ms).
# 128 keeps a margin for real embeddings, which cluster less cleanly than the synthetic set.
HNSW_EF_SEARCH = 128


@dataclass
class DenseIndex:
    dim: int
    hnsw_threshold: int = HNSW_THRESHOLD
    ef_search: int = HNSW_EF_SEARCH
    ids: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    _index: faiss.Index | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.size == 0:
            self.vectors = np.zeros((0, self.dim), dtype=np.float32)
        if self._index is None:
            self._index = self._new_index(len(self.ids))
            if len(self.ids):
                self._index.add(self.vectors)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @property
    def faiss_index(self) -> faiss.Index:
        assert self._index is not None
        return self._index

    def __len__(self) -> int:
        return len(self.ids)

    def _new_index(self, size: int) -> faiss.Index:
        if size < self.hnsw_threshold:
            return faiss.IndexFlatIP(self.dim)
        index = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = self.ef_search
        return index

    @classmethod
    def build(cls, ids: list[str], vectors: np.ndarray, **kwargs: int) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but vectors of shape {vectors.shape}")
        return cls(dim=vectors.shape[1], ids=list(ids), vectors=vectors, **kwargs)

    def add(self, ids: list[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if vectors.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but {vectors.shape[0]} vectors")
        self.ids.extend(ids)
        self.vectors = np.vstack([self.vectors, vectors])
        if self.kind == "flat" and len(self.ids) >= self.hnsw_threshold:
            self._rebuild()  # crossed the threshold: switch to HNSW
        else:
            self.faiss_index.add(vectors)

    def copy(self) -> DenseIndex:
        return DenseIndex(
            dim=self.dim,
            hnsw_threshold=self.hnsw_threshold,
            ef_search=self.ef_search,
            ids=list(self.ids),
            vectors=np.array(self.vectors, dtype=np.float32),
            # Through bytes: a clone of a mapped index would still view the file (and refuse to grow).
            _index=faiss.deserialize_index(faiss.serialize_index(self.faiss_index)),
        )

    def remove(self, ids: set[str]) -> int:
        """Drop ids; the FAISS index is rebuilt from the stored vectors (no re-embedding)."""
        keep = [i for i, cid in enumerate(self.ids) if cid not in ids]
        removed = len(self.ids) - len(keep)
        if removed:
            self.ids = [self.ids[i] for i in keep]
            self.vectors = np.ascontiguousarray(self.vectors[keep])
            self._rebuild()
        return removed

    def _rebuild(self) -> None:
        self._index = self._new_index(len(self.ids))
        if len(self.ids):
            self._index.add(self.vectors)

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """Top-k (id, inner product) per query row, best first."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if not self.ids or k <= 0:
            return [[] for _ in range(queries.shape[0])]
        scores, idx = self.faiss_index.search(queries, min(k, len(self.ids)))
        return [
            [(self.ids[i], float(s)) for s, i in zip(srow, irow, strict=True) if i >= 0]
            for srow, irow in zip(scores, idx, strict=True)
        ]

    def best(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k best (id, inner product), best first, ties by position: from an HNSW graph, the
        candidates a search of twice as many finds, scored exactly as ``scores_for`` scores them
        (a flat index scores every vector). A caller admitting every vector calls this: scoring
        them all reads the whole matrix (at 94k vectors mapped from an index file whose vectors
        numpy cannot hand to BLAS in place, ≈ 50 ms of CPU a question, copying it)."""
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        if not self.ids or k <= 0:
            return []
        if self.kind != "hnsw":
            rows, scores = np.arange(len(self.ids)), self.scores_for(query, None)
        else:
            pool = min(2 * k, len(self.ids))
            # Per search, not set on the shared index: threads of a server search it at once.
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.ef_search, 2 * pool)
            found = self.faiss_index.search(query.reshape(1, -1), pool, params=params)[1][0]
            rows = np.unique(found[found >= 0])
            scores = self.scores_for(query, rows)
        if len(rows) > k:
            kth = np.partition(scores, len(rows) - k)[len(rows) - k]
            keep = scores >= kth
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))[:k]
        return [(self.ids[int(rows[i])], float(scores[i])) for i in order]

    def scores_for(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Exact inner products of one query with the given rows (used under metadata filters);
        ``None``: every row, without copying the vectors."""
        vectors = self.vectors if rows is None else self.vectors[rows]
        return vectors @ np.asarray(query, dtype=np.float32).reshape(self.dim)

    def save(self, path: Path) -> None:
        faiss.write_index(self.faiss_index, str(path))

    @classmethod
    def load(cls, path: Path, ids: list[str], dim: int, **kwargs: int) -> DenseIndex:
        """The index saved at ``path``, memory-mapped, its vectors read in place."""
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        if index.ntotal != len(ids) or index.d != dim:
            raise ValueError(f"{path.name} holds {index.ntotal}x{index.d}, expected {len(ids)}x{dim}")
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = kwargs.get("ef_search", HNSW_EF_SEARCH)
        return cls(dim=dim, ids=list(ids), vectors=stored_vectors(index), _index=index, **kwargs)


def stored_vectors(index: faiss.Index) -> np.ndarray:
    """The vectors a flat or HNSW-flat index stores, as a read-only array over its memory."""
    flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSWFlat) else index
    n, d = flat.ntotal, flat.d
    if n == 0:
        return np.zeros((0, d), dtype=np.float32)
    raw = faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d)
    # The array must keep the index alive: the memory is the index's (a mapping of its file), and
    # a caller may keep the vectors after dropping the index (a reader of an older generation).
    view = np.asarray(_Owned(index, raw.__array_interface__))
    view.flags.writeable = False
    return view


class _Owned:
    """Hands numpy another object's memory while holding that object (numpy keeps this as the
    array's ``base``, so every view of the array keeps the owner alive)."""

    def __init__(self, owner: object, interface: dict) -> None:
        self.owner = owner
        self.__array_interface__ = interface
