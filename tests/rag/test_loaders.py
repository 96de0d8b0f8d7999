"""Loaders: PDFs (text layer and scanned), text encodings, and every kind of bad input."""

from __future__ import annotations

import hashlib
import io
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from rag import loaders
from rag.config import DEFAULT_CORPUS_DIR
from rag.errors import InputFileError
from rag.loaders import decode_text, load_file, split_txt_pages
from rag.parser import parse_document
from rag.text import fold

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed")


def _write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A text-layer PDF with one page per list of lines (Vietnamese-capable font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        c.setFont("DejaVuSans", 11)
        y = 800
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def _seed_pages() -> list[list[str]]:
    text = (DEFAULT_CORPUS_DIR / "003_7aaba2caba63f323.txt").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("II. KẾ HOẠCH"))
    body = lines[start : start + 70]
    return [body[:35], body[35:]]


@needs_font
def test_text_pdf_pages_reach_clauses(tmp_path: Path) -> None:
    pdf = _write_pdf(tmp_path / "plan.pdf", _seed_pages())
    loaded = load_file(pdf, root=tmp_path)
    assert loaded.source == "plan.pdf"
    assert [p.number for p in loaded.pages] == [1, 2]
    assert not any(p.ocr for p in loaded.pages) and loaded.warnings == []
    assert loaded.pages[0].text.startswith("II. KẾ HOẠCH, THỰC HIỆN")  # Vietnamese survives the text layer
    assert "Đơn vị thực hiện" in loaded.pages[1].text
    doc = parse_document(loaded)
    by_locator = {c.locator: c for c in doc.clauses}
    assert by_locator["II"].pages == [1]
    assert by_locator["II.1"].fields["lead_unit"].startswith("Sở Văn hóa, thể thao và Du lịch")
    late = [c for c in doc.clauses if c.pages == [2]]
    assert late, "clauses from the second page carry page 2"
    assert all(c.pages in ([1], [2], [1, 2]) for c in doc.clauses if c.kind != "header")
    assert doc.page_count == 2


