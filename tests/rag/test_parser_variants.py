"""Parser behaviour on layouts from many issuers: pipe tables, role wordings, header and signature
variants. Documents are written here (own wording), not taken from the gold sets."""

from __future__ import annotations

from rag.parser import parse_document
from rag.parser.tables import column_role
from rag.records import Clause, Document, LoadedFile, Page


def parse_text(text: str, source: str = "t.txt") -> Document:
    return parse_document(LoadedFile(source=source, content_hash="x", pages=[Page(number=0, text=text)]))


def by_locator(doc: Document, locator: str) -> Clause:
    matches = [c for c in doc.clauses if c.locator == locator]
    assert matches, f"no clause {locator!r}; have {[c.locator for c in doc.clauses]}"
    return matches[0]


PLAN = (
    "ỦY BAN NHÂN DÂN\nTỈNH BIÊN HÒA\n\nSố: 12/KH-UBND\n\nBiên Hòa, ngày 3 tháng 2 năm 2026\n\n"
    "KẾ HOẠCH\n\nCải cách hành chính năm 2026\n\nI. MỤC TIÊU\n\n1. Nâng cao chất lượng phục vụ.\n\n"
    "PHỤ LỤC I\n\nDANH MỤC NHIỆM VỤ\n\n"
    "STT | Tên nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn hoàn thành | Kết quả/sản phẩm\n\n"
    "I | Nhóm nhiệm vụ thể chế | | | |\n\n"
    "1 | Rà soát thủ tục cấp phép xây dựng | Sở Xây dựng | Sở Tư pháp; UBND các xã | Quý II/2026 | Báo cáo rà soát\n\n"
    "2 | Số hóa hồ sơ đất đai | Sở Nông nghiệp và Môi trường | Văn phòng đăng ký đất đai | 2027 | Cơ sở dữ liệu\n\n"
    "II | Nhóm nhiệm vụ hạ tầng\n\n"
    "1 | Nâng cấp trung tâm dữ liệu | Sở Khoa học và Công nghệ | Các sở, ngành | Năm 2026 |\n"
)


def test_pipe_table_rows_are_tasks_with_role_fields() -> None:
    doc = parse_text(PLAN)
    header = by_locator(doc, "Phụ lục I.bảng")
    assert header.kind == "table" and header.text.startswith("STT | Tên nhiệm vụ")
    group = by_locator(doc, "Phụ lục I.I")
    assert (group.kind, group.title) == ("heading", "Nhóm nhiệm vụ thể chế")
    row = by_locator(doc, "Phụ lục I.I.2")
    assert row.kind == "table"
    assert row.text == (
        "2 | Số hóa hồ sơ đất đai | Sở Nông nghiệp và Môi trường | Văn phòng đăng ký đất đai | 2027 | Cơ sở dữ liệu"
    )
    assert row.fields == {
        "lead_unit": "Sở Nông nghiệp và Môi trường",
        "coordinating_units": "Văn phòng đăng ký đất đai",
        "deadline": "2027",
        "output": "Cơ sở dữ liệu",
    }
    # The title names every cell by its column, so the row reads as a sentence.
    assert row.title.startswith("Số hóa hồ sơ đất đai: Đơn vị chủ trì: Sở Nông nghiệp và Môi trường;")
    assert "Thời hạn hoàn thành: 2027" in row.title
    assert row.parent_id == group.id and group.parent_id == header.id
    assert row.breadcrumb[-2].startswith("STT | Tên nhiệm vụ | Đơn vị chủ trì")
    assert row.breadcrumb[-1] == "I | Nhóm nhiệm vụ thể chế"
    # Row numbers restart under each group; the locator ends with the row's own number.
    assert by_locator(doc, "Phụ lục I.II.1").fields["lead_unit"] == "Sở Khoa học và Công nghệ"


def test_indicator_table_keeps_years_per_row() -> None:
    text = (
        "II. CHỈ TIÊU\n\n"
        "Chỉ tiêu | Đơn vị tính | 2026 | 2027 | 2028\n\n"
        "Tỷ lệ hồ sơ trực tuyến | % | 60 | 70 | 80\n\n"
        "Số xã đạt chuẩn | xã | 12 | 15 | 20\n\n"
        "III. GIẢI PHÁP\n\n1. Tăng cường kiểm tra.\n"
    )
    doc = parse_text(text)
    row = by_locator(doc, "II.dòng 2")
    assert row.text == "Số xã đạt chuẩn | xã | 12 | 15 | 20"
    assert row.fields == {"year:2026": "12", "year:2027": "15", "year:2028": "20"}
    assert row.title == "Số xã đạt chuẩn (xã): 2026: 12; 2027: 15; 2028: 20"
    # The table ends at the next heading.
    assert by_locator(doc, "III.1").text == "1. Tăng cường kiểm tra."


def test_row_continuations_stay_in_their_row() -> None:
    text = (
        "PHỤ LỤC\n\nTT | Nội dung | Cơ quan thực hiện | Thời gian\n\n"
        "1 | Lấy mẫu nước | Chi cục Thủy sản | Tháng 3\n\n"
        "- Lấy mẫu bùn đáy | Tháng 9\n\n"
        "2 | Báo cáo kết quả | Chi cục Thủy sản | Tháng 12\n"
        "và gửi Sở\n\n"
        "Tổng cộng\n"
    )
    doc = parse_text(text)
    first = by_locator(doc, "Phụ lục.1")
    assert first.text == "1 | Lấy mẫu nước | Chi cục Thủy sản | Tháng 3\n- Lấy mẫu bùn đáy | Tháng 9"
    assert by_locator(doc, "Phụ lục.2").text.endswith("Tháng 12 và gửi Sở")
    assert not any(c.kind == "table" and "Tổng cộng" in c.text for c in doc.clauses)


def test_rows_without_blank_lines_are_not_joined() -> None:
    text = "PHỤ LỤC\nSTT | Nhiệm vụ | Chủ trì\n1 | Khảo sát hiện trạng hạ tầng | Sở Xây dựng\n2 | Lập đề án | Sở Tài chính\n"
    doc = parse_text(text)
    assert by_locator(doc, "Phụ lục.2").fields == {"lead_unit": "Sở Tài chính"}


def test_column_roles_from_vocabulary() -> None:
    assert column_role("CHỦ TRÌ") == "lead_unit"
    assert column_role("Cơ quan/đơn vị chủ trì thực hiện") == "lead_unit"
    assert column_role("Đơn vị phối hợp") == "coordinating_units"
    assert column_role("THỜI GIAN") == "deadline"
    assert column_role("Tiến độ") == "deadline"
    assert column_role("Sản phẩm dự kiến") == "output"
    assert column_role("Nguồn kinh phí") == "budget"
    assert column_role("Năm 2027") == "year:2027"
    assert column_role("Nội dung công việc") == "task"
    assert column_role("Ghi chú") == ""
