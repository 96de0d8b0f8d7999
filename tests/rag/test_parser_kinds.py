"""Kinds and layouts met among real files: Án lệ, quoted provisions, Party markers, ranks before a
signer's name, OCR noise in signature blocks, table rows with an empty first cell."""

from __future__ import annotations

import pytest

from rag.parser import parse_document
from rag.parser.signature import signer_name
from rag.records import Document, LoadedFile, Page


def _parse(text: str) -> Document:
    return parse_document(LoadedFile(source="doc.txt", content_hash="x", pages=[Page(number=0, text=text)]))


def _locators(doc: Document) -> list[str]:
    return [c.locator for c in doc.clauses]


PRECEDENT = """ÁN LỆ SỐ 70/2024/AL
Về hiệu lực của thỏa thuận trọng tài
Được Hội đồng Thẩm phán Tòa án nhân dân tối cao thông qua vào ngày 20 tháng 9 năm 2024.
Khái quát nội dung của án lệ:
- Tình huống án lệ: Các bên ký thỏa thuận trọng tài.
NỘI DUNG VỤ ÁN:
Ngày 10/10/2015, Công ty A và ông B ký hợp đồng.
NHẬN ĐỊNH CỦA TÒA ÁN:
[1] Về thủ tục tố tụng: đơn yêu cầu được nộp đúng hạn.
[2] Thỏa thuận trọng tài độc lập với hợp đồng.
QUYẾT ĐỊNH:
1. Không chấp nhận yêu cầu của ông B.
NỘI DUNG ÁN LỆ
“[2] Thỏa thuận trọng tài độc lập với hợp đồng.”
"""


def test_precedent_type_number_sections_and_paragraphs() -> None:
    doc = _parse(PRECEDENT)
    meta = doc.meta
    assert (meta.doc_type, meta.number, meta.date) == ("Án lệ", "70/2024/AL", "2024-09-20")
    assert meta.issuer == "Hội đồng Thẩm phán Tòa án nhân dân tối cao"
    locators = _locators(doc)
    for section in ("Nội dung vụ án", "Nhận định của Tòa án", "Quyết định", "Nội dung án lệ"):
        assert section in locators
    assert "Nhận định của Tòa án.[1]" in locators and "Nhận định của Tòa án.[2]" in locators
    assert not [c for c in doc.clauses if c.kind == "footnote"]  # "[2]" paragraphs are not notes
    assert next(c for c in doc.clauses if c.locator == "Quyết định").kind == "heading"


def test_quoted_provisions_stay_in_their_item() -> None:
    doc = _parse(
        """TỜ TRÌNH
Dự thảo Quyết định sửa đổi Quy chế
I. NỘI DUNG SỬA ĐỔI
1. Sửa đổi khoản 2 Điều 5 như sau:
“2. Hồ sơ gồm:
a) Đơn đề nghị;
b) Bản sao giấy tờ.”
2. Bãi bỏ Điều 7.
"""
    )
    locators = _locators(doc)
    assert "I.1" in locators and "I.2" in locators
    assert not any(loc.endswith((".a", ".b")) for loc in locators)
    quoting = next(c for c in doc.clauses if c.locator == "I.1")
    assert "b) Bản sao giấy tờ.”" in quoting.text


def test_the_conclusion_after_cited_provisions_is_the_letters_own_paragraph() -> None:
    """A reply lists the provisions it relies on as "- Tại Điều …" items, then concludes."""
    doc = _parse(
        """Cục Thuế nhận được công văn hỏi về thuế thu nhập cá nhân.
- Tại Điều 11 Luật thuế thu nhập cá nhân quy định: “2. Thời điểm xác định thu nhập chịu thuế.”
- Tại khoản 2 Điều 9 Nghị quyết số 193/2025/QH15 quy định: “2. Thu nhập không chịu thuế.”
Căn cứ các quy định và hướng dẫn nêu trên thì:
Trường hợp cá nhân nhận thu nhập từ ngày 19/02/2025 thì thực hiện theo Nghị quyết số 193/2025/QH15.
Cục Thuế trả lời để đơn vị được biết./.
"""
    )
    last_item = next(c for c in doc.clauses if c.locator == "-2")
    assert "Căn cứ" not in last_item.text
    conclusion = next(c for c in doc.clauses if c.text.startswith("Căn cứ các quy định"))
    assert conclusion.locator == "đoạn 2" and "từ ngày 19/02/2025" in conclusion.text


