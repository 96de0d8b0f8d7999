"""rag/verdicts/bounds.py: a statement's quantity read against a bound the clause states on the
same measure (through rag/values.py's bound grammar), and a condition's opening word said by
another. Synthetic clauses written for these tests."""

from __future__ import annotations

import pytest

from rag.values import bounds, in_base_unit
from rag.verdicts import ClauseText, compare, judge

# One measure bounded two ways, each with what holds within it.
ROUNDING = ClauseText(
    "Khi tính thời gian nghỉ bù cho người làm nhiệm vụ trực, nếu có tháng lẻ thì đủ 3 tháng trở lên "
    "được tính tròn một quý, dưới 3 tháng được tính nửa quý."
)
LIMIT = ClauseText("Thời gian tạm dừng thi công không quá 9 tháng, được kéo dài thêm 2 tháng.")


@pytest.mark.parametrize(
    ("statement", "value"),
    [
        (
            "Khi tính thời gian nghỉ bù cho người làm nhiệm vụ trực, nếu có 2 tháng lẻ thì được tính nửa quý",
            True,
        ),
        (
            "Khi tính thời gian nghỉ bù cho người làm nhiệm vụ trực, nếu có 5 tháng lẻ thì được tính nửa quý",
            False,
        ),
        (
            "Khi tính thời gian nghỉ bù cho người làm nhiệm vụ trực, nếu có 5 tháng lẻ thì được tính tròn một quý",
            True,
        ),
        (
            "Khi tính thời gian nghỉ bù cho người làm nhiệm vụ trực, nếu có 2 tháng lẻ thì được tính tròn một quý",
            False,
        ),
    ],
)
def test_a_quantity_is_read_against_the_bound_whose_case_it_states(statement: str, value: bool) -> None:
    assert judge(statement, [ROUNDING]).value is value


def test_a_quantity_in_another_unit_of_the_measure_is_converted() -> None:
    assert judge("Thời gian tạm dừng thi công 6 tháng", [LIMIT]).value is True
    outside = compare("Thời gian tạm dừng thi công 1 năm", LIMIT)
    assert [c.kind for c in outside.conflicts] == ["quantity"]
    assert outside.conflicts[0].stated == "khong qua 9 thang"


def test_a_plain_quantity_in_the_statements_place_is_no_bound() -> None:
    # "kéo dài thêm 2 tháng" is what the statement's "3 tháng" stands for: inside "không quá 9
    # tháng" but not what the clause says.
    assert judge("Thời gian tạm dừng thi công được kéo dài thêm 3 tháng", [LIMIT]).value is False


def test_a_quantity_on_the_bound_or_bounded_by_the_statement_is_not_read() -> None:
    on = compare("Thời gian tạm dừng thi công 9 tháng", LIMIT)
    assert not on.conflicts
    # The statement's own bound is compared word for word, as before.
    own = compare("Thời gian tạm dừng thi công không quá 12 tháng", LIMIT)
    assert [c.kind for c in own.conflicts] == ["quantity"] and own.conflicts[0].stated == "9"


def test_bounds_have_their_place_and_measure() -> None:
    text = "nguoi co tu du 15 nam tro len, duoi 20 nam cong tac, khong qua 05 ngay"
    found = bounds(text)
    assert [(b.direction, b.number, b.unit) for b in found] == [
        ("more", "15", "nam"),
        ("less", "20", "nam"),
        ("less", "5", "ngay"),
    ]
    assert text[found[1].start : found[1].end] == "duoi 20 nam"
    assert found[0].admits(16, "nam") is True and found[0].admits(190, "thang") is True
    assert found[1].admits(2, "nam") is True and found[1].admits(30, "nam") is False
    assert found[2].admits(5, "ngay") is None and found[2].admits(1, "tuan") is False
    assert found[2].admits(3, "nguoi") is None
    assert in_base_unit(2, "quy") == (6.0, "thang")


def test_a_condition_opened_by_another_word_keeps_its_credit() -> None:
    clause = ClauseText("Trường hợp hồ sơ không hợp lệ thì cơ quan tiếp nhận trả lại hồ sơ cho người nộp.")
    retold = compare("Nếu hồ sơ không hợp lệ thì cơ quan tiếp nhận trả lại hồ sơ cho người nộp", clause)
    plain = compare("Hồ sơ không hợp lệ thì cơ quan tiếp nhận trả lại hồ sơ cho người nộp", clause)
    assert not retold.conflicts and not retold.missing
    assert retold.coverage > 0.95 and plain.coverage > 0.95
