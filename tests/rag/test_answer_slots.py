"""The asked slot filled on wordings the strategies were not written for: the body a list's intro
names for its points, the passage stating the act asked of an unknown actor, the sentence that
obliges, a whole list of replaced documents, and a time asked that the documents do not state."""

from __future__ import annotations

import pytest

from rag.answer.passage import _says
from tests.support import assistant_over

RESOLUTION = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 48/NQ-UBND
Bình Minh, ngày 12 tháng 5 năm 2026
NGHỊ QUYẾT
Về các giải pháp hỗ trợ người dân vùng hạn hán
I. NHIỆM VỤ, GIẢI PHÁP
1. Về an sinh xã hội
1.1. Hỗ trợ lương thực
Sở Nông nghiệp và Môi trường xuất cấp gạo dự trữ cho các xã bị hạn hán nặng.
1.2. Bảo đảm chi trả trợ cấp
Sở Tài chính chỉ đạo Kho bạc Nhà nước khu vực:
a) Thanh toán gộp hai tháng trợ cấp người có công (tháng 6 và tháng 7 năm 2026) vào kỳ chi trả tháng 6 năm 2026 cho các hộ ở 05 xã vùng hạn hán nặng nhằm giúp người thụ hưởng chính sách ổn định đời sống, khắc phục khó khăn do thiếu nước sinh hoạt kéo dài.
b) Mở thêm điểm giao dịch lưu động tại các xã vùng cao, bảo đảm người dân nhận trợ cấp thuận tiện, đúng thời hạn. Phối hợp với Ủy ban nhân dân các xã thông báo lịch chi trả đến từng thôn, bản.
2. Về y tế
a) Sở Y tế cấp phát thuốc và vật tư y tế cho các trạm y tế xã vùng hạn hán.
b) Trạm y tế xã tổ chức khám bệnh lưu động cho người già.
II. TỔ CHỨC THỰC HIỆN
1. Các sở, ngành tổng hợp, báo cáo kết quả thực hiện Nghị quyết với Ủy ban nhân dân tỉnh.
2. Nghị quyết này có hiệu lực kể từ ngày ký, đồng thời thay thế các nghị quyết: Nghị quyết 11/NQ-UBND ngày 02/3/2019 của Ủy ban nhân dân tỉnh Bình Minh về việc hỗ trợ người dân vùng khô hạn ven biển, Nghị quyết số 27/NQ-UBND ngày 14/8/2021 của Ủy ban nhân dân tỉnh Bình Minh về việc hỗ trợ giống cây trồng chịu hạn cho các hợp tác xã vùng cao và Nghị quyết số 39/NQ-UBND ngày 20/10/2023 của Ủy ban nhân dân tỉnh Bình Minh về việc sửa đổi, bổ sung Nghị quyết số 27/NQ-UBND về hỗ trợ giống cây trồng chịu hạn.
"""

RULES = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 07/2026/QĐ-UBND
Bình Minh, ngày 03 tháng 02 năm 2026
QUYẾT ĐỊNH
Ban hành Quy chế quản lý con dấu điện tử của các cơ quan tỉnh Bình Minh
Điều 1. Quản lý con dấu điện tử
1. Thủ trưởng cơ quan có trách nhiệm giao cho Văn thư cơ quan quản lý, sử dụng thiết bị chứa con dấu điện tử của cơ quan để ký số các văn bản điện tử do cơ quan ban hành.
2. Trong thời hạn 05 ngày làm việc kể từ ngày cán bộ chuyển công tác, cơ quan quản lý trực tiếp có trách nhiệm thu hồi thiết bị chứa con dấu điện tử của cơ quan đã giao cán bộ đó sử dụng và bàn giao cho Văn phòng Ủy ban nhân dân tỉnh.
Điều 2. Cử cán bộ đi học tập
1. Giám đốc Trung tâm Lưu trữ tỉnh quyết định cử cán bộ, viên chức từ cấp phòng và tương đương trở xuống của Trung tâm Lưu trữ tỉnh đi học tập, bồi dưỡng chuyên môn, nghiệp vụ lưu trữ ngắn hạn và dài hạn ở trong nước và ở nước ngoài theo kế hoạch hằng năm đã được phê duyệt. Trường hợp chương trình học tập ở nước ngoài liên quan đến quốc phòng, an ninh thì phải lấy ý kiến Công an tỉnh và báo cáo Chủ tịch Ủy ban nhân dân tỉnh trước khi quyết định.
"""

