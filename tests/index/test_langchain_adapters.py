from __future__ import annotations

from pathlib import Path

import numpy as np

from index.embedders import E5Embedder
from index.hybrid import HybridRetriever
from index.langchain import LangChainEmbeddings, PolicyRetriever
from index.store import IndexStore, IndexWriter
from rag.records import Document, Filters


def test_policy_retriever_returns_langchain_documents(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder
) -> None:
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([plan, letter])
        w.commit()
    hybrid = HybridRetriever(IndexStore.open(tmp_path, embedder=e5), e5)
    retriever = PolicyRetriever(retriever=hybrid, k=2)
    docs = retriever.invoke("Sở Tài chính chủ trì")
    assert len(docs) == 2
    top = docs[0]
    assert top.page_content == "Đơn vị thực hiện: Sở Tài chính chủ trì"
    assert top.metadata["source"] == "plan.txt" and top.metadata["locator"] == "III.1.a"
    assert top.metadata["clause_id"] == "plan:III.1.a" and top.metadata["score"] > 0
    assert "page" in top.metadata
    restricted = PolicyRetriever(retriever=hybrid, k=10, filters=Filters(access={"public"}))
    assert all(d.metadata["source"] != "letter.txt" for d in restricted.invoke("báo cáo trí tuệ nhân tạo"))


def test_langchain_embeddings_adapter(e5: E5Embedder) -> None:
    lc = LangChainEmbeddings(e5)
    docs = lc.embed_documents(["Sở Tài chính chủ trì", "Kinh phí ngân sách"])
    q = lc.embed_query("ai chủ trì?")
    assert len(docs) == 2 and len(docs[0]) == 384 and len(q) == 384
    assert np.allclose(docs[0], e5.embed_passages(["Sở Tài chính chủ trì"])[0])
    from index import embedders

    assert embedders.LangChainEmbeddings is LangChainEmbeddings
