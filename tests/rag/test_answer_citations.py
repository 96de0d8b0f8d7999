"""Which clauses an answer cites after its own: the ones that state the asked fact come first."""

from __future__ import annotations

import pytest

from rag.pipeline import Assistant

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


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from rag.ingest import ingest_paths

    root = tmp_path_factory.mktemp("docs")
    (root / "kh41.txt").write_text(PLAN, encoding="utf-8")
    index = root.parent / "idx"
    assert not ingest_paths([root], index, progress=False).errors
    return Assistant.open(index)


def test_clauses_stating_the_same_fact_are_cited_together(assistant: Assistant) -> None:
    answer = assistant.ask("Tỉnh phấn đấu năm 2026 đạt bao nhiêu phần trăm xã đạt chuẩn nông thôn mới?")
    assert not answer.abstained and "40%" in answer.answer
    stating = [c.locator for c in answer.citations[:3] if "40%" in c.text]
    assert sorted(stating) == ["II.1", "III.1.a"], [c.locator for c in answer.citations]
