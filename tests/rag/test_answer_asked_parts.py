"""A multi-part question's parts checked against an answer by their value types, and the parts'
answers composed into one (rag.answer.asked_parts): pure, on answers written for the test."""

from __future__ import annotations

from rag.answer.asked_parts import PARTS_STRATEGY, compose, holds
from rag.reading import read
from rag.records import Answer, Citation


def _part(question: str, i: int):  # noqa: ANN202 - an AskedPart
    return read(question).parts[i]


def _answer(text: str, locator: str = "1", abstained: bool = False) -> Answer:
    cite = Citation(
        source="a.txt",
        locator=locator,
        breadcrumb=[],
        page=None,
        text=text,
        score=1.0,
        clause_id=f"a:{locator}",
        doc_id="a",
    )
    return Answer(question="q", answer=text, abstained=abstained, citations=[] if abstained else [cite])


QUESTION = "Hồ sơ cấp phép khai thác cát được giải quyết trong bao lâu và nộp lệ phí bao nhiêu đồng?"


def test_a_part_holds_a_value_of_its_type_about_what_it_names() -> None:
    duration, money = _part(QUESTION, 0), _part(QUESTION, 1)
    assert holds(duration, "Hồ sơ cấp phép khai thác cát được giải quyết trong 15 ngày làm việc.")
    assert not holds(duration, "Hồ sơ cấp phép khai thác cát được giải quyết theo quy định.")  # no length
    # a length of time, but of something else the part does not name
    assert not holds(duration, "Thời gian đào tạo lái xe là 3 tháng.")
    assert holds(money, "Lệ phí nộp là 500.000 đồng.")
    assert not holds(money, "Lệ phí nộp theo quy định của Bộ Tài chính.")


def test_parts_answered_on_their_own_are_composed_in_order_and_a_missing_one_said_so() -> None:
    q = read(QUESTION)
    whole = _answer("Hồ sơ được giải quyết trong 15 ngày làm việc kể từ ngày nhận đủ hồ sơ.", "2")
    missing = _answer("", abstained=True)
    out = compose(q, whole, [(q.parts[0], None), (q.parts[1], missing)])
    assert out.strategy == PARTS_STRATEGY and not out.abstained
    lines = out.answer.split("\n")
    assert lines[0].startswith("Hồ sơ được giải quyết trong 15 ngày")
    assert lines[1] == "và nộp lệ phí bao nhiêu đồng: không tìm thấy thông tin này trong các văn bản."
    fee = _answer("Lệ phí cấp phép là 500.000 đồng/hồ sơ.", "7")
    out = compose(q, whole, [(q.parts[0], None), (q.parts[1], fee)])
    assert "500.000 đồng" in out.answer.split("\n")[1]
    assert [c.locator for c in out.citations] == ["2", "7"]  # each part's clause cited


def test_no_part_needing_its_own_answer_keeps_the_whole_one() -> None:
    q = read(QUESTION)
    whole = _answer("Giải quyết trong 15 ngày làm việc; lệ phí 500.000 đồng.")
    assert compose(q, whole, [(p, None) for p in q.parts]) is whole
    nothing = _answer("", abstained=True)
    assert compose(q, nothing, [(p, nothing) for p in q.parts]) is nothing
