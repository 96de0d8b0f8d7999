"""LangChain adapters: the index as a ``BaseRetriever`` and any ``Embedder`` as ``Embeddings``."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.embedders import Embedder, get_embedder
from rag.records import Filters, Hit


class LangChainEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over an ``Embedder`` (same model, same cache, e5 prefixes handled)."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or get_embedder(None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def hit_to_document(hit: Hit) -> LCDocument:
    c = hit.clause
    return LCDocument(
        page_content=c.text,
        metadata={
            "source": c.source,
            "locator": c.locator,
            "page": c.page,
            "clause_id": c.id,
            "doc_id": c.doc_id,
            "breadcrumb": list(c.breadcrumb),
            "score": float(hit.score),
            "scores": dict(hit.scores),
        },
    )


class PolicyRetriever(BaseRetriever):
    """``retriever.invoke("câu hỏi")`` -> clauses as LangChain Documents, best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # index.hybrid.HybridRetriever
    k: int = 5
    mode: str = "hybrid"
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        hits = self.retriever.run(query, k=self.k, mode=self.mode, filters=self.filters)
        return [hit_to_document(h) for h in hits]
