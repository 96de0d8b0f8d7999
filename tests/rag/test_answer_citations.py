"""What an answer cites: after its own clauses, the ones that state the asked fact; a footnote
named by its number is its own answer."""

from __future__ import annotations

import pytest

from rag.pipeline import Assistant
from tests.support import assistant_over

pytestmark = pytest.mark.slow

# A plan that states its 2026 target twice (in its targets and again in a unit's duty) among
# many clauses that repeat the question's words without the figure.
PLAN = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 41/KH-UBND
Bình Minh, ngày 02 tháng 12 năm 2025
KẾ HOẠCH
Xây dựng nông thôn mới năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Năm 2026, xã đạt chuẩn nông thôn mới phấn đấu giữ vững, nâng cao chất lượng các tiêu chí.
2. Năm 2026, xã chưa đạt chuẩn nông thôn mới phấn đấu rà soát tiêu chí, xây dựng lộ trình đạt chuẩn.
3. Năm 2026, phấn đấu các xã đạt chuẩn nông thôn mới kiểu mẫu chia sẻ kinh nghiệm với các xã.
4. Tỉnh phấn đấu năm 2026 huy động nguồn lực cho xã đạt chuẩn nông thôn mới.
II. MỤC TIÊU
1. Phấn đấu đạt 40% xã đạt chuẩn nông thôn mới năm 2026.
2. Thu nhập bình quân người dân nông thôn tăng 8% so với năm 2025.
III. TỔ CHỨC THỰC HIỆN
1. Sở Nông nghiệp và Môi trường
a) Chủ trì, phối hợp với các sở, ngành và địa phương hướng dẫn, kiểm tra, đôn đốc triển khai Chương trình mục tiêu quốc gia, bảo đảm tiến độ và chất lượng công trình, phấn đấu đạt mục tiêu 40% xã đạt chuẩn nông thôn mới ngay trong năm 2026.
b) Hướng dẫn các xã rà soát tiêu chí xã nông thôn mới, xã nông thôn mới nâng cao.
2. Sở Tài chính
Bố trí kinh phí cho các xã xây dựng nông thôn mới, ưu tiên xã đạt chuẩn nông thôn mới nâng cao.
3. Ủy ban nhân dân các xã
Tuyên truyền về xây dựng xã nông thôn mới; tổng hợp kết quả xã đạt chuẩn nông thôn mới.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phạm Quốc Toàn
"""

LETTER = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 15/UBND-VX
V/v triển khai phòng, chống ma túy
Bình Minh, ngày 03 tháng 12 năm 2025
Kính gửi: Các sở, ban, ngành tỉnh.
1. Các sở, ngành quán triệt Chương trình và các văn bản có liên quan[1].
2. Báo cáo kết quả thực hiện theo mẫu đã ban hành[2].
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Khải
[1] Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội; Nghị quyết số 50/NQ-CP ngày 13/3/2025 của Chính phủ.
[2] Mẫu số 01 ban hành kèm theo Công văn số 9/UBND-VX ngày 10/01/2025.
"""

# Its title says what it is about; its clauses do not repeat it.
TELECOM = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 52/KH-UBND
Bình Minh, ngày 05 tháng 12 năm 2025
KẾ HOẠCH
Phát triển hạ tầng viễn thông băng rộng trong các khu công nghiệp, cụm công nghiệp đến năm 2030
I. MỤC TIÊU
1. Hoàn thiện hệ thống cáp quang thế hệ mới, tốc độ truyền dẫn 10 Gbps đối xứng.
2. 100% doanh nghiệp được kết nối Internet tốc độ cao.
II. TỔ CHỨC THỰC HIỆN
Sở Khoa học và Công nghệ chủ trì, phối hợp với các doanh nghiệp viễn thông triển khai Kế hoạch.
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    texts = {"kh41.txt": PLAN, "cv15.txt": LETTER, "kh52.txt": TELECOM}
    return assistant_over(tmp_path_factory.mktemp("citations"), texts)


def test_clauses_stating_the_same_fact_are_cited_together(assistant: Assistant) -> None:
    answer = assistant.ask("Tỉnh phấn đấu năm 2026 đạt bao nhiêu phần trăm xã đạt chuẩn nông thôn mới?")
    assert not answer.abstained and "40%" in answer.answer
    stating = [c.locator for c in answer.citations[:3] if "40%" in c.text]
    assert sorted(stating) == ["II.1", "III.1.a"], [c.locator for c in answer.citations]


def test_a_footnote_named_by_its_number_is_the_answer(assistant: Assistant) -> None:
    answer = assistant.ask("Chú thích số [1] của Công văn 15/UBND-VX liệt kê những văn bản nào?")
    assert not answer.abstained
    assert "163/2024/QH15" in answer.answer and "50/NQ-CP" in answer.answer
    assert answer.citations[0].locator == "1 · chú thích 1"
    assert answer.citations[0].text.startswith("[1] Nghị quyết số 163/2024/QH15")
    assert "9/UBND-VX" in assistant.ask("chu thich 2 cong van 15/UBND-VX ghi gi?").answer
    assert assistant.ask("Chú thích số 7 của Công văn 15/UBND-VX ghi gì?").abstained  # there is none


def test_a_document_described_by_its_title_answers(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Kế hoạch phát triển hạ tầng viễn thông băng rộng trong khu công nghiệp, cụm công nghiệp "
        "đặt mục tiêu hệ thống cáp quang có tốc độ bao nhiêu?"
    )
    assert not answer.abstained and "10 Gbps" in answer.answer
    assert answer.citations[0].locator == "I.1"
