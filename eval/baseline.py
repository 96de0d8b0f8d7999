"""Naive peer baselines: what a RAG tutorial builds over the same files.

Both load the files as plain text and split them into 1000-character chunks with
``RecursiveCharacterTextSplitter``; answer = the top chunk, citations = the top 5 chunks,
never abstain. They differ in retrieval:

- ``run_baseline`` (the LangChain tutorial): ``chunk_overlap=200``, a FAISS vector store over
  the product's own embedder (so the comparison isolates structure, not the model);
- ``run_bm25_baseline``: ``chunk_overlap=100``, Okapi BM25 (k1=1.5, b=0.75) over lower-cased
  Unicode word tokens, no word segmentation, no diacritic folding, no stop words.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.gold import GoldItem
from eval.predictions import PredictedCitation, Prediction
from rag.errors import PolicyQAError

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
BM25_CHUNK_OVERLAP = 100
BM25_K1 = 1.5
BM25_B = 0.75
TOP_K = 5
SUFFIXES = (".txt", ".md", ".pdf", ".docx")


def _load_file(path: Path) -> list[Any]:
    """The tutorial's loaders; DOCX through the product's loader text (the tutorial's needs docx2txt)."""
    with warnings.catch_warnings():
        # langchain_community announces its own sunset on import; the tutorial still uses it.
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.document_loaders import PyPDFLoader, TextLoader
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return PyPDFLoader(str(path)).load()
    if suffix == ".docx":
        from langchain_core.documents import Document

        from rag.loaders import load_file

        text = "\n\n".join(page.text for page in load_file(path, ocr=False).pages)
        return [Document(page_content=text, metadata={"source": str(path)})]
    return TextLoader(str(path), "utf-8").load()


def load_chunks(corpus_dir: Path, *, chunk_overlap: int = CHUNK_OVERLAP) -> list[Any]:
    """Every corpus file as LangChain Documents, split into chunks tagged with source and chunk number."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise PolicyQAError(f"baseline corpus folder not found: {corpus_dir}")
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise PolicyQAError(f"baseline: no .txt, .md, .pdf or .docx files in {corpus_dir}")

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=chunk_overlap)
    chunks: list[Any] = []
    for path in files:
        source = path.relative_to(corpus_dir).as_posix()
        for number, chunk in enumerate(splitter.split_documents(_load_file(path)), start=1):
            chunk.metadata.update(source=source, chunk=number)
            chunks.append(chunk)
    return chunks


def build_store(chunks: list[Any], embeddings: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.vectorstores import FAISS

    return FAISS.from_documents(chunks, embeddings)


def run_baseline(items: Sequence[GoldItem], corpus_dir: Path, *, embeddings: Any = None) -> list[Prediction]:
    """Answer every gold item the tutorial way. ``embeddings`` defaults to the product's embedder."""
    if embeddings is None:
        from index.embedders import get_embedder
        from index.langchain import LangChainEmbeddings

        embeddings = LangChainEmbeddings(get_embedder(None))
    store = build_store(load_chunks(corpus_dir), embeddings)

    predictions: list[Prediction] = []
    for item in items:
        started = time.perf_counter()
        found = store.similarity_search_with_score(item.question, k=TOP_K)
        # FAISS returns an L2 distance (lower is closer); negate it so higher is better, as elsewhere.
        ranked = [(doc, -float(distance)) for doc, distance in found]
        predictions.append(_prediction(item, ranked, time.perf_counter() - started))
    return predictions


def _prediction(item: GoldItem, ranked: list[tuple[Any, float]], seconds: float) -> Prediction:
    """Top chunk as the answer, the ranked chunks as citations, never an abstention."""
    citations = [
        PredictedCitation(
            source=doc.metadata["source"],
            locator=f"chunk {doc.metadata['chunk']}",
            text=doc.page_content,
            score=round(score, 6),
        )
        for doc, score in ranked
    ]
    return Prediction.top_of(item, citations, seconds)


# --- BM25 over fixed chunks ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def simple_tokens(text: str) -> list[str]:
    """Lower-cased Unicode word tokens of the NFC text: "Sở Tài chính" -> ["sở", "tài", "chính"]."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


class BM25:
    """Okapi BM25 over token lists (the textbook formula, Lucene's non-negative idf)."""

    def __init__(self, docs: Sequence[list[str]], *, k1: float = BM25_K1, b: float = BM25_B) -> None:
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = np.array([len(d) for d in docs], dtype=np.float64)
        self.avg_length = float(self.lengths.mean()) if self.n else 0.0
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(i)
                tfs.append(tf)
        self.postings = {
            t: (np.array(ids), np.array(tfs, dtype=np.float64)) for t, (ids, tfs) in postings.items()
        }

    def idf(self, term: str) -> float:
        df = len(self.postings[term][0]) if term in self.postings else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        out = np.zeros(self.n)
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.avg_length, 1e-9))
        for term in set(query):
            if term not in self.postings:
                continue
            ids, tfs = self.postings[term]
            out[ids] += self.idf(term) * tfs * (self.k1 + 1) / (tfs + norm[ids])
        return out

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (index, score) with a positive score; ties keep corpus order (stable sort)."""
        scores = self.scores(query)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


def run_bm25_baseline(items: Sequence[GoldItem], corpus_dir: Path) -> list[Prediction]:
    """Answer every gold item with BM25 over 1000-character chunks (no embedder, no parser)."""
    chunks = load_chunks(corpus_dir, chunk_overlap=BM25_CHUNK_OVERLAP)
    bm25 = BM25([simple_tokens(c.page_content) for c in chunks])
    predictions = []
    for item in items:
        started = time.perf_counter()
        ranked = [(chunks[i], score) for i, score in bm25.top(simple_tokens(item.question), TOP_K)]
        predictions.append(_prediction(item, ranked, time.perf_counter() - started))
    return predictions
