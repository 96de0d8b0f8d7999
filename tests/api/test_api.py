"""Every endpoint of the HTTP API against a real index of corpus/ (no fake assistant)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.main import create_app
from api.upload_folder import OWNER_MARKER
from rag import cli, config
from rag.messages import ERROR_CODES
from tests.support import ADMIN, INTERNAL_KEY, INTERNAL_PLAN, settings_for

# The session builds a real index of corpus/ (embedding every clause) before these run.
pytestmark = pytest.mark.slow

QUESTION = "Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?"
OFF_TOPIC = "Giá vé máy bay từ Hà Nội đi Paris tháng sau là bao nhiêu?"
READER = {"Authorization": f"Bearer {INTERNAL_KEY}"}


@pytest.fixture(scope="module")
def client(corpus_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(corpus_index))) as c:
        yield c


@pytest.fixture()
def writable(index_copy: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(index_copy))) as c:
        yield c


def sse_events(body: str) -> list[tuple[str, Any]]:
    events = []
    for block in body.replace("\r\n", "\n").strip().split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        events.append((name, json.loads("\n".join(data)) if data else None))
    return events


def assert_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["code"] in ERROR_CODES  # a stable name for programs beside the text for people
    assert "Traceback" not in response.text
    return body["detail"]


# --- health, static, docs ---------------------------------------------------------------------
def test_healthz_reports_the_index(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["generation"].startswith("gen-")
    assert body["documents"] == 5
    assert body["clauses"] > 20


def test_without_an_index_health_answers_and_endpoints_say_503(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path / "missing"))) as c:
        assert c.get("/healthz").json() == {
            "status": "no_index",
            "generation": None,
            "documents": 0,
            "clauses": 0,
        }
        detail = assert_error(c.post("/api/ask", json={"question": QUESTION}), 503)
        assert "policyqa ingest" in detail
        assert_error(c.get("/api/documents"), 503)


def test_chat_page_widget_and_docs_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/chat.js" in page.text and "/static/chat.css" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "<script>" not in page.text
    widget = client.get("/widget.js")
    assert "javascript" in widget.headers["content-type"] and "data-api-base" in widget.text
    chat = client.get("/static/chat.js").text
    assert "Nguồn trích dẫn" in chat and "Đặt câu hỏi về văn bản…" in chat
    html_sink = re.compile(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write")
    assert not html_sink.search(chat) and not html_sink.search(widget.text)
    assert "http://" not in chat and "https://" not in client.get("/static/chat.css").text  # no CDN
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "cdn.jsdelivr" not in docs.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/search", "/api/documents", "/healthz"} <= set(paths)


# --- ask ----------------------------------------------------------------------------------------
def test_ask_answers_with_clause_citations(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": QUESTION}).json()
    assert body["abstained"] is False
    assert "Sở Khoa học và Công nghệ" in body["answer"]
    assert body["citations"], body
    first = body["citations"][0]
    assert set(first) >= {"clause_id", "source", "document", "locator", "breadcrumb", "page", "text", "score"}
    assert first["source"].endswith(".txt") and first["document"]
    assert body["timings"]["total_ms"] > 0
    assert isinstance(body["lexical_only"], bool)
    assert body["strategy"] == "task_field"  # the task's "Đơn vị thực hiện" field answered


def test_ask_abstains_with_related_clauses(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": OFF_TOPIC}).json()
    assert body["abstained"] is True
    assert body["citations"] == []
    assert body["related"] and all(c["text"] and c["clause_id"] for c in body["related"])
    assert body["lexical_only"] is False  # BM25 alone did not answer: the dense search ran too
    assert body["strategy"]  # the strategy whose answer fell short, or "none"


def test_ask_says_a_document_none_of_the_readable_ones_is_not_there(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Đơn vị nào chủ trì nhiệm vụ 2 của Kế hoạch 617?"}
    ).json()
    assert body["abstained"] is True and body["code"] == "document_not_found"
    assert body["answer"].startswith("Kế hoạch 617 không có trong các văn bản đang tra cứu.")
    assert body["citations"] == [] and body["related"]  # the closest documents, none of them quoted
    assert body["strategy"] == "document_resolution"


def test_stream_sends_deltas_then_the_same_citations(client: TestClient) -> None:
    question = {"question": "Thời gian thực hiện nhiệm vụ 4 của kế hoạch là khi nào?"}
    with client.stream("POST", "/api/ask/stream", json=question) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.read().decode())
    plain = client.post("/api/ask", json=question).json()
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"delta"}
    streamed = "".join(data for name, data in events if name == "delta")
    assert streamed == plain["answer"]
    final = events[-2][1]
    assert final["cached"] is False and plain["cached"] is True  # the stream filled the answer cache
    assert [c["clause_id"] for c in final["citations"]] == [c["clause_id"] for c in plain["citations"]]
    assert final["abstained"] == plain["abstained"]


def test_answer_cache_is_per_access_and_question(client: TestClient) -> None:
    question = {"question": "Kế hoạch truyền thông có những nhiệm vụ nào?", "top_k": 7}
    first = client.post("/api/ask", json=question).json()
    again = client.post("/api/ask", json={**question, "question": "  " + question["question"]}).json()
    assert first["cached"] is False and again["cached"] is True
    assert again["answer"] == first["answer"] and again["citations"] == first["citations"]
    assert client.post("/api/ask", json=question, headers=READER).json()["cached"] is False
    assert client.post("/api/ask", json={**question, "top_k": 8}).json()["cached"] is False


def test_slow_questions_time_out_with_503(corpus_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer is held until the caller has its 503: a timeout shorter than a real answer would race
    the answer on a loaded machine (an answer finished while the event loop waited for a core wins)."""
    from rag.pipeline import Assistant

    release = threading.Event()
    ask = Assistant.ask

    def slow(self: Assistant, *args: Any, **kwargs: Any) -> Any:
        release.wait(60)
        return ask(self, *args, **kwargs)

    monkeypatch.setattr(Assistant, "ask", slow)
    with TestClient(create_app(settings_for(corpus_index, request_timeout_s=0.05))) as c:
        try:
            response = c.post("/api/ask", json={"question": "Mục tiêu chung của báo cáo là gì?"})
        finally:
            release.set()  # the held answer finishes in its pool thread (its caller is gone)
        detail = assert_error(response, 503)
        assert "mất hơn" in detail


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"question": ""}, 422),
        ({"question": "   \n "}, 422),
        ({}, 422),
        ({"question": QUESTION, "top_k": 0}, 422),
        ({"question": QUESTION, "top_k": 51}, 422),
        ({"question": QUESTION, "mode": "magic"}, 422),
        ({"question": QUESTION, "filters": {"date_from": "last week"}}, 422),
        ({"question": "x" * 2001}, 413),
    ],
)
def test_ask_rejects_bad_input(client: TestClient, payload: dict[str, Any], status: int) -> None:
    assert_error(client.post("/api/ask", json=payload), status)
    assert_error(client.post("/api/ask/stream", json=payload), status)


