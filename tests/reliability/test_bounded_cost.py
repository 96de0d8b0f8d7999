"""Finding 2: what one document may cost (clause length, embedder window, answer length, lock time)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from reliability_support import ADMIN, index_state, settings_for

from api.main import create_app
from api.upload_folder import OWNER_MARKER
from index.embedders import E5Embedder, Kind
from rag.chunking import MAX_CLAUSE_CHARS, bound_clauses, split_text
from rag.errors import LimitExceededError
from rag.ingest import ingest_paths
from rag.pipeline import MAX_ANSWER_TEXT, cut_answer
from rag.records import Clause, Document, DocumentMeta


def _doc(text: str) -> Document:
    clause = Clause(id="d:1", doc_id="d", source="d.txt", locator="1", kind="item", text=text, order=0)
    return Document(id="d", source="d.txt", content_hash="", meta=DocumentMeta(), clauses=[clause])


def test_long_clauses_are_split_at_sentence_bounds_and_keep_their_id() -> None:
    sentence = "Sở Giáo dục và Đào tạo chủ trì triển khai nhiệm vụ số {n} trong năm 2026."
    text = " ".join(sentence.format(n=n) for n in range(400))
    parts = split_text(text, MAX_CLAUSE_CHARS)
    assert len(parts) > 1 and all(len(p) <= MAX_CLAUSE_CHARS for p in parts)
    assert all(p.endswith("2026.") for p in parts)  # whole sentences
    doc = bound_clauses(_doc(text))
    assert doc.clauses[0].id == "d:1" and [c.id for c in doc.clauses[1:3]] == ["d:1~2", "d:1~3"]
    assert " ".join(c.text for c in doc.clauses) == text
    # No sentence end, no space: still bounded.
    assert all(len(p) <= 100 for p in split_text("x" * 1000, 100))


def test_a_text_of_one_repeated_word_is_refused_with_the_reason() -> None:
    with pytest.raises(LimitExceededError, match="same word"):
        bound_clauses(_doc("dữliệu " * 200_000))


def test_the_embedder_truncates_at_the_model_window() -> None:
    embedder = E5Embedder()
    long_text = "Sở Giáo dục và Đào tạo chủ trì " * 3000  # ≈ 20,000 tokens
    cut = embedder.truncate(long_text)
    assert embedder.model.token_count(cut) <= embedder.max_tokens < embedder.model.token_count(long_text)
    assert long_text.startswith(cut)
    short = "Sở Y tế chủ trì."
    assert embedder.truncate(short) == short
    vectors = embedder._embed([long_text, cut], "passage")
    np.testing.assert_allclose(vectors[0], vectors[1], rtol=1e-5, atol=1e-6)


def test_answers_are_cut_to_the_limit() -> None:
    text = "một câu trả lời " * 100_000
    cut = cut_answer(text)
    assert len(cut) <= MAX_ANSWER_TEXT and cut.endswith("…")
    assert cut_answer("ngắn") == "ngắn"


def test_absurd_uploads_are_refused_and_change_nothing(small_index: Path) -> None:
    before = index_state(small_index)
    one_word = "\n".join(" ".join(["dữliệu"] * 100) for _ in range(1500)).encode()  # 1.2 MB
    headings = "\n".join(
        ".".join(str(k % 9 + 1) for k in range(i % 12 + 1)) + f". Mục số {i}" for i in range(60_000)
    ).encode()
    with TestClient(create_app(settings_for(small_index))) as c:
        for name, data, reason in (
            ("one-word.txt", one_word, "same word"),
            ("headings.txt", headings, "clauses"),
        ):
            files = {"file": (name, data, "text/plain")}
            response = c.post("/api/documents", files=files, data={"access": "public"}, headers=ADMIN)
            assert response.status_code == 422, response.text
            assert reason in response.json()["detail"]
    assert index_state(small_index) == before
    # Only the folder's owner marker may be there: no uploaded file was kept.
    assert [p.name for p in (small_index / "uploads").iterdir()] in ([], [OWNER_MARKER])


class _Watching(E5Embedder):
    """Records whether the writer's lock was held each time the model itself ran."""

    def __init__(self, lock: threading.Lock) -> None:
        super().__init__()
        self.lock = lock
        self.locked_runs: list[bool] = []

    def _embed(self, texts: list[str], kind: Kind) -> np.ndarray:
        self.locked_runs.append(self.lock.locked())
        return super()._embed(texts, kind)


def test_embedding_runs_before_the_write_lock_is_taken(small_index: Path, tmp_path: Path) -> None:
    lock = threading.Lock()
    embedder = _Watching(lock)
    prose = "\n".join(
        f"Đoạn {n}. Trung tâm Sigma{n} rà soát hồ sơ của phường {n} và báo cáo kết quả trong quý {n % 4 + 1}."
        for n in range(60)
    )
    path = tmp_path / "prose.txt"
    path.write_text(prose, encoding="utf-8")
    report = ingest_paths([path], small_index, embedder=embedder, progress=False, lock=lock)
    assert report.added == ["prose.txt"] and report.embedded > 0
    assert embedder.locked_runs and not any(embedder.locked_runs)
