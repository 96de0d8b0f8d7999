"""A peer baseline built the way a typical LangChain RAG tutorial builds one.

Plain-text loaders, ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``,
a FAISS vector store over the product's own embedder (so the comparison isolates structure,
not the model), answer = the top chunk, citations = the top 5 chunks, never abstains.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.gold import GoldItem
from eval.predictions import PredictedCitation, Prediction
from rag.errors import PolicyQAError

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 5
SUFFIXES = (".txt", ".md", ".pdf")


def load_chunks(corpus_dir: Path) -> list[Any]:
    """Every corpus file as LangChain Documents, split into chunks tagged with source and chunk number."""
    with warnings.catch_warnings():
        # langchain_community announces its own sunset on import; the tutorial still uses it.
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.document_loaders import PyPDFLoader, TextLoader
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise PolicyQAError(f"baseline corpus folder not found: {corpus_dir}")
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise PolicyQAError(f"baseline: no .txt, .md or .pdf files in {corpus_dir}")

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks: list[Any] = []
    for path in files:
        loader = PyPDFLoader(str(path)) if path.suffix.lower() == ".pdf" else TextLoader(str(path), "utf-8")
        source = path.relative_to(corpus_dir).as_posix()
        for number, chunk in enumerate(splitter.split_documents(loader.load()), start=1):
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
        latency_ms = (time.perf_counter() - started) * 1000
        citations = [
            # FAISS returns an L2 distance (lower is closer); negate it so higher is better, as elsewhere.
            PredictedCitation(
                source=doc.metadata["source"],
                locator=f"chunk {doc.metadata['chunk']}",
                text=doc.page_content,
                score=round(-float(distance), 6),
            )
            for doc, distance in found
        ]
        predictions.append(
            Prediction(
                id=item.id,
                question=item.question,
                answer=citations[0].text if citations else "",
                abstained=False,
                citations=citations,
                latency_ms=round(latency_ms, 2),
            )
        )
    return predictions
