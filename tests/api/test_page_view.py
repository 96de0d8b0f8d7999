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


def _page(client: TestClient, doc_id: str, **headers: str) -> int:
    return client.get(f"/api/documents/{doc_id}/pages/1", params={"dpi": 72}, headers=headers).status_code


def test_a_folder_ingested_from_the_cli_shows_its_pages(index_copy: Path, tmp_path: Path) -> None:
    """`policyqa ingest DIR` + `policyqa serve`: the pages come from the files where the ingest read
    them, while they keep the indexed bytes; nothing else is set."""
    from rag.ingest import ingest_paths
    from tests.rag.pdf_builders import garbled_layer_pdf

    folder = tmp_path / "van-ban"
    folder.mkdir()
    signed = esigned_pdf(folder / "ke-hoach.pdf")
    report = ingest_paths([folder], index_copy, progress=False)
    assert report.added == ["ke-hoach.pdf"]
    ingest_paths([folder / "ke-hoach.pdf"], index_copy, access="internal", root=tmp_path, progress=False)
    with TestClient(create_app(settings_for(index_copy))) as client:
        docs = {
            d["source"]: d["id"] for d in client.get("/api/documents", headers=INTERNAL).json()["documents"]
        }
        assert "origin" not in client.get(f"/api/documents/{docs['ke-hoach.pdf']}").json()  # no server paths
        assert _page(client, docs["ke-hoach.pdf"]) == 200
        # Access rules as for the rest of the document.
        hidden = docs["van-ban/ke-hoach.pdf"]
        assert _page(client, hidden) == 404 and _page(client, hidden, **INTERNAL) == 200
        # Another PDF in its place (or the file gone) is never drawn.
        garbled_layer_pdf(tmp_path / "other.pdf")
        signed.write_bytes((tmp_path / "other.pdf").read_bytes())
        assert _page(client, docs["ke-hoach.pdf"]) == 404
        signed.unlink()
        assert _page(client, docs["ke-hoach.pdf"]) == 404

    # The folder moved and ingested again: the same bytes are shown from the new place.
    moved = tmp_path / "moved"
    moved.mkdir()
    esigned_pdf(moved / "ke-hoach.pdf")
    again = ingest_paths([moved], index_copy, progress=False)
    assert again.updated == ["ke-hoach.pdf"] and not again.unchanged
    assert ingest_paths([moved], index_copy, progress=False).unchanged == ["ke-hoach.pdf"]
    with TestClient(create_app(settings_for(index_copy))) as client:
        assert _page(client, docs["ke-hoach.pdf"]) == 200