def test_ask_rejects_malformed_and_oversized_bodies(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    assert_error(client.post("/api/ask", content=b"{not json", headers=headers), 422)
    assert_error(client.post("/api/ask", content=b" " * (2 * 1024 * 1024), headers=headers), 413)


def test_ask_respects_filters(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": QUESTION, "filters": {"sources": ["000_5beb4f4a0d5111ed.txt"]}}
    ).json()
    cited = {c["source"] for c in body["citations"] + body["related"]}
    assert cited <= {"000_5beb4f4a0d5111ed.txt"}


def test_rate_limit_is_shared_by_ask_and_search(corpus_index: Path) -> None:
    with TestClient(create_app(settings_for(corpus_index, rate_limit_per_minute=2))) as c:
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200
        assert c.post("/api/ask/stream", json={"question": QUESTION}).status_code == 200
        limited = c.post("/api/ask", json={"question": QUESTION})
        assert_error(limited, 429)
        assert int(limited.headers["Retry-After"]) >= 1
        assert_error(c.get("/api/search", params={"q": "nhiệm vụ"}), 429)  # one budget per client
        assert c.get("/api/documents").status_code == 200


# --- search -------------------------------------------------------------------------------------
def test_search_returns_ranked_hits(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "đơn vị thực hiện nhiệm vụ", "k": 3}).json()
    hits = body["hits"]
    assert 1 <= len(hits) <= 3
    assert [h["rank"] for h in hits] == sorted(h["rank"] for h in hits)
    assert all(h["clause_id"] and h["document"] and h["text"] for h in hits)
    bm25 = client.get("/api/search", params={"q": "chuyển đổi số", "mode": "bm25"}).json()
    assert bm25["mode"] == "bm25" and bm25["hits"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 422),
        ({"q": ""}, 422),
        ({"q": "  "}, 422),
        ({"q": "x", "k": 0}, 422),
        ({"q": "x", "mode": "?"}, 422),
    ],
)
def test_search_rejects_bad_input(client: TestClient, params: dict[str, Any], status: int) -> None:
    assert_error(client.get("/api/search", params=params), status)


