"""Question forms (pure): answer choices, yes/no frames, and ordinary questions left alone."""

from __future__ import annotations

import pytest

from rag.reading.form import parse_form


def letters(question: str) -> list[tuple[str, str]]:
    return [(c.letter, c.text) for c in parse_form(question).choices]


def test_choices_on_their_own_lines() -> None:
    form = parse_form("Thời hạn lưu trữ tối thiểu là bao lâu?\nA. 01 năm\nB. 05 năm\nC. 10 năm\nD. 20 năm")
    assert form.kind == "choices"
    assert form.stem == "Thời hạn lưu trữ tối thiểu là bao lâu?"
    assert letters("Thời hạn?\nA. 01 năm\nB. 05 năm\nC. 10 năm") == [
        ("A", "01 năm"),
        ("B", "05 năm"),
        ("C", "10 năm"),
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Mức phạt tối đa? A. 10 triệu B. 20 triệu C. 50 triệu",
        "Mức phạt tối đa? A) 10 triệu; B) 20 triệu; C) 50 triệu.",
        "Mức phạt tối đa? A: 10 triệu B: 20 triệu C: 50 triệu",
        "Mức phạt tối đa? a) 10 triệu b) 20 triệu c) 50 triệu",
        "Mức phạt tối đa?\na. 10 triệu\nb. 20 triệu\nc. 50 triệu",
        "Mức phạt tối đa? Đáp án A 10 triệu Đáp án B 20 triệu Đáp án C 50 triệu",
        "Câu 4: Mức phạt tối đa? A. 10 triệu B. 20 triệu C. 50 triệu",
        "muc phat toi da? a) 10 trieu b) 20 trieu c) 50 trieu",
    ],
)
def test_choice_markers_inline_and_named(question: str) -> None:
    form = parse_form(question)
    assert form.kind == "choices"
    assert [c.letter for c in form.choices] == ["A", "B", "C"]
    assert form.choices[1].text.lower() == "20 triệu" or form.choices[1].text == "20 trieu"
    assert form.stem.lower().startswith(("mức phạt tối đa", "muc phat toi da"))


def test_six_choices_at_most_and_two_at_least() -> None:
    six = "Q? A. 1 B. 2 C. 3 D. 4 E. 5 F. 6"
    assert len(parse_form(six).choices) == 6
    assert parse_form("Tổ chức A. Nguyễn thực hiện việc gì?").kind == "plain"  # one "choice" is none


def test_picking_words_are_not_content() -> None:
    form = parse_form("Cơ quan nào sau đây là đầu mối quản lý? A. Bộ Tài chính B. Bộ Nội vụ")
    assert form.stem == "Cơ quan nào là đầu mối quản lý?"
    assert not form.pick_false
    form = parse_form("Hãy chọn đáp án đúng nhất: Luật áp dụng với ai? A. Cá nhân B. Tổ chức")
    assert form.stem == "Luật áp dụng với ai?"


@pytest.mark.parametrize(
    "question",
    [
        "Phát biểu nào sau đây sai? A. X một B. Y hai C. Z ba",
        "Nhận định nào không đúng về bảo hiểm? A. X một B. Y hai",
        "Các hành vi sau đều bị cấm, ngoại trừ: A. X một B. Y hai",
    ],
)
def test_asked_for_the_false_choice(question: str) -> None:
    assert parse_form(question).pick_false


@pytest.mark.parametrize(
    ("question", "statement", "verdicts"),
    [
        (
            "Thời hạn lưu trữ tối thiểu là 05 năm, đúng hay sai?",
            "Thời hạn lưu trữ tối thiểu là 05 năm",
            "Đúng",
        ),
        ("Thời hạn lưu trữ tối thiểu là 05 năm đúng không?", "Thời hạn lưu trữ tối thiểu là 05 năm", "Đúng"),
        ("Nhận định sau đúng hay sai: Tổ chức vi phạm bị phạt tiền", "Tổ chức vi phạm bị phạt tiền", "Đúng"),
        ("Có phải Luật này áp dụng đối với cá nhân không?", "Luật này áp dụng đối với cá nhân", "Có"),
        ("Người lao động có được hưởng trợ cấp không?", "Người lao động có được hưởng trợ cấp", "Có"),
        (
            "Luật này áp dụng với tổ chức nước ngoài hay không?",
            "Luật này áp dụng với tổ chức nước ngoài",
            "Có",
        ),
        (
            "thoi han luu tru toi thieu la 05 nam, dung hay sai",
            "thoi han luu tru toi thieu la 05 nam",
            "Đúng",
        ),
        ("co phai luat nay ap dung doi voi ca nhan khong", "luat nay ap dung doi voi ca nhan", "Có"),
        ("nguoi lao dong co duoc huong tro cap khong?", "nguoi lao dong co duoc huong tro cap", "Có"),
    ],
)
def test_yes_no_frames(question: str, statement: str, verdicts: str) -> None:
    form = parse_form(question)
    assert form.kind == "yes_no"
    assert form.statement == statement
    assert form.verdicts[0] == verdicts


@pytest.mark.parametrize(
    "question",
    [
        "Sở Khoa học và Công nghệ có những nhiệm vụ gì?",
        "Điều 8 khoản 2 quy định gì?",
        "Mức phạt tiền đối với tổ chức vi phạm là bao nhiêu?",
        'Nội dung "a) Tuyên truyền; b) Đào tạo" thuộc mục nào của kế hoạch?',
        "Kế hoạch gồm a) tuyên truyền, b) đào tạo do ai chủ trì?",
        "Điểm a) và điểm b) khoản 2 Điều 8 quy định gì?",
        "Ai có trách nhiệm báo cáo hay không?",  # asks for someone
        "Đơn vị nào không được giao nhiệm vụ?",
        "Những trường hợp nào người lao động không được hưởng trợ cấp?",
        "Có bao nhiêu đơn vị tham gia?",
        "Luật này có hiệu lực khi nào?",
        "Dự án nhóm A. Công trình giao thông do ai thẩm định?",
    ],
)
def test_ordinary_questions_keep_their_form(question: str) -> None:
    form = parse_form(question)
    assert form.kind == "plain"
    assert form.stem == question
