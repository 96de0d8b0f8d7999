"""Normalisation: re-joining, page numbers, running headers, stamps and footnotes."""

from __future__ import annotations

import unicodedata

import pytest

from rag.config import DEFAULT_CORPUS_DIR
from rag.loaders import load_file
from rag.normalize import Line, fold_keep, join_lines, normalize_pages, starts_block
from rag.records import Page

WIDE = "x" * 70  # a full-width line for the join heuristics


def texts(lines: list[Line]) -> list[str]:
    return [ln.text for ln in lines]


def test_fold_keep_preserves_positions() -> None:
    text = "Đơn vị thực hiện: Sở Khoa học\tvà  Công nghệ"
    folded = fold_keep(text)
    assert len(folded) == len(text)
    assert folded == "don vi thuc hien: so khoa hoc\tva  cong nghe"
    start = folded.index("so khoa hoc")
    assert text[start : start + 11] == "Sở Khoa học"


def test_nfc_and_invisible_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "Kế hoạch\u00a0số\u200b 58")
    norm = normalize_pages([Page(number=0, text=decomposed)])
    assert texts(norm.lines) == ["Kế hoạch số 58"]


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        (
            f"{WIDE} Nghị quyết số 57-",
            "NQ/TW ngày 22/12/2024",
            f"{WIDE} Nghị quyết số 57-NQ/TW ngày 22/12/2024",
        ),
        (f"{WIDE} phát triển kinh tế -", "xã hội", f"{WIDE} phát triển kinh tế - xã hội"),
        (f"{WIDE} của Ủy ban nhân", "dân tỉnh", f"{WIDE} của Ủy ban nhân dân tỉnh"),
        (f"{WIDE} trên địa bàn tỉnh", "Quảng Ngãi.", f"{WIDE} trên địa bàn tỉnh Quảng Ngãi."),
    ],
)
def test_broken_lines_rejoin(first: str, second: str, joined: str) -> None:
    lines = [Line(first), Line(second)] + [Line(f"- {WIDE}")] * 5
    assert join_lines(lines)[0].text == joined


def test_markers_short_lines_and_sentence_ends_break() -> None:
    lines = [
        Line(f"{WIDE} các phương tiện khác"),
        Line("a) Xây dựng chuyên mục"),  # a marker opens a block
        Line("3. Sở Giáo dục và Đào tạo"),  # short heading line ...
        Line("Phối hợp Sở Khoa học và Công nghệ và các đơn vị, địa phương có liên quan"),  # ... then its text
        Line(f"{WIDE} chuyển đổi số."),
        Line("Trong quá trình tổ chức thực hiện, các sở chủ động đề xuất để tổng hợp"),
        Line("- Đơn vị thực hiện: Sở Ngoại vụ"),
    ] + [Line(f"- {WIDE}")] * 4
    out = texts(join_lines(lines))
    assert out[:6] == [
        f"{WIDE} các phương tiện khác",
        "a) Xây dựng chuyên mục",
        "3. Sở Giáo dục và Đào tạo",
        f"Phối hợp Sở Khoa học và Công nghệ và các đơn vị, địa phương có liên quan {WIDE} chuyển đổi số.",
        "Trong quá trình tổ chức thực hiện, các sở chủ động đề xuất để tổng hợp",
        "- Đơn vị thực hiện: Sở Ngoại vụ",
    ]


def test_join_merges_pages_and_footnote_refs() -> None:
    lines = [Line(f"{WIDE} hướng tới", [1], [1]), Line("chính quyền số", [2], [2])] + [
        Line(f"- {WIDE}", [2])
    ] * 4
    first = join_lines(lines)[0]
    assert first.pages == [1, 2] and first.footnotes == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "II. MOT SO NHIEM VU, HOAT PONG CU THE",
        "Noi nhan:",
        "Kinh gtri:",
        "Phu luc",
        "Phụ lục 2",
        "Điều 32. Quyền",
        "1.2. Tuyên truyền",
        "5.3.Công tác sáng kiến:",
        "¢) Tuyén truyén",
        "- Đơn vị thực hiện: Sở Tài chính",
        "Đơn vị chủ trì: Sở Nội vụ",
        "+ Nông thôn mới",
        "KT. GIÁM ĐỐC",
    ],
)
def test_block_starts(text: str) -> None:
    assert starts_block(text)


