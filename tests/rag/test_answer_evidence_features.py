"""Evidence features that tell the answering passage from its look-alikes: the month or quarter
asked printed in a row, a figure right after the question's phrase, a case the passage negates;
and the issuer named with its province in a document's number answer."""

from __future__ import annotations

import pytest

from rag.answer.text import figure_follows_phrase, negates_asked
from rag.reading import read
from rag.records import DocumentMeta
from rag.references import document_reference, issuer_named
from rag.text import fold
from rag.values import named_periods, periods_agree
from tests.support import assistant_over


def test_months_and_quarters_are_read_with_their_years() -> None:
    assert named_periods(fold("Tháng 8/2026")) == {("thang", 8, 2026)}
    assert named_periods(fold("quý II/2025, quý 3")) == {("quy", 2, 2025), ("quy", 3, None)}
    assert named_periods(fold("ngày 15 tháng 8 năm 2026")) == set()  # a day, not the month
    assert named_periods(fold("trong 6 tháng đầu năm, tháng 13")) == set()
    assert periods_agree({("thang", 8, 2026)}, {("thang", 8, None)})
    assert not periods_agree({("thang", 8, 2026)}, {("thang", 8, 2025), ("thang", 5, 2026)})
    assert not periods_agree({("quy", 2, None)}, {("thang", 2, None)})


def test_the_question_names_its_period_but_not_a_document_numbers_year() -> None:
    q = read("Theo Công văn 915/SYT-NVY, đơn vị nào được kiểm tra vào tháng 10/2026?")
    assert q.constraints.periods == (("thang", 10, 2026),)
    assert read("Theo Quyết định 12/2025/QĐ-UBND, ai chủ trì?").constraints.periods == ()


def test_a_figure_right_after_the_questions_phrase() -> None:
    # "Mức phí thẩm định hồ sơ lần thứ hai không được vượt quá bao nhiêu?"
    asked = ("muc", "phi", "tham", "dinh", "ho", "so", "lan", "thu", "hai", "vuot", "qua")
    assert figure_follows_phrase(fold("Mức phí không vượt quá 15% giá trị hồ sơ."), asked, set())
    # the phrase followed by words, or by a number the question states itself
    assert not figure_follows_phrase(fold("không vượt quá mức phí thẩm định tại khoản 2"), asked, set())
    assert not figure_follows_phrase(fold("vượt quá 15% giá trị"), asked, {"15"})
    # a document number after the phrase is no figure, nor a length of time unless one is asked
    assert not figure_follows_phrase(fold("vượt quá 12/2025/TT-BTC"), asked, set())
    assert not figure_follows_phrase(fold("không vượt quá 30 ngày"), asked, set())
    assert figure_follows_phrase(fold("không vượt quá 30 ngày"), asked, set(), lengths=True)
    # only the question's last words: "lần thứ" earlier in the question is not what is asked
    assert not figure_follows_phrase(fold("thẩm định hồ sơ lần thứ 2 trở đi"), asked, set())
    assert figure_follows_phrase(fold("mức thu là 2%"), ("le", "phi", "muc", "thu"), set())


def test_a_passage_negating_the_asked_case_is_told_apart() -> None:
    question = fold("Lệ phí đối với hồ sơ có kê khai thuế không được vượt quá bao nhiêu?")
    topic = ("le", "phi", "ho", "so", "ke", "khai", "thue", "vuot", "qua")
    assert negates_asked(fold("Trường hợp hồ sơ không có kê khai thuế, lệ phí là 0 đồng."), question, topic)
    # the question's own "không (được)" is no conflict
    assert not negates_asked(fold("Lệ phí không vượt quá 500.000 đồng."), question, topic)
    # "không" before words the question does not ask about
    assert not negates_asked(fold("Hồ sơ không hợp lệ được trả lại."), question, topic)


