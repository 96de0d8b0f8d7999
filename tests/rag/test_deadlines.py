"""Deadline text -> date ranges; recurring deadlines kept as such; questions' periods."""

from __future__ import annotations

import pytest

from rag.deadlines import DateRange, deadline_in_text, parse_deadline, period_of


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Quý IV/2025", "2025-10-01", "2025-12-31"),
        ("Quí IV-2025", "2025-10-01", "2025-12-31"),
        ("quý IV năm 2025", "2025-10-01", "2025-12-31"),
        ("Quý III Năm 2026", "2026-07-01", "2026-09-30"),
        ("tháng 12/2025", "2025-12-01", "2025-12-31"),
        ("trước ngày 15/12/2025", None, "2025-12-15"),
        ("Trước 31/12/2025", None, "2025-12-31"),
        ("ngày 15 tháng 12 năm 2025", "2025-12-15", "2025-12-15"),
        ("năm 2026", "2026-01-01", "2026-12-31"),
        ("2026-2030", "2026-01-01", "2030-12-31"),
        ("Quý IV/2025- Quý II/2026", "2025-10-01", "2026-06-30"),
        ("6 tháng đầu năm 2025", "2025-01-01", "2025-06-30"),
    ],
)
def test_dated_deadlines(text: str, start: str | None, end: str) -> None:
    found = parse_deadline(text)
    assert found is not None
    assert (found.start, found.end, found.recurring) == (start, end, None)


@pytest.mark.parametrize(
    ("text", "shown"), [("Thường xuyên", "thường xuyên"), ("Hàng năm", "hằng năm"), ("hằng năm", "hằng năm")]
)
def test_recurring_deadlines(text: str, shown: str) -> None:
    assert parse_deadline(text) == DateRange(recurring=shown)


def test_a_month_without_year_takes_the_documents_year() -> None:
    assert parse_deadline("08 tháng (từ tháng 3 đến tháng 10)") is None
    found = parse_deadline("08 tháng (từ tháng 3 đến tháng 10)", default_year=2026)
    assert found is not None and (found.start, found.end) == ("2026-03-01", "2026-10-31")


def test_yearly_days_fall_in_every_years_period() -> None:
    found = parse_deadline("trước ngày 20/6 và trước ngày 20/12 hằng năm")
    assert found == DateRange(recurring="hằng năm", annual=("06-20", "12-20"))
    assert found.ends_within("2025-10-01", "2025-12-31")
    assert found.dates_within("2025-10-01", "2025-12-31") == ["2025-12-20"]
    assert not found.ends_within("2025-07-01", "2025-09-30")
    assert parse_deadline("trước ngày 30 tháng 11 hàng năm") == DateRange(
        recurring="hằng năm", annual=("11-30",)
    )


def test_ends_within() -> None:
    q4 = ("2025-10-01", "2025-12-31")
    assert DateRange("2025-10-01", "2025-12-31").ends_within(*q4)
    assert DateRange(None, "2025-12-15").ends_within(*q4)
    assert not DateRange("2026-01-01", "2030-12-31").ends_within(*q4)
    assert not DateRange(recurring="thường xuyên").ends_within(*q4)
    assert DateRange(None, "2025-06-30").ends_within(None, "2025-12-31")


def test_deadline_inside_a_duty() -> None:
    found = deadline_in_text(
        "- Định kỳ báo cáo kết quả trước ngày 10/6 và trước ngày 15/12 hằng năm (qua Văn phòng)"
    )
    assert found is not None
    phrase, dates = found
    assert phrase == "trước ngày 10/6 và trước ngày 15/12 hằng năm"
    assert dates.annual == ("06-10", "12-15")
    found = deadline_in_text("Tổ chức hội nghị sơ kết, hoàn thành trong quý IV/2025; báo cáo UBND tỉnh")
    assert found is not None and found[1].end == "2025-12-31"
    # A date that is not a deadline: no trigger before it.
    assert deadline_in_text("Hưởng ứng Ngày Chuyển đổi số quốc gia (10/10) hằng năm") is None


def test_periods_of_questions() -> None:
    assert period_of("Nhiệm vụ nào phải hoàn thành trong quý IV năm 2025?") == ("2025-10-01", "2025-12-31")
    assert period_of("Những nhiệm vụ nào phải hoàn thành trước 31/12/2025?") == (None, "2025-12-31")
    assert period_of("Nhiệm vụ nào có thời hạn trong tháng 6/2026?") == ("2026-06-01", "2026-06-30")
    assert period_of("Sở Tài chính được giao những nhiệm vụ gì?") is None
