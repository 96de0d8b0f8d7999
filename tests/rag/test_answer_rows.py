"""A table row is answered as the sentence that reads it with its column headers: from the table's
header row, else the parser's own reading printed after the row."""

from __future__ import annotations

from rag.answer.phrasing import row_sentence
from rag.records import Clause


def _clause(text: str, kind: str = "table", locator: str = "Phụ lục.17") -> Clause:
    return Clause(id="r", doc_id="d", source="d.txt", locator=locator, kind=kind, text=text, order=2)


def test_a_row_without_a_header_reads_with_the_parsers_reading() -> None:
    row = _clause("17 | HUẾ | 11.400\nHUẾ: Kinh phí hỗ trợ cho các địa phương: 11.400")
    assert row_sentence(row, []) == "HUẾ: Kinh phí hỗ trợ cho các địa phương: 11.400"


def test_a_row_printed_on_two_lines_still_reads_from_its_last() -> None:
    row = _clause(
        "3 | Thẩm định hồ sơ | Chỉ huy Công an cấp xã |\n01 ngày làm việc\nBước 3: Nội dung: Thẩm định"
    )
    assert row_sentence(row, []) == "Bước 3: Nội dung: Thẩm định"


def test_a_row_inside_another_kind_of_clause_reads_only_with_a_reading() -> None:
    item = _clause("9 | ĐIỆN BIÊN | 54.600\nĐIỆN BIÊN: Kinh phí: 54.600", kind="item", locator="Phụ lục.9")
    assert row_sentence(item, []) == "ĐIỆN BIÊN: Kinh phí: 54.600"
    assert row_sentence(_clause("7 | Dữ liệu công tác xuất bản | Nhà xuất bản", kind="item"), []) is None


def test_text_that_is_no_row_has_no_reading() -> None:
    assert row_sentence(_clause("1. Sở Tài chính chủ trì.\n2. Sở Nội vụ phối hợp.", kind="item"), []) is None
    assert row_sentence(_clause("7 | Dữ liệu công tác xuất bản | Nhà xuất bản"), []) == (
        "7; Dữ liệu công tác xuất bản; Nhà xuất bản."
    )  # no header and no reading: the cells