def test_a_department_is_named_with_its_province() -> None:
    meta = DocumentMeta(
        doc_type="Kế hoạch", number="77/KH-SYT", issuer="Sở Y tế", parent_issuer="UBND tỉnh Hòa Bình"
    )
    assert issuer_named(meta) == "Sở Y tế tỉnh Hòa Bình"
    # a body that names its place, or one with no body above it, is named as printed
    assert (
        issuer_named(DocumentMeta(issuer="Ủy ban nhân dân tỉnh Hòa Bình")) == "Ủy ban nhân dân tỉnh Hòa Bình"
    )
    assert issuer_named(DocumentMeta(issuer="Bộ Y tế")) == "Bộ Y tế"
    # the formal reference abbreviates it, as drafting staff do
    assert document_reference(
        DocumentMeta(doc_type="Kế hoạch", parent_issuer="Ủy ban nhân dân tỉnh Hòa Bình")
    ) == ("Kế hoạch của UBND tỉnh Hòa Bình")


def test_a_departments_number_is_told_with_its_province() -> None:
    from rag.answer.document_facts import document_fact
    from rag.records import Clause, Document

    meta = DocumentMeta(
        doc_type="Kế hoạch", number="77/KH-SYT", issuer="Sở Y tế", parent_issuer="UBND tỉnh Hòa Bình"
    )
    doc = Document(id="d", source="kh77.txt", content_hash="", meta=meta)
    header = Clause(
        id="d:header", doc_id="d", source="kh77.txt", locator="header", kind="header", text="SỞ Y TẾ"
    )
    assert document_fact(doc, "header", header) == "Kế hoạch số 77/KH-SYT của Sở Y tế tỉnh Hòa Bình."


LETTER = """SỞ Y TẾ TỈNH SƠN HÀ
TRUNG TÂM KIỂM SOÁT BỆNH TẬT
Số: 915/TTKSBT-NV
Sơn Hà, ngày 02 tháng 3 năm 2026
V/v kiểm tra công tác tiêm chủng mở rộng năm 2026
Kính gửi: Các trạm y tế xã, phường.
1. Trung tâm tổ chức kiểm tra công tác tiêm chủng mở rộng tại các trạm y tế theo lịch tại Phụ lục kèm theo.
2. Các trạm y tế được kiểm tra chuẩn bị sổ sách, báo cáo theo yêu cầu của đoàn kiểm tra tiêm chủng mở rộng.
PHỤ LỤC
Lịch kiểm tra công tác tiêm chủng mở rộng tại các trạm y tế xã, phường (Kèm theo Công văn số 915/TTKSBT-NV ngày 02/3/2026)
STT | Đơn vị được kiểm tra | Thời gian
1 | Trạm y tế xã Tân Lập | Tháng 4/2026
2 | Trạm y tế phường Hòa Bình | Tháng 6/2026
3 | Trạm y tế xã Yên Sơn | Tháng 9/2026
4 | Trạm y tế xã Phú Mỹ | Tháng 11/2026
"""

DECREE = """CHÍNH PHỦ
Số: 41/2026/NĐ-CP
Hà Nội, ngày 10 tháng 02 năm 2026
NGHỊ ĐỊNH
Quy định về quỹ tương trợ trong cộng đồng dân cư
Điều 5. Mức đóng góp trong quỹ có bảo lãnh
1. Mức đóng góp trong quỹ có bảo lãnh do các thành viên thỏa thuận nhưng không vượt quá 10% thu nhập tháng của mỗi thành viên.
2. Trường hợp mức đóng góp vượt quá mức quy định tại khoản 1 Điều này thì phần vượt quá không có hiệu lực.
Điều 6. Mức đóng góp khi chậm nộp
1. Trường hợp quỹ không có bảo lãnh, mức đóng góp được xác định theo thỏa thuận nhưng không được vượt quá mức đóng góp trong quỹ có bảo lãnh quy định tại khoản 1 Điều 5 của Nghị định này.
2. Thành viên chậm nộp phải nộp bổ sung trong thời hạn 15 ngày.
"""


@pytest.mark.slow
def test_the_row_of_the_asked_month_and_the_figure_of_the_asked_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"cv915.txt": LETTER, "nd41.txt": DECREE})
    answer = assistant.ask(
        "Theo Phụ lục Công văn 915/TTKSBT-NV, đơn vị nào được kiểm tra công tác tiêm chủng mở rộng vào tháng 9/2026?"
    )
    assert not answer.abstained and "Yên Sơn" in answer.answer
    answer = assistant.ask(
        "Theo Nghị định 41/2026/NĐ-CP, mức đóng góp trong quỹ có bảo lãnh không được vượt quá bao nhiêu?"
    )
    assert not answer.abstained and "10%" in answer.answer