# --- documents and clauses ----------------------------------------------------------------------
def test_documents_list_and_detail(client: TestClient) -> None:
    docs = client.get("/api/documents").json()["documents"]
    assert sorted(d["source"] for d in docs) == sorted(p.name for p in config.DEFAULT_CORPUS_DIR.iterdir())
    assert all(d["access"] == "public" and d["label"] for d in docs)
    detail = client.get(f"/api/documents/{docs[0]['id']}").json()
    assert detail["id"] == docs[0]["id"] and detail["meta"]["doc_type"] == docs[0]["doc_type"]

    def count(nodes: list[dict[str, Any]]) -> int:
        return sum(1 + count(n["children"]) for n in nodes)

    assert count(detail["clauses"]) == detail["clause_count"]
    assert any(n["children"] for n in detail["clauses"])  # a tree, not a flat list


def test_clause_in_context(client: TestClient) -> None:
    cited = client.post("/api/ask", json={"question": QUESTION}).json()["citations"][0]
    body = client.get(f"/api/clauses/{cited['clause_id']}").json()
    assert body["clause"]["id"] == cited["clause_id"]
    assert body["clause"]["text"] == cited["text"]
    assert cited["clause_id"] in [n["id"] for n in body["neighbours"]]
    assert body["document"]["label"] == cited["document"]
    assert body["breadcrumb"] == cited["breadcrumb"]


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert_error(client.get("/api/documents/no-such-doc"), 404)
    assert_error(client.get("/api/clauses/no-such-doc:I.1"), 404)


# --- keys and access ----------------------------------------------------------------------------
def test_read_keys(corpus_index: Path) -> None:
    with TestClient(create_app(settings_for(corpus_index, read_requires_key=True))) as c:
        assert_error(c.get("/api/documents"), 401)
        assert_error(c.get("/api/documents", headers={"X-API-Key": "wrong"}), 401)
        assert c.get("/api/documents", headers=READER).status_code == 200
        assert c.get("/api/documents", headers={"X-API-Key": INTERNAL_KEY}).status_code == 200
        assert c.get("/healthz").status_code == 200  # health stays open


