"""Clause references, conversation and the lookup page's endpoints over HTTP, within access levels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import PAGE_HEADERS, create_app
from tests.api.test_api import READER, sse_events
from tests.support import settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def refs_client(refs_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(refs_index))) as c:
        yield c


def test_a_clause_by_reference_with_its_formal_reference(refs_client: TestClient) -> None:
    body = refs_client.post("/api/ask", json={"question": "khoản 2 Điều 9 Nghị định 13/2023/NĐ-CP"}).json()
    assert not body["abstained"] and not body["clarify"]
    first = body["citations"][0]
    assert first["locator"] == "Điều 9 khoản 2"
    assert first["reference"] == "khoản 2 Điều 9 Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ"
    assert "đồng ý hoặc không đồng ý" in body["answer"]
    # Its neighbours, each with its reference, are one GET away.
    detail = refs_client.get(f"/api/clauses/{first['clause_id']}").json()
    assert detail["clause"]["reference"] == first["reference"]
    refs = [n["reference"] for n in detail["neighbours"]]
    assert "khoản 1 Điều 9 Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ" in refs


def test_follow_ups_over_http_and_the_stream(refs_client: TestClient) -> None:
    first = refs_client.post(
        "/api/ask", json={"question": "Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?"}
    ).json()
    assert "Sở Công Thương" in first["answer"]
    history = [
        {"question": first["question"], "answer": first["answer"], "doc_id": first["citations"][0]["doc_id"]}
    ]
    body = refs_client.post(
        "/api/ask", json={"question": "Còn nhiệm vụ 1 thì sao?", "history": history}
    ).json()
    assert "Sở Nông nghiệp và Môi trường" in body["answer"]
    assert body["resolved_question"] == "Cơ quan nào chủ trì nhiệm vụ 1 của Kế hoạch 58/KH-UBND?"
    stream = refs_client.post("/api/ask/stream", json={"question": "Ai ký văn bản đó?", "history": history})
    events = dict(sse_events(stream.text)[-2:-1])
    assert "Nguyễn Thị Sen" in events["citations"]["answer"]
    assert events["citations"]["resolved_question"] == "Ai ký Kế hoạch 58/KH-UBND?"


def test_a_fresh_follow_up_is_answered_with_a_question(refs_client: TestClient) -> None:
    body = refs_client.post("/api/ask", json={"question": "Còn nhiệm vụ 3 thì sao?"}).json()
    assert body["clarify"] and not body["abstained"] and body["citations"] == []
    assert body["answer"].startswith("Bạn đang hỏi về văn bản nào?")
    # The documents offered are the caller's: an anonymous caller is not told of the internal plan.
    assert "Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Đồng Tháp" in body["answer"]
    assert "77/KH-SNV" not in body["answer"]
    reader = refs_client.post("/api/ask", json={"question": "Còn nhiệm vụ 3 thì sao?"}, headers=READER).json()
    assert "77/KH-SNV" in reader["answer"]


def test_history_is_validated_and_bounded(refs_client: TestClient) -> None:
    too_many = [{"question": "Ai chủ trì nhiệm vụ 1?", "answer": "…"}] * 21
    assert refs_client.post("/api/ask", json={"question": "x?", "history": too_many}).status_code == 422
    long_answer = [{"question": "Ai chủ trì?", "answer": "x" * 4001}]
    assert refs_client.post("/api/ask", json={"question": "x?", "history": long_answer}).status_code == 422
    assert (
        refs_client.post("/api/ask", json={"question": "x?", "history": [{"answer": "…"}]}).status_code == 422
    )


def test_a_forged_document_id_in_history_reveals_nothing(refs_client: TestClient) -> None:
    internal = next(
        d["id"]
        for d in refs_client.get("/api/documents", headers=READER).json()["documents"]
        if d["access"] == "internal"
    )
    forged = [{"question": "Ai chủ trì nhiệm vụ 1?", "answer": "…", "doc_id": internal}]
    body = refs_client.post("/api/ask", json={"question": "Ai ký văn bản đó?", "history": forged}).json()
    unknown = [{"question": "Ai chủ trì nhiệm vụ 1?", "answer": "…", "doc_id": "no-such-document"}]
    same = refs_client.post("/api/ask", json={"question": "Ai ký văn bản đó?", "history": unknown}).json()
    assert body["clarify"] and body["answer"] == same["answer"]
    assert "Bí Mật" not in body["answer"] and "77/KH-SNV" not in body["answer"]
    reader = refs_client.post(
        "/api/ask", json={"question": "Ai ký văn bản đó?", "history": forged}, headers=READER
    ).json()
    assert "Nguyễn Văn Bí Mật" in reader["answer"]


def test_search_carries_references_and_filters_by_unit(refs_client: TestClient) -> None:
    hits = refs_client.get("/api/search", params={"q": "tập huấn hợp tác xã", "k": 5}).json()["hits"]
    assert hits and all(h["reference"] for h in hits)
    assert any(h["reference"].startswith("điểm a mục 2 phần II Kế hoạch số 58/KH-UBND") for h in hits)
    by_unit = refs_client.get("/api/search", params={"q": "vùng trồng", "unit": "Sở Nông nghiệp"}).json()[
        "hits"
    ]
    assert by_unit and all(h["locator"].startswith("II.1") for h in by_unit)
    none = refs_client.get("/api/search", params={"q": "vùng trồng", "unit": "Sở Công Thương"}).json()["hits"]
    assert all(h["locator"].startswith("II.2") for h in none)


def test_document_tree_nodes_carry_references(refs_client: TestClient) -> None:
    docs = refs_client.get("/api/documents").json()["documents"]
    law = next(d for d in docs if d["doc_type"] == "Luật")
    tree = refs_client.get(f"/api/documents/{law['id']}").json()["clauses"]
    flat, stack = [], list(tree)
    while stack:
        node = stack.pop()
        flat.append(node)
        stack.extend(node["children"])
    point = next(n for n in flat if n["locator"] == "Điều 3 khoản 1 điểm a")
    assert point["reference"] == "điểm a khoản 1 Điều 3 Luật Giao dịch điện tử số 20/2023/QH15"


def test_lookup_page_is_served_with_the_chat_pages_policy(refs_client: TestClient) -> None:
    page = refs_client.get("/lookup")
    assert page.status_code == 200 and "Tra cứu văn bản" in page.text
    assert page.headers["content-security-policy"] == PAGE_HEADERS["Content-Security-Policy"]
    assert "<script>" not in page.text and "http" not in page.text.replace(
        '"/', ""
    )  # no CDN, no inline script
    assert refs_client.get("/static/lookup.js").status_code == 200
