"""One BM25 field as flat numpy arrays, saved as ``.npy`` files and memory-mapped when read.

A million clauses hold some 10^8 (term, clause) pairs: as Python dicts they would be copied into
every worker process; as arrays mapped from the index's files they are read from the page cache,
which the kernel shares between the processes that map them. Per field:

- the vocabulary, sorted: the terms' UTF-8 bytes end to end (``terms.bin``) and their offsets;
- term-major postings (compressed sparse rows): per term, the clause rows holding it (ascending)
  and its count in each, for scoring a query;
- clause-major counts: per clause, its term ids and counts (in first-occurrence order), for
  what needs a clause's bag (passages, per-document statistics, a writer reusing counts);
- each clause's length (its number of tokens) and their mean;
- term-major, each posting's tf part of its BM25 score (``term_part``, float32) with the parameters
  it holds for (``part_key``: k1, b, delta, mean length), written at ingest: a query then multiplies
  them by its terms' idf and adds them, instead of reading every posting's clause length and
  computing the part again (half the time of scoring every posting). A generation written before
  them, or a reader scoring with other parameters, computes them once when it opens.

Scores are computed per query from the counts with the same float32 arithmetic the in-memory
postings used, so a ranking does not depend on the storage.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Terms looked up, remembered per vocabulary (bounded: a bisection decodes some 17 terms).
FOUND_CACHE = 65_536
# Saved tf parts checked against the scorer on this many postings before they are trusted.
PART_SAMPLE = 64
# Each posting's tf part and the parameters it was computed with (written at ingest).
PART_ARRAYS = ("term_part", "part_key")
ARRAYS = ("terms_off", "term_ptr", "term_rows", "term_tf", "doc_ptr", "doc_terms", "doc_tf", "lengths")


class Terms(Sequence[str]):
    """A sorted vocabulary read from UTF-8 bytes and offsets (no Python string kept per term)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets
        self._bytes = memoryview(np.ascontiguousarray(blob, dtype=np.uint8)).cast("B")
        self._found: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:  # type: ignore[override]  # one position at a time
        return self._bytes[int(self.offsets[i]) : int(self.offsets[i + 1])].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        data = self._bytes.tobytes()
        offsets = self.offsets.tolist()
        for a, b in zip(offsets, offsets[1:], strict=False):
            yield data[a:b].decode("utf-8")

    def find(self, term: str) -> int:
        """The term's id, or -1 (remembered: questions repeat their words)."""
        found = self._found.get(term)
        if found is None:
            i = bisect.bisect_left(self, term)
            found = i if i < len(self) and self[i] == term else -1
            if len(self._found) >= FOUND_CACHE:
                self._found.clear()
            self._found[term] = found
        return found


class TermSubset(Sequence[str]):
    """Some terms of a vocabulary, by their ids there (ascending, so still in string order)."""

    def __init__(self, parent: Terms | TermSubset, ids: np.ndarray) -> None:
        self.parent, self.ids = parent, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self.parent[int(self.ids[i])]

    def __iter__(self) -> Iterator[str]:
        return (self.parent[int(t)] for t in self.ids)

    def find(self, term: str) -> int:
        t = self.parent.find(term)
        if t < 0:
            return -1
        i = int(np.searchsorted(self.ids, t))
        return i if i < len(self.ids) and int(self.ids[i]) == t else -1


