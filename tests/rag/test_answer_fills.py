"""The fill check: an answer must fill the asked slot with a value of its type and meet the
question's constraints; else the documents do not say it (rag.answer.fills)."""

from __future__ import annotations

import pytest

from rag.answer.fills import unfilled
from rag.reading import read
from rag.text import fold
from rag.values import bounded_quantities, roman_labels
from tests.support import assistant_over


def test_bounds_and_labels_are_read_the_same_way_in_questions_and_clauses() -> None:
    folded = fold("Người có trên 15 năm công tác, từ đủ 18 tuổi trở lên, không quá 03 ngày, dưới 15 năm")
    assert bounded_quantities(folded) == [
        ("more", "15", "nam"),
        ("more", "18", "tuoi"),
        ("less", "3", "ngay"),
        ("less", "15", "nam"),
    ]
    assert roman_labels("xếp từ bậc III lên bậc II tại mục IV, Phụ lục I; V/v quý IV") == [
        ("bac", "III"),
        ("bac", "II"),
    ]
    q = read("Cán bộ có trên 15 năm công tác được xếp bậc II thì hưởng gì?")
    assert q.constraints.bounds == (("more", "15", "nam"),)
    assert q.constraints.labels == (("bac", "II"),)


@pytest.mark.parametrize(
    ("question", "answer", "fills"),
    [
        # a day asked: a day of a month, not the date of a document the answer cites
        ("Sở Y tế phải gửi báo cáo trước ngày nào?", "Sở Y tế gửi báo cáo trước ngày 15/11/2025.", True),
        ("Sở Y tế phải gửi báo cáo trước ngày nào?", "Sở Y tế tổng hợp, báo cáo kết quả thực hiện.", False),
        ("Hạn nộp hồ sơ là ngày nào?", "nộp hồ sơ chậm nhất ngày mồng 5 hằng tháng", True),
        ("Quyết định có hiệu lực từ ngày nào?", "Quyết định này có hiệu lực kể từ ngày ký.", True),
        (
            "Đợt tập huấn bắt đầu từ ngày nào?",
            "Căn cứ Kế hoạch số 12/KH-SNV ngày 03 tháng 02 năm 2026 của Sở Nội vụ về tập huấn.",
            False,
        ),
        # a time asked ("khi nào", "thời hạn"): a date, a period, a recurrence; not a document's year
        ("Thời hạn nộp báo cáo là khi nào?", "Phòng Kế toán tổng hợp, báo cáo Giám đốc.", False),
        ("Thời hạn nộp báo cáo là khi nào?", "Báo cáo định kỳ hằng quý gửi Phòng Kế toán.", True),
        ("Thời hạn nộp báo cáo là khi nào?", "Thường xuyên", True),
        ("Thời hạn nộp báo cáo là khi nào?", "Báo cáo theo mẫu tại Thông tư 07/2019/TT-BXD.", False),
        ("Khi nào tổ chức hội nghị sơ kết?", "Hội nghị sơ kết tổ chức trong tháng 7/2026.", True),
        ("Khi nào tổ chức hội nghị sơ kết?", "Hội nghị sơ kết do Văn phòng chuẩn bị.", False),
        ("Khi nào tổ chức hội nghị sơ kết?", "Tổ chức ngay sau khi kết thúc đợt kiểm tra.", True),
        ("Quy chế có hiệu lực từ khi nào?", "Quyết định này có hiệu lực kế từ ngày ký.", True),  # OCR "kế"
        # the school year the question itself names says nothing of when within it
        (
            "Hội thi năm học 2025–2026 diễn ra lúc nào?",
            "Trên đây là kế hoạch hội thi năm học 2025-2026./.",
            False,
        ),
        ("Hội thi năm học 2025–2026 diễn ra lúc nào?", "Lúc 8 giờ 00 phút, ngày 12 tháng 5 năm 2026.", True),
        ("Hội thi năm 2026 tổ chức khi nào?", "Hội thi tổ chức trong quý II năm 2026.", True),
        ("Hội thi năm 2026 tổ chức khi nào?", "Hội thi năm 2026 do Sở Nội vụ chủ trì.", False),
        # a count of the asked noun
        ("Có bao nhiêu học viên tham gia lớp bồi dưỡng?", "Lớp bồi dưỡng có 45 học viên tham gia.", True),
        ("Có bao nhiêu học viên tham gia lớp bồi dưỡng?", "Lớp học từ 8h00 đến 11h00, năm 2026.", False),
        ("Người vay có bao nhiêu ngày để bổ sung hồ sơ?", "trong thời hạn 07 ngày làm việc", True),
        ("Được nghỉ bao nhiêu ngày?", "được nghỉ mười ngày", True),
        ("Trợ cấp bằng bao nhiêu lần mức lương cơ sở?", "Trợ cấp là khoản tiền bù đắp tổn thất.", False),
        ("Trợ cấp bằng bao nhiêu lần mức lương cơ sở?", "bằng 10 lần mức lương cơ sở", True),
        ("Dự án cần bao nhiêu vốn?", "Nhu cầu vốn khoảng 1.200 tỷ đồng.", True),  # a measured noun
        ("Nội dung này nằm ở điều mấy của luật?", "Điều 12. Điều kiện dự tuyển", True),
        ("Cả nước có bao nhiêu tỉnh, thành phố?", "nước ta có 34 tỉnh, thành phố, 3.321 xã", True),
        # a length of time
        ("Thời hiệu xử lý vi phạm là bao lâu?", "Thời hiệu là thời hạn mà khi hết thời hạn đó thì …", False),
        ("Thời hiệu xử lý vi phạm là bao lâu?", "a) 02 năm đối với vi phạm nhẹ;", True),
        ("Thời hiệu xử lý vi phạm là bao lâu?", "hai năm kể từ ngày vi phạm", True),
        # a place asked
        ("Hội thảo được tổ chức ở đâu?", "Hội thảo tổ chức tại Nhà văn hóa tỉnh.", True),
        ("Hội thảo được tổ chức ở đâu?", "Hội thảo đánh giá kết quả công tác năm.", False),
        # only the documents this one rests on
        (
            "Mức thưởng cho mỗi sáng kiến là bao nhiêu?",
            "Căn cứ Quyết định số 15/QĐ-ĐH ngày 02 tháng 3 năm 2020 của Hiệu trưởng;",
            False,
        ),
        (
            "Quyết định này căn cứ vào văn bản nào?",
            "Căn cứ Quyết định số 15/QĐ-ĐH ngày 02 tháng 3 năm 2020 của Hiệu trưởng;",
            True,
        ),
        # constraints: a bound the clause states the other way, a label it does not carry
        (
            "Người có trên 15 năm công tác được hưởng gì?",
            "Người có dưới 15 năm công tác được trợ cấp.",
            False,
        ),
        ("Người có trên 15 năm công tác được hưởng gì?", "Người có trên 15 năm công tác được trợ cấp.", True),
        ("Người có từ 15 năm trở lên được hưởng gì?", "Người có dưới 15 năm công tác được trợ cấp.", False),
        ("Người có trên 15 năm công tác được hưởng gì?", "Người công tác lâu năm được trợ cấp.", True),
        (
            "Bao nhiêu viên chức được nâng từ bậc II lên bậc I?",
            "nâng từ bậc III lên bậc II: 12 viên chức",
            False,
        ),
        (
            "Bao nhiêu viên chức được nâng từ bậc III lên bậc II?",
            "nâng từ bậc III lên bậc II: 12 viên chức",
            True,
        ),
    ],
)
def test_an_answer_fills_the_asked_slot_under_the_constraints(
    question: str, answer: str, fills: bool
) -> None:
    assert (unfilled(read(question), answer, [answer]) == "") is fills


