"""rag/verdicts/reorder.py: a statement that retells a clause with its two halves swapped."""

from __future__ import annotations

import pytest

from rag.verdicts import ClauseText, judge
from rag.verdicts.reorder import in_clause_order

FEES = ClauseText(
    "Phí thẩm định hồ sơ, lệ phí cấp phép được nộp vào ngân sách nhà nước theo quy định hiện hành.",
    "Điều 7. Phí và lệ phí",
)
DUTIES = ClauseText(
    "Sở Giao thông chủ trì, phối hợp với Sở Tài chính lập dự toán kinh phí bảo trì đường bộ hằng năm.",
    "Điều 9. Trách nhiệm thi hành",
)
NOTICE = ClauseText(
    "Trong thời hạn 10 ngày làm việc kể từ ngày nhận đủ hồ sơ, cơ quan cấp phép không được từ chối "
    "tiếp nhận hồ sơ hợp lệ.",
    "Điều 12. Tiếp nhận hồ sơ",
)
RULES = [FEES, DUTIES, NOTICE]


@pytest.mark.parametrize(
    "statement",
    [
        "Lệ phí cấp phép được nộp vào ngân sách nhà nước theo quy định hiện hành, phí thẩm định hồ sơ",
        "Phối hợp với Sở Tài chính lập dự toán kinh phí bảo trì đường bộ hằng năm, Sở Giao thông chủ trì",
        "Theo Nghị định mẫu, cơ quan cấp phép không được từ chối tiếp nhận hồ sơ hợp lệ, trong thời hạn "
        "10 ngày làm việc kể từ ngày nhận đủ hồ sơ",
    ],
)
def test_a_clause_retold_with_its_halves_swapped_is_true(statement: str) -> None:
    verdict = judge(statement, RULES)
    assert verdict.value is True
    assert verdict.index is not None


@pytest.mark.parametrize(
    "statement",
    [
        # who does what swapped inside a half: no swap of halves puts it in the clause's order
        "Phối hợp với Sở Giao thông lập dự toán kinh phí bảo trì đường bộ hằng năm, Sở Tài chính chủ trì",
        # a number changed in a swapped half
        "Cơ quan cấp phép không được từ chối tiếp nhận hồ sơ hợp lệ, trong thời hạn 15 ngày làm việc kể từ "
        "ngày nhận đủ hồ sơ",
        # the negation dropped in a swapped half
        "Cơ quan cấp phép được từ chối tiếp nhận hồ sơ hợp lệ, trong thời hạn 10 ngày làm việc kể từ ngày "
        "nhận đủ hồ sơ",
    ],
)
def test_a_swapped_statement_with_a_fact_changed_is_not_true(statement: str) -> None:
    assert judge(statement, RULES).value is not True


def test_the_swap_puts_the_halves_back_in_the_clause_order() -> None:
    swapped = (
        "Sở Giao thông chủ trì, phối hợp với Sở Tài chính lập dự toán kinh phí bảo trì đường bộ hằng năm"
    )
    assert (
        in_clause_order(
            "phối hợp với Sở Tài chính lập dự toán kinh phí bảo trì đường bộ hằng năm, Sở Giao thông chủ trì",
            RULES,
        )
        == swapped
    )
    assert in_clause_order(swapped, RULES) is None  # already in order: nothing to swap
    assert in_clause_order("Sở Tài chính chủ trì, Sở Giao thông phối hợp", RULES) is None


def test_a_negated_condition_put_last_does_not_negate_the_act() -> None:
    clause = ClauseText(
        "Trường hợp tờ khai chưa hợp lệ, cơ quan thuế thông báo cho người nộp thuế trong thời hạn 05 ngày.",
        "Điều 4. Tiếp nhận tờ khai",
    )
    statement = (
        "Cơ quan thuế thông báo cho người nộp thuế trong thời hạn 05 ngày, trường hợp tờ khai chưa hợp lệ"
    )
    assert judge(statement, [clause]).value is True
    assert judge(statement.replace("05 ngày", "10 ngày"), [clause]).value is not True
