"""API errors: a Vietnamese ``detail`` for the person and a stable ``code`` for the program, on
every path — our own errors, FastAPI's 404/405/422 and the body-size limit."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from rag.messages import ERROR_CODES
from tests.support import ADMIN, settings_for

ENGLISH = ("Not Found", "Method Not Allowed", "Input should", "Field required", "too many", "retry in")


def _error(response, status: int, code: str) -> str:  # noqa: ANN001 (httpx.Response)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and code in ERROR_CODES
    assert not any(e in body["detail"] for e in ENGLISH), body["detail"]
    return body["detail"]


def test_errors_without_an_index_are_vietnamese_with_codes(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path / "no-index", max_question_chars=50))
    with TestClient(app) as client:
        detail = _error(client.post("/api/ask", json={"question": "Ai ký?"}), 503, "index_missing")
        assert "chưa có chỉ mục" in detail and "policyqa ingest" in detail
        _error(client.get("/api/no-such-route"), 404, "not_found")
        _error(client.put("/api/ask", json={}), 405, "method_not_allowed")
        huge = client.post("/api/ask", content=b"x" * 2_000_000, headers={"content-type": "application/json"})
        assert "quá lớn" in _error(huge, 413, "too_large")
        upload = client.post("/api/documents", files={"file": ("a.txt", b"x")})
        assert "khoá quản trị" in _error(upload, 401, "unauthorized")


def test_rate_limit_and_upload_errors_name_no_internal_file(tmp_path: Path) -> None:
    from tests.support import assistant_over

    assistant_over(tmp_path, {"plan.txt": "KẾ HOẠCH\nI. NHIỆM VỤ\n1. Sở Y tế triển khai bệnh án điện tử.\n"})
    app = create_app(settings_for(tmp_path / "index", max_question_chars=50))
    with TestClient(app) as client:
        detail = _error(client.post("/api/ask", json={"question": "x", "top_k": 99}), 422, "invalid_request")
        assert detail == "top_k: phải nhỏ hơn hoặc bằng 50"
        detail = _error(client.post("/api/ask", json={}), 422, "invalid_request")
        assert detail == "question: thiếu giá trị"
        long = client.post("/api/ask", json={"question": "Sở Y tế chủ trì nhiệm vụ nào? " * 5})
        assert "Câu hỏi quá dài" in _error(long, 413, "too_large")
        from tests.reliability import pdfbombs

        response = client.post(
            "/api/documents",
            files={"file": ("khoa.pdf", pdfbombs.encrypted_pdf(), "application/pdf")},
            data={"access": "public"},
            headers=ADMIN,
        )
        detail = _error(response, 422, "unreadable_file")
        assert detail == "khoa.pdf: tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại"
        assert ".partial" not in detail and "uploads/" not in detail
    with TestClient(create_app(settings_for(tmp_path / "index", rate_limit_per_minute=1))) as client:
        assert client.get("/api/search", params={"q": "bệnh án"}).status_code == 200
        detail = _error(client.get("/api/search", params={"q": "bệnh án"}), 429, "rate_limited")
        assert detail.startswith("Bạn đã hỏi quá nhiều: tối đa 1 câu hỏi mỗi phút; hãy thử lại sau ")
