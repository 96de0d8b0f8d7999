"""Choice and yes/no questions over the sample law: the letter or verdict the deciding clause
states, cited first; the relevant clause when none is stated; abstention only when nothing is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.answer.answerer import SUPPORT_THRESHOLD
from rag.answer.choices import ANSWERED, UNCLEAR, UNDECIDED
from rag.pipeline import Assistant

pytestmark = pytest.mark.slow

LAW = Path(__file__).resolve().parents[1] / "data" / "law"


@pytest.fixture(scope="module")
def law(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from rag.ingest import ingest_paths

    docs = tmp_path_factory.mktemp("law-docs")
    shutil.copy(LAW / "luat_mau.txt", docs)
    index = tmp_path_factory.mktemp("law-forms") / "idx"
    assert not ingest_paths([docs], index, progress=False).errors
    return Assistant.open(index)


def test_a_clause_found_is_an_answer_at_the_answerers_threshold() -> None:
    assert ANSWERED == SUPPORT_THRESHOLD


@pytest.mark.parametrize(
    ("question", "letter", "locator"),
    [
        (
            "Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là bao nhiêu năm?\nA. 01 năm\nB. 03 năm\nC. 05 năm\nD. 10 năm",
            "C",
            "Điều 9",
        ),
        (
            "Luật này áp dụng đối với đối tượng nào? A. Chỉ cơ quan nhà nước B. Cơ quan, tổ chức, cá nhân trực tiếp "
            "tham gia hoặc có liên quan đến giao dịch điện tử C. Chỉ doanh nghiệp",
            "B",
            "Điều 2",
        ),
        (
            "Hành vi nào sau đây bị nghiêm cấm? Đáp án A: Lưu trữ thông điệp dữ liệu Đáp án B: Giả mạo chữ ký "
            "điện tử của tổ chức khác Đáp án C: Sử dụng chứng thư điện tử",
            "B",
            "Điều 12 khoản 1",
        ),
        (
            "Tổ chức cung cấp dịch vụ tin cậy phải lưu trữ hồ sơ khách hàng trong bao lâu? "
            "A. 05 năm B. 10 năm C. 15 năm",
            "B",
            "Điều 11 khoản 1",
        ),
        (
            "Luật giao dịch điện tử mẫu có hiệu lực thi hành từ ngày nào? A. 01/01/2025 B. 01/7/2025 C. 01/01/2026",
            "B",
            "Điều 13",
        ),
        # unmarked, lower-case markers
        (
            "thoi han luu tru thong diep du lieu toi thieu la bao nhieu nam? a) 01 nam b) 05 nam c) 10 nam",
            "B",
            "Điều 9",
        ),
    ],
)
def test_the_stated_choice_is_the_answer(law: Assistant, question: str, letter: str, locator: str) -> None:
    answer = law.ask(question)
    assert not answer.abstained
    assert answer.answer.startswith(f"Đáp án {letter}:")
    assert answer.citations[0].locator == locator


def test_the_false_choice_is_the_one_no_clause_states(law: Assistant) -> None:
    answer = law.ask(
        "Phát biểu nào sau đây sai về thông điệp dữ liệu? A. Thông điệp dữ liệu có giá trị như văn bản nếu "
        "thông tin có thể truy cập và sử dụng được để tham chiếu B. Thời hạn lưu trữ thông điệp dữ liệu tối "
        "thiểu là 05 năm kể từ ngày khởi tạo C. Thông điệp dữ liệu phải được in ra giấy và đóng dấu"
    )
    assert answer.answer.startswith("Đáp án C:")
    # Cited: where the other two choices are stated.
    assert {c.locator.split(" điểm")[0] for c in answer.citations[:2]} == {"Điều 8 khoản 2", "Điều 9"}


def test_all_of_the_above_when_each_named_choice_is_stated(law: Assistant) -> None:
    answer = law.ask(
        "Thông điệp dữ liệu có giá trị như văn bản khi đáp ứng điều kiện nào? A. Thông tin có thể truy cập và "
        "sử dụng được để tham chiếu B. Nội dung được bảo đảm toàn vẹn kể từ khi được khởi tạo C. Cả A và B"
    )
    assert answer.answer.startswith("Đáp án C:")
    assert {c.locator for c in answer.citations[:2]} == {"Điều 8 khoản 2 điểm a", "Điều 8 khoản 2 điểm b"}


def test_no_choice_stated_cites_the_relevant_clause(law: Assistant) -> None:
    # The fine runs "from 10 to 20 million": both amounts are in the clause, neither is "the" maximum by words.
    answer = law.ask(
        "Tổ chức vi phạm quy định lưu trữ bị phạt tiền bao nhiêu? A. 10.000.000 đồng B. 20.000.000 đồng"
    )
    assert not answer.abstained
    assert answer.answer.startswith(UNCLEAR)
    assert answer.citations[0].locator == "Điều 10"


@pytest.mark.parametrize(
    ("question", "verdict", "locator"),
    [
        ("Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là 05 năm, đúng hay sai?", "Đúng.", "Điều 9"),
        ("Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là 10 năm, đúng hay sai?", "Sai.", "Điều 9"),
        ("thoi han luu tru thong diep du lieu toi thieu la 10 nam, dung hay sai", "Sai.", "Điều 9"),
        (
            "Tổ chức cung cấp dịch vụ tin cậy được tiết lộ thông tin của khách hàng, đúng không?",
            "Sai.",
            "Điều 11 khoản 2",
        ),
        ("Có phải giả mạo chữ ký điện tử là hành vi bị nghiêm cấm không?", "Có.", "Điều 12 khoản 1"),
        ("co phai gia mao chu ky dien tu la hanh vi bi nghiem cam khong", "Có.", "Điều 12 khoản 1"),
        (
            "Tổ chức vi phạm quy định tại Điều 9 có bị phạt tiền đến 50.000.000 đồng không?",
            "Không.",
            "Điều 10",
        ),
        (
            "Nhận định sau đúng hay sai: Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025",
            "Đúng.",
            "Điều 13",
        ),
    ],
)
def test_yes_no_verdicts(law: Assistant, question: str, verdict: str, locator: str) -> None:
    answer = law.ask(question)
    assert not answer.abstained
    assert answer.answer.startswith(verdict)
    assert answer.citations[0].locator == locator


def test_a_statement_no_clause_states_plainly_gets_the_clause_without_a_verdict(law: Assistant) -> None:
    answer = law.ask("Chữ ký điện tử có giá trị pháp lý như văn bản, đúng hay sai?")
    assert not answer.abstained
    assert answer.answer.startswith(UNDECIDED)
    assert "Điều 8" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Thuế suất thuế thu nhập doanh nghiệp là 20%, đúng hay sai?",
        "Thuế suất thuế thu nhập doanh nghiệp là bao nhiêu? A. 10% B. 20% C. 25%",
    ],
)
def test_nothing_relevant_is_still_an_abstention(law: Assistant, question: str) -> None:
    assert law.ask(question).abstained