def test_a_passage_taken_instead_must_fill_the_slot_in_so_many_words() -> None:
    q = read("Có bao nhiêu học viên tham gia lớp bồi dưỡng?")
    assert unfilled(q, "Bảo đảm 100% học viên tham gia.") != ""  # a share, not a count
    q = read("Dự án cần bao nhiêu vốn?")
    assert unfilled(q, "Nhu cầu vốn khoảng 1.200 tỷ đồng.", strict=False) == ""
    assert unfilled(q, "Nhu cầu vốn khoảng 1.200 tỷ đồng.", strict=True) != ""
    q = read("Người có trên 15 năm công tác được hưởng gì?")
    assert unfilled(q, "Người công tác lâu năm được trợ cấp.", strict=True) != ""
    q = read("Hội thảo được tổ chức ở đâu?")
    assert unfilled(q, "Số hóa tài liệu lưu trữ của tỉnh.") != ""  # "tài" is no "tại"
    assert unfilled(q, "Công tác văn phòng còn một số tồn tại, hạn chế.") != ""  # nor is "tồn tại"
    assert unfilled(q, "Hội thảo còn một số tồn tại ở Trung ương.", strict=True) != ""  # only "tại X"


PLAN = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 31/KH-UBND
Bình Minh, ngày 10 tháng 3 năm 2026
KẾ HOẠCH
Tổ chức hội thao cán bộ, công chức năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Động viên cán bộ, công chức rèn luyện thể dục, thể thao.
II. NỘI DUNG
1. Hội thao gồm các môn bóng chuyền, cầu lông và kéo co dành cho cán bộ, công chức các sở, ngành.
2. Cán bộ, công chức có dưới 10 năm công tác được đăng ký thi đấu môn kéo co.
3. Sở Văn hóa và Thể thao gửi danh sách vận động viên về Ban Tổ chức trước ngày 20/4/2026.
4. Sở Tài chính bố trí kinh phí tổ chức hội thao cho các sở, ngành tham gia thi đấu, bao gồm kinh phí thuê sân bãi, trang phục, giải thưởng, bồi dưỡng trọng tài và ban tổ chức, in ấn tài liệu, tuyên truyền trên các phương tiện thông tin đại chúng, bảo đảm đúng định mức chi theo quy định hiện hành của Bộ Tài chính và Hội đồng nhân dân tỉnh về chế độ chi tiêu cho các giải thi đấu thể thao. Thời gian hoàn thành trước ngày 30/3/2026.
III. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ chủ trì tổng hợp kết quả hội thao, báo cáo Ủy ban nhân dân tỉnh.
"""


RULES = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 12/2026/QĐ-UBND
Bình Minh, ngày 05 tháng 01 năm 2026
QUYẾT ĐỊNH
Ban hành Quy chế khen thưởng và kỷ luật viên chức
Điều 1. Thời hiệu xử lý kỷ luật
1. Thời hiệu xử lý kỷ luật là thời hạn mà khi hết thời hạn đó thì viên chức có hành vi vi phạm không bị xử lý kỷ luật. Thời hiệu được tính như sau:
a) 02 năm đối với hành vi vi phạm đến mức phải kỷ luật bằng hình thức khiển trách;
b) 05 năm đối với hành vi vi phạm đến mức phải kỷ luật bằng hình thức cảnh cáo.
2. Thời hạn xử lý kỷ luật là khoảng thời gian từ khi phát hiện hành vi vi phạm đến khi có quyết định xử lý.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày 15 tháng 01 năm 2026.
"""


