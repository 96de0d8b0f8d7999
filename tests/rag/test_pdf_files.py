"""Real-file defects on PDFs the tests build: widget text, stamps above the header, broken and
garbled text layers; the layer quality test, the OCR reading, its cache and the page view."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from rag import ocr
from rag.loaders import load_file
from rag.parser import parse_document
from rag.pdf_text import Word
from rag.textlayer import is_syllable, layer_quality, repair_layer
from tests.rag.pdf_builders import (
    FONT,
    broken_font_map_pdf,
    esigned_pdf,
    garbled_layer_pdf,
    stamped_scan_pdf,
)

needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed")


def needs_ocr(test):  # noqa: ANN001, ANN201 - a test function
    """Runs Tesseract: marked ocr and slow, skipped where it is not installed."""
    for mark in (
        pytest.mark.ocr,
        pytest.mark.slow,
        pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract with Vietnamese data not installed"),
    ):
        test = mark(test)
    return test


@pytest.fixture(autouse=True)
def _own_ocr_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "ocr-cache"
    monkeypatch.setenv(ocr.ENV_CACHE, str(cache))
    return cache


# --- the quality test (pure) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "ok"),
    [
        ("Nghĩa", True),
        ("HÒA", True),
        ("được", True),
        ("khuỷu", True),
        ("gì", True),
        ("NGHiA", False),  # one case per syllable
        ("CØNG", False),
        ("CQNG", False),
        ("Qði", False),
        ("hoàả", False),  # two tone marks
    ],
)
def test_syllables(word: str, ok: bool) -> None:
    assert is_syllable(word) is ok


PROSE = (
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai thực hiện chuyển đổi số năm 2026 "
    "trên địa bàn tỉnh với các nhiệm vụ trọng tâm và giải pháp cụ thể như sau."
)


def test_good_layer_is_trusted_and_garbled_ones_are_not() -> None:
    assert layer_quality(PROSE).acceptable()
    no_marks = (
        "CQNG ROA xA HOI CHU NGHiA VItT NAM Doc lap Tu do Hanh phuc " * 3 + "nam 2825 thang ngay quyet dinh"
    )
    assert not layer_quality(no_marks).acceptable()
    one_glyph_lines = "\n".join("Lu\nậ\nt\n số 47/2024/QH15, L\nuật" for _ in range(8))
    assert not layer_quality(one_glyph_lines).acceptable()
    assert layer_quality(PROSE).score > layer_quality(no_marks).score


def test_font_map_repair_is_kept_only_when_it_helps() -> None:
    broken = PROSE.replace("Đ", "ð").replace("đ", "ñ") + " QUYẾT ðỊNH về lĩnh vực ñất ñai ñược ban hành."
    fixed, name = repair_layer(broken)
    assert name and "QUYẾT ĐỊNH" in fixed and "đất đai được" in fixed
    # A text whose "ñ" is a real letter (a Spanish name) is left alone.
    assert repair_layer(PROSE + " Señor Muñoz") == (PROSE + " Señor Muñoz", "")


# --- e-signed, broken font map (text layers) ------------------------------------------------


@needs_font
def test_esigned_pdf_keeps_the_number_and_day_its_widgets_draw(tmp_path: Path) -> None:
    pdf = esigned_pdf(tmp_path / "signed.pdf")
    loaded = load_file(pdf, ocr=False)
    assert "Số: 58 /KH-UBND" in loaded.pages[0].text
    assert "ngày 14 tháng 4 năm 2026" in loaded.pages[0].text
    meta = parse_document(loaded).meta
    assert (meta.doc_type, meta.number, meta.date) == ("Kế hoạch", "58/KH-UBND", "2026-04-14")
    assert meta.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert (meta.signer_name, meta.signer_title) == ("Trần Phước Hiền", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")


@needs_font
def test_broken_font_map_is_repaired_not_trusted(tmp_path: Path) -> None:
    pdf = broken_font_map_pdf(tmp_path / "broken.pdf")
    loaded = load_file(pdf, ocr=False)
    assert "ð" not in loaded.pages[0].text and "ñ" not in loaded.pages[0].text
    assert any("đã sửa lỗi bảng mã phông chữ" in w for w in loaded.warnings), loaded.warnings
    doc = parse_document(loaded)
    assert (doc.meta.doc_type, doc.meta.number) == ("Quyết định", "1351/QĐ-UBND")
    assert any("lĩnh vực đất đai" in c.text for c in doc.clauses)


# --- scans (OCR) ----------------------------------------------------------------------------


@needs_font
@needs_ocr
def test_scan_with_a_stamp_above_its_header(tmp_path: Path) -> None:
    pdf = stamped_scan_pdf(tmp_path / "stamped.pdf")
    loaded = load_file(pdf)
    assert loaded.pages[0].ocr
    doc = parse_document(loaded)
    meta = doc.meta
    assert (meta.doc_type, meta.number, meta.date) == ("Kế hoạch", "4552/BCA-C04", "2025-10-09")
    assert meta.issuer == "Bộ Công an"
    assert meta.signer_name == "Nguyễn Văn Long"  # after the rank "Thượng tướng"
    assert meta.signer_title == "KT. BỘ TRƯỞNG / THỨ TRƯỞNG"
    header = next(c for c in doc.clauses if c.kind == "header")
    # The blue receipt stamp is read (kept in the header clause), not taken for the issuer; the
    # red copy stamp is not read at all (OCR reads the red channel).
    assert "Cơ quan phát hành" in header.text and "Phát hành" not in meta.issuer
    assert "SAO Y" not in header.text


@needs_font
@needs_ocr
def test_a_sheet_scanned_sideways_and_skewed_is_read(tmp_path: Path) -> None:
    pdf = stamped_scan_pdf(tmp_path / "turned.pdf", turned=93)
    meta = parse_document(load_file(pdf)).meta
    assert (meta.doc_type, meta.number, meta.date) == ("Kế hoạch", "4552/BCA-C04", "2025-10-09")


@needs_font
@needs_ocr
def test_garbled_layer_is_replaced_by_ocr_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _own_ocr_cache: Path
) -> None:
    pdf = garbled_layer_pdf(tmp_path / "garbled.pdf")
    loaded = load_file(pdf)
    assert loaded.pages[0].ocr
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in loaded.pages[0].text
    assert parse_document(loaded).meta.number == "4552/BCA-C04"
    assert any(_own_ocr_cache.rglob("*.json"))

    # A re-ingest reads the cache: no page is OCR'd again, even from a copy under another name.
    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr, "ocr_pdf_page", no_ocr)
    copy = tmp_path / "copy.pdf"
    shutil.copy(pdf, copy)
    again = load_file(copy)
    assert again.pages[0].text == loaded.pages[0].text


@needs_font
def test_ocr_progress_and_parallel_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are OCR'd by a pool and reported one by one (Tesseract replaced by a stub)."""
    from PIL import Image

    pdf = tmp_path / "three.pdf"
    pages = [Image.new("RGB", (800, 1100), "white") for _ in range(3)]
    pages[0].save(pdf, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])
    seen: list[tuple[int, int, int]] = []

    def fake(path: Path, number: int, *, dpi: int, lang: str, timeout: float) -> ocr.OcrPage:
        return ocr.OcrPage(number, f"Trang số {number} của văn bản được đọc bằng nhận dạng ký tự.\n", dpi=dpi)

    monkeypatch.setattr(ocr, "ocr_pdf_page", fake)
    monkeypatch.setattr(ocr, "ocr_available", lambda lang="vie": True)
    from rag import loaders

    monkeypatch.setattr(loaders, "ocr_available", lambda lang="vie": True)
    loaded = load_file(pdf, progress=lambda done, total, page: seen.append((done, total, page)))
    assert [p.ocr for p in loaded.pages] == [True, True, True]
    assert [p.text.split()[2] for p in loaded.pages] == ["1", "2", "3"]
    assert [s[0] for s in seen] == [1, 2, 3] and {s[1] for s in seen} == {3}
    assert sorted(s[2] for s in seen) == [1, 2, 3]
    assert ocr.choose_dpi(100) == ocr.DEFAULT_DPI  # a coarse scan is read upsampled
    assert ocr.choose_dpi(400) == 400 and ocr.choose_dpi(600) == ocr.MAX_DPI