def test_upload_and_delete_need_the_admin_key(corpus_index: Path, client: TestClient) -> None:
    files = {"file": ("note.txt", INTERNAL_PLAN.encode(), "text/plain")}
    assert_error(client.post("/api/documents", files=files), 401)
    assert_error(client.post("/api/documents", files=files, headers={"X-API-Key": "nope"}), 403)
    assert_error(client.post("/api/documents", files=files, headers={"X-API-Key": INTERNAL_KEY}), 403)
    assert_error(client.delete("/api/documents/x", headers=READER), 403)
    with TestClient(create_app(settings_for(corpus_index, admin_key=None))) as c:
        detail = assert_error(c.post("/api/documents", files=files, headers=ADMIN), 403)
        assert "POLICYQA_ADMIN_KEY" in detail


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("virus.exe", b"MZ...", 400),
        ("empty.txt", b"", 400),
        ("..", b"text", 400),
        ("fake.pdf", b"this is not a pdf", 422),
        ("binary.txt", b"\x00\x01\x02\x03" * 10, 422),
        ("broken.pdf", b"%PDF-1.4\n garbage without objects", 422),
    ],
)
def test_upload_rejects_bad_files(writable: TestClient, name: str, data: bytes, status: int) -> None:
    before = writable.get("/healthz").json()
    response = writable.post(
        "/api/documents", files={"file": (name, data)}, data={"access": "public"}, headers=ADMIN
    )
    assert_error(response, status)
    assert writable.get("/healthz").json() == before  # nothing changed, nothing lost


def test_upload_too_large_is_413(index_copy: Path) -> None:
    with TestClient(create_app(settings_for(index_copy, max_upload_bytes=1000))) as c:
        detail = assert_error(
            c.post(
                "/api/documents",
                files={"file": ("big.txt", b"a" * 5000)},
                data={"access": "public"},
                headers=ADMIN,
            ),
            413,
        )
        assert "big.txt" in detail
        assert_error(
            c.post("/api/documents", files={"file": ("huge.txt", b"a" * 200_000)}, headers=ADMIN), 413
        )
    assert not (index_copy / "uploads" / "big.txt").exists()


def test_a_write_blocked_past_the_wait_gets_409(writable: TestClient) -> None:
    assistant = writable.app.state.assistants.get()  # type: ignore[attr-defined]
    assistant.write_wait_s = 0.1
    assert assistant._write_lock.acquire(blocking=False)
    try:
        files = {"file": ("note.txt", INTERNAL_PLAN.encode())}
        response = writable.post("/api/documents", files=files, data={"access": "internal"}, headers=ADMIN)
        assert "đang ghi một lần tải lên hoặc xoá khác" in assert_error(response, 409)
    finally:
        assistant._write_lock.release()
    # Nothing left behind but the folder's owner marker.
    assert not [p for p in (assistant.index_dir / "uploads").iterdir() if p.name != OWNER_MARKER]


