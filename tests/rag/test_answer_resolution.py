"""The document a question names, resolved before retrieval: by its number (or the documents that
cite it), by its type and title, by its level; a number none of the readable documents carries is
answered as such. Header blocks and preambles answer only what a document is."""

from __future__ import annotations

import pytest

from rag.answer.corpus import preamble
from rag.answer.resolution import Resolved, document_level, doubtful_note, not_found_text, resolve_documents
from rag.reading import read
from rag.records import Clause, Document, DocumentMeta
from rag.text import fold
from tests.support import assistant_over


def _doc(doc_id: str, **meta: object) -> Document:
    return Document(id=doc_id, source=f"{doc_id}.txt", content_hash="", meta=DocumentMeta(**meta))  # type: ignore[arg-type]


DOCS = [
    _doc(
        "plan58",
        doc_type="Kế hoạch",
        number="58/KH-UBND",
        issuer="Ủy ban nhân dân tỉnh Bình Minh",
        title="Triển khai chuyển đổi số trên địa bàn tỉnh",
        cited_documents=["Quyết định số 1169/QĐ-TTg ngày 16/6/2025"],
    ),
    _doc(
        "plan12",
        doc_type="Kế hoạch",
        number="12/KH-UBND",
        issuer="Ủy ban nhân dân xã Hòa An",
        title="Truyền thông về chuyển đổi số năm 2026",
    ),
    _doc(
        "circular",
        doc_type="Thông tư",
        number="23/2025/TT-BTP",
        issuer="Bộ Tư pháp",
        title="VỀ PHÂN CẤP QUẢN LÝ TỔ CHỨC CÁN BỘ CỦA BỘ TƯ PHÁP",
    ),
]
ALL = {d.id for d in DOCS}


def resolve(question: str) -> Resolved:
    return resolve_documents(read(question), DOCS, ALL)


def test_a_number_resolves_to_the_document_that_carries_it() -> None:
    assert resolve("Đơn vị nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?").documents == {"plan58"}
    assert resolve("Kế hoạch số 12 giao nhiệm vụ gì?").documents == {"plan12"}


def test_a_cited_number_resolves_to_the_documents_that_cite_it() -> None:
    assert resolve("Quyết định 1169/QĐ-TTg được ban hành ngày nào?").documents == {"plan58"}
    # The metadata missed it: the text says it, whatever the type is called there.
    texts = {"plan12": "theo nq so 30/nq-hdnd ngay 18/6/2024, con lai 145 xa"}
    found = resolve_documents(read("Theo Nghị quyết 30/NQ-HĐND còn bao nhiêu xã?"), DOCS, ALL, texts)
    assert found.documents == {"plan12"}


def test_a_document_whose_own_number_could_not_be_read_may_be_the_one_named() -> None:
    draft = _doc("draft", doc_type="Kế hoạch", number="…/KH-SGDĐT", issuer="Sở Giáo dục và Đào tạo")
    scan = _doc("scan")  # nothing read from its header
    docs = [*DOCS, draft, scan]
    every = {d.id for d in docs}
    texts = {
        "scan": "bo cong an so: a y 1 }bca-c04 ha noi, ngay 7 thang 10 nam 2025 v/v ra soat ...",
        "draft": "so: /kh-sgddt ke hoach kiem tra ...",
    }
    # A draft's blank number with the code named; a scan whose number line OCR garbled.
    blank = resolve_documents(read("Kế hoạch 362/KH-SGDĐT có mấy phụ lục?"), docs, every, texts)
    assert blank.documents == {"draft"}
    # Taken by its code alone, never silently: the answer says no document carries the number named.
    assert blank.doubtful == {"draft"} and blank.named == {"draft": "Kế hoạch 362/KH-SGDĐT"}
    note = doubtful_note(draft.meta, blank.named["draft"])
    assert "Kế hoạch 362/KH-SGDĐT" in note and "…/KH-SGDĐT" in note and "có thể không phải" in note
    found = resolve_documents(read("Công văn 4552/BCA-C04 yêu cầu gì?"), docs, every, texts)
    assert found.documents == {"scan"}
    # A footnote mark glued to the number, OCR garbling the code after the digits.
    texts["scan"] = "an le so 69/2023/al1 ve tham quyen; so: 1351/qðiubnd"
    assert resolve_documents(read("Án lệ 69/2023/AL do ai đề xuất?"), docs, every, texts).documents == {
        "scan"
    }
    assert resolve_documents(read("Ai ký quyết định 1351/QĐ-UBND?"), docs, every, texts).documents == {"scan"}
    # Without the texts at hand (a store read per question), an unread number cannot be ruled out:
    # the question is answered as it stands.
    unresolved = resolve_documents(read("Kế hoạch 617 giao gì?"), docs, every)
    assert not unresolved.missing and not unresolved.documents
    assert resolve_documents(read("Kế hoạch 617 giao gì?"), docs, every, texts).missing


