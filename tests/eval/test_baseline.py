from pathlib import Path

import pytest

from eval.baseline import BM25, CHUNK_SIZE, load_chunks, run_bm25_baseline, simple_tokens
from eval.gold import GoldItem
from rag.errors import PolicyQAError

PARAGRAPH = "Nhiệm vụ {n}: Sở Khoa học và Công nghệ chủ trì triển khai chuyển đổi số, báo cáo hằng quý.\n\n"


def test_chunks_follow_the_tutorial_splitter(tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("".join(PARAGRAPH.format(n=n) for n in range(40)), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "note.md").write_text(
        "# Ghi chú\n\nĐơn vị thực hiện: Sở Tài chính.", encoding="utf-8"
    )
    (tmp_path / "ignored.odt").write_bytes(b"not a supported file")

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
    with pytest.raises(PolicyQAError, match=r"no .txt, .md, .pdf or .docx files"):
        load_chunks(tmp_path)


def test_simple_tokens_are_lowercased_words_with_diacritics_kept() -> None:
    decomposed = "Sở Tài chính".replace("ở", "o\u031b\u0309")  # NFD input reads the same
    assert simple_tokens(decomposed + ", QUÝ III/2026!") == ["sở", "tài", "chính", "quý", "iii", "2026"]
    assert simple_tokens("so tai chinh") != simple_tokens("Sở Tài chính")  # no diacritic folding


def test_bm25_ranks_by_rare_terms_and_length() -> None:
    docs = [
        ["sở", "tài", "chính", "chủ", "trì"],
        ["sở", "nội", "vụ", "chủ", "trì"],
        ["sở", "tài", "chính"] + ["khác"] * 40,
        [],
    ]
    bm25 = BM25(docs)
    # "nội vụ" occurs once: it decides; "sở" occurs everywhere: it barely counts.
    assert [i for i, _ in bm25.top(["sở", "nội", "vụ"], 5)][0] == 1
    # Same matches, the shorter chunk wins; chunks matching nothing are not returned.
    top = bm25.top(["tài", "chính"], 5)
    assert [i for i, _ in top] == [0, 2]
    assert top[0][1] > top[1][1] > 0
    assert bm25.top(["không", "có"], 5) == []


def test_bm25_baseline_answers_with_the_top_chunk(tmp_path: Path) -> None:
    filler = "Nội dung chung về chuyển đổi số của tỉnh được triển khai đồng bộ. " * 20
    text = filler + "\n\nNhiệm vụ bảo tồn di sản: Sở Văn hóa, Thể thao và Du lịch chủ trì.\n\n" + filler
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    (tmp_path / "other.md").write_text("Kế hoạch tuyên truyền. " * 10, encoding="utf-8")
    items = [
        GoldItem(
            "q1", "Cơ quan nào chủ trì bảo tồn di sản?", [["Sở Văn hóa"]], ["plan.txt"], ["x"], False, "t"
        ),
        GoldItem("q2", "xyz không liên quan", [], [], [], True, "abstain"),
    ]
    first, second = run_bm25_baseline(items, tmp_path)
    assert first.answer == first.citations[0].text and "Sở Văn hóa, Thể thao" in first.answer
    assert first.citations[0].source == "plan.txt" and first.citations[0].locator.startswith("chunk ")
    assert 1 <= len(first.citations) <= 5
    assert all(len(c.text) <= CHUNK_SIZE for c in first.citations)
    assert [c.score for c in first.citations] == sorted((c.score for c in first.citations), reverse=True)
    assert not first.abstained and not second.abstained  # the peer never abstains