@pytest.mark.parametrize(
    "text",
    [
        "22/12/2024 của Bộ Chính trị",
        "3.0, hướng tới",
        "Phụ lục kèm theo văn bản này",
        "Mục tiêu chung",
        "2030”",
    ],
)
def test_running_text_is_not_a_block_start(text: str) -> None:
    assert not starts_block(text)


def test_page_numbers_dropped_table_values_kept() -> None:
    pages = [
        Page(1, "Nội dung trang một\n\n22\n"),
        Page(2, "2\n\nNội dung trang hai\n\n2\n"),  # the top "2" is the page number, not the last
        Page(3, "3\n\nSố xã\n\n173\n"),
    ]
    norm = normalize_pages(pages)
    assert texts(norm.lines) == ["Nội dung trang một", "22", "Nội dung trang hai", "Số xã", "173"]
    assert norm.removed["page_numbers"] == 3


def test_running_table_header_kept_once() -> None:
    header = "STT\n\nKẾT QUẢ THỰC HIỆN\n\nCổng TTĐT\n\n"
    pages = [
        Page(1, f"Phụ lục\n\n{header}01 Bản tin số 4\n"),
        Page(2, f"{header}02 Chuyên mục\n"),
        Page(3, f"{header}đang thực hiện\n"),
    ]
    norm = normalize_pages(pages)
    assert texts(norm.lines).count("STT") == 1
    assert texts(norm.lines)[-2:] == ["02 Chuyên mục", "đang thực hiện"]
    assert norm.removed["running_lines"] == 6


def test_draft_stamp_removed() -> None:
    norm = normalize_pages([Page(0, "tìm hiểu thông tin về đổi mới sáng tạo và\nDự thảo\nchuyển đổi số.")])
    assert norm.stamps == ["Dự thảo"]
    assert texts(norm.lines) == ["tìm hiểu thông tin về đổi mới sáng tạo và", "chuyển đổi số."]


def test_footnotes_split_and_markers_unglued() -> None:
    page1 = (
        "phiên bản 3.0, hướng tới Chính quyền số1; Đề án Chuyển đổi số tỉnh Quảng\n\n"
        "Ngãi năm 20252; về truyền thông, tuyên truyền về Chuyển đổi số; phê duyệt Kết\n\n"
        "quả xếp hạng; Quyết định ban hành Kế hoạch hành\n\n"
        + " "
        * 43
        + "\n\n1 Quyết định số 1702/QĐ-UBND ngày 31/12/2024.\n\n"
        "2 Triển khai Chỉ thị số 34/CT-TTg ngày 16/9/2024 của TTg về việc xây dựng đề án chuyển đổi số của các bộ,\n\n"
        "ngành, địa phương.\n"
    )
    page2 = " động Ban hành Kế hoạch hành động thực hiện Nghị quyết số 71/NQ-CP ngày\n\n01/4/2025 của Chính phủ.\n"
    norm = normalize_pages([Page(1, page1), Page(2, page2)])
    assert sorted(norm.footnotes) == [1, 2]
    assert norm.footnotes[1].text == "1 Quyết định số 1702/QĐ-UBND ngày 31/12/2024."
    assert norm.footnotes[2].text.endswith("của các bộ, ngành, địa phương.")
    assert norm.footnotes[1].page == 1
    lines = norm.lines
    assert lines[0].text == "phiên bản 3.0, hướng tới Chính quyền số; Đề án Chuyển đổi số tỉnh Quảng"
    assert lines[0].footnotes == [1]
    assert lines[1].text.startswith("Ngãi năm 2025; về truyền thông")
    assert lines[1].footnotes == [2]
    # The sentence interrupted by the footnote block continues on the next page.
    assert [ln.text for ln in lines[2:4]] == [
        "quả xếp hạng; Quyết định ban hành Kế hoạch hành",
        "động Ban hành Kế hoạch hành động thực hiện Nghị quyết số 71/NQ-CP ngày",
    ]
    assert lines[3].pages == [2]