def test_a_number_ocr_read_with_doubt_matches_by_its_code_and_says_so() -> None:
    # A handwritten number OCR read as other digits, flagged uncertain at parsing.
    doubtful = _doc(
        "notice", doc_type="Thông báo", number="48/TB-ĐHXY", issuer="Trường Đại học X", uncertain=["number"]
    )
    sure = _doc("decision", doc_type="Quyết định", number="17/QĐ-ĐHXY", issuer="Trường Đại học X")
    docs = [*DOCS, doubtful, sure]
    every = {d.id for d in docs}
    texts = {"notice": "so: 48/tb-dhxy thong bao ve lich thi ..."}
    found = resolve_documents(
        read("Theo Thông báo 615/TB-ĐHXY, sinh viên nộp bài khi nào?"), docs, every, texts
    )
    assert found.documents == {"notice"} and found.doubtful == {"notice"}
    assert "48/TB-ĐHXY" in doubtful_note(doubtful.meta) and "không chắc chắn" in doubtful_note(doubtful.meta)
    # Trusted digits that differ are another document, whatever its code.
    assert resolve_documents(read("Quyết định 615/QĐ-ĐHXY giao gì?"), docs, every, texts).missing
    # Another code is another document, doubtful digits or not.
    assert resolve_documents(read("Thông báo 615/TB-ĐHAB nói gì?"), docs, every, texts).missing
    # The number read exactly is carried, not doubtful.
    exact = resolve_documents(read("Thông báo 48/TB-ĐHXY nói gì?"), docs, every, texts)
    assert exact.documents == {"notice"} and not exact.doubtful


@pytest.mark.parametrize(
    "question",
    ["Đơn vị nào chủ trì nhiệm vụ 2 của Kế hoạch 617?", "Kế hoạch số 617 giao Sở Tài chính làm gì?"],
)
def test_a_number_no_document_carries_or_cites_is_missing(question: str) -> None:
    found = resolve(question)
    assert fold(found.missing) in (fold("Kế hoạch 617"), fold("Kế hoạch số 617"))
    assert found.closest[:2] and {"plan58", "plan12"} >= set(found.closest[:2])  # plans first
    text = not_found_text(found, {d.id: d.meta.label() for d in DOCS})
    assert "không có trong các văn bản đang tra cứu" in text and "Kế hoạch số 58/KH-UBND" in text


@pytest.mark.parametrize(
    "question",
    [
        "Kế hoạch 2026-2030 của tỉnh có mấy nhiệm vụ?",  # years, not a number
        "Thành viên báo cáo 6 tháng trước ngày nào?",  # a period, not "Báo cáo số 6"
        "Kế hoạch 5G/IoT của Hà Nội giao ai chủ trì?",  # a name, not "Kế hoạch số 5"
    ],
)
def test_years_periods_and_names_are_no_document_numbers(question: str) -> None:
    assert not resolve(question).missing


