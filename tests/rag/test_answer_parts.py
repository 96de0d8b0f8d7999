"""Questions that ask several things at once: the reader splits them, and each part is answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.pipeline import Assistant
from rag.reading import read

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"


@pytest.mark.parametrize(
    ("question", "types"),
    [
        ("Giao bao nhiêu nhiệm vụ, và đã hoàn thành bao nhiêu?", ["number", "number"]),
        ("Tối đa bao nhiêu ngày, và nếu phức tạp thì được kéo dài tới đâu?", ["duration", "text"]),
        ("Có hiệu lực từ ngày nào và thay thế nghị quyết nào?", ["date", "text"]),
        ("Còn bao nhiêu xã, trong đó bao nhiêu xã, bao nhiêu phường?", ["number", "number", "number"]),
        ("Bước 3 do ai làm và được bao nhiêu thời gian?", ["text", "duration"]),
        ("Trợ cấp bao nhiêu, và được hưởng trong bao lâu?", ["number", "duration"]),
    ],
)
def test_the_reader_splits_a_question_into_the_things_it_asks(question: str, types: list[str]) -> None:
    assert [p.value_type for p in read(question).parts] == types


@pytest.mark.parametrize(
    "question",
    [
        "Đơn vị nào chủ trì nhiệm vụ 2?",
        "Những đơn vị nào phối hợp thực hiện?",  # two words asking, no break between them
        "Mấy giờ ngày nào thì dừng hệ thống?",
        "How many tasks were assigned, and how many were completed?",
    ],
)
def test_one_ask_is_one_part(question: str) -> None:
    assert read(question).parts == ()


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from rag.ingest import ingest_paths

    index = tmp_path_factory.mktemp("parts") / "idx"
    assert not ingest_paths([PARTS], index, progress=False).errors
    return Assistant.open(index)


@pytest.mark.slow
def test_each_part_is_answered_from_its_own_clause(notice: Assistant) -> None:
    answer = notice.ask(
        "Tại cuộc họp lần thứ nhất Chủ tịch giao bao nhiêu nhiệm vụ, và đến nay đã hoàn thành bao nhiêu nhiệm vụ?"
    )
    assert not answer.abstained
    assert "24 nhiệm vụ" in answer.answer and "09 nhiệm vụ" in answer.answer
    # The first part's figure comes first, as the question asks them.
    assert answer.answer.index("24") < answer.answer.index("09")


@pytest.mark.slow
def test_a_single_question_keeps_its_one_passage(notice: Assistant) -> None:
    answer = notice.ask("Đến nay đã hoàn thành bao nhiêu nhiệm vụ?")
    assert "09 nhiệm vụ" in answer.answer and "24 nhiệm vụ" not in answer.answer


@pytest.mark.slow
def test_a_long_passage_is_cut_to_the_window_holding_the_asked_figure(notice: Assistant) -> None:
    answer = notice.ask(
        "Cán bộ không chuyên trách cấp xã đủ 10 năm làm việc đã nghỉ việc được phụ cấp hằng tháng bao nhiêu,"
        " và mỗi năm thêm được cộng bao nhiêu?"
    )
    assert not answer.abstained
    assert "450.000" in answer.answer and "4%" in answer.answer
