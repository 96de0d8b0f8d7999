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
    printed, reading = row.text.split("\n")
    assert printed == (
        "2 | Số hóa hồ sơ đất đai | Sở Nông nghiệp và Môi trường | Văn phòng đăng ký đất đai | 2027 | Cơ sở dữ liệu"
    )
    assert row.fields == {
        "lead_unit": "Sở Nông nghiệp và Môi trường",
        "coordinating_units": "Văn phòng đăng ký đất đai",
        "deadline": "2027",
        "output": "Cơ sở dữ liệu",
    }
    # The printed row, then the row read with its column names.
    assert row.title == "Số hóa hồ sơ đất đai"
    assert reading.startswith("Số hóa hồ sơ đất đai: Đơn vị chủ trì: Sở Nông nghiệp và Môi trường;")
    assert "Thời hạn hoàn thành: 2027" in reading
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
    assert (
        row.text == "Số xã đạt chuẩn | xã | 12 | 15 | 20\nSố xã đạt chuẩn (xã): 2026: 12; 2027: 15; 2028: 20"
    )
    assert row.fields == {"year:2026": "12", "year:2027": "15", "year:2028": "20"}
    assert row.title == "Số xã đạt chuẩn (xã)"
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
    assert first.text.startswith(
        "1 | Lấy mẫu nước | Chi cục Thủy sản | Tháng 3\n- Lấy mẫu bùn đáy | Tháng 9\n"
    )
    assert by_locator(doc, "Phụ lục.2").fields["deadline"] == "Tháng 12 và gửi Sở"
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


# --- header and signature variants -------------------------------------------------------------


def test_title_after_type_even_when_it_opens_like_body_text() -> None:
    doc = parse_text(
        "ỦY BAN NHÂN DÂN\nTỈNH LONG GIANG\nSố: 7/KH-UBND\nKẾ HOẠCH\nTHỰC HIỆN CHƯƠNG TRÌNH NƯỚC SẠCH\nThực hiện Quyết định số 1/QĐ-TTg;\n"
    )
    assert doc.meta.title == "THỰC HIỆN CHƯƠNG TRÌNH NƯỚC SẠCH"
    assert doc.meta.issuer == "Ủy ban nhân dân tỉnh Long Giang"


def test_place_name_containing_a_level_word() -> None:
    doc = parse_text("ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 7/KH-UBND\nKẾ HOẠCH\nNước sạch\n")
    assert doc.meta.issuer == "Ủy ban nhân dân tỉnh Hà Tĩnh"


def test_party_header_and_number_without_colon() -> None:
    text = (
        "BAN CHẤP HÀNH\nTRUNG ƯƠNG\nBAN KINH TẾ\n\nĐẢNG CỘNG SẢN VIỆT NAM\n\nSố 12-HD/BKTTW\n\n"
        "Hà Nội, ngày 5 tháng 3 năm 2026\n\nHƯỚNG DẪN\n\nVỀ CÔNG TÁC TỔNG KẾT\n\nI. MỤC ĐÍCH\n\n1. Đánh giá đúng.\n"
    )
    meta = parse_text(text).meta
    assert (meta.doc_type, meta.number, meta.date) == ("Hướng dẫn", "12-HD/BKTTW", "2026-03-05")
    assert meta.issuer == "Ban Kinh tế"


def test_letter_recipients_stop_at_the_body() -> None:
    body = "Cục nhận được công văn số 12/CV-ABC của Quý cơ quan đề nghị hướng dẫn về thuế. " * 3
    text = (
        "BỘ TÀI CHÍNH\nCỤC HẢI QUAN\n\nSố: 9/HQ-GSQL\nV/v thủ tục nhập khẩu\n\nHà Nội, ngày 2 tháng 1 năm 2026\n\n"
        f"Kính gửi: Công ty Cổ phần Thép Nam Việt\n\n{body}\n\nCục trả lời để Công ty biết./.\n"
    )
    meta = parse_text(text).meta
    assert meta.recipients == ["Công ty Cổ phần Thép Nam Việt"]
    assert (meta.issuer, meta.parent_issuer) == ("Cục Hải quan", "Bộ Tài chính")


def test_letter_type_from_subject_line_without_recipients() -> None:
    text = "CỤC THUẾ\nTHUẾ TỈNH AN BIÊN\n\nSố: 15/ABI-QLDN\nV/v hoàn thuế\n\nAn Biên, ngày 2 tháng 1 năm 2026\n\nThuế tỉnh An Biên trả lời như sau./.\n"
    meta = parse_text(text).meta
    assert (meta.doc_type, meta.issuer, meta.parent_issuer) == ("Công văn", "Thuế tỉnh An Biên", "Cục Thuế")