def test_tsv_reading_marks_doubtful_digits() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t",
        "5\t1\t1\t1\t1\t1\t100\t100\t80\t30\t96.0\tSố:",
        "5\t1\t1\t1\t1\t2\t190\t100\t200\t30\t41.5\t7S3/KH-DCT",
        "5\t1\t2\t1\t1\t1\t600\t100\t120\t30\t93.0\tNgày",
        "5\t1\t2\t1\t1\t2\t730\t100\t40\t30\t95.0\t23",
    ]
    page = ocr.read_tsv(1, "\n".join([header, *rows]))
    assert page.text == "Số: 7S3/KH-DCT\n\nNgày 23\n"  # blocks (columns) kept apart
    assert page.uncertain == ["7S3/KH-DCT"]
    assert page.words[1] == Word("7S3/KH-DCT", 0.19, 0.05, 0.39, 0.065, line=0, conf=41.5)


# --- page view ------------------------------------------------------------------------------


def test_highlight_follows_the_clause_not_its_neighbours() -> None:
    from rag.page_view import highlight_words

    printed = (
        "Căn cứ kết quả thăng hạng chức danh nghề nghiệp năm 2025 . "
        "Tổng số viên chức đủ tiêu chuẩn thăng hạng chức danh nghề nghiệp năm 2025 là 1.362 người . "
        "Tổng số viên chức không đủ tiêu chuẩn là 27 người ."
    ).split()
    words = [Word(t, i / 100, 0.1, (i + 1) / 100, 0.12, line=i // 12) for i, t in enumerate(printed)]
    clause = "Tổng số viên chức đủ tiêu chuẩn thăng hạng chức danh nghề nghiệp năm 2025 là 1.362 người."
    lit = " ".join(w.text for w in highlight_words(words, clause))
    assert lit == "Tổng số viên chức đủ tiêu chuẩn thăng hạng chức danh nghề nghiệp năm 2025 là 1.362 người"


@needs_font
def test_page_view_draws_the_highlight(tmp_path: Path) -> None:
    from PIL import Image

    from rag.page_view import page_view

    pdf = esigned_pdf(tmp_path / "signed.pdf")
    png, lit = page_view(
        pdf, 1, "1. Hoàn thành cơ sở dữ liệu đất đai trước ngày 30/9/2026.", ocr=False, dpi=72
    )
    assert lit >= 8
    import io

    def yellow(data: bytes) -> int:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        assert abs(image.size[0] - 595) <= 1 and abs(image.size[1] - 842) <= 1  # A4 at 72 dpi
        return sum(1 for r, g, b in image.getdata() if r > 230 and g > 200 and b < 200)

    plain, none = page_view(pdf, 1, "", ocr=False, dpi=72)
    assert none == 0 and yellow(plain) == 0
    assert yellow(png) > 1000  # the marker is on the page


def test_blank_back_sides_are_not_ocr_d() -> None:
    from PIL import Image, ImageDraw

    blank = Image.new("L", (850, 1100), 255)
    ImageDraw.Draw(blank).rectangle((0, 1040, 850, 1100), fill=0)  # the scanner's dark edge
    page = blank.copy()
    draw = ImageDraw.Draw(page)
    for y in range(150, 900, 40):
        draw.rectangle((120, y, 700, y + 12), fill=0)  # lines of print
    assert ocr.is_blank(blank)
    assert not ocr.is_blank(page)


def test_isolated_reader_passes_ocr_progress_on() -> None:
    from rag.isolate import PROGRESS_PREFIX, _pump_stderr

    stream = io.BytesIO(
        f"{PROGRESS_PREFIX} 1 3 2\nsome warning\n{PROGRESS_PREFIX} 2 3 1\n{PROGRESS_PREFIX} bad\n".encode()
    )
    seen: list[tuple[int, int, int]] = []
    kept: list[str] = []
    _pump_stderr(stream, lambda *step: seen.append(step), kept)
    assert seen == [(1, 3, 2), (2, 3, 1)]
    assert kept == ["some warning\n"]


def test_ocr_paragraph_breaks_inside_a_sentence_are_joined() -> None:
    text = "gửi Báo\n\ncáo bằng văn bản\n\n2. Hình thức\n\nĐộc lập, và\n\ntự do"
    assert (
        ocr.join_broken_paragraphs(text) == "gửi Báo\ncáo bằng văn bản\n\n2. Hình thức\n\nĐộc lập, và\ntự do"
    )


@needs_font
def test_an_untrusted_layer_without_ocr_is_said_in_vietnamese(tmp_path: Path) -> None:
    """The page's warning names why its layer was not trusted, with the measures, for a person."""
    loaded = load_file(garbled_layer_pdf(tmp_path / "garbled.pdf"), ocr=False)
    assert not loaded.pages[0].ocr
    assert len(loaded.warnings) == 1, loaded.warnings
    warning = loaded.warnings[0]
    assert warning.startswith("trang 1: lớp chữ không đáng tin (") and "âm tiết viết đúng" in warning
    assert warning.endswith("và nhận dạng chữ (OCR) đang tắt"), warning
    assert "%" in warning and "text layer" not in warning
