"""One grammar per value type (rag.values): dates, periods, hours, durations, numbers with units."""

from __future__ import annotations

import pytest

from rag.deadlines import deadline_in_text, parse_deadline
from rag.text import fold
from rag.values import (
    DOCUMENT_NUMBER,
    PRINTED_DOCUMENT_NUMBER,
    TYPED_DOCUMENT_NUMBER,
    Day,
    Duration,
    canonical_number,
    dates_in,
    durations,
    full_dates,
    hours_in,
    mentions_date,
    mentions_time,
    number_value,
    numbers,
    quantities,
    question_numbers,
    ranges,
)


@pytest.mark.parametrize(
    "text",
    [
        "Báo cáo gửi trước ngày 05/3/2026.",
        "Báo cáo gửi trước ngày 5-3-2026.",
        "Báo cáo gửi trước ngày 05 tháng 3 năm 2026.",
        "Hà Nội, 5 tháng 03 năm 2026",
        "Hà Nội, ngày 05 tháng 3, năm 2026",
    ],
)
def test_a_full_date_reads_alike_however_it_is_written(text: str) -> None:
    assert full_dates(fold(text)) == [Day(5, 3, 2026)]
    assert dates_in(fold(text)) == {(5, 3, 2026)}


@pytest.mark.parametrize(
    "text",
    ["ngày 20/12", "ngày 30 tháng 11", "ngày 15 hằng tháng", "tháng 11/2025", "quý II/2025", "Quí IV"],
)
def test_dates_and_dated_periods_are_mentions_of_a_date(text: str) -> None:
    assert mentions_date(fold(text))


def test_no_date_is_seen_in_plain_counts() -> None:
    assert not mentions_date(fold("Tuyển mới 12 giáo viên, 3 nhân viên"))
    assert full_dates(fold("Kế hoạch 12/KH-UBND")) == []


def test_a_quarter_and_a_month_are_ranges_of_days() -> None:
    assert parse_deadline("Quý II/2025") is not None
    assert (parse_deadline("quý II/2025").start, parse_deadline("quý II/2025").end) == (
        "2025-04-01",
        "2025-06-30",
    )
    month = parse_deadline("trong tháng 2 năm 2028")
    assert month is not None and (month.start, month.end) == ("2028-02-01", "2028-02-29")


def test_an_hour_before_a_day_keeps_the_day() -> None:
    text = "Các xã gửi số liệu về Sở trước 17 giờ ngày 08/4/2026 để tổng hợp."
    assert hours_in(fold(text)) == [(17, 0)]
    found = deadline_in_text(text)
    assert found is not None
    assert found[0] == "trước 17 giờ ngày 08/4/2026"
    assert found[1].end == "2026-04-08"
    assert hours_in(fold("từ 18h00 tối thứ Bảy đến 03h30 sáng")) == [(18, 0), (3, 30)]
    assert hours_in(fold("diện tích 17 ha")) == []


def test_a_duration_keeps_what_it_runs_from() -> None:
    text = "Trong thời hạn 30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ, Sở Xây dựng trả lời."
    assert durations(fold(text)) == [Duration(30, "ngay", "ngay nhan du ho so hop le")]
    assert durations(fold("giải quyết trong 05 ngày làm việc")) == [Duration(5, "ngay lam viec")]
    assert parse_deadline(text) is None  # a length of time, no date


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1.234,5", 1234.5),
        ("650.000", 650000.0),
        ("8,4", 8.4),
        ("03", 3.0),
        ("2.615", 2615.0),
        ("1,2,3", None),
    ],
)
def test_numbers_read_as_documents_print_them(written: str, value: float | None) -> None:
    assert number_value(written) == value


def test_quantities_keep_their_units() -> None:
    found = quantities(fold("Kinh phí 1.234,5 tỷ đồng; giảm 15% số hồ sơ; bố trí 03 người trực."))
    assert [(q.value, q.unit) for q in found] == [(1234.5, "ty dong"), (15.0, "%"), (3.0, "nguoi")]


def test_quantities_leave_out_dates_years_and_document_numbers() -> None:
    folded = fold("Theo Kế hoạch 58/KH-UBND ngày 05/3/2026, năm 2026 hỗ trợ 120 triệu đồng")
    assert [(q.value, q.unit) for q in quantities(folded)] == [(120.0, "trieu dong")]
    assert numbers(folded) == ["120"]


