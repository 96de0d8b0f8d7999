"""Ruled tables on page images (rag/ruled_tables.py): rules found, grids told from frames and
underlines, rules erased along their own length only, words put back in their cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import ocr
from rag.pdf_text import Word
from rag.ruled_tables import erase_grids, find_grids, find_rules, mend_row_numbers, table_lines
from tests.rag.pdf_builders import FONT

H, W = 1400, 1000  # a page region in pixels


def _page() -> np.ndarray:
    return np.full((H, W), 255, dtype=np.uint8)


def _hline(img: np.ndarray, y: int, x0: int, x1: int, skew: int = 0) -> None:
    for x in range(x0, x1):
        dy = skew * (x - x0) // max(1, x1 - x0)
        img[y + dy : y + dy + 3, x] = 0


def _vline(img: np.ndarray, x: int, y0: int, y1: int) -> None:
    img[y0:y1, x : x + 3] = 0


def _merged_table(skew: int = 0) -> np.ndarray:
    """TT | Khoa | Đối tượng: 4 rows, the third column one cell merged over the three body rows,
    and a block of 'text' (ink) across the merged cell at the height of a row rule."""
    img = _page()
    cols = [100, 200, 550, 900]
    rows = [200, 280, 360, 440, 520]
    for y in rows[:1] + rows[1:2] + rows[-1:]:
        _hline(img, y, cols[0], cols[-1], skew)
    for y in rows[2:-1]:  # inner row rules stop at the merged cell
        _hline(img, y, cols[0], cols[2], skew)
    for x in cols:
        _vline(img, x, rows[0], rows[-1] + 4)
    for x in range(600, 850, 10):  # text of the merged cell (letter strokes) at a row rule's height
        img[352:372, x : x + 6] = 30
    return img


def test_a_ruled_grid_with_a_merged_cell_is_found() -> None:
    horizontal, vertical = find_rules(_merged_table())
    grids = find_grids(horizontal, vertical)
    assert len(grids) == 1
    g = grids[0]
    assert len(g.cols) == 4 and len(g.rows) == 5
    # the merged column is crossed by the header rules and the bottom only
    assert len(g.crossing[2]) == 3 and len(g.crossing[0]) == 5
    # a word in the merged cell belongs to the first row the cell spans
    assert g.cell(700 / W, 450 / H) == (1, 2)
    assert g.cell(150 / W, 450 / H) == (3, 0)


def test_a_slightly_skewed_grid_is_still_a_grid() -> None:
    horizontal, vertical = find_rules(_merged_table(skew=6))
    assert len(find_grids(horizontal, vertical)) == 1


def test_a_lost_bottom_rule_is_closed_by_the_columns_ends() -> None:
    img = _merged_table()
    img[518:526, :] = 255  # the bottom rule too faint to be found
    horizontal, vertical = find_rules(img)
    (grid,) = find_grids(horizontal, vertical)
    assert len(grid.rows) == 5 and abs(grid.rows[-1] - 524 / H) < 0.01
    assert grid.cell(150 / W, 480 / H) == (3, 0)  # the last row's words stay in the table


def test_frames_and_underlines_are_not_tables() -> None:
    img = _page()
    _hline(img, 100, 100, 600)  # an underline below a title
    for y in (300, 500):  # a framed note: one box, two columns of rules
        _hline(img, y, 100, 900)
    _vline(img, 100, 300, 503)
    _vline(img, 900, 300, 503)
    horizontal, vertical = find_rules(img)
    assert len(horizontal) == 3 and len(vertical) == 2
    assert find_grids(horizontal, vertical) == []


def test_rules_are_erased_along_their_length_only() -> None:
    img = _merged_table()
    horizontal, vertical = find_rules(img)
    erased = erase_grids(img, find_grids(horizontal, vertical), horizontal, vertical)
    assert (erased[195:210, 100:900] > 200).all()  # the top rule is gone
    assert (erased[200:520, 545:560] > 200).all()  # a column rule is gone
    assert (erased[352:372, 600:850] == img[352:372, 600:850]).all()  # the merged cell's text stays


def _word(text: str, x: float, y: float, line: int) -> Word:
    return Word(text, x / W, y / H, (x + 40) / W, (y + 20) / H, line=line)


def test_words_go_back_to_their_cells_row_by_row() -> None:
    horizontal, vertical = find_rules(_merged_table())
    (grid,) = find_grids(horizontal, vertical)
    words = [
        _word("TT", 120, 230, 0),
        _word("Khoa", 220, 230, 0),
        _word("Đối", 600, 230, 0),
        _word("tượng", 650, 230, 0),
        _word("1", 120, 310, 1),
        _word("Cơ", 220, 310, 1),
        _word("khí", 270, 310, 1),
        _word("Sinh", 600, 390, 2),  # the merged cell's text, on the second row's line
        _word("viên", 650, 390, 2),
        _word("2", 120, 390, 2),
        _word("|", 300, 390, 2),  # a rule's remnant read as a glyph
        _word("Tin", 220, 390, 2),
        _word("học", 270, 390, 2),
        _word("3", 120, 470, 3),
        _word("Hóa", 220, 470, 3),
    ]
    assert table_lines(grid, words) == [
        "TT | Khoa | Đối tượng",
        "1 | Cơ khí | Sinh viên",
        "2 | Tin học",  # the merged cell's later rows add no empty cell
        "3 | Hóa",
    ]


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        (["STT", "", "2", ".", "4", "5", "6"], ["STT", "1", "2", "3", "4", "5", "6"]),
        (["TT", "", "3", "3", "4", "5"], ["TT", "1", "2", "3", "4", "5"]),
        (["TT", "7", "B", "9"], ["TT", "7", "8", "9"]),  # a table continued from the last page
        (["TT", "I", "II", "1", "2"], ["TT", "I", "II", "1", "2"]),  # roman groups: not a count
        (["TT", "1", "1.1", "1.2", "2"], ["TT", "1", "1.1", "1.2", "2"]),  # sub-rows
        (["TT", "4"], ["TT", "4"]),  # one number proves nothing
    ],
)
def test_row_numbers_are_mended_only_where_the_rows_count(read: list[str], mended: list[str]) -> None:
    assert mend_row_numbers(read) == mended


def test_bars_alone_are_not_words() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t",
        "5\t1\t1\t1\t1\t1\t100\t100\t80\t30\t96.0\tKhoa",
        "5\t1\t1\t1\t1\t2\t190\t100\t200\t30\t91.0\tThương",
        "5\t1\t1\t1\t1\t3\t400\t100\t10\t30\t40.0\t|",
    ]
    page = ocr.read_tsv(1, "\n".join([header, *rows]))
    assert page.text == "Khoa Thương\n" and [w.text for w in page.words] == ["Khoa", "Thương"]


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.skipif(not ocr.ocr_available() or not FONT.exists(), reason="tesseract or fonts missing")
def test_a_bordered_table_on_a_scan_is_read_as_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image, ImageDraw, ImageFont

    from rag.loaders import load_file
    from rag.parser import parse_document

    monkeypatch.setenv(ocr.ENV_CACHE, str(tmp_path / "cache"))
    img = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 44)
    draw.text((200, 300), "PHỤ LỤC 1", fill="black", font=font)
    draw.text((200, 380), "Danh sách các đơn vị được kiểm tra trực tiếp", fill="black", font=font)
    cols, top, step = [200, 420, 1500, 2200], 500, 110
    cells = [
        ("STT", "Đơn vị", "Thời gian"),
        ("1", "Sở Giáo dục và Đào tạo Lào Cai", "Tháng 4/2026"),
        ("2", "Sở Giáo dục và Đào tạo Nghệ An", "Tháng 6/2026"),
        ("3", "Sở Giáo dục và Đào tạo Cà Mau", "Tháng 8/2026"),
    ]
    for i, row in enumerate(cells):
        for x, text in zip(cols, row, strict=False):
            draw.text((x + 30, top + i * step + 30), text, fill="black", font=font)
    for i in range(len(cells) + 1):
        draw.line((cols[0], top + i * step, cols[-1], top + i * step), fill="black", width=4)
    for x in cols:
        draw.line((x, top, x, top + len(cells) * step), fill="black", width=4)
    pdf = tmp_path / "table.pdf"
    img.save(pdf, "PDF", resolution=300.0)
    doc = parse_document(load_file(pdf))
    rows = {c.locator: c.text for c in doc.clauses if c.kind == "table"}
    row = next(text for loc, text in rows.items() if loc.endswith(".3"))
    assert row.splitlines()[0] == "3 | Sở Giáo dục và Đào tạo Cà Mau | Tháng 8/2026"