def test_a_level_named_takes_no_document_of_another_level() -> None:
    found = resolve("Kinh phí thực hiện kế hoạch truyền thông của tỉnh là bao nhiêu tỷ đồng?")
    assert "plan12" not in found.documents and "plan58" in found.documents
    assert resolve("Kế hoạch của UBND xã giao nhiệm vụ gì?").documents == {"plan12"}


@pytest.mark.parametrize(
    ("issuer", "parent", "level"),
    [
        ("Ủy ban nhân dân xã Hòa An", "", "xa"),
        ("UBND phường Bến Nghé", "", "xa"),
        ("Ủy ban nhân dân tỉnh Quảng Ngãi", "", "tinh"),
        ("Sở Khoa học và Công nghệ", "UBND tỉnh Quảng Ngãi", "tinh"),
        ("Sở Lao động - Thương binh và Xã hội", "", "tinh"),  # "Xã hội" is no commune
        ("Bộ Nội vụ", "", "trung uong"),
        ("Cục Thuế", "Bộ Tài chính", "trung uong"),
        ("", "", ""),
    ],
)
def test_the_level_of_a_documents_issuer(issuer: str, parent: str, level: str) -> None:
    assert document_level(DocumentMeta(issuer=issuer, parent_issuer=parent)) == level


def test_a_document_named_by_its_type_and_title() -> None:
    question = (
        "Thẩm quyền xử lý kỷ luật được quy định tại điều nào của Thông tư phân cấp quản lý tổ chức cán bộ?"
    )
    assert resolve(question).documents == {"circular"}
    # Two words of a title are no name: no restriction.
    assert resolve("Thông tư về cán bộ quy định gì?").documents == set()


def _clause(locator: str, kind: str, text: str, order: int, parent: str | None = None) -> Clause:
    return Clause(
        id=locator,
        doc_id="d",
        source="d.txt",
        locator=locator,
        kind=kind,
        text=text,
        order=order,
        parent_id=parent,
    )


def test_a_preamble_is_the_basis_before_the_first_heading() -> None:
    basis = _clause(
        "đoạn 1",
        "paragraph",
        "Căn cứ Luật Tổ chức Chính phủ; Xét đề nghị của Bộ trưởng Bộ Tài chính; QUYẾT NGHỊ:",
        1,
    )
    carried = _clause(
        "đoạn 2",
        "paragraph",
        "Thực hiện Quyết định số 2270/QĐ-TTg của Thủ tướng Chính phủ, UBND tỉnh ban hành Kế hoạch như sau:",
        2,
    )
    body = _clause(
        "đoạn 3",
        "paragraph",
        "Căn cứ Luật Ngân sách; QUYẾT NGHỊ: Cuối tháng 10 vừa qua các địa phương từ Hà Tĩnh đến Lâm Đồng đã liên tiếp bị "
        "thiên tai, Thủ tướng Chính phủ đã quyết định hỗ trợ 3.515 tỷ đồng cho 08 tỉnh để khắc phục hậu quả",
        3,
    )
    heading = _clause("I", "heading", "I. MỤC ĐÍCH", 4)
    clauses = [basis, carried, body, heading]
    folded = {c.id: fold(c.text) for c in clauses}
    assert [c.id for c in preamble(clauses, folded)] == ["đoạn 1", "đoạn 2"]
    # A letter without headings: its first paragraph is its body.
    assert preamble([basis, carried], folded) == []


