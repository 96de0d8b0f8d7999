"""GET /api/documents/{id}/pages/{n}: an uploaded PDF's page with the cited clause highlighted."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.main import create_app
from tests.rag.pdf_builders import FONT, esigned_pdf
from tests.support import ADMIN, INTERNAL, settings_for

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed")


@pytest.fixture()
def writable(index_copy: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(index_copy))) as c:
        yield c


def _upload(client: TestClient, pdf: Path, access: str) -> dict:
    response = client.post(
        "/api/documents",
        files={"file": ("Kế hoạch 58.pdf", pdf.read_bytes(), "application/pdf")},
        data={"access": access},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_page_of_a_cited_clause_is_drawn_with_its_words_lit(writable: TestClient, tmp_path: Path) -> None:
    result = _upload(writable, esigned_pdf(tmp_path / "signed.pdf"), "public")
    assert result["ocr_progress"] == []  # a text PDF: nothing OCR'd
    doc_id = result["documents"][0]["id"]
    detail = writable.get(f"/api/documents/{doc_id}").json()
    assert detail["number"] == "58/KH-UBND" and detail["date"] == "2026-04-14"  # the widgets' text

    answer = writable.post(
        "/api/ask", json={"question": "Hoàn thành cơ sở dữ liệu đất đai trước ngày nào?"}
    ).json()
    cited = next(c for c in answer["citations"] if c["doc_id"] == doc_id)
    assert cited["pages"] == [1]

    response = writable.get(
        f"/api/documents/{doc_id}/pages/1", params={"clause": cited["clause_id"], "dpi": 72}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert int(response.headers["x-highlighted-words"]) >= 5
    assert Image.open(io.BytesIO(response.content)).size[0] in (595, 596)

    plain = writable.get(f"/api/documents/{doc_id}/pages/1", params={"dpi": 72})
    assert plain.status_code == 200 and plain.headers["x-highlighted-words"] == "0"
    assert writable.get(f"/api/documents/{doc_id}/pages/2").status_code == 404  # one page only
    assert writable.get(f"/api/documents/{doc_id}/pages/0").status_code == 422


def test_page_view_follows_access_levels(writable: TestClient, tmp_path: Path) -> None:
    result = _upload(writable, esigned_pdf(tmp_path / "signed.pdf"), "internal")
    doc_id = result["documents"][0]["id"]
    assert writable.get(f"/api/documents/{doc_id}/pages/1").status_code == 404  # anonymous: not there
    assert writable.get(f"/api/documents/{doc_id}/pages/1", headers=INTERNAL).status_code == 200
    # A clause of another document is not highlighted on this one.
    public = writable.get("/api/search", params={"q": "chuyển đổi số"}).json()["hits"][0]
    response = writable.get(
        f"/api/documents/{doc_id}/pages/1", params={"clause": public["clause_id"]}, headers=INTERNAL
    )
    assert response.status_code == 404


def test_text_documents_have_no_page_view(writable: TestClient) -> None:
    doc = writable.get("/api/documents").json()["documents"][0]
    response = writable.get(f"/api/documents/{doc['id']}/pages/1")
    assert response.status_code == 404
    assert "PDF" in response.json()["detail"]


def test_a_changed_original_is_not_drawn(writable: TestClient, tmp_path: Path, index_copy: Path) -> None:
    result = _upload(writable, esigned_pdf(tmp_path / "signed.pdf"), "public")
    doc_id = result["documents"][0]["id"]
    (index_copy / result["source"]).write_bytes(b"%PDF-1.4 something else %%EOF")
    response = writable.get(f"/api/documents/{doc_id}/pages/1")
    assert response.status_code == 404
    assert "bản gốc" in response.json()["detail"]