LETTER = """SỞ NỘI VỤ
TỈNH BÌNH MINH
Số: 215/SNV-TĐKT
V/v góp ý dự thảo Nghị quyết về tiêu chuẩn xét tặng danh hiệu thi đua
Bình Minh, ngày 06 tháng 4 năm 2026
Kính gửi: Các sở, ban, ngành tỉnh.
1. Thực hiện Luật Thi đua, khen thưởng năm 2022, Sở Nội vụ được giao xây dựng dự thảo Nghị quyết của Hội đồng nhân dân tỉnh về tiêu chuẩn xét tặng danh hiệu thi đua (thay thế Nghị quyết số 05/2020/NQ-HĐND ngày 10/3/2020).
2. Đề nghị các cơ quan, đơn vị gửi ý kiến góp ý về Sở Nội vụ trước ngày 20/4/2026.
"""


@pytest.mark.parametrize(
    ("text", "fills"),
    [
        ("Thủ trưởng giao cho Văn thư lưu giữ, bảo quản thiết bị", True),
        ("cơ quan thu hồi thiết bị và bàn giao cho Văn phòng", False),
        ("Văn thư lưu giữ hồ sơ và bảo quản thiết bị", False),  # the words apart
    ],
)
def test_a_passage_states_the_act_in_so_many_words(text: str, fills: bool) -> None:
    assert _says(text, ("luu", "giu", "bao", "quan")) is fills


@pytest.mark.slow
def test_the_asked_slot_is_filled_on_wordings_of_other_kinds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"nq48.txt": RESOLUTION, "qd07.txt": RULES, "cv215.txt": LETTER})
    # the directing body is said by the sentence that opens the list of points, not by the points
    answer = assistant.ask(
        "Cơ quan nào chỉ đạo thanh toán gộp trợ cấp người có công cho các hộ ở vùng hạn hán?"
    )
    assert not answer.abstained and "Sở Tài chính" in answer.answer
    # the body given the act asked, not the one doing another act to the same thing
    answer = assistant.ask("Ai được giao quản lý, sử dụng thiết bị chứa con dấu điện tử của cơ quan?")
    assert not answer.abstained and "Văn thư" in answer.answer
    # the sentence that obliges, not the one sharing the question's subject words
    answer = assistant.ask(
        "Trung tâm Lưu trữ tỉnh muốn cử cán bộ đi học ở nước ngoài về an ninh thì phải làm gì trước khi quyết định?"
    )
    assert not answer.abstained and "Công an tỉnh" in answer.answer
    # every replaced document of a long sentence, not the window holding the question's words
    answer = assistant.ask("Nghị quyết 48/NQ-UBND thay thế những nghị quyết nào?")
    assert all(n in answer.answer for n in ("11/NQ-UBND", "27/NQ-UBND", "39/NQ-UBND")), answer.answer
    # the resolution asks for a report and states no time for it: not answered with another duty
    assert assistant.ask(
        "Thời hạn các sở, ngành báo cáo kết quả thực hiện Nghị quyết 48 là khi nào?"
    ).abstained
    # a resolution described by words no document's title has is not the one of that type that
    # states a replacement: the letter saying what the draft will replace answers
    answer = assistant.ask(
        "Nghị quyết mới của Hội đồng nhân dân tỉnh về tiêu chuẩn xét tặng danh hiệu thi đua sẽ thay thế nghị quyết nào?"
    )
    assert "05/2020/NQ-HĐND" in answer.answer and "11/NQ-UBND" not in answer.answer