def test_dispatch_addressees_are_recipients() -> None:
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\n\nSố: 5/CĐ-TTg\n\nHà Nội, ngày 2 tháng 10 năm 2026\n\nCÔNG ĐIỆN\n\nVề ứng phó bão\n\n"
        "THỦ TƯỚNG CHÍNH PHỦ điện:\n\n- Chủ tịch Ủy ban nhân dân các tỉnh ven biển;\n\n- Các Bộ: Quốc phòng, Công an.\n\n"
        "Theo dự báo, bão số 5 sẽ đổ bộ vào đất liền.\n"
    )
    meta = parse_text(text).meta
    assert meta.recipients == ["Chủ tịch Ủy ban nhân dân các tỉnh ven biển", "Các Bộ: Quốc phòng, Công an"]
    assert meta.issuer == "Thủ tướng Chính phủ"


SIGNED = "Điều 3. Các cơ quan chịu trách nhiệm thi hành Quyết định này./.\n\nNơi nhận:\n- Như Điều 3;\n- Văn phòng\nTWĐ, BKT;\n- Lưu: VT.\n\n"


def test_signature_variants() -> None:
    def sign(block: str) -> tuple[str, str]:
        meta = parse_text(SIGNED + block).meta
        return meta.signer_title, meta.signer_name

    assert sign("TỔNG THANH TRA NHÀ NƯỚC\nLê Minh Khôi\n") == ("TỔNG THANH TRA NHÀ NƯỚC", "Lê Minh Khôi")
    assert sign("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC KHO BẠC\nTrần Văn Bình\n") == (
        "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC KHO BẠC",
        "Trần Văn Bình",
    )
    assert sign("KT. BỘ TRƯỞNG THỨ TRƯỞNG\nĐỗ Thị Hoa\n") == ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "Đỗ Thị Hoa")
    assert sign("TL. CỤC TRƯỞNG\nKT. TRƯỞNG PHÒNG PHÁP CHẾ,\nTHANH TRA\nNgô Hải\n") == (
        "TL. CỤC TRƯỞNG / KT. TRƯỞNG PHÒNG PHÁP CHẾ, THANH TRA",
        "Ngô Hải",
    )


def test_signed_mark_between_title_and_name() -> None:
    text = "Điều 9. Hiệu lực\nLuật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.\nLuật này được Quốc hội khóa XV thông qua ngày 20 tháng 2 năm 2026.\n\nCHỦ TỊCH QUỐC HỘI\n\n(Đã ký)\n\nPhan Văn Minh\n"
    meta = parse_text(text).meta
    assert (meta.signer_title, meta.signer_name, meta.issuer) == (
        "CHỦ TỊCH QUỐC HỘI",
        "Phan Văn Minh",
        "Quốc hội",
    )
    assert (meta.date, meta.effective_date) == ("2026-02-20", "2026-07-01")


def test_effective_date() -> None:
    doc = parse_text(
        "ỦY BAN NHÂN DÂN\nTỈNH LONG GIANG\nSố: 8/2026/QĐ-UBND\nLong Giang, ngày 4 tháng 3 năm 2026\nQUYẾT ĐỊNH\nVề phí\n"
        "Điều 1. Ban hành mức phí.\nĐiều 2. Hiệu lực\n1. Quyết định này có hiệu lực thi hành kể từ ngày 15/3/2026.\n"
    )
    meta = doc.meta
    assert meta.effective_date == "2026-03-15"
    assert meta.effective_text == "có hiệu lực thi hành kể từ ngày 15/3/2026"
    assert meta.effective_clause == by_locator(doc, "Điều 2 khoản 1").id
    signed_day = parse_text(
        "QUYẾT ĐỊNH\nSố: 9/QĐ-UBND\nngày 4 tháng 3 năm 2026\nĐiều 1. Quyết định này có hiệu lực kể từ ngày ký.\n"
    ).meta
    assert signed_day.effective_date == "2026-03-04"


def test_article_title_is_its_heading_line() -> None:
    doc = parse_text(
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 4. Phân cấp dự báo\nViệc dự báo được chia thành năm cấp.\n"
        "1. Cấp I là cấp thấp.\na) Áp dụng cho mùa mưa;\n"
    )
    article = by_locator(doc, "Điều 4")
    assert article.title == "Phân cấp dự báo"
    assert article.text.startswith("Điều 4. Phân cấp dự báo\nViệc dự báo")
    assert by_locator(doc, "Điều 4 khoản 1 điểm a").text == "a) Áp dụng cho mùa mưa;"


def test_cited_number_in_a_title_is_not_the_documents_number() -> None:
    text = (
        "SỞ Y TẾ\n\nKẾ HOẠCH\n\nTriển khai Chương trình thực hiện\n\nNghị quyết số 20-NQ/TW ngày 25/10/2017 của Ban Chấp hành\n\n"
        "trung ương về y tế cơ sở\n\nThực hiện Kế hoạch số 5/KH-UBND, Sở Y tế ban hành Kế hoạch như sau:\n"
    )
    meta = parse_text(text).meta
    assert meta.number == ""
    assert meta.title.endswith("trung ương về y tế cơ sở")
