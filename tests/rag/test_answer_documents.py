"""Answers about documents other than the seeds: articles, effective dates, places, abbreviations."""

from __future__ import annotations

import pytest

from rag.pipeline import Assistant

pytestmark = pytest.mark.slow

DECISION = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/2025/QĐ-UBND
Bình Minh, ngày 03 tháng 11 năm 2025
QUYẾT ĐỊNH
BAN HÀNH QUY ĐỊNH VỀ QUẢN LÝ CHỢ TRUYỀN THỐNG TRÊN ĐỊA BÀN TỈNH BÌNH MINH
Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý chợ truyền thống.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực thi hành kể từ ngày 15 tháng 11 năm 2025.
QUY ĐỊNH
Điều 3. Phạm vi điều chỉnh
Quy định này áp dụng đối với các chợ truyền thống trên địa bàn tỉnh.
Điều 4. Phân hạng chợ
1. Chợ hạng I có trên 400 điểm kinh doanh.
2. Chợ hạng II có từ 200 đến 400 điểm kinh doanh.
Điều 5. Kiểm tra phòng cháy
Ban quản lý chợ tổ chức kiểm tra công tác phòng cháy chữa cháy (PCCC) ít nhất 02 lần mỗi năm.
Điều 6. Bãi bỏ
Quyết định này thay thế Quyết định số 5/2019/QĐ-UBND ngày 10 tháng 3 năm 2019 về quản lý chợ truyền thống, hết hiệu lực khi Quyết định này có hiệu lực.
Điều 7. Hỗ trợ tiểu thương
1. Mức hỗ trợ cho tiểu thương bị thiệt hại do Ủy ban nhân dân tỉnh quyết định hằng năm.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Khải
"""

LETTER = """BỘ XÂY DỰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 845/BXD-KHTC
V/v hướng dẫn báo cáo khu công nghiệp
Hà Nội, ngày 20 tháng 11 năm 2025
Kính gửi: Ủy ban nhân dân các tỉnh, thành phố.
1. Các địa phương báo cáo số liệu hạ tầng khu công nghiệp trước ngày 10 tháng 12 năm 2025.
2. Văn bản này có hiệu lực kể từ ngày ký.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Trần Minh Hải
"""


PLAN = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 77/KH-UBND
Bình Minh, ngày 05 tháng 11 năm 2025
KẾ HOẠCH
Phòng, chống buôn lậu hàng giả năm 2026
I. TỔ CHỨC THỰC HIỆN
1. Công an tỉnh
a) Chủ trì, phối hợp với các cơ quan liên quan điều tra các đường dây buôn lậu xuyên biên giới.
b) Là cơ quan thường trực của Ban Chỉ đạo 389 tỉnh.
2. Sở Công Thương
a) Phối hợp với Công an tỉnh kiểm tra các chợ đầu mối về hàng giả.
b) Làm việc với Tập đoàn Điện lực - Năng lượng Miền Trung về an toàn điện tại các chợ đầu mối trong mùa cao điểm.
3. Tỉnh đoàn
Chủ trì tuyên truyền phòng, chống buôn lậu hàng giả cho đoàn viên, công nhân các khu công nghiệp.
4. Các sở, ngành báo cáo kết quả thực hiện trước ngày 25 tháng 11 hằng năm.
Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phạm Quốc Toàn
PHỤ LỤC
NHIỆM VỤ CỤ THỂ
(Kèm theo Kế hoạch số 77/KH-UBND ngày 05/11/2025 của UBND tỉnh Bình Minh)
STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Kiểm tra các chợ đầu mối | Sở Công Thương | Công an tỉnh | Quý I/2026
2 | Tuyên truyền trên báo, đài | Sở Văn hóa, Thể thao và Du lịch | Tỉnh đoàn | Thường xuyên
3 | Sơ kết, tổng kết kế hoạch | Sở Tài chính | Các sở, ngành | Tháng 12/2026
"""