DIRECTIVE = """ỦY BAN NHÂN DÂN
TỈNH HẢI MINH
Số: 07/CT-UBND
Hải Minh, ngày 03 tháng 6 năm 2026
CHỈ THỊ
Về cấp giấy phép xây dựng công trình trên địa bàn tỉnh
I. PHÂN CÔNG TRÁCH NHIỆM
1. Các cơ quan cấp giấy phép xây dựng (Sở Xây dựng, Ban quản lý Khu kinh tế Vân Phong, Ban Quản lý các Khu công nghiệp Hải Minh):
a) Là đầu mối chủ trì tiếp nhận hồ sơ, tổ chức thẩm định và cấp giấy phép xây dựng công trình trên địa bàn tỉnh.
b) Công khai thủ tục, thời hạn giải quyết hồ sơ trên Cổng dịch vụ công.
2. Sở Tài chính
a) Phối hợp thẩm định nguồn vốn của công trình.
"""


@pytest.mark.slow
def test_the_bodies_a_list_intro_names_answer_who_leads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"ct07.txt": DIRECTIVE})
    answer = assistant.ask(
        "Những cơ quan nào chủ trì tiếp nhận hồ sơ, thẩm định và cấp giấy phép xây dựng công trình?"
    )
    # the duty itself names no body: the intro over it does, kept whole
    assert not answer.abstained
    for body in ("Sở Xây dựng", "Khu kinh tế Vân Phong", "Khu công nghiệp Hải Minh"):
        assert body in answer.answer


DISPATCH = """THỦ TƯỚNG CHÍNH PHỦ
Số: 88/CĐ-TTg
Hà Nội, ngày 05 tháng 8 năm 2026
CÔNG ĐIỆN
Về khắc phục sạt lở đường giao thông miền núi phía Bắc
THỦ TƯỚNG CHÍNH PHỦ điện:
- Chủ tịch Ủy ban nhân dân các tỉnh miền núi phía Bắc;
- Bộ trưởng Bộ Xây dựng.
Thời gian qua, mưa lớn kéo dài gây sạt lở nhiều tuyến đường giao thông tại các tỉnh miền núi phía Bắc, chia cắt nhiều xã. Thực hiện chỉ đạo của Chính phủ; để khẩn trương khôi phục các tuyến đường giao thông bị sạt lở, bảo đảm học sinh đến trường an toàn trước ngày khai giảng năm học mới, Thủ tướng Chính phủ yêu cầu:
1. Chủ tịch Ủy ban nhân dân các tỉnh miền núi phía Bắc:
a) Huy động ngay máy móc, lực lượng để khôi phục các tuyến đường giao thông bị sạt lở trên địa bàn.
b) Bố trí nơi ở tạm cho các hộ dân phải di dời; việc di dời hoàn thành trước ngày 30/8/2026.
2. Bộ trưởng Bộ Xây dựng hướng dẫn các địa phương khôi phục các tuyến đường giao thông bị sạt lở.
"""


@pytest.mark.slow
def test_a_goal_stated_before_the_duties_answers_what_the_goal_is(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = (
        "ỦY BAN NHÂN DÂN\nTỈNH LAM SƠN\nSố: 12/KH-UBND\nLam Sơn, ngày 02 tháng 3 năm 2026\nKẾ HOẠCH\n"
        "Phát triển giao thông nông thôn\nI. MỤC TIÊU\n1. Mục tiêu chung: nâng cấp đường giao thông nông thôn.\n"
    )
    assistant = assistant_over(tmp_path, {"cd88.txt": DISPATCH, "kh12.txt": plan})
    answer = assistant.ask(
        "Công điện 88 đặt mục tiêu gì cho việc khôi phục các tuyến đường giao thông bị sạt lở?"
    )
    assert not answer.abstained and "khai giảng" in answer.answer
