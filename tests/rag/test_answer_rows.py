"""A table row is answered as the sentence that reads it with its column headers."""

from __future__ import annotations

from rag.answer.text import row_reading


def test_a_row_reads_with_its_headers() -> None:
    row = "17 | HUẾ | 11.400\nHUẾ: Kinh phí hỗ trợ cho các địa phương: 11.400"
    assert row_reading(row) == "HUẾ: Kinh phí hỗ trợ cho các địa phương: 11.400"


def test_a_row_printed_on_two_lines_still_reads_from_its_last() -> None:
    row = "3 | Thẩm định hồ sơ | Chỉ huy Công an cấp xã |\n01 ngày làm việc\nBước 3: Nội dung: Thẩm định"
    assert row_reading(row) == "Bước 3: Nội dung: Thẩm định"


def test_text_that_is_no_row_has_no_reading() -> None:
    assert row_reading("1. Sở Tài chính chủ trì.\n2. Sở Nội vụ phối hợp.") is None
    assert row_reading("7 | Dữ liệu công tác xuất bản | Nhà xuất bản") is None  # no reading line
    assert row_reading("3 | Thẩm định | Công an |\n01 ngày làm việc") is None  # a row printed on two lines