@dataclass
class FieldPostings:
    terms: Terms | TermSubset
    term_ptr: np.ndarray  # int64, len(terms) + 1
    term_rows: np.ndarray  # int32 clause rows, ascending per term
    term_tf: np.ndarray  # int32 counts
    doc_ptr: np.ndarray  # int64, clauses + 1
    doc_terms: np.ndarray  # int32 term ids
    doc_tf: np.ndarray  # int32 counts
    lengths: np.ndarray  # float32 tokens per clause
    avgdl: float
    term_part: np.ndarray | None = field(default=None, compare=False, repr=False)  # float32 per posting
    part_key: np.ndarray | None = field(default=None, compare=False, repr=False)  # [k1, b, delta, avgdl]
    _part_for: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def n_docs(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, counts: Sequence[Mapping[str, int]]) -> FieldPostings:
        """From one bag of term counts per clause."""
        keys: list[str] = []
        tfs: list[int] = []
        for bag in counts:
            keys.extend(bag)
            tfs.extend(bag.values())
        sizes = np.fromiter((len(bag) for bag in counts), dtype=np.int64, count=len(counts))
        doc_ptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(sizes, out=doc_ptr[1:])
        vocab = sorted(set(keys))
        ids = {t: i for i, t in enumerate(vocab)}
        doc_terms = np.fromiter(map(ids.__getitem__, keys), dtype=np.int32, count=len(keys))
        doc_tf = np.array(tfs, dtype=np.int32)
        # Lengths as the in-memory postings had them: float32 sums of each bag's counts.
        lengths = np.array([sum(bag.values()) for bag in counts], dtype=np.float32)
        encoded = [t.encode("utf-8") for t in vocab]
        offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return cls.of_clauses(Terms(blob, offsets), doc_ptr, doc_terms, doc_tf, lengths)

    @classmethod
    def of_clauses(
        cls,
        terms: Terms | TermSubset,
        doc_ptr: np.ndarray,
        doc_terms: np.ndarray,
        doc_tf: np.ndarray,
        lengths: np.ndarray,
    ) -> FieldPostings:
        """From the clause-major arrays: the term-major postings are their transpose."""
        sizes = np.diff(doc_ptr)
        rows = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        order = np.argsort(doc_terms, kind="stable")  # rows stay ascending within a term
        term_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc_terms, minlength=len(terms)), out=term_ptr[1:])
        return cls(
            terms,
            term_ptr,
            rows[order],
            doc_tf[order],
            doc_ptr,
            doc_terms,
            doc_tf,
            lengths,
            _mean_length(lengths),
        )

    def subset(self, rows: Sequence[int]) -> FieldPostings:
        """The same field over some clauses only (their own statistics), without decoding terms."""
        spans = [(int(self.doc_ptr[r]), int(self.doc_ptr[r + 1])) for r in rows]
        sizes = np.array([b - a for a, b in spans], dtype=np.int64)
        doc_ptr = np.zeros(len(spans) + 1, dtype=np.int64)
        np.cumsum(sizes, out=doc_ptr[1:])
        empty = np.zeros(0, dtype=np.int32)
        terms = np.concatenate([self.doc_terms[a:b] for a, b in spans]) if spans else empty
        tfs = np.concatenate([self.doc_tf[a:b] for a, b in spans]) if spans else empty
        used, local = np.unique(terms, return_inverse=True)
        lengths = np.asarray(self.lengths[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
        return FieldPostings.of_clauses(
            TermSubset(self.terms, used),
            doc_ptr,
            local.astype(np.int32).reshape(-1),
            tfs.astype(np.int32),
            lengths,
        )

    def bag(self, row: int) -> dict[str, int]:
        """One clause's term counts (first-occurrence order)."""
        a, b = int(self.doc_ptr[row]), int(self.doc_ptr[row + 1])
        return {
            self.terms[t]: n
            for t, n in zip(self.doc_terms[a:b].tolist(), self.doc_tf[a:b].tolist(), strict=True)
        }

    def all_bags(self) -> list[dict[str, int]]:
        """Every clause's term counts (a writer reusing them; the vocabulary decoded once)."""
        vocab = list(self.terms)
        ptr, terms, tfs = self.doc_ptr.tolist(), self.doc_terms.tolist(), self.doc_tf.tolist()
        return [
            {vocab[t]: n for t, n in zip(terms[a:b], tfs[a:b], strict=True)}
            for a, b in zip(ptr, ptr[1:], strict=False)
        ]

    def parts(self, tf_fn: Any, params: Any) -> np.ndarray:
        """Each posting's tf part (term-major, float32): ``tf_fn`` of its count and its clause's
        length, the value the scorer computes. The saved ones when they were computed with these
        parameters (and a sample of them agrees), else computed once and kept."""
        wanted = (tf_fn, params.k1, params.b, params.delta)
        if self._part_for == wanted and self.term_part is not None:
            return self.term_part
        key = np.array([params.k1, params.b, params.delta, self.avgdl], dtype=np.float64)
        saved = self.term_part
        if (
            saved is None
            or self.part_key is None
            or not np.array_equal(self.part_key, key)
            or not np.array_equal(saved[:PART_SAMPLE], self._parts_of(tf_fn, params, slice(0, PART_SAMPLE)))
        ):
            self.term_part = self._parts_of(tf_fn, params, slice(None))
            self.part_key = key
        self._part_for = wanted
        return self.term_part  # type: ignore[return-value]  # set just above

    def _parts_of(self, tf_fn: Any, params: Any, at: slice) -> np.ndarray:
        rows = self.term_rows[at]
        tf = self.term_tf[at].astype(np.float32)
        part = tf_fn(tf, self.lengths[rows], self.avgdl, params.k1, params.b, params.delta)
        return np.asarray(part, dtype=np.float32)

    def vocabulary(self) -> Iterable[str]:
        return iter(self.terms)

    def score(
        self, query_terms: Iterable[str], n_docs: int, scorer: tuple[Any, Any], params: Any
    ) -> np.ndarray:
        """BM25 of every clause for the query terms (each counted once)."""
        idf_fn, tf_fn = scorer
        out = np.zeros(n_docs, dtype=np.float32)
        n = self.n_docs
        parts = self.parts(tf_fn, params)
        for term in sorted(set(query_terms)):
            t = self.terms.find(term)
            if t < 0:
                continue
            a, b = int(self.term_ptr[t]), int(self.term_ptr[t + 1])
            idf = float(idf_fn(np.array([b - a], dtype=np.float64), n)[0])
            out[self.term_rows[a:b]] += (idf * parts[a:b]).astype(np.float32)
        return out

    def subset_scores(
        self, rows: np.ndarray, terms: Iterable[str], scorer: tuple[Any, Any], params: Any
    ) -> np.ndarray:
        """BM25 of some clauses (``rows``) on their own statistics (idf over them, their mean
        length) for ``terms``, added in the order given: the values ``build_postings`` over their
        bags gives, bit for bit, read from the clause-major arrays by term id (no term decoded)."""
        idf_fn, tf_fn = scorer
        n = len(rows)
        out = np.zeros(n, dtype=np.float32)
        if not n:
            return out
        rows = np.asarray(rows, dtype=np.int64)
        dl = np.asarray(self.lengths[rows], dtype=np.float32)
        avgdl = float(dl.mean()) or 1.0
        start, stop = self.doc_ptr[rows], self.doc_ptr[rows + 1]
        sizes = stop - start
        at = np.repeat(start - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        ids, tfs = self.doc_terms[at], self.doc_tf[at]
        owner = np.repeat(np.arange(n, dtype=np.int64), sizes)  # ascending: the clauses' order
        asked = [t for t in (self.terms.find(term) for term in terms) if t >= 0]
        if not asked:
            return out
        query = np.array(asked, dtype=np.int64)
        if len(np.unique(query)) < len(query):  # a term given twice is added twice
            return self._subset_scores_by_term(query, ids, tfs, owner, dl, avgdl, n, scorer, params)
        # Each held term's column among the query's, in one pass (no pass per term).
        lookup = np.full(len(self.terms), -1, dtype=np.int32)
        lookup[query] = np.arange(len(query), dtype=np.int32)
        column = lookup[ids]
        held = np.flatnonzero(column >= 0)
        held = held[np.argsort(column[held], kind="stable")]  # term by term, in the order given
        idx, column, tf = owner[held], column[held], tfs[held].astype(np.float32)
        df = np.bincount(column, minlength=len(query))
        # float32 idf times a float32 part: what a Python float idf times it computes (NEP 50).
        idf = idf_fn(np.maximum(df, 1).astype(np.float64), n).astype(np.float32)
        part = tf_fn(tf, dl[idx], avgdl, params.k1, params.b, params.delta)
        np.add.at(out, idx, idf[column] * part)  # unbuffered, in that order
        return out

    def _subset_scores_by_term(
        self,
        query: np.ndarray,
        ids: np.ndarray,
        tfs: np.ndarray,
        owner: np.ndarray,
        dl: np.ndarray,
        avgdl: float,
        n: int,
        scorer: tuple[Any, Any],
        params: Any,
    ) -> np.ndarray:
        idf_fn, tf_fn = scorer
        out = np.zeros(n, dtype=np.float32)
        for t in query.tolist():
            held = ids == t
            idx = owner[held]
            if not len(idx):
                continue
            tf = tfs[held].astype(np.float32)
            idf = float(idf_fn(np.array([len(idx)], dtype=np.float64), n)[0])
            out[idx] += (idf * tf_fn(tf, dl[idx], avgdl, params.k1, params.b, params.delta)).astype(
                np.float32
            )
        return out

    # --- files -------------------------------------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "terms": self.terms.blob,
            "terms_off": self.terms.offsets,
            "term_ptr": self.term_ptr,
            "term_rows": self.term_rows,
            "term_tf": self.term_tf,
            "doc_ptr": self.doc_ptr,
            "doc_terms": self.doc_terms,
            "doc_tf": self.doc_tf,
            "lengths": self.lengths,
        }

    def save(self, directory: Path, prefix: str) -> list[str]:
        """Write ``prefix.<array>.npy`` files; their names, relative to ``directory`` (the tf
        parts when they were computed)."""
        names = []
        arrays = self.arrays()
        if self.term_part is not None and self.part_key is not None:
            arrays |= dict(zip(PART_ARRAYS, (self.term_part, self.part_key), strict=True))
        for key, array in arrays.items():
            name = f"{prefix}.{key}.npy"
            with (directory / name).open("wb") as f:
                np.save(f, np.ascontiguousarray(array), allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
            names.append(name)
        return names

    @classmethod
    def load(cls, directory: Path, prefix: str) -> FieldPostings:
        """Map the arrays from their files (read-only; pages are loaded as they are touched)."""
        a = {key: _map(directory / f"{prefix}.{key}.npy") for key in ("terms", *ARRAYS)}
        parts = [directory / f"{prefix}.{key}.npy" for key in PART_ARRAYS]
        saved = [_map(p) for p in parts] if all(p.is_file() for p in parts) else [None, None]
        return cls(
            Terms(a["terms"], a["terms_off"]),
            a["term_ptr"],
            a["term_rows"],
            a["term_tf"],
            a["doc_ptr"],
            a["doc_terms"],
            a["doc_tf"],
            a["lengths"],
            _mean_length(a["lengths"]),
            *saved,
        )


def _mean_length(lengths: np.ndarray) -> float:
    # The same float32 mean the in-memory postings took (pairwise summation): equal scores.
    return float(np.asarray(lengths, dtype=np.float32).mean()) or 1.0 if len(lengths) else 1.0


def _map(path: Path) -> np.ndarray:
    """A saved array mapped read-only, as a plain ndarray over the mapping (numpy's memmap
    subclass costs microseconds per slice)."""
    array = np.load(path, mmap_mode="r", allow_pickle=False)
    return np.array(array) if array.size == 0 else np.asarray(array)


def write_synced(path: Path, data: bytes) -> None:
    """Write a file and fsync it (a generation is complete on disk before it becomes current)."""
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


class Bags(Sequence[dict[str, int]]):
    """A field's per-clause term counts, read from its arrays one clause at a time."""

    def __init__(self, postings: FieldPostings) -> None:
        self.postings = postings

    def __len__(self) -> int:
        return self.postings.n_docs

    def __getitem__(self, i: int) -> dict[str, int]:  # type: ignore[override]
        return self.postings.bag(int(i))


def bag_list(bags: Sequence[dict[str, int]]) -> Sequence[dict[str, int]]:
    """Counts to read in bulk: mapped ones decoded in one pass, a list as it is."""
    return bags.postings.all_bags() if isinstance(bags, Bags) else bags