def test_internal_upload_is_invisible_to_anonymous_callers(writable: TestClient, index_copy: Path) -> None:
    response = writable.post(
        "/api/documents",
        files={"file": ("../../../tmp/Kế hoạch kiểm kê.txt", INTERNAL_PLAN.encode(), "text/plain")},
        data={"access": "internal"},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["filename"] == "Kế hoạch kiểm kê.txt"
    assert result["source"] == "uploads/Kế hoạch kiểm kê.txt"
    assert (index_copy / "uploads" / "Kế hoạch kiểm kê.txt").read_text() == INTERNAL_PLAN
    assert len(result["documents"]) == 1 and result["documents"][0]["access"] == "internal"
    doc_id = result["documents"][0]["id"]

    # The reader key sees it everywhere...
    question = {"question": "Ai kiểm kê kho Zephyrus?"}
    hits = writable.get("/api/search", params={"q": "kho Zephyrus"}, headers=READER).json()["hits"]
    assert hits and hits[0]["doc_id"] == doc_id
    clause_id = hits[0]["clause_id"]
    assert writable.get(f"/api/clauses/{clause_id}", headers=READER).status_code == 200
    answer = writable.post("/api/ask", json=question, headers=READER).json()
    assert any(c["doc_id"] == doc_id for c in answer["citations"])
    assert doc_id in {d["id"] for d in writable.get("/api/documents", headers=READER).json()["documents"]}

    # ...anonymous callers nowhere.
    assert doc_id not in {d["id"] for d in writable.get("/api/documents").json()["documents"]}
    assert_error(writable.get(f"/api/documents/{doc_id}"), 404)
    assert_error(writable.get(f"/api/clauses/{clause_id}"), 404)
    anon_hits = writable.get("/api/search", params={"q": "kho Zephyrus", "k": 20}).json()["hits"]
    assert all(h["doc_id"] != doc_id for h in anon_hits)
    anon = writable.post("/api/ask", json=question).json()
    assert all(c["doc_id"] != doc_id for c in anon["citations"] + anon["related"])
    assert "Zephyrus" not in anon["answer"]
    with writable.stream("POST", "/api/ask/stream", json=question) as stream:
        assert "Zephyrus" not in stream.read().decode()

    # Deleting removes it from the index and the uploads folder.
    assert writable.delete(f"/api/documents/{doc_id}", headers=ADMIN).json()["removed"] == [result["source"]]
    assert_error(writable.get(f"/api/documents/{doc_id}", headers=ADMIN), 404)
    assert not (index_copy / "uploads" / "Kế hoạch kiểm kê.txt").exists()
    assert_error(writable.delete(f"/api/documents/{doc_id}", headers=ADMIN), 404)
    assert writable.get("/healthz").json()["documents"] == 5


def test_queries_keep_working_during_an_upload(writable: TestClient) -> None:
    import threading

    results: list[int] = []

    def ask_many() -> None:
        for _ in range(5):
            results.append(writable.post("/api/ask", json={"question": QUESTION}).status_code)

    reader = threading.Thread(target=ask_many)
    reader.start()
    upload = writable.post(
        "/api/documents",
        files={"file": ("a.md", INTERNAL_PLAN.encode())},
        data={"access": "internal"},
        headers=ADMIN,
    )
    reader.join()
    assert upload.status_code == 201, upload.text
    assert results == [200] * 5
    assert writable.get("/healthz").json()["documents"] == 6


def test_cors_from_settings(corpus_index: Path) -> None:
    with TestClient(create_app(settings_for(corpus_index, cors_origins=["https://portal.example"]))) as c:
        preflight = c.options(
            "/api/ask",
            headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers["access-control-allow-origin"] == "https://portal.example"
        other = c.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_follows_an_ingest_by_another_process(writable: TestClient, index_copy: Path, tmp_path: Path) -> None:
    writable.app.state.assistants.check_every_s = 0  # type: ignore[attr-defined]
    before = writable.get("/healthz").json()
    note = tmp_path / "ghi-chu.txt"
    note.write_text(INTERNAL_PLAN, encoding="utf-8")
    assert cli.main(["ingest", str(note), "--index", str(index_copy), "--no-progress"]) == 0
    after = writable.get("/healthz").json()
    assert after["generation"] != before["generation"]
    assert after["documents"] == before["documents"] + 1
    sources = {d["source"] for d in writable.get("/api/documents").json()["documents"]}
    assert "ghi-chu.txt" in sources


def test_unexpected_errors_are_json_500_without_a_trace(corpus_index: Path) -> None:
    app = create_app(settings_for(corpus_index))

    def broken() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/api/broken", broken)  # a route that fails the way a bug would
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/broken")
        detail = assert_error(response, 500)
        assert "secret" not in detail and "RuntimeError" not in response.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=0, max_size=120), top_k=st.integers(min_value=-5, max_value=60))
def test_any_question_gets_an_answer_or_a_clear_error(client: TestClient, text: str, top_k: int) -> None:
    response = client.post("/api/ask", json={"question": text, "top_k": top_k})
    assert response.status_code in (200, 422), response.text
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body["answer"], str) and body["answer"]
        assert body["abstained"] or body["citations"]
    else:
        assert isinstance(body["detail"], str)
    search = client.get("/api/search", params={"q": text, "k": max(1, min(top_k, 50))})
    assert search.status_code in (200, 422), search.text