@pytest.mark.parametrize(
    ("marker", "locator"), [("1- ", "I.1"), ("1/- ", "I.1"), ("1/-", "I.1"), ("1. ", "I.1"), ("1 /- ", "I.1")]
)
def test_party_document_markers(marker: str, locator: str) -> None:
    # "1/-" marks an item with or without a space after it ("5/-Chế độ báo cáo")
    doc = _parse(f"KẾ HOẠCH\nThực hiện quy chế dân chủ\nI- MỤC ĐÍCH\n{marker}Phát huy quyền làm chủ.\n")
    assert "I" in _locators(doc) and locator in _locators(doc)


def test_ranges_and_hyphenated_words_are_not_markers() -> None:
    doc = _parse(
        "KẾ HOẠCH\nVề phòng dịch\nI. NỘI DUNG\n1. Tiêm phòng\n3-5 ngày một lần, phun thuốc vi-rút.\n"
    )
    assert not any(loc.endswith(".3") for loc in _locators(doc))


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Thượng tướng Nguyễn Văn Long", "Nguyễn Văn Long"),
        ("Đại tá Lê Văn Bình", "Lê Văn Bình"),
        ("PGS.TS. Trần Văn An", "Trần Văn An"),
        ("[dHồ Đức Phớc", "Hồ Đức Phớc"),
        ("=“ZThái Văn Tài", "Thái Văn Tài"),
        ("Thực hiện nhiệm vụ", ""),
        ("Lưu: VT, C04", ""),
    ],
)
def test_signer_name_without_rank_or_noise(line: str, name: str) -> None:
    assert signer_name(line) == name


def test_signature_read_past_seal_noise_and_after_the_distribution() -> None:
    doc = _parse(
        """CÔNG VĂN
V/v rà soát
1. Đề nghị rà soát trước ngày 15/10/2025./.
Nơi nhận: KT. BỘ TRƯỞNG
- Như trên; THỨ TRƯỞNG
- Lưu: VT, C04.
:HỦ TỊCH
Thượng tướng Nguyễn Văn Long
"""
    )
    assert doc.meta.signer_name == "Nguyễn Văn Long"
    assert doc.meta.signer_title.startswith("KT. BỘ TRƯỞNG")
    assert "HỦ TỊCH" not in doc.meta.signer_title