PLAN_ELSEWHERE = """ỦY BAN NHÂN DÂN
TỈNH HÒA AN
Số: 31/KH-UBND
Hòa An, ngày 12 tháng 11 năm 2025
KẾ HOẠCH
Phòng, chống buôn lậu hàng giả năm 2026
I. TỔ CHỨC THỰC HIỆN
1. Đề nghị Liên đoàn Lao động tỉnh
Chủ trì tuyên truyền phòng, chống buôn lậu hàng giả cho công nhân lao động tại các khu công nghiệp.
II. NHIỆM VỤ KHÁC
1. Xây dựng chiến lược dữ liệu của tỉnh
Đơn vị thực hiện: Sở Khoa học và Công nghệ.
Đơn vị phối hợp: Các sở, ban, ngành.
a) Nhiệm vụ: Tham mưu Ủy ban nhân dân tỉnh phối hợp với Bộ Công an rà soát chiến lược dữ liệu đến năm 2030.
2. Các sở, ban, ngành, Ủy ban nhân dân xã, phường báo cáo kết quả thực hiện kế hoạch phòng, chống buôn lậu hàng giả trước ngày 10 tháng 12 hằng năm.
Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Đỗ Minh Tâm
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from rag.ingest import ingest_paths

    root = tmp_path_factory.mktemp("docs")
    (root / "qd12.txt").write_text(DECISION, encoding="utf-8")
    (root / "cv845.txt").write_text(LETTER, encoding="utf-8")
    (root / "kh77.txt").write_text(PLAN, encoding="utf-8")
    (root / "kh31.txt").write_text(PLAN_ELSEWHERE, encoding="utf-8")
    index = tmp_path_factory.mktemp("idx")
    assert not ingest_paths([root], index, progress=False).errors
    return Assistant.open(index)


def test_which_article_answers_with_its_number_and_title(assistant: Assistant) -> None:
    answer = assistant.ask("Điều nào quy định phân hạng chợ?")
    assert not answer.abstained
    assert answer.answer.startswith("Điều 4. Phân hạng chợ")


def test_fact_and_its_article(assistant: Assistant) -> None:
    answer = assistant.ask("Chợ hạng I có bao nhiêu điểm kinh doanh, quy định ở điều nào?")
    assert not answer.abstained
    assert "400" in answer.answer and "Điều 4" in answer.answer


def test_effective_date_is_not_the_issue_date(assistant: Assistant) -> None:
    answer = assistant.ask("Quyết định 12/2025/QĐ-UBND có hiệu lực từ ngày nào?")
    assert "15 tháng 11 năm 2025" in answer.answer
    assert answer.citations[0].locator.startswith("Điều 2")


def test_effective_on_signing_gives_the_signing_date(assistant: Assistant) -> None:
    answer = assistant.ask("Công văn 845/BXD-KHTC có hiệu lực khi nào?")
    assert "ngày ký" in answer.answer and "20 tháng 11 năm 2025" in answer.answer


def test_which_document_takes_effect_on_a_date(assistant: Assistant) -> None:
    answer = assistant.ask("Văn bản nào có hiệu lực từ ngày 15/11/2025?")
    assert "12/2025/QĐ-UBND" in answer.answer and "845" not in answer.answer


def test_issue_date_still_answers_when_asked(assistant: Assistant) -> None:
    answer = assistant.ask("Quyết định 12/2025/QĐ-UBND ban hành ngày nào?")
    assert "3 tháng 11 năm 2025" in answer.answer


def test_abbreviations_the_documents_spell_out_are_known(assistant: Assistant) -> None:
    # "KCN" is written "khu công nghiệp" in the letter; "PCCC" stands in the decision as it is.
    answer = assistant.ask("Các địa phương báo cáo số liệu hạ tầng KCN trước ngày nào?")
    assert not answer.abstained and "10 tháng 12 năm 2025" in answer.answer
    answer = assistant.ask("Ban quản lý chợ kiểm tra PCCC mấy lần mỗi năm?")
    assert not answer.abstained and "02 lần" in answer.answer


def test_an_unknown_abbreviation_still_abstains(assistant: Assistant) -> None:
    assert assistant.ask("Các địa phương báo cáo số liệu hạ tầng ODA trước ngày nào?").abstained


def test_a_unit_heading_names_who_leads_and_who_coordinates(assistant: Assistant) -> None:
    lead = assistant.ask("Cơ quan nào chủ trì điều tra các đường dây buôn lậu xuyên biên giới?")
    assert lead.answer.startswith("Công an tỉnh")
    assert {c.locator for c in lead.citations[:2]} == {"I.1.a", "I.1"}  # the duty and the unit's heading
    partner = assistant.ask("Sở nào phối hợp với Công an tỉnh kiểm tra các chợ đầu mối?")
    assert "Sở Công Thương" in partner.answer


def test_a_dash_inside_a_name_does_not_cut_the_answer(assistant: Assistant) -> None:
    answer = assistant.ask("Sở Công Thương làm việc với đơn vị nào về an toàn điện tại các chợ đầu mối?")
    assert "Tập đoàn Điện lực - Năng lượng Miền Trung" in answer.answer


def test_english_question_is_answered_from_the_dense_ranking(assistant: Assistant) -> None:
    answer = assistant.ask("From what date does Decision 12/2025/QD-UBND take effect?")
    assert not answer.abstained
    assert "15 tháng 11 năm 2025" in answer.answer


def test_documents_a_named_person_signed(assistant: Assistant) -> None:
    answer = assistant.ask("Ông Lê Văn Khải đã ký những văn bản nào?")
    assert "12/2025/QĐ-UBND" in answer.answer
    assert "845" not in answer.answer and "77/KH-UBND" not in answer.answer
    assert answer.citations[0].locator == "chữ ký"


def test_two_provinces_plans_answer_alike_and_both_are_given(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Đơn vị nào chủ trì tuyên truyền phòng, chống buôn lậu hàng giả cho công nhân các khu công nghiệp?"
    )
    assert answer.answer.startswith("Câu hỏi khớp với nhiều văn bản")
    assert "Tỉnh đoàn" in answer.answer and "Liên đoàn Lao động tỉnh" in answer.answer
    named = assistant.ask(
        "Ở Hòa An, đơn vị nào chủ trì tuyên truyền phòng, chống buôn lậu hàng giả cho công nhân các khu công nghiệp?"
    )
    assert "Liên đoàn Lao động tỉnh" in named.answer and "Tỉnh đoàn" not in named.answer


def test_a_task_row_of_a_named_plan_and_a_task_the_plan_lacks(assistant: Assistant) -> None:
    answer = assistant.ask("Cơ quan nào chủ trì nhiệm vụ 3 trong phụ lục Kế hoạch 77/KH-UBND?")
    assert "Sở Tài chính" in answer.answer
    assert answer.citations[0].locator.endswith("3")
    # Plan 31 has one task only: plan 77's task 3 does not answer for it.
    assert assistant.ask("Cơ quan nào chủ trì nhiệm vụ 3 của Kế hoạch 31/KH-UBND?").abstained


def test_the_sentence_saying_from_when_beats_one_mentioning_validity(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Quyết định ban hành quy định về quản lý chợ truyền thống có hiệu lực từ ngày nào?"
    )
    assert "15 tháng 11 năm 2025" in answer.answer


def test_a_list_number_is_no_amount(assistant: Assistant) -> None:
    # "1." opens the only clause about the amount: it states none, so the documents do not say.
    assert assistant.ask("Mức hỗ trợ cho tiểu thương bị thiệt hại là bao nhiêu đồng?").abstained


def test_a_header_never_answers_who_leads(assistant: Assistant) -> None:
    answer = assistant.ask("Cơ quan nào chủ trì phòng, chống buôn lậu hàng giả năm 2026?")
    assert all(c.locator != "header" for c in answer.citations[:1])


def test_a_subject_other_documents_have_but_the_answering_one_lacks(assistant: Assistant) -> None:
    # Only the Bình Minh plan speaks of "đoàn viên"; it never names Hòa An, which another document
    # does: asked of Hòa An, the passage found answers for another province, so the documents do not say.
    answer = assistant.ask("Ở Hòa An, đơn vị nào chủ trì tuyên truyền phòng, chống buôn lậu cho đoàn viên?")
    assert answer.abstained


def test_a_passage_answers_when_the_task_field_does_not(assistant: Assistant) -> None:
    # The task's "Đơn vị phối hợp" names no ministry and the year is only in the duty below it:
    # the structured answer fails the support check and the passage that names the ministry answers.
    answer = assistant.ask(
        "Sở Khoa học và Công nghệ tham mưu UBND tỉnh phối hợp với bộ nào để rà soát chiến lược dữ liệu đến 2030?"
    )
    assert not answer.abstained and "Bộ Công an" in answer.answer


def test_a_task_question_asking_two_fields_gets_both(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Nhiệm vụ 3 trong phụ lục Kế hoạch 77/KH-UBND do cơ quan nào chủ trì và hoàn thành khi nào?"
    )
    assert "Sở Tài chính" in answer.answer and "Tháng 12/2026" in answer.answer


def test_the_named_province_answers_even_when_another_words_it_closer(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Ở Bình Minh, các sở, ban, ngành, UBND xã phường báo cáo kết quả thực hiện kế hoạch phòng, chống "
        "buôn lậu hàng giả trước ngày nào hằng năm?"
    )
    assert "25 tháng 11" in answer.answer and "10 tháng 12" not in answer.answer


def test_what_a_named_document_replaces(assistant: Assistant) -> None:
    answer = assistant.ask("Quyết định 12/2025/QĐ-UBND thay thế quyết định nào?")
    assert "5/2019/QĐ-UBND" in answer.answer
    # A named document that replaces nothing is not answered with another document's references.
    other = assistant.ask("Công văn 845/BXD-KHTC thay thế văn bản nào?")
    assert "5/2019" not in other.answer


ORDINANCE = """HỘI ĐỒNG NHÂN DÂN
TỈNH BÌNH MINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 08/2026/NQ-HĐND
Bình Minh, ngày 12 tháng 01 năm 2026
NGHỊ QUYẾT
Quy định mức hỗ trợ nuôi ong mật trên địa bàn tỉnh
Điều 1. Mức hỗ trợ
1. Hộ nuôi ong mật được hỗ trợ 500.000 đồng một đàn.
2. Hợp tác xã nuôi ong mật được hỗ trợ thêm 10% chi phí giống.
Điều 2. Hiệu lực thi hành
1. Nghị quyết này có hiệu lực thi hành từ ngày 01 tháng 3 năm 2026, trừ trường hợp quy định tại khoản 2 Điều này.
2. Khoản 2 Điều 1 của Nghị quyết này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.
"""


def test_an_effective_date_with_an_exception_gives_the_excepted_clause_too(tmp_path_factory) -> None:  # noqa: ANN001
    from tests.support import assistant_over

    ordinance = assistant_over(tmp_path_factory.mktemp("ordinance"), {"nq08.txt": ORDINANCE})
    answer = ordinance.ask("Nghị quyết 08/2026/NQ-HĐND có hiệu lực từ ngày nào?")
    assert "01 tháng 3 năm 2026" in answer.answer and "01 tháng 7 năm 2026" in answer.answer
    assert [c.locator for c in answer.citations[:2]] == ["Điều 2 khoản 1", "Điều 2 khoản 2"]
