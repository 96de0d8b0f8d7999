"""A question whose subject is the body that made a request ("Bộ Y tế đề nghị … trước ngày nào?")
is answered from that body's document, not from a document that quotes the request's title."""

from __future__ import annotations

import pytest

from rag.reading.reader import read

MINISTRY_LETTER = """BỘ Y TẾ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 318/BYT-KCB
V/v rà soát năng lực cấp cứu ngoại viện của các địa phương
Hà Nội, ngày 05 tháng 11 năm 2025
Kính gửi: Ủy ban nhân dân các tỉnh, thành phố.
1. Các địa phương thống kê số xe cứu thương, số kíp cấp cứu hiện có.
2. Kết quả thống kê của các địa phương đề nghị gửi về Bộ Y tế (qua Cục Quản lý Khám, chữa bệnh) trước ngày 20/11/2025.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Trần Minh Hải
"""

# The province's letter quotes the ministry's number and whole title, and sets its own, earlier date.
PROVINCE_LETTER = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 2210/UBND-VX
V/v giao thực hiện Công văn số 318/BYT-KCB
Bình Minh, ngày 07 tháng 11 năm 2025
Kính gửi: Sở Y tế.
Ủy ban nhân dân tỉnh nhận được Công văn số 318/BYT-KCB ngày 05/11/2025 của Bộ Y tế về việc rà soát năng lực cấp cứu ngoại viện của các địa phương, đề nghị gửi kết quả thống kê (đính kèm Công văn số 318/BYT-KCB).
Giao Sở Y tế chủ trì thống kê, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/11/2025.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Khải
"""

# A plan of another province that implements the ministry's letter.
PROVINCE_PLAN = """ỦY BAN NHÂN DÂN
TỈNH HÒA AN
Số: 45/KH-UBND
Hòa An, ngày 10 tháng 11 năm 2025
KẾ HOẠCH
Triển khai rà soát năng lực cấp cứu ngoại viện
Thực hiện Công văn số 318/BYT-KCB ngày 05/11/2025 của Bộ Y tế, Ủy ban nhân dân tỉnh xây dựng Kế hoạch như sau:
1. Sở Y tế chủ trì thống kê số xe cứu thương của các bệnh viện trong tỉnh.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Đỗ Minh Tâm
"""


@pytest.mark.parametrize(
    ("question", "author"),
    [
        ("Bộ Công an đề nghị các tỉnh gửi kết quả trước ngày nào?", "bo cong an"),
        ("Bộ GDĐT yêu cầu các Sở GDĐT báo cáo gì?", "bo giao duc va dao tao"),
        ("Sở KH&CN giao đơn vị nào chủ trì?", "so khoa hoc va cong nghe"),
    ],
)
def test_the_body_making_the_request_is_the_author(question: str, author: str) -> None:
    assert author in read(question).document.authors


@pytest.mark.parametrize(
    "question",
    [
        # Told to by another body's document: the body is not its author.
        "Bộ Nông nghiệp và Môi trường phải hướng dẫn các địa phương trước ngày nào?",
        # The body is the object, not the subject.
        "Các tỉnh gửi kết quả về Bộ Y tế trước ngày nào?",
        # "giáo dục" is no verb "giao".
        "Bộ Giáo dục và Đào tạo ban hành thông tư nào?",
    ],
)
def test_a_body_not_making_the_request_is_no_author(question: str) -> None:
    assert read(question).document.authors == ()


@pytest.mark.slow
def test_the_requesting_body_s_date_not_the_quoting_document_s(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.support import assistant_over

    assistant = assistant_over(
        tmp_path_factory.mktemp("author"),
        {"byt318.txt": MINISTRY_LETTER, "ubnd2210.txt": PROVINCE_LETTER, "kh45.txt": PROVINCE_PLAN},
    )
    answer = assistant.ask(
        "Bộ Y tế đề nghị các địa phương gửi kết quả rà soát năng lực cấp cứu ngoại viện trước ngày nào?"
    )
    assert "20/11/2025" in answer.answer and "15/11/2025" not in answer.answer
    assert answer.citations[0].source == "byt318.txt"
    # Asked of the province, the province's own date answers.
    answer = assistant.ask(
        "Ủy ban nhân dân tỉnh Bình Minh giao Sở Y tế báo cáo kết quả thống kê trước ngày nào?"
    )
    assert "15/11/2025" in answer.answer
    # The plan implementing the letter, asked which province made it and its number: the plan (the
    # letter it implements holds neither).
    answer = assistant.ask(
        "Tỉnh nào xây dựng kế hoạch triển khai rà soát năng lực cấp cứu ngoại viện thực hiện"
        " Công văn 318/BYT-KCB, và kế hoạch đó có số hiệu gì?"
    )
    assert "45/KH-UBND" in answer.answer and "Hòa An" in answer.answer