@pytest.mark.slow
def test_a_point_states_the_length_its_clause_only_defines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"qd12.txt": RULES})
    # the clause defining "thời hiệu" shares more of the question's words than its point "a)"
    answer = assistant.ask("Thời hiệu xử lý kỷ luật khi khiển trách là bao lâu?")
    assert not answer.abstained and "02 năm" in answer.answer and "05 năm" not in answer.answer


@pytest.mark.slow
def test_what_the_plan_does_not_say_is_not_answered(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"kh31.txt": PLAN})
    answer = assistant.ask("Sở Văn hóa và Thể thao gửi danh sách vận động viên trước ngày nào?")
    assert not answer.abstained and "20/4/2026" in answer.answer
    # the day stated in the last sentence of a long clause, after the one sharing the question's words
    answer = assistant.ask("Sở Tài chính phải bố trí kinh phí tổ chức hội thao xong trước ngày nào?")
    assert not answer.abstained and "30/3/2026" in answer.answer
    # the clause names no day for the report, no place, and counts those with "dưới 10 năm"
    assert assistant.ask("Sở Nội vụ phải báo cáo kết quả hội thao trước ngày nào?").abstained
    assert assistant.ask("Hội thao cán bộ, công chức năm 2026 được tổ chức ở đâu?").abstained
    assert assistant.ask("Cán bộ có trên 10 năm công tác được đăng ký thi đấu môn nào?").abstained


EVENT_PLAN = """ỦY BAN NHÂN DÂN HUYỆN AN PHÚ
Số: 44/KH-UBND
An Phú, ngày 02 tháng 3 năm 2026
KẾ HOẠCH
Tổ chức Hội thi tin học trẻ huyện An Phú năm học 2025-2026
I. MỤC ĐÍCH, YÊU CẦU
1. Phát hiện, bồi dưỡng học sinh có năng khiếu tin học trong năm học 2025-2026.
II. THỜI GIAN, ĐỊA ĐIỂM
1. Thời gian
Lúc 7 giờ 30 phút, ngày 18 tháng 4 năm 2026.
2. Địa điểm
Nhà văn hóa huyện An Phú.
Trên đây là Kế hoạch tổ chức Hội thi tin học trẻ huyện An Phú năm học 2025-2026./.
"""


@pytest.mark.slow
def test_an_event_is_dated_by_its_time_clause_not_the_header(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"kh44.txt": EVENT_PLAN})
    # the header's issue date and the closing line's school year do not say when the event is
    answer = assistant.ask("Hội thi tin học trẻ huyện An Phú năm học 2025-2026 diễn ra lúc nào?")
    assert not answer.abstained and "18 tháng 4 năm 2026" in answer.answer
    # the document's own date is still its issue date
    assert "2 tháng 3 năm 2026" in assistant.ask("Kế hoạch 44/KH-UBND ban hành ngày nào?").answer


def test_a_deadline_is_not_filled_by_the_documents_own_year_alone() -> None:
    q = read("Thời hạn gửi báo cáo là khi nào?")
    answer = "Hoàn thành báo cáo tổng kết chương trình khuyến công năm 2025 gửi Bộ Công Thương."
    assert unfilled(q, answer, [answer]) == ""  # a year alone, when nothing says whose it is
    assert unfilled(q, answer, [answer], own_years={"2025"}) == "no time"
    due = "Các phòng gửi báo cáo quý III năm 2025 về Sở."
    assert unfilled(q, due, [due], own_years={"2025"}) == ""
