"""Choice and yes/no questions of our own about the real Luật Việc làm 2025 (shared eval corpus):
answered, with the right letter or verdict, citing the right article. Skips without ../shared."""

from __future__ import annotations

import shutil

import pytest

from rag.pipeline import Assistant
from tests.conftest import SHARED_EVAL

pytestmark = pytest.mark.slow

LAW = SHARED_EVAL / "provinces" / "corpus" / "23_quochoi-luatvieclam-2025.txt"

# (question, how the answer starts, the article cited first)
QUESTIONS = [
    (
        "Theo Luật Việc làm, người lao động là công dân Việt Nam từ đủ bao nhiêu tuổi trở lên? A. 14 tuổi B. 15 tuổi C. 16 tuổi D. 18 tuổi",
        "Đáp án B",
        "Điều 2",
    ),
    (
        "Cơ quan nào là đầu mối giúp Chính phủ thực hiện quản lý nhà nước về việc làm?\nA. Bộ Tài chính\nB. Bộ Kế hoạch và Đầu tư\nC. Bộ Nội vụ\nD. Bộ Công Thương",
        "Đáp án C",
        "Điều 6",
    ),
    (
        "Người lao động đóng bảo hiểm thất nghiệp tối đa bằng bao nhiêu phần trăm tiền lương tháng? A. 0,5% B. 1% C. 2% D. 3%",
        "Đáp án B",
        "Điều 33",
    ),
    (
        "Luật Việc làm có hiệu lực thi hành từ ngày nào?\nA. 01/7/2025\nB. 01/01/2026\nC. 01/7/2026\nD. 01/01/2027",
        "Đáp án B",
        "Điều 54",
    ),
    (
        "Hành vi nào sau đây bị nghiêm cấm theo Luật Việc làm? A. Tư vấn, giới thiệu việc làm miễn phí cho người lao động B. Phân biệt đối xử trong việc làm C. Thúc đẩy chuyển dịch cơ cấu lao động D. Hỗ trợ tạo việc làm, tự tạo việc làm",
        "Đáp án B",
        "Điều 5",
    ),
    (
        "Thời gian hưởng trợ cấp thất nghiệp tối đa là bao nhiêu tháng? A. 06 tháng B. 12 tháng C. 24 tháng D. 36 tháng",
        "Đáp án B",
        "Điều 39",
    ),
    (
        "Phát biểu nào sau đây không đúng về nguyên tắc về việc làm? A. Bảo đảm quyền làm việc, tự do lựa chọn việc làm và nơi làm việc B. Bình đẳng về cơ hội việc làm, tiền lương và thu nhập C. Bảo đảm làm việc trong điều kiện an toàn lao động, vệ sinh lao động D. Người lao động phải làm việc tại nơi do Nhà nước chỉ định",
        "Đáp án D",
        "Điều 3",
    ),
    pytest.param(
        "Nguồn vốn cho vay giải quyết việc làm bao gồm nguồn nào? A. Ngân sách trung ương cấp cho Ngân hàng Chính sách xã hội B. Ngân sách địa phương ủy thác cho Ngân hàng Chính sách xã hội C. Nguồn vốn tổ chức, cá nhân ủy thác cho Ngân hàng Chính sách xã hội D. Cả A, B và C",
        "Đáp án D",
        "Điều 8",
    ),
    (
        "Phát biểu nào sau đây đúng? A. Bảo hiểm thất nghiệp là loại hình bảo hiểm tự nguyện B. Bảo hiểm thất nghiệp là loại hình bảo hiểm bắt buộc do Nhà nước tổ chức",
        "Đáp án B",
        "Điều 2",
    ),
    pytest.param(
        "Chế độ nào thuộc các chế độ bảo hiểm thất nghiệp? A. Trợ cấp thất nghiệp B. Trợ cấp hưu trí C. Trợ cấp tai nạn giao thông",
        "Đáp án A",
        "Điều 30",
    ),
    (
        "Người lao động đóng bảo hiểm thất nghiệp tối đa bằng 1% tiền lương tháng, đúng hay sai?",
        "Đúng",
        "Điều 33",
    ),
    (
        "Mức hưởng trợ cấp thất nghiệp hằng tháng bằng 75% mức bình quân tiền lương tháng đóng bảo hiểm thất nghiệp, đúng hay sai?",
        "Sai",
        "Điều 39",
    ),
    (
        "Thời gian người lao động đóng bảo hiểm thất nghiệp được tính để hưởng trợ cấp thôi việc, đúng hay sai?",
        "Sai",
        "Điều 35",
    ),
    (
        "nguoi lao dong dong bao hiem that nghiep toi da bang 2% tien luong thang, dung hay sai",
        "Sai",
        "Điều 33",
    ),
    (
        "Quỹ bảo hiểm thất nghiệp là quỹ tài chính độc lập với ngân sách nhà nước, đúng hay sai?",
        "Đúng",
        "Điều 43",
    ),
]


@pytest.fixture(scope="module")
def law(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    if not LAW.exists():
        pytest.skip("shared eval corpus not available")
    from rag.ingest import ingest_paths

    docs = tmp_path_factory.mktemp("vieclam-docs")
    shutil.copy(LAW, docs)
    index = tmp_path_factory.mktemp("vieclam") / "idx"
    assert not ingest_paths([docs], index, progress=False).errors
    return Assistant.open(index)


@pytest.mark.parametrize(("question", "starts", "article"), QUESTIONS)
def test_form_questions_on_the_employment_law(
    law: Assistant, question: str, starts: str, article: str
) -> None:
    answer = law.ask(question)
    assert not answer.abstained
    assert answer.answer.startswith(starts)
    locator = answer.citations[0].locator
    assert locator == article or locator.startswith(article + " ")
