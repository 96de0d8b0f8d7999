"""The corpus statistics an embedded generation keeps (``index.corpus_stats`` keys), mapped.

The Milvus store keeps them in its terms collection; the embedded index writes them with each
generation as one sorted table, so a reader looks a question's keys up instead of counting every
text: per key (``level|key``) a 64-bit digest, sorted (``stats.hash.npy``: a question's keys are
found with one vectorised binary search), the key itself as UTF-8 bytes and offsets in the same
order (each hit is confirmed against it, so a digest collision cannot give a wrong count), and
its count (``stats.keys.npy``, ``stats.keys_off.npy``, ``stats.counts.npy``). Mapped like the BM25 arrays,
so processes reading one generation share the pages.

A writer carries the table over from the generation it builds on: it adds the contribution of
each new or changed document and subtracts the replaced or removed ones'.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from index.postings import Terms, _map, write_synced

PREFIX = "stats."
ARRAYS = ("hash", "keys", "keys_off", "counts")


def digest(key: str) -> int:
    """A key's 64-bit digest (stable across processes and Python versions, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class StatsTable:
    """Counts per ``level|key``, ordered by the keys' digests (no Python string per key)."""

    def __init__(self, hashes: np.ndarray, keys: Terms, counts: np.ndarray) -> None:
        self.hashes, self.keys, self.counts = hashes, keys, counts

    @classmethod
    def build(cls, counts: Mapping[str, int]) -> StatsTable:
        """A table of the positive counts."""
        kept = [(digest(k), k) for k, n in counts.items() if n > 0]
        kept.sort()
        encoded = [k.encode("utf-8") for _, k in kept]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum([len(b) for b in encoded], out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        hashes = np.array([h for h, _ in kept], dtype=np.uint64)
        values = np.array([counts[k] for _, k in kept], dtype=np.int64)
        return cls(hashes, Terms(blob, offsets), values)

    def __len__(self) -> int:
        return len(self.counts)

    def counts_of(self, keys: list[str]) -> list[int]:
        """Each key's count (0: no clause has it), in one search over the digests."""
        wanted = np.array([digest(k) for k in keys], dtype=np.uint64)
        starts = np.searchsorted(self.hashes, wanted).tolist()
        return [self._confirmed(key, h, i) for key, h, i in zip(keys, wanted.tolist(), starts, strict=True)]

    def _confirmed(self, key: str, h: int, i: int) -> int:
        while i < len(self.hashes) and int(self.hashes[i]) == h:  # more than one: a collision
            if self.keys[i] == key:
                return int(self.counts[i])
            i += 1
        return 0

    def counter(self) -> Counter[str]:
        """Every count, in memory (a writer applying a commit's changes)."""
        return Counter(dict(zip(self.keys, self.counts.tolist(), strict=True)))

    def updated(self, added: Iterable[Counter[str]], removed: Iterable[Counter[str]]) -> StatsTable:
        """This table plus the ``added`` contributions, minus the ``removed`` ones."""
        counts = self.counter()
        for c in added:
            counts.update(c)
        for c in removed:
            counts.subtract(c)
        return StatsTable.build(counts)

    def save(self, directory: Path) -> list[str]:
        """Write the arrays (fsynced); the file names, for the manifest's checksums."""
        names = []
        arrays = {
            "hash": self.hashes,
            "keys": np.asarray(self.keys.blob),
            "keys_off": self.keys.offsets,
            "counts": self.counts,
        }
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
            write_synced(directory / f"{PREFIX}{name}.npy", buffer.getvalue())
            names.append(f"{PREFIX}{name}.npy")
        return names

    @classmethod
    def load(cls, directory: Path) -> StatsTable | None:
        """The generation's table, mapped; None for a generation written without one."""
        if not all((directory / f"{PREFIX}{name}.npy").is_file() for name in ARRAYS):
            return None
        hashes, blob, offsets, counts = (_map(directory / f"{PREFIX}{name}.npy") for name in ARRAYS)
        return cls(hashes, Terms(blob, offsets), counts)

    @classmethod
    def empty(cls) -> StatsTable:
        return cls.build({})