def test_periods_are_quantities_only_when_asked() -> None:
    folded = fold("Hoàn thành trong 6 tháng với 40 cán bộ")
    assert numbers(folded) == ["40"]
    assert numbers(folded, periods=True) == ["6", "40"]
    assert question_numbers(fold("khoản 2 Điều 20 có bao nhiêu 15 người")) == ["15"]


def test_ranges_of_numbers() -> None:
    assert ranges(fold("xếp loại khá khi đạt được từ 20 đến 30 điểm")) == [(20.0, 30.0)]
    assert ranges(fold("tổng điểm 70 - 84,5")) == [(70.0, 84.5)]
    assert ranges(fold("ngày 16-22/11/2025")) == []  # a span of days is a date


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("05", "5"),
        ("10.000.000", "10000000"),
        ("0,70", "0.7"),
        ("1.234,5", "1234.5"),
        ("8,4", "8.4"),
        ("1,2,3", "1,2,3"),
    ],
)
def test_one_spelling_of_a_number_to_compare_texts(written: str, canonical: str) -> None:
    assert canonical_number(written) == canonical


def test_a_number_labelling_a_word_and_a_row_opening_with_one() -> None:
    from rag.values import number_labels, row_label

    assert ("buoc", "3") in number_labels(fold("Bước thẩm định hồ sơ (bước 03) do ai làm?"))
    assert ("nhom", "2") in number_labels(fold("Nhóm 2 được hỗ trợ bao nhiêu?"))
    assert not any(n == "2026" for _, n in number_labels(fold("năm 2026")))
    assert row_label(fold("Bước 4 | Ký giấy phép | Chủ tịch | 01 ngày làm việc")) == ("buoc", "4")
    assert row_label(fold("Giai đoạn 2 | 2026 - 2030")) == ("doan", "2")
    assert row_label(fold("01 | 3.000527.H61 | Đăng ký")) is None  # a serial number, no label
    assert row_label(fold("Sở Tài chính | chủ trì")) is None


def test_a_bare_year_of_the_documents_own_says_no_when() -> None:
    # "Hội chợ … năm 2025" in a report of 2025 names what it is about, not when something is due.
    about = fold("Tổ chức Hội chợ hàng Việt năm 2025 và gửi thư mời đến 80 doanh nghiệp.")
    assert mentions_time(about) and not mentions_time(about, own_years={"2025"})
    # Another year, a month, a period, a day or a relative time still says when.
    assert mentions_time(fold("Hoàn thành trong năm 2026."), own_years={"2025"})
    assert mentions_time(fold("Báo cáo trong tháng 12 năm 2025."), own_years={"2025"})
    assert mentions_time(fold("Thực hiện trong giai đoạn 2025-2030."), own_years={"2025"})
    assert mentions_time(fold("Gửi báo cáo trước ngày 20/9/2025."), own_years={"2025"})
    assert mentions_time(fold("Báo cáo định kỳ hằng quý năm 2025."), own_years={"2025"})


@pytest.mark.parametrize(
    "number", ["58/KH-UBND", "14/2022/TT-BTTTT", "57-NQ/TW", "819 /SKHCN-BCVT&CĐS", "80/2025/QH15"]
)
def test_one_grammar_reads_a_document_number_whole(number: str) -> None:
    text = f"Thực hiện văn bản số {number} ngày 05/3/2025, cấp 120 suất học bổng."
    assert PRINTED_DOCUMENT_NUMBER.search(text).group(0) == number  # type: ignore[union-attr]
    assert TYPED_DOCUMENT_NUMBER.search(text.lower()).group(0) == number.lower()  # type: ignore[union-attr]
    assert DOCUMENT_NUMBER.search(fold(text)).group(0) == fold(number)  # type: ignore[union-attr]
    # None of its digits is a quantity (not even the "15" of "QH15"), nor a time.
    assert numbers(fold(text)) == ["120"]
    assert not mentions_time(DOCUMENT_NUMBER.sub(" ", fold(f"Theo văn bản số {number}.")))


def test_a_rate_per_unit_of_time_is_no_printed_document_number() -> None:
    assert PRINTED_DOCUMENT_NUMBER.search("Kiểm tra 01 lần/năm, 2 lượt/tháng") is None