def test_markdown_footnotes_are_exact_at_any_distance() -> None:
    body = "\n\n".join(f"Đoạn {n} của văn bản." for n in range(300))
    text = (
        "Thực hiện Quyết định số 1702/QĐ-UBND[^1] và Chỉ thị 34/CT-TTg[^2];\n\n"
        + body
        + "\n\nTham chiếu lạ [^9] giữ nguyên.\n\n[^1]: Quyết định ngày 31/12/2024.\n\n[^2]: Chỉ thị ngày 16/9/2024."
    )
    norm = normalize_pages([Page(0, text)])
    assert {n: f.text for n, f in norm.footnotes.items()} == {
        1: "1 Quyết định ngày 31/12/2024.",
        2: "2 Chỉ thị ngày 16/9/2024.",
    }
    first = norm.lines[0]
    assert first.text == "Thực hiện Quyết định số 1702/QĐ-UBND và Chỉ thị 34/CT-TTg;"
    assert first.footnotes == [1, 2]
    assert norm.lines[-1].text == "Tham chiếu lạ [^9] giữ nguyên."  # no such footnote: text kept


def test_bracketed_notes_below_the_signature_are_footnotes() -> None:
    text = (
        "Các đơn vị quán triệt Chương trình và các văn bản có liên quan[1]; báo cáo kết quả[2].\n"
        "Danh mục [3] các chợ giữ nguyên.\n"
        "CHỦ TỊCH\nNguyễn Văn A\n"
        "[1] Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội.\n"
        "[2] Công văn số 12/UBND-KT ngày 02/01/2025.\n"
        "[3] không phải chú thích: không có chỗ nào dẫn tới."
    )
    norm = normalize_pages([Page(0, text)])
    assert {n: f.text for n, f in norm.footnotes.items()} == {
        1: "[1] Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội.",
        2: "[2] Công văn số 12/UBND-KT ngày 02/01/2025.",
    }
    # The printed marks stay where the reader sees them (quoted text matches the page).
    assert (
        norm.lines[0].text
        == "Các đơn vị quán triệt Chương trình và các văn bản có liên quan[1]; báo cáo kết quả[2]."
    )
    assert norm.lines[0].footnotes == [1, 2]
    assert "Danh mục [3] các chợ giữ nguyên." in texts(norm.lines)  # a spaced "[3]" is no marker
    assert "[3] không phải chú thích: không có chỗ nào dẫn tới." in texts(norm.lines)


def test_number_line_without_glued_marker_is_not_a_footnote() -> None:
    norm = normalize_pages([Page(0, "Tổng số đề tài\n1 Đề tài cấp tỉnh\n")])
    assert norm.footnotes == {}
    assert texts(norm.lines) == ["Tổng số đề tài", "1 Đề tài cấp tỉnh"]


def test_table_rows_are_not_footnotes() -> None:
    # "2" glued to a word above looks like a footnote marker; a row of cells is never the note
    page = Page(1, "Kế hoạch khảo sát năm 20262 của Trường\nTT | Khoa\n1 | Cơ khí\n2 | Thông tin\n")
    norm = normalize_pages([page])
    assert norm.footnotes == {}
    assert texts(norm.lines)[-2:] == ["1 | Cơ khí", "2 | Thông tin"]


def test_single_spaced_text_keeps_paragraph_gaps() -> None:
    norm = normalize_pages([Page(0, "Dòng một\nDòng hai\n\nĐoạn mới\nTiếp theo\nCuối")])
    assert [ln.gap_before for ln in norm.lines] == [False, False, True, False, False]


def test_seed_report_footnotes() -> None:
    norm = normalize_pages(load_file(DEFAULT_CORPUS_DIR / "004_692be0d4a05e0383.txt").pages)
    assert sorted(norm.footnotes) == list(range(1, 19))
    assert norm.footnotes[11].text == "11 Công ty Cổ phần Phân hữu cơ Humic Quảng Ngãi"
    body = "\n".join(texts(norm.lines))
    assert "Sở Y tế," in body and "Sở Y tế7" not in body
    assert "năm 2025." in body and "202512" not in body
    assert norm.removed["page_numbers"] == 2


@pytest.mark.parametrize("marker", ["2", "- 2 -", "Trang 2", "Trang 2/5"])
def test_page_number_formats(marker: str) -> None:
    norm = normalize_pages([Page(1, "Trang một"), Page(2, f"{marker}\n\nNội dung\n\n2/12\n")])
    assert texts(norm.lines) == ["Trang một", "Nội dung", "2/12"]


@pytest.mark.parametrize(
    ("line", "stamp"), [("(Dự thảo)", True), ("DỰ THẢO LẦN 2", True), ("Dự thảo Kế hoạch", False)]
)
def test_stamp_forms(line: str, stamp: bool) -> None:
    norm = normalize_pages([Page(0, f"Nội dung\n{line}\nTiếp")])
    assert bool(norm.stamps) is stamp
    assert (line in texts(norm.lines)) is not stamp
