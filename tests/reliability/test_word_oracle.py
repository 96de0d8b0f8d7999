"""Finding 4: what a public caller gets does not depend on internal documents (no word oracle)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from reliability_support import ADMIN, INTERNAL_PLAN, settings_for

from api.main import create_app

# "Zephyrus" and "Lưu trữ" occur only in the internal plan; "Quasimodo" in no document at all.
PROBES = ["Kế hoạch của tỉnh {w} là gì?", "Phòng {w} báo cáo gì?"]
INTERNAL_WORD, ABSENT_WORD = "Zephyrus", "Quasimodo"
QUERIES = ["Sở Giáo dục và Đào tạo triển khai học bạ số", "bệnh án điện tử", "kho lưu trữ"]


def _public_view(c: TestClient) -> tuple[list[tuple[bool, str]], list[list[tuple[str, float]]]]:
    answers = []
    for probe in PROBES:
        for word in (INTERNAL_WORD, ABSENT_WORD):
            body = c.post("/api/ask", json={"question": probe.format(w=word)}).json()
            answers.append((body["abstained"], body["answer"].replace(word, "W")))
    scores = [
        [
            (h["clause_id"], round(h["score"], 6))
            for h in c.get("/api/search", params={"q": q, "mode": "bm25"}).json()["hits"]
        ]
        for q in QUERIES
    ]
    return answers, scores


def test_public_answers_and_scores_do_not_depend_on_internal_documents(small_index: Path) -> None:
    with TestClient(create_app(settings_for(small_index, answer_cache_size=0))) as c:
        before = _public_view(c)
        files = {"file": ("kiem-ke.txt", INTERNAL_PLAN.encode(), "text/plain")}
        assert (
            c.post("/api/documents", files=files, data={"access": "internal"}, headers=ADMIN).status_code
            == 201
        )
        after = _public_view(c)
    answers, scores = after
    # A word only an internal document holds is as unknown to a public caller as a word in none.
    for i in range(0, len(answers), 2):
        assert answers[i] == answers[i + 1]
    assert after == before  # nor does any public BM25 score move
