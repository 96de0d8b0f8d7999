"""Mechanisms the kinds structured checks needed, on texts of our own: a heading block read as one
table row, a body's head given a duty, a duty with two deadlines, "Còn X thì P?" in the last
question's frame, a procedure "gửi đâu" not read as recipients, list items as choices."""

from __future__ import annotations

from rag.parser import parse_document
from rag.questions import Turn
from rag.reading import read
from rag.reading.followup import resolve
from rag.records import LoadedFile, Page
from rag.registry import dated_parts
from rag.units import clean_name, section_unit
from rag.verdicts import ClauseText, choose


def _parse(text: str):  # noqa: ANN202 (rag.records.Document)
    return parse_document(LoadedFile(source="doc.txt", content_hash="x", pages=[Page(number=0, text=text)]))


def test_a_heading_block_read_as_one_table_row_is_split_into_its_cells() -> None:
    doc = _parse(
        "ỦY BAN THƯỜNG VỤ QUỐC HỘI ---- | Số: 17/NQ-UBTVQH15 | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        "Độc lập - Tự do - Hạnh phúc---- | Hà Nội, ngày 03 tháng 4 năm 2025 |\n\nNGHỊ QUYẾT\n\n"
        "Về việc thành lập thị trấn A\n\nĐiều 1. Thành lập\n\n1. Thành lập thị trấn A.\n"
    )
    assert (doc.meta.doc_type, doc.meta.number, doc.meta.date) == (
        "Nghị quyết",
        "17/NQ-UBTVQH15",
        "2025-04-03",
    )
    assert doc.meta.title == "Về việc thành lập thị trấn A"


def test_the_type_a_number_line_names_reads_a_title_glued_to_it() -> None:
    doc = _parse(
        "------- | Độc lập - Tự do - Hạnh phúc ---- | Luật số: 12/2025/QH15 | Hà Nội, ngày 1 tháng 7 năm 2025 |"
        "\n\nLUẬTĐẤT ĐAI\n\nĐẤT ĐAI\n\nĐiều 1. Phạm vi\n\n1. Luật này quy định về đất đai.\n"
    )
    assert (doc.meta.doc_type, doc.meta.number, doc.meta.title) == ("Luật", "12/2025/QH15", "ĐẤT ĐAI")
    # A data table's row further down keeps its cells on one line.
    table = _parse("Số: 5/KH-UBND\n\nKẾ HOẠCH\n\nVề X\n\nI. Mục tiêu\n\nSố | Tên | Ghi chú\n\n1 | A | B\n")
    assert any("1 | A | B" in c.text for c in table.clauses)


def test_a_duty_given_to_a_bodys_head_is_the_bodys() -> None:
    duty = (
        "5. Bộ trưởng Bộ Tài chính chủ trì phối hợp với các bộ, ngành liên quan rà soát, tổng hợp đề xuất "
        "phương án hỗ trợ từ ngân sách trung ương cho các tỉnh: A, B để sửa chữa nhà, hoàn thành trước ngày 05/12/2025."
    )
    name, rest = section_unit(duty) or ("", "")
    assert name == "Bộ Tài chính" and rest.startswith("chủ trì")
    assert clean_name("Chủ tịch Ủy ban nhân dân tỉnh Gia Lai") == clean_name("Ủy ban nhân dân tỉnh Gia Lai")
    assert clean_name("Chủ tịch nước") == "Chủ tịch nước"  # a title heading no body stays as written


def test_a_duty_with_two_deadlines_is_two_duties() -> None:
    text = (
        "Huy động lực lượng sửa chữa nhà bị hư hỏng, hoàn thành trước ngày 31/12/2025; "
        "xây dựng lại nhà bị sập, chậm nhất trước ngày 31/01/2026."
    )
    parts = dated_parts(text, 2025)
    assert [found.end for _, _, found in parts] == ["2025-12-31", "2026-01-31"]
    assert parts[0][0] is not None and "31/01/2026" not in parts[0][0]
    (one,) = dated_parts("Rà soát, hoàn thành trước ngày 15/11/2025.", 2025)
    assert one[0] is None and one[2].end == "2025-11-15"


def test_another_thing_asked_within_the_last_questions_frame() -> None:
    first = Turn(
        "Theo Luật Đất đai, công chức, viên chức 2024, hồ sơ đăng ký biến động đất đai nộp ở đâu?",
        "Văn phòng",
    )
    out = resolve("Còn hồ sơ cấp đổi giấy chứng nhận thì nộp ở đâu?", [first])
    assert out.follow_up
    assert out.question == (
        "Theo Luật Đất đai, công chức, viên chức 2024, hồ sơ cấp đổi giấy chứng nhận thì nộp ở đâu?"
    )
    # Without a frame the document the last question named is put where the grammar puts it.
    plain = resolve(
        "Còn nhiệm vụ khác thì ai chủ trì?", [Turn("Ai chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?", "")]
    )
    assert plain.follow_up and "58/KH-UBND" in plain.question


def test_a_procedure_sent_somewhere_is_not_the_documents_recipients() -> None:
    assert read("Hồ sơ đề nghị gia hạn chứng thư gửi về đâu?", []).slot != "recipient"
    assert read("Cấp mới chứng thư cho cá nhân thì gửi đâu?", []).slot != "recipient"
    assert read("Công văn được gửi đến những cơ quan nào?", []).slot == "recipient"


def test_a_choice_that_is_an_item_of_the_stems_list_is_picked() -> None:
    intro = "1. Các khoản hỗ trợ cho người bị thiệt hại bao gồm:"
    clauses = [
        ClauseText("a) Hỗ trợ tiền thuê nhà;", "Điều 9. Hỗ trợ", intro),
        ClauseText("b) Hỗ trợ lương thực;", "Điều 9. Hỗ trợ", intro),
        ClauseText("c) Hỗ trợ học nghề.", "Điều 9. Hỗ trợ", intro),
    ]
    stem = "Khoản nào thuộc các khoản hỗ trợ cho người bị thiệt hại?"
    one = choose(stem, [("A", "Hỗ trợ vay vốn"), ("B", "Hỗ trợ lương thực"), ("C", "Hỗ trợ mua xe")], clauses)
    assert one.letter == "B"
    every = [
        ("A", "Hỗ trợ tiền thuê nhà"),
        ("B", "Hỗ trợ lương thực"),
        ("C", "Hỗ trợ học nghề"),
        ("D", "Cả A, B và C"),
    ]
    assert choose(stem, every, clauses).letter == "D"
    # "Cả A, B và C" with one of them not an item: no sure pick from the list.
    partly = [
        ("A", "Hỗ trợ tiền thuê nhà"),
        ("B", "Hỗ trợ mua xe"),
        ("C", "Hỗ trợ học nghề"),
        ("D", "Cả A, B và C"),
    ]
    assert choose(stem, partly, clauses).letter != "D"
    # A list about something else decides nothing.
    other = "Khoản nào thuộc các chi phí quản lý dự án?"
    assert choose(other, [("A", "Hỗ trợ lương thực"), ("B", "Chi lương")], clauses).letter is None
