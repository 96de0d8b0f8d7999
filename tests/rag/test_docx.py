"""DOCX loading: Word numbering, tables, layout tables, footnotes, bad files, isolation, end to end."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from api.uploads import check_content
from rag.docx_loader import MAX_MEMBER_BYTES, format_number, has_marker
from rag.errors import InputFileError
from rag.isolate import ParseLimits, parse_file
from rag.loaders import load_file
from rag.parser import parse_document
from tests.rag.docx_builder import TASKS, number, plan_document, save

TABLE_HEADER = "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành"
ROW_3 = (
    "3 | Nâng cấp hệ thống giám sát an toàn thông tin của tỉnh | Công an tỉnh | "
    "Sở Khoa học và Công nghệ | Tháng 12 năm 2026"
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plan_document(tmp_path_factory.mktemp("docx") / "ke-hoach-77.docx")


def _blocks(path: Path) -> list[str]:
    loaded = load_file(path)
    assert [p.number for p in loaded.pages] == [0]  # a DOCX has no pages
    return loaded.pages[0].text.split("\n\n")


def test_layout_tables_become_one_block_per_cell_in_reading_order(plan: Path) -> None:
    blocks = _blocks(plan)
    assert blocks[:8] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NGÃI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 77/KH-UBND",
        "Quảng Ngãi, ngày 12 tháng 5 năm 2026",
        "KẾ HOẠCH",
        "Triển khai chuyển đổi số năm 2026",
    ]
    tail = blocks[blocks.index("Nơi nhận:") :]
    assert tail[:6] == [
        "Nơi nhận:",
        "- Các sở, ngành;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn B",
    ]
    assert not any("|" in b for b in blocks[:8] + tail)


def test_word_numbering_is_rebuilt_in_front_of_the_text(plan: Path) -> None:
    blocks = _blocks(plan)
    start = blocks.index("I. MỤC ĐÍCH, YÊU CẦU")
    assert blocks[start : start + 7] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Nâng cao hiệu quả quản lý nhà nước bằng công nghệ số.",
        "b) Bảo đảm an toàn thông tin trong cơ quan nhà nước.",
        "2. Yêu cầu",
        "- Nhiệm vụ cụ thể, có cơ quan chủ trì và thời hạn.",  # a Symbol-font bullet reads as "-"
        "II. NHIỆM VỤ",  # level 0 goes on; deeper levels restart under it
    ]
    assert "III. TỔ CHỨC THỰC HIỆN" in blocks


def test_data_table_is_one_pipe_line_per_row_in_document_order(plan: Path) -> None:
    blocks = _blocks(plan)
    start = blocks.index(TABLE_HEADER)
    assert blocks[start - 1] == "Các nhiệm vụ cụ thể như sau:"
    rows = blocks[start + 1 : start + 1 + len(TASKS)]
    # The STT column is Word numbering on empty cells: its numbers are rebuilt too.
    assert rows == [f"{n} | " + " | ".join(task) for n, task in enumerate(TASKS, start=1)]
    assert rows[2] == ROW_3
    assert blocks[start + 1 + len(TASKS)] == "III. TỔ CHỨC THỰC HIỆN"


def test_footnotes_are_written_as_markdown_footnotes_and_parsed(plan: Path) -> None:
    blocks = _blocks(plan)
    assert "Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị[^1], Ủy ban nhân dân tỉnh" in blocks[8]
    assert blocks[-1] == "[^1]: Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị."

    doc = parse_document(load_file(plan))
    intro = next(c for c in doc.clauses if c.text.startswith("Thực hiện Nghị quyết"))
    assert "[^1]" not in intro.text and "Bộ Chính trị, Ủy ban" in intro.text
    assert intro.footnotes == ["1 Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị."]
    notes = [c for c in doc.clauses if c.kind == "footnote"]
    assert [(n.locator, n.text) for n in notes] == [
        (f"{intro.locator} · chú thích 1", "1 Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")
    ]
    assert not any("[^" in c.text for c in doc.clauses)


def test_parsed_docx_has_metadata_locators_and_the_table_rows(plan: Path) -> None:
    doc = parse_document(load_file(plan))
    assert doc.meta.doc_type == "Kế hoạch"
    assert doc.meta.number == "77/KH-UBND"
    assert doc.meta.date == "2026-05-12"
    assert doc.meta.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert doc.meta.signer_name == "Nguyễn Văn B"
    by_locator = {c.locator: c for c in doc.clauses}
    assert by_locator["I.1.a"].text == "a) Nâng cao hiệu quả quản lý nhà nước bằng công nghệ số."
    assert by_locator["I.2.-1"].kind == "item"
    assert by_locator["II"].kind == "heading"
    assert any(ROW_3 in c.text for c in doc.clauses)
    assert all(not c.pages for c in doc.clauses)


def test_merged_cells_text_already_numbered_and_list_restarts(tmp_path: Path) -> None:
    document = docx.Document()
    number(document.add_paragraph("1. Đã đánh số bằng tay"), 1)  # Word numbering + typed marker
    number(document.add_paragraph("Thứ hai"), 1)
    table = document.add_table(rows=3, cols=4)
    for cell, label in zip(table.rows[0].cells, ("STT", "Nội dung", "Chủ trì", "Ghi chú"), strict=True):
        cell.text = label
    table.cell(1, 0).text, table.cell(1, 1).text = "1", "Việc một"
    table.cell(2, 0).text, table.cell(2, 1).text = "2", "Việc hai | có gạch"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Sở Tài chính"  # one lead unit for both rows
    table.cell(1, 3).text = "Ghi chú một"
    path = save(document, tmp_path / "merged.docx")
    blocks = _blocks(path)
    assert blocks[:2] == ["1. Đã đánh số bằng tay", "2. Thứ hai"]
    assert blocks[2:] == [
        "STT | Nội dung | Chủ trì | Ghi chú",
        "1 | Việc một | Sở Tài chính | Ghi chú một",
        "2 | Việc hai / có gạch | Sở Tài chính",  # a vertical merge repeats; trailing empty cells go
    ]


def test_a_box_across_a_form_is_running_text_not_a_row(tmp_path: Path) -> None:
    """A form's cell merged across the whole row, holding numbered paragraphs, reads as text."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    box = table.cell(0, 0).merge(table.cell(0, 2))
    box.text = "I. NỘI DUNG TRÌNH"
    box.add_paragraph("1. Văn bản: Công văn số 4552/BCA-C04 của Bộ Công an.")
    box.add_paragraph("2. Đề xuất: giao Công an tỉnh nghiên cứu, rà soát.")
    for cell, text in zip(
        table.rows[1].cells, ("Chuyên viên", "Lãnh đạo phòng", "Lãnh đạo Văn phòng"), strict=True
    ):
        cell.text = text
    blocks = _blocks(save(document, tmp_path / "form.docx"))
    assert blocks == [
        "I. NỘI DUNG TRÌNH",
        "1. Văn bản: Công văn số 4552/BCA-C04 của Bộ Công an.",
        "2. Đề xuất: giao Công an tỉnh nghiên cứu, rà soát.",
        "Chuyên viên | Lãnh đạo phòng | Lãnh đạo Văn phòng",
    ]


