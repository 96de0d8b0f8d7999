"""rag/verdicts/consequence.py: "Nếu <case> thì <consequence>" against a case a clause tells and
the consequence it gives in the sentence that points back at it."""

from __future__ import annotations

import pytest

from rag.verdicts import ClauseText, judge
from rag.verdicts.consequence import consequence_verdict, windows

EXAMPLE = ClauseText(
    "b) Lỗi của người thứ ba là trường hợp người thứ ba cố ý gây ra thiệt hại. "
    "Ví dụ: Cửa hàng của B đang mở cửa bình thường, có bảo vệ trông coi. "
    "Một người lạ bất ngờ ném đá làm vỡ tủ kính của B khiến khách hàng bị thương. "
    "Trường hợp này là lỗi của người thứ ba nên B không phải chịu trách nhiệm bồi thường cho khách hàng.",
    "Điều 3. Căn cứ loại trừ trách nhiệm",
)
STATED = (
    "Nếu một người lạ bất ngờ ném đá làm vỡ tủ kính của cửa hàng đang mở cửa bình thường thì chủ cửa hàng"
)


@pytest.mark.parametrize(
    ("statement", "value"),
    [
        (f"{STATED} có phải bồi thường", False),
        (f"{STATED} phải bồi thường cho khách hàng", False),
        (f"{STATED} không phải bồi thường", True),
        # the whole consequence retold, its negation dropped: false though its first words agree
        (f"{STATED} đó là lỗi của người thứ ba nên B phải chịu trách nhiệm bồi thường cho khách hàng", False),
    ],
)
def test_the_consequence_of_a_told_case_decides(statement: str, value: bool) -> None:
    assert consequence_verdict(statement, [EXAMPLE]) == (value, 0)
    assert judge(statement, [EXAMPLE]).value is value


@pytest.mark.parametrize(
    "statement",
    [
        # another case: its words are not the told case's
        "Nếu bão lớn được dự báo trước làm tốc mái kho hàng của cửa hàng thì chủ cửa hàng có phải bồi thường",
        # a number the case does not have
        "Nếu 3 người lạ bất ngờ ném đá làm vỡ tủ kính của cửa hàng đang mở cửa bình thường thì chủ cửa hàng có "
        "phải bồi thường",
        # no "nếu … thì …"
        "Một người lạ bất ngờ ném đá làm vỡ tủ kính của cửa hàng, chủ cửa hàng phải bồi thường",
    ],
)
def test_a_case_the_clause_does_not_tell_is_not_decided_by_its_consequence(statement: str) -> None:
    assert consequence_verdict(statement, [EXAMPLE]) is None


def test_a_window_joins_the_pointing_passage_with_the_case_before_it() -> None:
    passages = ["Quy định chung.", "Ví dụ: X xảy ra.", "Y cũng xảy ra.", "Khi đó Z không phải làm gì."]
    assert windows(passages) == ["Ví dụ: X xảy ra. Y cũng xảy ra. Khi đó Z không phải làm gì."]
    assert windows(["Quy định chung.", "Ví dụ: X xảy ra."]) == []
    # "Trường hợp do …" opens a new case ("do": because), not the consequence of the one before
    assert (
        windows(["Cán bộ được nghỉ hằng năm.", "Trường hợp do yêu cầu nhiệm vụ, cán bộ không nghỉ thì …"])
        == []
    )