def test_the_case_a_question_restricts_itself_to() -> None:
    assert read("Mức thu lệ phí đối với tàu bay là bao nhiêu?").constraints.qualifiers == ("tau bay",)
    assert read("Phạt bao nhiêu đối với hành vi lấn chiếm đất?").constraints.qualifiers == ("hanh vi",)
    # a count or "các trường hợp" names no case
    assert read("Áp dụng đối với 04 tỉnh nào?").constraints.qualifiers == ()
    assert read("Mức phạt đối với các trường hợp vi phạm là gì?").constraints.qualifiers == ()


FEES = """CHÍNH PHỦ
Số: 52/2026/NĐ-CP
Hà Nội, ngày 12 tháng 3 năm 2026
NGHỊ ĐỊNH
Quy định lệ phí đăng ký phương tiện
Điều 7. Lệ phí đăng ký đối với du thuyền
1. Mức thu là 1% giá trị phương tiện.
2. Tổ chức thu nộp toàn bộ số thu vào ngân sách nhà nước.
Điều 8. Lệ phí đăng ký ô tô
1. Mức thu lệ phí đăng ký ô tô là 2% giá trị phương tiện.
"""

PORTS = """ỦY BAN NHÂN DÂN
TỈNH HẢI MINH
Số: 20/KH-UBND
Hải Minh, ngày 02 tháng 4 năm 2026
KẾ HOẠCH
Phát triển du lịch biển
1. Mở rộng sân bay Hải Minh để đón tàu bay cỡ lớn.
2. Sở Du lịch chủ trì quảng bá các tuyến du lịch biển.
"""


@pytest.mark.slow
def test_a_case_only_the_heading_names_is_answered_another_is_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"nd52.txt": FEES, "kh20.txt": PORTS})
    answer = assistant.ask(
        "Theo Nghị định 52/2026/NĐ-CP, mức thu lệ phí đăng ký đối với du thuyền là bao nhiêu?"
    )
    assert not answer.abstained and "1%" in answer.answer
    # the decree has fees for yachts and cars; aircraft are named only by another document
    assert assistant.ask(
        "Theo Nghị định 52/2026/NĐ-CP, mức thu lệ phí đăng ký đối với tàu bay là bao nhiêu?"
    ).abstained


