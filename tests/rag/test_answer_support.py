"""The support check: a question asking for a sum or a share is answered only by one."""

from __future__ import annotations

import pytest

from rag.answer.text import lacks_asked_figure
from rag.reading import read
from rag.text import fold
from tests.support import assistant_over

REGULATION = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 20/2025/QĐ-UBND
Bình Minh, ngày 04 tháng 12 năm 2025
QUYẾT ĐỊNH
Ban hành Quy chế phòng cháy, chữa cháy rừng
Điều 1. Chế độ cho người chữa cháy rừng
1. Người được huy động tham gia chữa cháy rừng được bồi dưỡng bằng tiền, thực hiện theo Điều 20 Nghị định số 58/2024/NĐ-CP ngày 24/5/2024 của Chính phủ.
2. Người trực cháy rừng được hỗ trợ tiền ăn 150.000 đồng/người/ngày.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày 15 tháng 12 năm 2025.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phạm Quốc Toàn
PHỤ LỤC
DỰ TOÁN KINH PHÍ
STT | Nội dung | Số lượng | Đơn giá (đồng) | Thành tiền (đồng)
1 | Bình chữa cháy | 20 | 450.000 | 9.000.000
"""


@pytest.mark.parametrize(
    ("question", "answer", "lacks"),
    [
        ("Mức bồi dưỡng là bao nhiêu đồng một ngày?", "được bồi dưỡng bằng tiền theo Điều 20", True),
        ("Mức bồi dưỡng là bao nhiêu đồng một ngày?", "hỗ trợ 150.000 đồng/người/ngày", False),
        ("Đơn giá là bao nhiêu tiền?", "Bình chữa cháy: Đơn giá (đồng): 450.000", False),
        ("Độ che phủ rừng đạt bao nhiêu phần trăm?", "phấn đấu nâng cao độ che phủ rừng", True),
        ("Tỷ lệ xã có bưu điện là bao nhiêu?", "Tỷ lệ: 98,2", False),  # a table may omit the %
        ("Bao nhiêu phần trăm xã đạt chuẩn?", "đạt 40% xã", False),
        ("Có bao nhiêu điểm kinh doanh?", "trên 400 điểm kinh doanh", False),  # no unit asked
        ("Thẻ có kích thước bao nhiêu mm?", "cỡ chữ 15, màu vàng", True),
        ("Thẻ có kích thước bao nhiêu mm?", "rộng 54mm, dài 86 mm", False),
        ("Diện tích rừng bao nhiêu ha?", "Diện tích (ha): 1.250", False),
        ("Diện tích rừng bao nhiêu ha?", "độ dài 12 km", True),
        ("Công văn này trả lời công văn số mấy?", "Cục Thuế nhận được công văn số 1879-CV/BTGVTW", False),
        ("Công văn này trả lời công văn số mấy?", "Cục Thuế trả lời để Ban được biết", True),
        (
            "Thu nhập này được miễn thuế theo quy định nào?",
            "theo khoản 3 Điều 71 Luật số 93/2025/QH15",
            False,
        ),
        ("Thu nhập này được miễn thuế theo quy định nào?", "Bộ Tài chính đang trình dự thảo Luật", True),
        ("Chợ được phân hạng theo quy định nào?", "theo Nghị định số 60/2024/NĐ-CP của Chính phủ", False),
        ("Quan trắc từ tháng mấy đến tháng mấy?", "Thời gian thực hiện: Từ tháng 3 đến tháng 11", False),
        ("Quan trắc từ tháng mấy đến tháng mấy?", "quan trắc định kỳ hằng năm", True),
    ],
)
def test_a_sum_or_share_asked_needs_one_in_the_answer(question: str, answer: str, lacks: bool) -> None:
    q = read(question)
    assert lacks_asked_figure(q.figure_unit, q.figure_measure, fold(answer)) is lacks


@pytest.mark.slow
def test_the_clause_that_names_no_sum_does_not_answer_how_much(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"qd20.txt": REGULATION})
    assert assistant.ask("Người tham gia chữa cháy rừng được bồi dưỡng bao nhiêu đồng một ngày?").abstained
    answer = assistant.ask("Người trực cháy rừng được hỗ trợ tiền ăn bao nhiêu đồng một ngày?")
    assert not answer.abstained and "150.000 đồng" in answer.answer
    answer = assistant.ask("Đơn giá bình chữa cháy trong dự toán là bao nhiêu đồng?")
    assert not answer.abstained and "450.000" in answer.answer


@pytest.mark.parametrize(
    ("passage", "question", "value"),
    [
        (
            "3. Thời điểm hưởng trợ cấp là ngày làm việc thứ 11",
            "Người lao động hưởng trợ cấp từ thời điểm nào?",
            1.0,
        ),
        ("bao gồm: Trưởng Ban Chỉ đạo là Chủ tịch UBND tỉnh", "Ai giữ chức Trưởng Ban Chỉ đạo tỉnh?", 1.0),
        ("Thường trực là Công an tỉnh", "Cơ quan thường trực của Ban là cơ quan nào?", 0.5),
        # The subject has words the question lacks ("thời điểm"): it defines something else.
        (
            "3. Thời điểm hưởng trợ cấp là ngày làm việc thứ 11",
            "Nộp hồ sơ hưởng trợ cấp trong thời hạn bao lâu?",
            0.0,
        ),
        ("Đây là nhiệm vụ trọng tâm", "Nhiệm vụ trọng tâm là gì?", 0.0),  # one word is no subject
    ],
)
def test_a_sentence_defining_what_the_question_names(passage: str, question: str, value: float) -> None:
    from rag.answer.text import defines_asked

    assert defines_asked(fold(passage), read(question).words) == value


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("trên một số cây trồng có giá trị kinh tế cao", False),  # "một số": some
        ("thực hiện một cách đồng bộ", False),
        ("thời hiệu là hai năm", True),
        ("trợ cấp một lần bằng ba tháng lương", True),
    ],
)
def test_number_words_are_quantities_but_not_some(text: str, quantity: bool) -> None:
    from rag.answer.text import NUMBER_WORDS

    assert bool(NUMBER_WORDS.search(text)) is quantity


def test_a_footnote_number_is_no_quantity() -> None:
    from rag.answer.support import _unmarked
    from rag.records import Clause

    note = Clause(
        id="n3", doc_id="d", source="d.txt", locator="I.2 · chú thích 3", kind="footnote", text="3 Đề tài"
    )
    assert _unmarked("3 Đề tài: mô hình nông nghiệp", [note]) == "Đề tài: mô hình nông nghiệp"
    assert _unmarked("3 Đề tài: mô hình nông nghiệp") == "3 Đề tài: mô hình nông nghiệp"


@pytest.mark.parametrize(
    ("question", "predicate"),
    [
        # a word that is a noun or a verb by context, right before the verb it governs
        ("Ban Kinh tế Trung ương Đảng cam kết trình báo cáo xong trước tháng mấy?", {"cam_kết"}),
        # a subject before its verb: a noun on its own ("học phí"), it stays a subject
        ("Học phí của trường đại học tăng bao nhiêu?", set()),
        # a noun followed by a number, not a verb
        ("Quyết định 15 ban hành ngày nào?", set()),
    ],
)
def test_a_verb_read_as_a_noun_before_another_verb_heads_the_predicate(
    question: str, predicate: set[str]
) -> None:
    from rag.answer.support import predicate_nouns

    assert predicate_nouns(question) == predicate
