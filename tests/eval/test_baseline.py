from pathlib import Path

import pytest

from eval.baseline import CHUNK_SIZE, load_chunks
from rag.errors import PolicyQAError

PARAGRAPH = "Nhiệm vụ {n}: Sở Khoa học và Công nghệ chủ trì triển khai chuyển đổi số, báo cáo hằng quý.\n\n"


def test_chunks_follow_the_tutorial_splitter(tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("".join(PARAGRAPH.format(n=n) for n in range(40)), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "note.md").write_text(
        "# Ghi chú\n\nĐơn vị thực hiện: Sở Tài chính.", encoding="utf-8"
    )
    (tmp_path / "ignored.docx").write_bytes(b"not a supported file")

    chunks = load_chunks(tmp_path)
    by_source: dict[str, list] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.metadata["source"], []).append(chunk)
    assert set(by_source) == {"plan.txt", "sub/note.md"}
    plan = by_source["plan.txt"]
    assert len(plan) >= 4
    assert [c.metadata["chunk"] for c in plan] == list(range(1, len(plan) + 1))
    assert all(len(c.page_content) <= CHUNK_SIZE for c in plan)
    # chunk_overlap=200: consecutive chunks repeat text at their seam.
    assert plan[1].page_content[:60] in plan[0].page_content
    assert by_source["sub/note.md"][0].page_content.endswith("Sở Tài chính.")


def test_pdf_files_load_through_pypdf(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"))
    pdf.drawString(72, 720, "Ke hoach so 58/KH-UBND: thoi gian thuc hien thuong xuyen")
    pdf.showPage()
    pdf.drawString(72, 720, "Trang hai")
    pdf.save()
    chunks = load_chunks(tmp_path)
    assert [c.metadata["source"] for c in chunks] == ["scan.pdf", "scan.pdf"]
    assert "58/KH-UBND" in chunks[0].page_content


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyQAError, match="corpus folder not found"):
        load_chunks(tmp_path / "nope")
    with pytest.raises(PolicyQAError, match="no .txt, .md or .pdf files"):
        load_chunks(tmp_path)