def test_number_formats_and_marker_detection() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 4, 26, 27)] == ["a", "d", "z", "aa"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert format_number(3, "decimalZero") == "03"
    assert format_number(7, "decimal") == "7"
    for marked in ("1. Mục tiêu", "a) Nội dung", "- Sở Tài chính", "II. NHIỆM VỤ", "2.1. Chi tiết"):
        assert has_marker(marked), marked
    for plain in ("Mục tiêu", "Điều 3. Hiệu lực", "2025 là năm"):
        assert not has_marker(plain), plain


# --- bad files ---------------------------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.doc", OLE2, r"Word 97-2003 \(\.doc\).*lưu lại dưới dạng DOCX hoặc PDF"),
        ("locked.docx", OLE2, "tệp Word có mật khẩu.*lưu lại dưới dạng DOCX hoặc PDF"),
        ("letter.doc", b"{\\rtf1\\ansi Kinh gui}", "tệp RTF.*lưu lại dưới dạng DOCX hoặc PDF"),
        ("text.docx", "Kế hoạch số 1".encode(), "không phải tài liệu Word.*lưu lại dưới dạng DOCX hoặc PDF"),
        ("cut.docx", None, "tệp DOCX bị hỏng.*lưu lại dưới dạng DOCX hoặc PDF"),
        ("nodoc.docx", None, r"tệp DOCX bị hỏng \(thiếu word/document.xml\)"),
        ("badxml.docx", None, "tệp DOCX bị hỏng"),
    ],
)
def test_bad_word_files_raise_clear_errors(
    tmp_path: Path, plan: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if name == "cut.docx":
        raw = plan.read_bytes()
        content = raw[: len(raw) // 2]  # the central directory is gone
    elif name == "nodoc.docx":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("word/other.xml", "<x/>")
    elif name == "badxml.docx":
        with zipfile.ZipFile(plan) as src, zipfile.ZipFile(path, "w") as zf:
            for info in src.infolist():
                data = src.read(info.filename)
                zf.writestr(
                    info.filename, b"<w:document><unclosed" if info.filename == "word/document.xml" else data
                )
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as caught:
        load_file(path)
    assert name in str(caught.value)


def test_uploads_sniff_word_files() -> None:
    with pytest.raises(InputFileError, match="lưu lại dưới dạng DOCX hoặc PDF"):
        check_content("old.doc", OLE2)
    with pytest.raises(InputFileError, match="không phải tài liệu Word"):
        check_content("a.docx", b"plain text")
    check_content("a.docx", b"PK\x03\x04rest is checked by the loader")


def test_docx_loads_in_the_isolated_child(plan: Path) -> None:
    doc = parse_file(plan, source="ke-hoach-77.docx", limits=ParseLimits(timeout_s=120))
    assert doc.meta.number == "77/KH-UBND"
    assert any(ROW_3 in c.text for c in doc.clauses)


def test_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\x00" * (MAX_MEMBER_BYTES + 1))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(
        InputFileError, match="thành phần word/document.xml của tệp DOCX giải nén ra .*zip bomb"
    ):
        parse_file(path, source="bomb.docx", limits=ParseLimits(timeout_s=120))


# --- end to end ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ingested_docx_answers_from_its_task_table(plan: Path, tmp_path: Path) -> None:
    from rag.ingest import ingest_paths
    from rag.pipeline import Assistant

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / plan.name).write_bytes(plan.read_bytes())
    (folder / "cong-van-cu.doc").write_bytes(OLE2)  # fails alone; the batch goes on
    report = ingest_paths([folder], tmp_path / "index", progress=False)
    assert report.added == ["ke-hoach-77.docx"]
    assert report.failed == ["cong-van-cu.doc"]
    assert len(report.errors) == 1 and "lưu lại dưới dạng DOCX hoặc PDF" in report.errors[0]
    assistant = Assistant.open(tmp_path / "index")
    question = "Cơ quan nào chủ trì nhiệm vụ 3?"
    hits = assistant.search(question, k=5)
    answer = assistant.ask(question)
    texts = [h.clause.text for h in hits] + [c.text for c in answer.citations]
    assert any(ROW_3 in text for text in texts), texts
    assert all(c.source == "ke-hoach-77.docx" for c in answer.citations)
    # Answered from the table row (a task with its fields), not from a passage.
    assert not answer.abstained and "Công an tỉnh" in answer.answer
    assert ROW_3 in answer.citations[0].text
    assert "Sở Tài chính" not in answer.answer
