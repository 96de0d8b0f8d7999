"""A unit handed tasks by their place in the plan ("Chủ trì triển khai các nhiệm vụ tại mục (IV)(3.4)(a)")
leads them."""

from __future__ import annotations

import pytest

from rag.answer.delegated import referenced_locators
from rag.text import fold
from tests.support import assistant_over

PLAN = """ỦY BAN NHÂN DÂN
TỈNH HÒA AN
Số: 60/KH-UBND
Hòa An, ngày 06 tháng 12 năm 2025
KẾ HOẠCH
Phát triển kinh tế số tỉnh Hòa An năm 2026
I. MỤC TIÊU
Kinh tế số đạt 20% GRDP.
II. NHIỆM VỤ
1. Hạ tầng số
a) Phủ sóng 5G toàn bộ khu công nghiệp.
b) Xây dựng trung tâm dữ liệu của tỉnh.
2. Logistics
2.1. Phát triển cảng cạn
a) Số hóa thủ tục thông quan hàng hóa tại cảng cạn:
- Thông quan điện tử toàn bộ tờ khai.
b) Kết nối kho bãi với sàn giao dịch vận tải.
III. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ
Chủ trì triển khai các nhiệm vụ tại mục (II) (1) của Kế hoạch.
2. Hải quan tỉnh
a) Chủ trì triển khai các nhiệm vụ tại mục (II)(2.1)(a);
b) Phối hợp với Sở Công Thương kết nối kho bãi.
3. Sở Xây dựng
Chủ trì thực hiện nhiệm vụ nêu tại điểm b tiểu mục 2.1 phần II Kế hoạch này.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Đỗ Minh Tâm
"""


@pytest.mark.parametrize(
    ("reference", "locators"),
    [
        ("mục (IV)(3.4)(a);", ["IV.3.4.a"]),
        ("mục (IV) (4.1) (4.2) và Phụ lục của Kế hoạch.", ["IV.4.1", "IV.4.2"]),
        ("mục (IV) (1) của Kế hoạch.", ["IV.1"]),
        ("điểm b tiểu mục 2.1 phần II Kế hoạch này", ["II.2.1.b"]),
        ("Phụ lục của Kế hoạch", []),
    ],
)
def test_references_to_where_tasks_sit(reference: str, locators: list[str]) -> None:
    assert referenced_locators(fold(reference)) == locators


@pytest.mark.slow
def test_the_unit_a_task_is_handed_to_by_its_place_leads_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"kh60.txt": PLAN})
    answer = assistant.ask("Đơn vị nào chủ trì nhiệm vụ số hóa thủ tục thông quan hàng hóa tại cảng cạn?")
    assert answer.answer.startswith("Hải quan tỉnh:"), answer.answer
    assert {c.locator for c in answer.citations[:3]} >= {"III.2.a", "II.2.1.a"}
    answer = assistant.ask("Cơ quan nào chủ trì kết nối kho bãi với sàn giao dịch vận tải?")
    assert answer.answer.startswith("Sở Xây dựng:"), answer.answer
    answer = assistant.ask("Đơn vị nào chủ trì xây dựng trung tâm dữ liệu của tỉnh?")  # under mục (II)(1)
    assert answer.answer.startswith("Sở Khoa học và Công nghệ:"), answer.answer
