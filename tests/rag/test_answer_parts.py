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
        ("Hồ sơ giải quyết trong bao lâu và có mất phí không?", ["duration", "yes_no"]),
        (
            "Em đọc thấy cán bộ được nghỉ phép 20 ngày, đúng không ạ? Nếu không thì được nghỉ bao nhiêu ngày?",
            ["yes_no", "duration"],
        ),
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
        "Hệ thống tạm dừng từ mấy giờ ngày nào đến khi nào?",
        "Đơn vị nào giữ con dấu nào của Ban?",  # "con dấu" is no "còn"
        "How many tasks were assigned, and how many were completed?",
    ],
)
def test_one_ask_is_one_part(question: str) -> None:
    assert read(question).parts == ()


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        # The first part's subject is carried to a part that names none of its own ...
        (
            "Thủ tục cấp phép đào đường giải quyết trong bao lâu và có mất phí không?",
            [
                "Thủ tục cấp phép đào đường giải quyết trong bao lâu?",
                "Thủ tục cấp phép đào đường giải quyết có mất phí không?",
            ],
        ),
        (
            "Trong quy trình nội bộ, bước 3 do ai thực hiện và được bao nhiêu thời gian?",
            [
                "Trong quy trình nội bộ, bước 3 do ai thực hiện?",
                "Trong quy trình nội bộ, bước 3 được bao nhiêu thời gian?",
            ],
        ),
        # ... not to one that names its own, nor from a statement to verify; "nếu không thì" joins.
        (
            "Quy định có hiệu lực khi nào? Phần đánh giá cán bộ có áp dụng ngay không?",
            ["Quy định có hiệu lực khi nào?", "Phần đánh giá cán bộ có áp dụng ngay không?"],
        ),
        (
            "Cán bộ được nghỉ phép 20 ngày, đúng không? Nếu không thì thời gian nghỉ phép tối đa là bao lâu?",
            ["Cán bộ được nghỉ phép 20 ngày, đúng không?", "thời gian nghỉ phép tối đa là bao lâu?"],
        ),
    ],
)
def test_each_part_is_a_question_of_its_own(question: str, asked: list[str]) -> None:
    assert [p.question for p in read(question).parts] == asked


def test_an_hour_asked_is_no_count_of_hours() -> None:
    hour = read("Hệ thống tạm dừng từ mấy giờ ngày nào?")
    assert "asks_hour" in hour.cues and not hour.asks_count and "asks_duration" not in hour.cues
    hours = read("Lực lượng trực bao nhiêu giờ trong ngày?")
    assert hours.asks_count and "asks_duration" in hours.cues and "asks_hour" not in hours.cues


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


@pytest.mark.slow
def test_a_table_row_named_by_its_label_answers_both_parts(notice: Assistant) -> None:
    answer = notice.ask(
        "Trong quy trình nội bộ cấp phép đào đường, bước 3 do ai thực hiện và được bao nhiêu thời gian?"
    )
    assert "Trưởng phòng Kinh tế" in answer.answer and "02 ngày làm việc" in answer.answer
    assert answer.citations[0].locator.endswith("dòng 3")
    # one part: the row of the step named, not the best-ranked row
    other = notice.ask("Trong quy trình nội bộ cấp phép đào đường, bước 4 do ai thực hiện?")
    assert "Chủ tịch Ủy ban nhân dân cấp xã" in other.answer and "Trưởng phòng" not in other.answer


@pytest.mark.slow
def test_a_part_the_documents_lack_is_said_so_beside_the_answered_part(notice: Assistant) -> None:
    answer = notice.ask(
        "Thời hạn giải quyết thủ tục cấp phép đào đường là bao lâu, và lệ phí cấp bằng lái tàu biển là bao nhiêu?"
    )
    assert not answer.abstained and answer.strategy == "parts"
    assert "07 ngày làm việc" in answer.answer
    assert "lệ phí cấp bằng lái tàu biển là bao nhiêu: không tìm thấy" in answer.answer


@pytest.mark.slow
def test_a_time_range_is_answered_from_the_body_not_the_header(notice: Assistant) -> None:
    answer = notice.ask("Hệ thống một cửa điện tử tạm dừng từ mấy giờ ngày nào đến khi nào?")
    assert all(v in answer.answer for v in ("20h00", "10/4/2026", "06h00", "11/4/2026"))
    assert answer.citations[0].locator != "header"