@pytest.mark.parametrize(
    ("block", "title"),
    [
        # The seal hides "TM. ỦY", "KT." and "PHÓ C": the deputy's title survives as its end.
        ("BAN NHÂN DÂN\nCHỦ TỊCH\n:HỦ TỊCH", "BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"),
        ("GIÁM ĐỐC\n~ÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"),
        # A block already whole keeps its titles; noise that ends no title above it stays out.
        ("KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG\n:ỆU TRƯỞNG", "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n=. Ứ TRUƯ", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"),
    ],
)
def test_a_title_whose_head_the_seal_hides_is_read_from_what_is_left(block: str, title: str) -> None:
    closing = "Nơi nhận:\n- Như Điều 1;\n- Lưu: VT."
    doc = _parse(
        f"QUYẾT ĐỊNH\nVề việc thử\nĐiều 1. Có hiệu lực từ ngày ký./.\n{closing}\n{block}\nĐặng Văn Khoa\n"
    )
    assert doc.meta.signer_name == "Đặng Văn Khoa"
    assert doc.meta.signer_title == title
    others = [c.text for c in doc.clauses if c.kind != "signature"]
    assert not any("TRƯỞNG" in text or "TỊCH" in text for text in others)


def test_party_signing_prefix_and_bold_distribution_label() -> None:
    doc = _parse(
        """KẾT LUẬN
Của hội nghị
1. Nội dung kết luận.
__Nơi nhận__:
- Ban Bí thư (để báo cáo),
- Lưu Văn phòng.
K/T CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG
Lê Văn Toàn
"""
    )
    assert doc.meta.distribution == ["Ban Bí thư (để báo cáo)", "Lưu Văn phòng"]
    assert doc.meta.signer_title == "K/T CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"
    assert doc.meta.signer_name == "Lê Văn Toàn"


def test_a_table_row_without_its_number_keeps_its_columns() -> None:
    doc = _parse(
        """KẾ HOẠCH
Triển khai
I. NHIỆM VỤ
STT | Nội dung | Đơn vị chủ trì | Thời gian
1 | Rà soát thủ tục | Sở Tư pháp | Quý I/2026
 | Số hóa hồ sơ | Sở Nội vụ | Quý II/2026
"""
    )
    row = next(c for c in doc.clauses if "Số hóa" in c.text and c.kind == "table")
    assert row.fields == {"lead_unit": "Sở Nội vụ", "deadline": "Quý II/2026"}


def test_header_behind_stamps_and_running_header() -> None:
    doc = _parse(
        """Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Ngày ký: 2026-04-15 14:29:38 +07:00
CÔNG BÁO/Số 216/Ngày 15-04-2026 55
BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 19/2026/TT-BNNMT Hà Nội, ngày 30 tháng 3 năm 2026
THÔNG TƯ
Quy định kỹ thuật đo đạc
Điều 1. Phạm vi điều chỉnh
"""
    )
    meta = doc.meta
    assert (meta.doc_type, meta.number, meta.date) == ("Thông tư", "19/2026/TT-BNNMT", "2026-03-30")
    assert meta.issuer == "Bộ Nông nghiệp và Môi trường"
    assert "Ký bởi" in next(c for c in doc.clauses if c.kind == "header").text


def test_ocr_number_code_letters_and_doubt_from_the_header_only() -> None:
    """An OCR'd "O" in a number's code is a "Q" (a zero beside a digit); a doubtful body word
    does not make the printed number or date doubtful."""
    text = """ĐẢNG ỦY KHỐI CƠ QUAN ĐẢNG CỘNG SẢN VIỆT NAM
Vĩnh Long, ngày 03 tháng 02 năm 2009
Số 02-KH/NBCO
KẾ HOẠCH
Thực hiện quy chế dân chủ năm 2009
Căn cứ Nghị quyết ngày 18/02/11998 của Ban Chấp hành.
1. Tổ chức hội nghị cán bộ.
"""
    page = Page(number=1, text=text, ocr=True, uncertain=["18/02/11998"])
    doc = parse_document(LoadedFile(source="scan.pdf", content_hash="x", pages=[page]))
    assert doc.meta.number == "02-KH/NBCQ"
    assert doc.meta.date == "2009-02-03" and doc.meta.uncertain == []
    typed = Page(number=1, text=text, ocr=False)
    assert (
        parse_document(LoadedFile(source="t.pdf", content_hash="y", pages=[typed])).meta.number
        == "02-KH/NBCO"
    )
    handwritten = text.replace("Số 02-KH/NBCO", "Số: 4S5/BCA-CO4")
    doubtful = Page(number=1, text=handwritten, ocr=True, uncertain=["4S5/BCA-CO4"])
    meta = parse_document(LoadedFile(source="s2.pdf", content_hash="z", pages=[doubtful])).meta
    assert meta.number == "4S5/BCA-C04" and meta.uncertain == ["number"]


@pytest.mark.parametrize(
    ("top", "place", "issuer", "parent"),
    [
        (
            "ĐẢNG ỦY KHỐI CƠ QUAN ĐẢNG CỘNG SẢN VIỆT NAM\nBAN THỰC HIỆN Vĩnh Long, ngày 03 tháng 02 năm 2009\n"
            "QUY CHẾ DÂN CHỦ Ở CƠ SỞ\nSố 02-KH/NBCQ",
            "Vĩnh Long",
            "Ban Thực hiện quy chế dân chủ ở cơ sở",
            "Đảng ủy Khối cơ quan",
        ),
        (
            "SỞ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 58/KH-THPTCL2\nTRƯỜNG THPT CAO LÃNH Cao Lãnh, ngày 15 tháng 4 năm 2026",
            "Cao Lãnh",
            "Trường THPT Cao Lãnh",
            "Sở Giáo dục và Đào tạo",
        ),
    ],
)
def test_issuer_line_ocr_put_beside_the_place(top: str, place: str, issuer: str, parent: str) -> None:
    """OCR reads the issuer column's last line and the place and date as one line."""
    doc = _parse(
        f"{top}\nKẾ HOẠCH\nThực hiện quy chế dân chủ của\ncơ quan năm 2009\nCăn cứ Luật.\n1. Nội dung.\n"
    )
    meta = doc.meta
    assert (meta.place, meta.parent_issuer) == (place, parent)
    assert meta.issuer.lower() == issuer.lower()  # (a school's proper name is not title-cased)
    # the short "Thực hiện …" line under the type title is the title, not the body's opening
    assert meta.title == "Thực hiện quy chế dân chủ của cơ quan năm 2009"


def test_a_long_opening_under_the_type_title_is_the_body() -> None:
    doc = _parse(
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: 12/KH-UBND\nKẾ HOẠCH\n"
        "Thực hiện Công văn số 4552/BCA-C04 ngày 09/10/2025 của Bộ Công an, Ủy ban nhân dân tỉnh ban hành\n"
        "kế hoạch như sau:\n1. Nội dung.\n"
    )
    assert doc.meta.title == ""
    assert any(c.text.startswith("Thực hiện Công văn") for c in doc.clauses if c.kind == "paragraph")


def test_a_table_whose_rows_are_printed_one_per_line_is_a_table() -> None:
    # A digital PDF's text layer: the header and each row on one line, cells run together.
    doc = _parse(
        """KẾ HOẠCH
Tập huấn
1. Nội dung tập huấn.
Phụ lục II
DANH SÁCH ĐƠN VỊ THAM DỰ
(Kèm theo Kế hoạch số 15/KH-SYT ngày 02/3/2026)
STT Tên đơn vị Số học viên
1 Bệnh viện đa khoa tỉnh 12
2 Trung tâm Y tế huyện Phú Lâm 8
3 Trạm Y tế xã Hòa Bình 3
Tổng cộng có 03 đơn vị tham dự./.
"""
    )
    rows = {c.locator: c.text for c in doc.clauses if c.kind == "table"}
    assert rows["Phụ lục II.2"] == "2 Trung tâm Y tế huyện Phú Lâm 8"
    assert set(rows) == {"Phụ lục II.bảng", "Phụ lục II.1", "Phụ lục II.2", "Phụ lục II.3"}
    closing = next(c for c in doc.clauses if "Tổng cộng" in c.text)
    assert closing.kind == "paragraph" and closing.text == "Tổng cộng có 03 đơn vị tham dự./."


@pytest.mark.parametrize("mark", ["", "[2]"])
def test_an_inserted_article_is_an_article(mark: str) -> None:
    # A consolidated text's "Điều 5a" (added by a later act), its footnote mark glued on.
    note = "\n[2] Điều này được bổ sung theo khoản 3 Điều 1 Nghị định số 12/2024/NĐ-CP.\n" if mark else "\n"
    doc = _parse(
        "BỘ TÀI CHÍNH\nSố: 15/VBHN-BTC\nNGHỊ ĐỊNH\nVỀ PHÍ THẨM ĐỊNH\n"
        "Điều 5.\n1. Mức phí thu theo biểu đính kèm.\n"
        f"Điều 5a{mark}.\n1. Miễn phí cho hộ nghèo{'[2]' if mark else ''}.\n2. Giảm một nửa cho hộ cận nghèo.\n"
        f"Điều 6. Hiệu lực thi hành.{note}"
    )
    locators = [c.locator for c in doc.clauses if c.kind != "footnote"]
    assert "Điều 5a" in locators
    exempt = next(c for c in doc.clauses if c.text.startswith("1. Miễn phí"))
    assert exempt.locator == "Điều 5a khoản 1"
    if mark:  # the printed mark stays in the text, the note it points to is the clause's
        assert exempt.text == "1. Miễn phí cho hộ nghèo[2]."
        assert exempt.footnotes and exempt.footnotes[0].startswith("[2] Điều này")
    assert not any("Miễn phí" in c.text for c in doc.clauses if c.locator.startswith("Điều 5 "))


@pytest.mark.parametrize("cue", ["Về", "Về việc"])
def test_a_letters_subject_without_vv_is_its_subject_and_title(cue: str) -> None:
    doc = _parse(
        "ỦY BAN NHÂN DÂN TỈNH BÌNH AN\nSỞ Y TẾ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"Số: 318/SYT-NVY\n{cue} hướng dẫn tiêm chủng mở rộng năm 2026\n"
        "Bình An, ngày 03 tháng 02 năm 2026\nKính gửi: Các trung tâm y tế\n"
        "Căn cứ Thông tư số 10/2024/TT-BYT;\nSở Y tế hướng dẫn như sau:\n1. Tổ chức tiêm đúng lịch.\n"
    )
    assert doc.meta.subject == "hướng dẫn tiêm chủng mở rộng năm 2026"
    assert doc.meta.title == doc.meta.subject
    assert doc.meta.date == "2026-02-03"
    assert any(c.locator == "kính gửi" for c in doc.clauses)


def test_a_ve_line_not_right_under_the_number_is_not_a_subject() -> None:
    # Under the place and date, not under the number: the body's "Về …" paragraph.
    doc = _parse(
        "SỞ Y TẾ TỈNH BÌNH AN\nSố: 21/SYT-NVY\nBình An, ngày 03 tháng 02 năm 2026\n"
        "Về kết quả tiêm chủng năm 2025, toàn tỉnh đạt 96%.\n1. Tổ chức tiêm đúng lịch.\n"
    )
    assert doc.meta.subject == doc.meta.title == ""
    assert any(c.text.startswith("Về kết quả tiêm chủng") for c in doc.clauses if c.kind != "header")


@pytest.mark.parametrize(
    "opening",
    [
        "Hội nghị sơ kết công tác thi đua năm 2026 được tổ chức ngày 14/3/2026 đã đánh giá kết quả và thống nhất phương hướng thời gian tới.",
        "Sở Xây dựng sẽ bảo trì hệ thống cấp phép trực tuyến từ 20h00 ngày 07/4/2026 đến 05h00 ngày 08/4/2026, cụ thể như sau:",
    ],
)
def test_a_sentence_under_a_title_in_capitals_opens_the_body(opening: str) -> None:
    doc = _parse(
        "SỞ XÂY DỰNG TỈNH BÌNH AN\nSố: 41/TB-SXD\nTHÔNG BÁO\nKẾT LUẬN CỦA GIÁM ĐỐC SỞ\n"
        f"TẠI HỘI NGHỊ GIAO BAN THÁNG 3\n{opening}\n1. Các phòng chuyên môn triển khai ngay.\n"
    )
    assert doc.meta.title == "KẾT LUẬN CỦA GIÁM ĐỐC SỞ TẠI HỘI NGHỊ GIAO BAN THÁNG 3"
    header = next(c for c in doc.clauses if c.kind == "header")
    assert opening not in header.text
    assert any(c.text.startswith(opening[:40]) for c in doc.clauses if c.kind != "header")


def test_a_title_going_on_in_running_case_stays_the_title() -> None:
    doc = _parse(
        "SỞ XÂY DỰNG TỈNH BÌNH AN\nSố: 42/KH-SXD\nKẾ HOẠCH\nTRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH\n"
        "năm 2026 trên địa bàn tỉnh\n1. Mục đích.\n"
    )
    assert doc.meta.title == "TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH năm 2026 trên địa bàn tỉnh"