def _scanned_pdf(path: Path, lines: list[str]) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 44)
    img = Image.new("RGB", (2480, 1400), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((120, 120 + i * 90), line, fill="black", font=font)
    img.save(path, "PDF", resolution=300.0)
    return path


@pytest.mark.ocr
@needs_font
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_scanned_pdf_goes_through_ocr(tmp_path: Path) -> None:
    pdf = _scanned_pdf(
        tmp_path / "scan.pdf",
        [
            "KẾ HOẠCH",
            "Triển khai chuyển đổi số trên địa bàn tỉnh",
            "- Đơn vị thực hiện: Sở Khoa học và Công nghệ",
        ],
    )
    assert PdfReader(str(pdf)).pages[0].extract_text().strip() == ""  # image only
    loaded = load_file(pdf)
    assert loaded.pages[0].ocr is True
    assert loaded.warnings == []
    text = fold(loaded.pages[0].text)
    for word in ("ke hoach", "chuyen doi so", "don vi thuc hien", "khoa hoc"):
        assert word in text


@needs_font
def test_scanned_pdf_without_ocr_is_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = _scanned_pdf(tmp_path / "scan.pdf", ["KẾ HOẠCH"])
    monkeypatch.setattr(loaders, "ocr_available", lambda lang="vie": False)
    loaded = load_file(pdf)
    assert [p.number for p in loaded.pages] == [1]
    assert loaded.warnings == ["trang 1: trang không có lớp chữ và máy chưa cài nhận dạng chữ (OCR)"]
    loaded = load_file(pdf, ocr=False)
    assert loaded.warnings == ["trang 1: trang không có lớp chữ và nhận dạng chữ (OCR) đang tắt"]


def _blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "tệp rỗng"),
        ("empty.pdf", b"", "tệp rỗng"),
        ("sheet.xlsx", b"PK\x03\x04", "không đọc được tệp loại"),
        ("doc.docx", b"PK\x03\x04", "tệp DOCX bị hỏng"),
        ("archive.pdf", None, "tệp nén zip"),
        ("notes.pdf", b"hello, this is plain text", "không phải PDF"),
        ("corrupt.pdf", b"%PDF-1.4\n" + b"garbage " * 100 + b"\n%%EOF\n", "tệp PDF bị hỏng"),
        ("truncated.pdf", None, "tệp PDF bị cắt cụt"),
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" * 20, "nội dung nhị phân"),
        ("controls.md", bytes(range(1, 9)) * 50, "nội dung nhị phân"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if name == "archive.pdf":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("a.txt", "not a pdf")
    elif name == "truncated.pdf":
        raw = _blank_pdf()
        path.write_bytes(raw[: len(raw) // 2])
    else:
        assert content is not None
        path.write_bytes(content)
    with pytest.raises(InputFileError) as err:
        load_file(path)
    assert message in str(err.value)
    assert name in str(err.value)


def test_encrypted_pdf_is_rejected(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(InputFileError, match="locked.pdf: tệp PDF được đặt mật khẩu"):
        load_file(path)


def test_missing_file_and_limits(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="không có tệp này"):
        load_file(tmp_path / "absent.txt")
    big = tmp_path / "big.txt"
    big.write_text("Kế hoạch " * 100, encoding="utf-8")
    with pytest.raises(InputFileError, match="tệp quá lớn"):
        load_file(big, max_bytes=100)
    pdf = tmp_path / "two.pdf"
    pdf.write_bytes(_blank_pdf(2))
    with pytest.raises(InputFileError, match="quá nhiều trang"):
        load_file(pdf, max_pages=1, ocr=False)


VIETNAMESE = "Kế hoạch truyền thông: Đơn vị thực hiện là Sở Khoa học và Công nghệ.\n"


@pytest.mark.parametrize(
    "raw",
    [
        VIETNAMESE.encode("utf-8"),
        b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"),
        VIETNAMESE.encode("utf-16"),  # with BOM
        VIETNAMESE.encode("utf-16-le"),  # no BOM
        VIETNAMESE.encode("utf-16-be"),
        VIETNAMESE.encode("utf-32"),
    ],
)
def test_unicode_encodings_decode(raw: bytes) -> None:
    assert decode_text(raw) == VIETNAMESE


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed base letters (ê, ơ, ư …) followed by combining tone marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if c not in tones)
        out.append(unicodedata.normalize("NFC", base) + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_cp1258_fallback_decodes_and_composes(tmp_path: Path) -> None:
    raw = _cp1258(VIETNAMESE)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    path = tmp_path / "old.txt"
    path.write_bytes(raw)
    loaded = load_file(path)
    assert loaded.pages[0].text == VIETNAMESE
    assert loaded.content_hash == hashlib.sha256(raw).hexdigest()


def test_txt_page_joins_give_page_numbers(tmp_path: Path) -> None:
    filler = "\n\n".join(f"dòng nội dung số {i} của trang, đủ dài để là một trang thật" for i in range(12))
    text = f"{filler}\n\n1. Mục một\n {filler}\n\n2. Mục hai\n {filler}"
    pages = split_txt_pages(text)
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[1].text.startswith(" dòng nội dung")
    # A leading-space line after a blank line (a table cell) is not a page join.
    assert [p.number for p in split_txt_pages(f"{filler}\n\n a cell\n{filler}")] == [0]
    # Nor is one too close to the previous break.
    assert [p.number for p in split_txt_pages("short\n next\n")] == [0]


def test_txt_lone_page_number_opens_page() -> None:
    filler = "\n\n".join(f"nội dung dòng {i} của văn bản hành chính dài" for i in range(20))
    pages = split_txt_pages(f"{filler}\n\n2\n\n{filler}")
    assert [p.number for p in pages] == [1, 2]
    assert pages[1].text.startswith("2")


def test_seed_pages_and_source_relative_to_root() -> None:
    loaded = load_file(DEFAULT_CORPUS_DIR / "001_5606de6d9e8f4abd.txt", root=DEFAULT_CORPUS_DIR.parent)
    assert loaded.source == "corpus/001_5606de6d9e8f4abd.txt"
    assert len(loaded.pages) == 7
    assert loaded.pages[1].text.lstrip().startswith("2.4. Tăng cường ứng dụng")
    assert len(load_file(DEFAULT_CORPUS_DIR / "004_692be0d4a05e0383.txt").pages) == 21
    assert [p.number for p in load_file(DEFAULT_CORPUS_DIR / "003_7aaba2caba63f323.txt").pages] == [0]


@needs_font
def test_pdf_with_header_footnote_and_page_number(tmp_path: Path) -> None:
    pages = [
        [
            "ỦY BAN NHÂN DÂN",
            "TỈNH QUẢNG NGÃI",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 58/KH-UBND",
            "Quảng Ngãi, ngày 10 tháng 10 năm 2025",
            "KẾ HOẠCH",
            "Triển khai chuyển đổi số năm 2026",
            "Căn cứ Quyết định số 12/QĐ-UBND ngày 01/02/2026 của UBND tỉnh về việc ban hành kế hoạch",
            "hướng tới chính quyền số1; phát triển kinh tế số.",
            "I. MỤC TIÊU",
            "1 Quyết định số 1702/QĐ-UBND ngày 31/12/2024.",
        ],
        [
            "2",
            "II. NHIỆM VỤ",
            "1. Xây dựng nền tảng tích hợp",
            "- Đơn vị thực hiện: Sở Khoa học và Công nghệ",
            "Nơi nhận:",
            "- Lưu: VT.",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            "Nguyễn Văn An",
        ],
    ]
    doc = parse_document(load_file(_write_pdf(tmp_path / "kh.pdf", pages)))
    meta = doc.meta
    assert (meta.doc_type, meta.number, meta.date) == ("Kế hoạch", "58/KH-UBND", "2025-10-10")
    assert (meta.signer_name, meta.signer_title) == ("Nguyễn Văn An", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")
    by_locator = {c.locator: c for c in doc.clauses}
    opening = by_locator["đoạn 1"]
    assert opening.footnotes == ["1 Quyết định số 1702/QĐ-UBND ngày 31/12/2024."]
    assert "chính quyền số; phát triển" in opening.text
    task = by_locator["II.1"]
    assert task.pages == [2] and task.fields["lead_unit"] == "Sở Khoa học và Công nghệ"
    assert not any(c.text == "2" for c in doc.clauses)  # the printed page number is gone


def test_form_feeds_separate_pages(tmp_path: Path) -> None:
    path = tmp_path / "pdftotext.txt"
    path.write_text("I. MỤC TIÊU\n1. Nội dung một.\f2\nII. NHIỆM VỤ\n1. Nội dung hai.\n\f", encoding="utf-8")
    loaded = load_file(path)
    assert [p.number for p in loaded.pages] == [1, 2]
    doc = parse_document(loaded)
    assert {c.locator: c.pages for c in doc.clauses} == {"I": [1], "I.1": [1], "II": [2], "II.1": [2]}
