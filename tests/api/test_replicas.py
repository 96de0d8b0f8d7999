"""Two `policyqa serve --store URI` processes on one Milvus store: what is uploaded through one
is answered by the other within a few seconds, and deleted from both."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag.config import PROJECT_ROOT
from rag.ingest import ingest_paths
from tests.support import ADMIN, ADMIN_KEY, free_port
from tools.loadtest import wait_ready

pytestmark = pytest.mark.slow

FIRST = """ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG
Số: 21/KH-UBND
Lâm Đồng, ngày 2 tháng 2 năm 2026
KẾ HOẠCH
Phát triển cà phê đặc sản năm 2026
I. NHIỆM VỤ
1. Xây dựng vùng trồng cà phê đặc sản 500 ha.
Đơn vị chủ trì: Sở Nông nghiệp và Môi trường.
"""

UPLOADED = """ỦY BAN NHÂN DÂN TỈNH GIA LAI
Số: 45/KH-UBND
Gia Lai, ngày 9 tháng 4 năm 2026
KẾ HOẠCH
Bảo tồn không gian văn hóa cồng chiêng năm 2026
I. NHIỆM VỤ
1. Phục dựng lễ hội cồng chiêng tại các làng Bahnar.
Đơn vị chủ trì: Sở Văn hóa, Thể thao và Du lịch.
Thời hạn hoàn thành: Quý IV/2026.
"""

QUESTION = "Đơn vị nào chủ trì phục dựng lễ hội cồng chiêng?"


def _serve(location: str, files: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(
        os.environ,
        POLICYQA_ADMIN_KEY=ADMIN_KEY,
        POLICYQA_RATE_LIMIT_PER_MINUTE="0",
        POLICYQA_FILES=str(files),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--store", location, "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def _ask(url: str) -> dict:
    return httpx.post(url + "/api/ask", json={"question": QUESTION}, timeout=60).json()


def test_an_upload_through_one_replica_is_answered_by_the_other(milvus, tmp_path: Path) -> None:  # noqa: ANN001
    location = milvus.store("replicas")
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "21-KH.txt").write_text(FIRST, encoding="utf-8")
    assert not ingest_paths([tmp_path / "first"], location, progress=False).errors
    a, url_a = _serve(location, tmp_path / "files-a")
    b, url_b = _serve(location, tmp_path / "files-b")
    try:
        wait_ready(url_a)
        wait_ready(url_b)
        assert _ask(url_b)["abstained"]
        response = httpx.post(
            url_a + "/api/documents",
            files={"file": ("45-KH.txt", UPLOADED.encode(), "text/plain")},
            headers=ADMIN,
            timeout=120,
        )
        assert response.status_code == 201, response.text
        doc_id = response.json()["documents"][0]["id"]
        uploaded_at = time.monotonic()
        while True:  # replica B sees the new generation on its next check (every 2 s)
            body = _ask(url_b)
            if not body["abstained"]:
                break
            assert time.monotonic() - uploaded_at < 60, "replica B never answered from the upload"
            time.sleep(0.5)
        assert "Văn hóa" in body["answer"]
        assert body["citations"][0]["source"] == "uploads/45-KH.txt"
        listed = httpx.get(url_b + "/api/documents", timeout=30).json()["documents"]
        assert {d["id"]: d["clause_count"] for d in listed}[doc_id] > 3

        deleted = httpx.delete(f"{url_b}/api/documents/{doc_id}", headers=ADMIN, timeout=60)
        assert deleted.status_code == 200, deleted.text
        removed_at = time.monotonic()
        while not _ask(url_a)["abstained"]:
            assert time.monotonic() - removed_at < 60, "replica A still answers from a deleted document"
            time.sleep(0.5)
    finally:
        for proc in (a, b):
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)


def test_a_lexical_first_upload_is_embedded_in_the_background(index_copy: Path) -> None:
    """The default: the upload answers at once from its words; the background thread adds its
    vectors and the next generation has none pending."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from tests.support import settings_for

    with TestClient(create_app(settings_for(index_copy, uploads_lexical_first=True))) as client:
        response = client.post(
            "/api/documents",
            files={"file": ("45-KH.txt", UPLOADED.encode(), "text/plain")},
            data={"access": "public"},
            headers=ADMIN,
        )
        assert response.status_code == 201, response.text
        deadline = time.monotonic() + 120
        while True:
            body = client.post("/api/ask", json={"question": QUESTION}).json()
            assert not body["abstained"] and "Văn hóa" in body["answer"]
            if not body["dense_pending"]:
                break
            assert body["dense_pending"] == ["uploads/45-KH.txt"]
            assert time.monotonic() < deadline, "the upload was never embedded"
            time.sleep(0.5)
        hits = client.get(
            "/api/search", params={"q": "lễ hội cồng chiêng làng Bahnar", "mode": "dense"}
        ).json()
        assert hits["hits"][0]["source"] == "uploads/45-KH.txt"
