"""A generation's clauses on disk, read one clause at a time through memory-mapped offsets.

Files (written by ``write_clauses``, read by ``ClauseFile``)::

    clauses.jsonl        one clause (``Clause.to_dict``) per line: documents by source, each
                         document's clauses in order
    clauses.ids          the same clauses' ids, one per line (a document's ids are read without
                         decoding its clauses)
    clauses.offsets.npy  int64 (clauses + 1, 2): where each clause's line starts in clauses.jsonl
                         and its id in clauses.ids; the last row is both files' sizes
    clauses.levels.npy   int16 (clauses,): the access level each clause's statistics count under
                         (``index.corpus_stats.clause_level``), an index into the head's levels
    clauses.head.json    {"levels": [...], "documents": [[doc_id, first row, end row], ...]}

A reader maps the texts and arrays, so processes forked from one parent (or any readers of one
generation) share them through the page cache instead of each holding every clause as Python
objects; a decoded clause is kept in a bounded least-recently-used table. A file that does not
match its offsets (truncated, overwritten) raises ``IndexCorruptError`` naming it.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

import numpy as np
import orjson

from index.corpus_stats import clause_level
from rag import messages
from rag.errors import IndexCorruptError
from rag.records import Clause, Document

CLAUSES = "clauses.jsonl"
IDS = "clauses.ids"
OFFSETS = "clauses.offsets.npy"
LEVELS = "clauses.levels.npy"
HEAD = "clauses.head.json"
FILES = (CLAUSES, IDS, OFFSETS, LEVELS, HEAD)
_FIELDS = frozenset(f.name for f in fields(Clause))
CACHE_DOCUMENTS = 1024  # documents whose rows by clause id are kept (a search reads tens to hundreds)
CACHE_CLAUSES = 8192  # decoded clauses kept per store: a question reads up to 12 documents (≈ 1,200)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_clauses(directory: Path, docs: Iterable[Document]) -> list[str]:
    """Write ``docs``' clauses (documents in the order given, clauses by ``order``); the names of
    the files written. Streams line by line: memory is one clause's text at a time."""
    offsets: list[tuple[int, int]] = []
    levels: list[int] = []
    level_ids: dict[str, int] = {}
    ranges: list[list[object]] = []
    at_text = at_id = 0
    with (directory / CLAUSES).open("wb") as texts, (directory / IDS).open("wb") as ids:
        for doc in docs:
            first = len(offsets)
            for c in sorted(doc.clauses, key=lambda c: c.order):
                line = (json.dumps(c.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
                cid = (c.id + "\n").encode("utf-8")
                offsets.append((at_text, at_id))
                texts.write(line)
                ids.write(cid)
                at_text, at_id = at_text + len(line), at_id + len(cid)
                levels.append(level_ids.setdefault(clause_level(c, doc), len(level_ids)))
            ranges.append([doc.id, first, len(offsets)])
        for f in (texts, ids):
            f.flush()
            os.fsync(f.fileno())
    offsets.append((at_text, at_id))
    with (directory / OFFSETS).open("wb") as f:
        np.save(f, np.array(offsets, dtype=np.int64).reshape(-1, 2), allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())
    with (directory / LEVELS).open("wb") as f:
        np.save(f, np.array(levels, dtype=np.int16), allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())
    head = {"levels": list(level_ids), "documents": ranges}
    _write_synced(directory / HEAD, json.dumps(head, ensure_ascii=False).encode("utf-8"))
    return list(FILES)


def saved(directory: Path) -> bool:
    return all((directory / name).is_file() for name in FILES)


def _map(path: Path) -> mmap.mmap | bytes:
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return b""  # an empty generation: nothing to map
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


class ClauseFile:
    """One generation's clauses, mapped: ids and clauses by row, rows by document id."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        try:
            head = json.loads((self.directory / HEAD).read_text(encoding="utf-8"))
            # Plain arrays over the mapped files (a memmap's own indexing costs microseconds a call).
            self.offsets = np.load(self.directory / OFFSETS, mmap_mode="r", allow_pickle=False).view(
                np.ndarray
            )
            self.levels = np.load(self.directory / LEVELS, mmap_mode="r", allow_pickle=False).view(np.ndarray)
            self._texts = _map(self.directory / CLAUSES)
            self._ids = _map(self.directory / IDS)
        except (OSError, ValueError) as exc:
            raise self._damaged(f"{exc}") from exc
        self.level_names: list[str] = list(head.get("levels", []))
        self.ranges: dict[str, tuple[int, int]] = {d: (int(a), int(b)) for d, a, b in head["documents"]}
        self._check()
        self._cache: OrderedDict[int, Clause] = OrderedDict()
        self._doc_rows: OrderedDict[str, dict[str, int]] = OrderedDict()  # a document's rows by clause id

    def _damaged(self, why: str) -> IndexCorruptError:
        rebuild = messages.text("index.rebuild", location=self.directory.parent)
        return IndexCorruptError.of(
            "index.undecodable", path=self.directory / CLAUSES, why=why, rebuild=rebuild
        )

    def _check(self) -> None:
        """The offsets fit the files they point into (a truncated or swapped file is found at open)."""
        o = self.offsets
        n = len(self.levels)
        if o.ndim != 2 or o.shape != (n + 1, 2):
            raise self._damaged(f"{OFFSETS} has shape {o.shape}, expected ({n + 1}, 2)")
        if int(o[-1, 0]) != len(self._texts) or int(o[-1, 1]) != len(self._ids):
            raise self._damaged(f"{CLAUSES} or {IDS} is not the size its offsets end at")
        if n and (np.diff(o[:, 0]) <= 0).any():
            raise self._damaged(f"{OFFSETS} is not increasing")
        if any(not 0 <= a <= b <= n for a, b in self.ranges.values()):
            raise self._damaged(f"{HEAD} names rows outside the file")

    def __len__(self) -> int:
        return len(self.levels)

    def rows(self, doc_id: str) -> tuple[int, int]:
        """A document's rows [first, end); (0, 0) for a document not in the file."""
        return self.ranges.get(doc_id, (0, 0))

    def ids(self, first: int, end: int) -> list[str]:
        """The ids of rows [first, end), in order (no clause decoded)."""
        if end <= first:
            return []
        raw = self._ids[int(self.offsets[first, 1]) : int(self.offsets[end, 1])]
        return raw.decode("utf-8").split("\n")[:-1]

    def row_of(self, clause_id: str) -> int | None:
        """The row of a clause by its id (``{doc_id}:{locator}``: only its document's ids are read,
        and kept for the next clause asked of that document)."""
        doc_id = clause_id.partition(":")[0]
        rows = self._doc_rows.get(doc_id)
        if rows is None:
            first, end = self.rows(doc_id)
            rows = self._doc_rows[doc_id] = {cid: first + i for i, cid in enumerate(self.ids(first, end))}
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread trimmed it
                while len(self._doc_rows) > CACHE_DOCUMENTS:
                    self._doc_rows.popitem(last=False)
        else:
            with contextlib.suppress(KeyError):
                self._doc_rows.move_to_end(doc_id)
        return rows.get(clause_id)

    def clause(self, row: int) -> Clause:
        cached = self._cache.get(row)
        if cached is not None:
            with contextlib.suppress(KeyError):  # another thread dropped it meanwhile
                self._cache.move_to_end(row)
            return cached
        raw = self._texts[int(self.offsets[row, 0]) : int(self.offsets[row + 1, 0])]
        try:
            # orjson and a direct constructor: a question decodes about a thousand clauses.
            clause = Clause(**{k: v for k, v in orjson.loads(raw).items() if k in _FIELDS})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise self._damaged(f"row {row}: {exc}") from exc
        self._cache[row] = clause
        with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread trimmed it
            while len(self._cache) > CACHE_CLAUSES:
                self._cache.popitem(last=False)
        return clause

    def clauses(self, first: int, end: int) -> list[Clause]:
        return [self.clause(r) for r in range(first, end)]

    def hold(self, documents: Iterable[Document]) -> None:
        """Give each document its clauses as objects (a store that holds them, a writer's hint)."""
        for d in documents:
            d.clauses, d.stored_clauses = self.clauses(*self.rows(d.id)), 0


class HeldClauses:
    """Every clause of some documents held as objects (a small store, a writer's base, a
    generation written before ``clauses.jsonl``): the same reads as ``MappedClauses``."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self._order: dict[str, list[Clause]] = {}
        self._clauses: dict[str, Clause] = {}
        self._pos: dict[str, int] = {}
        for d in docs:
            ordered = self._order[d.id] = sorted(d.clauses, key=lambda c: c.order)
            for i, c in enumerate(ordered):
                self._clauses[c.id] = c
                self._pos[c.id] = i

    def __len__(self) -> int:
        return len(self._clauses)

    def ordered(self, doc_id: str) -> list[Clause]:
        return list(self._order.get(doc_id, []))

    def ids(self, doc_id: str) -> list[str]:
        return [c.id for c in self._order.get(doc_id, [])]

    def clause(self, clause_id: str) -> Clause | None:
        return self._clauses.get(clause_id)

    def neighbours(self, clause_id: str, n: int) -> list[Clause]:
        clause = self._clauses.get(clause_id)
        if clause is None:
            return []
        ordered, i = self._order[clause.doc_id], self._pos[clause_id]
        return ordered[max(0, i - n) : i + n + 1]

    def ids_by_level(self, doc: Document) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self._order.get(doc.id, []):
            out.setdefault(clause_level(c, doc), []).append(c.id)
        return out


class MappedClauses:
    """The clauses of some documents of a ``ClauseFile``: read per clause, decoded on demand."""

    def __init__(self, file: ClauseFile, doc_ids: Iterable[str]) -> None:
        self.file = file
        self._docs = frozenset(doc_ids)  # a view reads its own documents' clauses only
        self._n = sum(max(0, b - a) for a, b in (file.rows(d) for d in self._docs))

    def __len__(self) -> int:
        return self._n

    def _rows(self, doc_id: str) -> tuple[int, int]:
        return self.file.rows(doc_id) if doc_id in self._docs else (0, 0)

    def ordered(self, doc_id: str) -> list[Clause]:
        return self.file.clauses(*self._rows(doc_id))

    def ids(self, doc_id: str) -> list[str]:
        return self.file.ids(*self._rows(doc_id))

    def _row(self, clause_id: str) -> int | None:
        return self.file.row_of(clause_id) if clause_id.partition(":")[0] in self._docs else None

    def clause(self, clause_id: str) -> Clause | None:
        row = self._row(clause_id)
        return None if row is None else self.file.clause(row)

    def neighbours(self, clause_id: str, n: int) -> list[Clause]:
        row = self._row(clause_id)
        if row is None:
            return []
        first, end = self.file.rows(clause_id.partition(":")[0])
        return self.file.clauses(max(first, row - n), min(end, row + n + 1))

    def ids_by_level(self, doc: Document) -> dict[str, list[str]]:
        first, end = self._rows(doc.id)
        ids = self.file.ids(first, end)
        out: dict[str, list[str]] = {}
        for cid, level in zip(ids, np.asarray(self.file.levels[first:end]).tolist(), strict=True):
            out.setdefault(self.file.level_names[level], []).append(cid)
        return out