# --- through the assistant -----------------------------------------------------------------
PROVINCE_PLAN = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: 41/KH-UBND
Bình Minh, ngày 04 tháng 12 năm 2025
KẾ HOẠCH
Truyền thông về chuyển đổi số năm 2026
Thực hiện Quyết định số 1169/QĐ-TTg ngày 16/6/2025 của Thủ tướng Chính phủ, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:
I. NHIỆM VỤ
1. Tổ chức chuỗi tọa đàm về chuyển đổi số trên sóng phát thanh
Đơn vị thực hiện: Sở Khoa học và Công nghệ chủ trì.
II. KINH PHÍ
Kinh phí thực hiện Kế hoạch là 1,5 tỷ đồng từ ngân sách tỉnh.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phạm Quốc Toàn
"""
COMMUNE_PLAN = """ỦY BAN NHÂN DÂN
XÃ HÒA AN
Số: 12/KH-UBND
Hòa An, ngày 10 tháng 12 năm 2025
KẾ HOẠCH
Truyền thông về chuyển đổi số trên địa bàn xã năm 2026
I. NHIỆM VỤ
1. Tuyên truyền trên hệ thống loa truyền thanh của xã
Đơn vị thực hiện: Văn phòng HĐND và UBND xã chủ trì.
II. KINH PHÍ
Kinh phí thực hiện Kế hoạch truyền thông là 120 triệu đồng từ ngân sách xã.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lê Văn Bình
"""


@pytest.fixture(scope="module")
def two_levels(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return assistant_over(
        tmp_path_factory.mktemp("levels"), {"41.txt": PROVINCE_PLAN, "12.txt": COMMUNE_PLAN}
    )


@pytest.mark.slow
def test_a_question_naming_the_province_is_not_answered_from_the_communes_plan(two_levels) -> None:  # noqa: ANN001
    answer = two_levels.ask("Kinh phí thực hiện kế hoạch truyền thông của tỉnh là bao nhiêu tỷ đồng?")
    assert "1,5 tỷ đồng" in answer.answer and "120 triệu" not in answer.answer
    assert all(c.source == "41.txt" for c in answer.citations[:1])
    commune = two_levels.ask("Kinh phí thực hiện kế hoạch truyền thông của xã là bao nhiêu?")
    assert "120 triệu đồng" in commune.answer


@pytest.mark.slow
def test_a_number_none_carries_is_answered_as_such_never_from_another_document(two_levels) -> None:  # noqa: ANN001
    answer = two_levels.ask("Đơn vị nào chủ trì nhiệm vụ 1 của Kế hoạch 617?")
    assert answer.abstained and answer.code == "document_not_found" and not answer.citations
    assert answer.answer.startswith("Kế hoạch 617 không có trong các văn bản đang tra cứu.")
    assert "Sở Khoa học và Công nghệ" not in answer.answer
    assert {c.source for c in answer.related} == {"41.txt", "12.txt"}  # the closest documents
    # A document the plans cite is answered from them.
    cited = two_levels.ask("Quyết định 1169/QĐ-TTg được ban hành ngày nào?")
    assert not cited.abstained and "16/6/2025" in cited.answer
    # Asked of the plan that implements it, the date is the plan's; in a "Theo …" frame, the cited one's.
    plan = two_levels.ask("Kế hoạch truyền thông thực hiện Quyết định 1169/QĐ-TTg được ký ngày nào?")
    assert "16/6/2025" not in plan.answer and "4 tháng 12 năm 2025" in plan.answer.replace("04", "4")
    framed = two_levels.ask("Theo kế hoạch truyền thông, Quyết định 1169/QĐ-TTg được ban hành ngày nào?")
    assert "16/6/2025" in framed.answer


@pytest.mark.slow
def test_the_preamble_answers_what_the_document_rests_on_not_who_leads(two_levels) -> None:  # noqa: ANN001
    lead = two_levels.ask("Đơn vị nào chủ trì tổ chức chuỗi tọa đàm về chuyển đổi số trên sóng phát thanh?")
    assert "Sở Khoa học và Công nghệ" in lead.answer and lead.citations[0].locator != "đoạn 1"
    basis = two_levels.ask("Kế hoạch 41/KH-UBND thực hiện quyết định số mấy của Thủ tướng?")
    assert "1169/QĐ-TTg" in basis.answer


@pytest.mark.slow
def test_the_cli_and_the_json_say_the_document_is_not_there(two_levels, capsys) -> None:  # noqa: ANN001
    from rag.cli import main

    index = str(two_levels.index_dir)
    assert main(["ask", "Ai ký Kế hoạch 617?", "--index", index]) == 0
    assert "Kế hoạch 617 không có trong các văn bản đang tra cứu" in capsys.readouterr().out
    assert main(["ask", "Ai ký Kế hoạch 617?", "--index", index, "--json"]) == 0
    assert '"code": "document_not_found"' in capsys.readouterr().out


def test_a_document_of_another_type_implementing_a_number_is_the_one_asked_of() -> None:
    letter = _doc(
        "letter", doc_type="Công văn", number="845/BXD-KHTC", issuer="Bộ Xây dựng", title="Báo cáo hạ tầng"
    )
    plans = [letter, *DOCS]
    everything = {d.id for d in plans}
    texts = {"letter": "so: 845/bxd-khtc", "plan12": "thuc hien cong van so 845/bxd-khtc cua bo xay dung"}
    asked = read("Xã nào xây dựng kế hoạch truyền thông thực hiện Công văn 845/BXD-KHTC?")
    assert resolve_documents(asked, plans, everything, texts).documents == {"plan12"}
    # The letter asked of itself, or in a "Theo kế hoạch …" frame, or no plan cites it: the letter.
    for question in (
        "Công văn 845/BXD-KHTC yêu cầu báo cáo trước ngày nào?",
        "Theo kế hoạch, Công văn 845/BXD-KHTC yêu cầu báo cáo trước ngày nào?",
    ):
        assert resolve_documents(read(question), plans, everything, texts).documents == {"letter"}
    uncited = {"letter": texts["letter"]}
    assert resolve_documents(asked, plans, everything, uncited).documents == {"letter"}


def test_a_number_one_source_gave_is_asked_with_the_documents_citing_it() -> None:
    # A scan whose handwritten digits came from its file's name only (uncertain), and a reply citing it.
    scan = _doc(
        "scan", doc_type="Công văn", number="845/BXD-KHTC", issuer="Bộ Xây dựng", uncertain=["number"]
    )
    reply = _doc("reply", doc_type="Phiếu trình", number="/PT-VP", issuer="Văn phòng Ủy ban nhân dân tỉnh")
    docs = [*DOCS, scan, reply]
    every = {d.id for d in docs}
    texts = {"scan": "so: 845/bxd-khtc", "reply": "cong van so 845/bxd-khtc ngay 03/4/2026 cua bo xay dung"}
    found = resolve_documents(read("Công văn 845/BXD-KHTC được ban hành ngày nào?"), docs, every, texts)
    assert found.documents == {"scan", "reply"}
    # A date taken from one source alone (a citation): the citers are asked too.
    dated = _doc("scan", doc_type="Công văn", number="845/BXD-KHTC", issuer="Bộ Xây dựng", uncertain=["date"])
    asked = read("Công văn 845/BXD-KHTC được ban hành ngày nào?")
    assert resolve_documents(asked, [*DOCS, dated, reply], every, texts).documents == {"scan", "reply"}
    # Trusted digits: the document itself.
    sure = _doc("scan", doc_type="Công văn", number="845/BXD-KHTC", issuer="Bộ Xây dựng")
    trusted = resolve_documents(read("Công văn 845/BXD-KHTC yêu cầu gì?"), [*DOCS, sure, reply], every, texts)
    assert trusted.documents == {"scan"}
    # "Theo phiếu trình … về Công văn 845": the frame's document is about the cited one.
    framed = read("Theo phiếu trình của Văn phòng về Công văn 845/BXD-KHTC, chuyên viên đề xuất gì?")
    assert resolve_documents(framed, [*DOCS, sure, reply], every, texts).documents == {"reply"}


DRAFT_PLAN = """ỦY BAN NHÂN DÂN
TỈNH BÌNH MINH
Số: /KH-UBND
Bình Minh, ngày      tháng 9 năm 2025
KẾ HOẠCH
Phát triển du lịch cộng đồng năm 2026
I. NHIỆM VỤ
1. Xây dựng bộ sản phẩm du lịch cộng đồng tại các bản làng
Đơn vị thực hiện: Sở Văn hóa, Thể thao và Du lịch chủ trì.
2. Đào tạo kỹ năng đón khách cho hộ gia đình làm du lịch
Đơn vị thực hiện: Hội Nông dân tỉnh chủ trì.
KT. CHỦ TỊCH - PHÓ CHỦ TỊCH
Trần Văn Hải
"""
TRADE_REPORT = """SỞ CÔNG THƯƠNG TỈNH BÌNH MINH
Số: 88/BC-SCT
Bình Minh, ngày 15 tháng 6 năm 2025
BÁO CÁO
Kết quả hoạt động khuyến công năm 2025
I. KẾT QUẢ
1. Tổ chức Hội chợ hàng Việt năm 2025 và gửi thư mời đến 80 doanh nghiệp trên địa bàn.
2. Đã gửi báo cáo tổng kết chương trình khuyến công năm 2025 đến Bộ Công Thương và các sở, ngành.
3. Rà soát thời hạn của các dự án khuyến công năm 2025 và đề xuất điều chỉnh.
GIÁM ĐỐC
Lê Minh Tâm
"""
BLANK_QUESTION = "Đơn vị nào chủ trì nhiệm vụ 2 của Kế hoạch 617/KH-UBND?"
NOTE = "Không văn bản nào đang tra cứu ghi số hiệu của Kế hoạch 617/KH-UBND"


@pytest.fixture(scope="module")
def draft_and_report(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return assistant_over(tmp_path_factory.mktemp("blank"), {"draft.txt": DRAFT_PLAN, "88.txt": TRADE_REPORT})


@pytest.mark.slow
def test_a_plan_whose_number_is_blank_is_not_taken_for_the_named_one_silently(draft_and_report) -> None:  # noqa: ANN001
    answer = draft_and_report.ask(BLANK_QUESTION)
    assert "Hội Nông dân tỉnh" in answer.answer and NOTE in answer.answer
    # The number the draft's code does not match is missing, as any number no document carries.
    other = draft_and_report.ask("Đơn vị nào chủ trì nhiệm vụ 2 của Kế hoạch 617/KH-SGDĐT?")
    assert other.code == "document_not_found" and "Hội Nông dân" not in other.answer


@pytest.mark.slow
def test_a_deadline_asked_is_not_answered_by_the_reports_own_year(draft_and_report) -> None:  # noqa: ANN001
    # No line says by when: "năm 2025" only names the report's own year ("dự án … năm 2025").
    answer = draft_and_report.ask("Thời hạn gửi báo cáo là khi nào?")
    assert answer.abstained, answer.answer


@pytest.mark.slow
def test_the_cli_and_the_api_say_the_named_number_is_not_carried(draft_and_report, capsys) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from api.main import create_app
    from rag.cli import main
    from tests.support import settings_for

    index = str(draft_and_report.index_dir)
    assert main(["ask", BLANK_QUESTION, "--index", index]) == 0
    assert NOTE in capsys.readouterr().out
    assert main(["ask", "Thời hạn gửi báo cáo là khi nào?", "--index", index, "--json"]) == 0
    assert '"abstained": true' in capsys.readouterr().out
    with TestClient(create_app(settings_for(draft_and_report.index_dir))) as client:
        body = client.post("/api/ask", json={"question": BLANK_QUESTION}).json()
        assert NOTE in body["answer"] and not body["abstained"]
        late = client.post("/api/ask", json={"question": "Thời hạn gửi báo cáo là khi nào?"}).json()
        assert late["abstained"] is True