COUNCIL = """SỞ NỘI VỤ TỈNH LAM SƠN
Số: 88/QĐ-SNV
Lam Sơn, ngày 06 tháng 5 năm 2026
QUYẾT ĐỊNH
Về việc thành lập Hội đồng thi đua, khen thưởng Sở Nội vụ năm 2026
Điều 1. Thành lập Hội đồng thi đua, khen thưởng Sở Nội vụ năm 2026, gồm các ông (bà) có tên sau:
ThS. Lê Văn Hòa Giám đốc Sở Chủ tịch Hội đồng
ThS. Phạm Thị Lan P. Giám đốc Sở Phó Chủ tịch Hội đồng
CN. Trần Minh Đức Chánh Văn phòng Sở Ủy viên
ThS. Đặng Quốc Bảo Trưởng phòng Công chức, viên chức Ủy viên
ThS. Ngô Thị Hạnh Trưởng phòng Xây dựng chính quyền Ủy viên
CN. Bùi Văn Toàn Trưởng phòng Thi đua, khen thưởng Ủy viên
CN. Vũ Thị Mai Chuyên viên Văn phòng Sở Ủy viên Thư ký
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""


@pytest.mark.slow
def test_a_council_member_is_found_by_the_role_on_their_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"qd88.txt": COUNCIL})
    answer = assistant.ask("Ai là Ủy viên Thư ký Hội đồng thi đua, khen thưởng Sở Nội vụ năm 2026?")
    assert not answer.abstained and "Vũ Thị Mai" in answer.answer
    assert "Lê Văn Hòa" not in answer.answer


def test_a_header_topping_the_hits_costs_no_body_clause_its_rank() -> None:
    """A content question whose words are the document's title: the header (short, all title)
    may top the ranking, but it cannot answer, so the body clauses rank as if it were not there."""
    from rag.answer.corpus import CorpusView
    from rag.answer.evidence import Evidence
    from rag.records import Hit
    from tests.rag.lineage_docs import parse_text

    doc = parse_text(
        "ỦY BAN NHÂN DÂN TỈNH BÌNH AN\nSố: 07/CT-UBND\nBình An, ngày 02 tháng 3 năm 2026\nCHỈ THỊ\n"
        "VỀ BẢO VỆ RỪNG PHÒNG HỘ\n"
        "1. Ưu tiên trồng cây bản địa để phục hồi rừng phòng hộ ven biển.\n"
        "2. Các xã tuần tra rừng phòng hộ hằng tháng.\n",
        "ct07.txt",
    )
    view = CorpusView([doc])
    header = next(c for c in doc.clauses if c.kind == "header")
    first, second = (c for c in doc.clauses if c.locator in ("1", "2"))
    hits = [Hit(header, 10.0, 1), Hit(first, 8.0, 2), Hit(second, 6.0, 3)]
    question = read("Chỉ thị bảo vệ rừng phòng hộ ưu tiên trồng cây gì?")
    ranked = Evidence(view).candidates(question, hits, {})
    assert header.id not in {c.clause.id for c in ranked}
    best = next(c for c in ranked if c.clause.id == first.id)
    assert best.features["rank"] == 1.0 and best.features["retrieval"] == 1.0


def test_occasions_counted_by_an_ordinal() -> None:
    from rag.values import Ordinal, ordinals, ordinals_conflict

    assert ordinals(fold("Cấp giấy phép lần đầu")) == [Ordinal("lan", 1)]
    assert ordinals(fold("từ đợt thứ hai trở đi; kỳ thứ 3")) == [
        Ordinal("dot", 2, onwards=True),
        Ordinal("ky", 3),
    ]
    # "đầu" after another noun, or opening "đầu tư", counts no occasion
    assert ordinals(fold("vốn đầu tư ban đầu, mỗi lần đầu tư")) == []
    first = ordinals(fold("nộp hồ sơ lần thứ nhất"))
    assert ordinals_conflict(first, ordinals(fold("từ lần thứ 2 trở đi"))) is True
    assert ordinals_conflict(first, ordinals(fold("lần đầu; lần thứ 2 trở đi"))) is False
    assert ordinals_conflict(first, ordinals(fold("đợt thứ 2"))) is None  # another noun: nothing said
    assert ordinals_conflict(ordinals(fold("lần thứ 4")), ordinals(fold("lần thứ 2 trở đi"))) is False
    assert read("Đăng ký lần đầu thì nộp bao nhiêu?").constraints.ordinals == (Ordinal("lan", 1),)


PERMITS = """ỦY BAN NHÂN DÂN
TỈNH HẢI MINH
Số: 31/2026/QĐ-UBND
Hải Minh, ngày 10 tháng 4 năm 2026
QUYẾT ĐỊNH
Quy định mức thu phí thẩm định cấp phép khai thác nước ngầm
Điều 3. Mức thu phí thẩm định
1. Thẩm định hồ sơ cấp phép lần đầu
a) Đối với giếng khoan có lưu lượng dưới 200 m3/ngày: 600.000 đồng.
b) Đối với giếng đào: 400.000 đồng.
2. Thẩm định hồ sơ cấp phép từ lần thứ 2 trở đi thì thu phí thẩm định theo lưu lượng khai thác như sau:
Lưu lượng khai thác | Giếng khoan (đồng) | Giếng đào (đồng)
- Dưới 200 m3/ngày | 350.000 | 250.000
- Từ 200 đến 500 m3/ngày | 700.000 | 450.000
Điều 4. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày 01 tháng 5 năm 2026.
"""


@pytest.mark.slow
def test_the_occasion_the_question_counts_picks_its_clause(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over(tmp_path, {"qd31.txt": PERMITS})
    answer = assistant.ask(
        "Thẩm định hồ sơ cấp phép lần đầu cho giếng khoan lưu lượng dưới 200 m3/ngày thu phí bao nhiêu?"
    )
    assert not answer.abstained and "600.000" in answer.answer
    assert "350.000" not in answer.answer
    # the row of the other occasion answers when the question counts that one
    answer = assistant.ask(
        "Thẩm định hồ sơ cấp phép lần thứ 3 cho giếng khoan lưu lượng dưới 200 m3/ngày thu phí bao nhiêu?"
    )
    assert not answer.abstained and "350.000" in answer.answer
