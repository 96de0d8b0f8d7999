"""Clause references: read from questions in any order and spelling, written as drafting staff do."""

from __future__ import annotations

import pytest

from rag.reading.clauses import parse_reference
from rag.records import Clause, DocumentMeta
from rag.references import document_reference, formal_reference, iso_to_vietnamese

PLAN = DocumentMeta(
    doc_type="Kế hoạch", number="58/KH-UBND", date="2025-10-10", issuer="Ủy ban nhân dân tỉnh Quảng Ngãi"
)
LAW = DocumentMeta(doc_type="Luật", number="20/2023/QH15", title="GIAO DỊCH ĐIỆN TỬ", issuer="Quốc hội")


@pytest.mark.parametrize(
    ("question", "locator"),
    [
        ("mục II.2 Kế hoạch số 58/KH-UBND", "II.2"),
        ("Mục 2 phần II của kế hoạch 58 quy định gì?", "II.2"),
        ("muc 2 phan ii ke hoach 58", "II.2"),
        ("khoản 2 Điều 9 Nghị định 13/2023/NĐ-CP", "Điều 9 khoản 2"),
        ("Điều 9, khoản 2 Nghị định 13/2023/NĐ-CP", "Điều 9 khoản 2"),
        ("điểm a khoản 1 Điều 3 Luật số 20/2023/QH15", "Điều 3 khoản 1 điểm a"),
        ("dieu 3 khoan 1 diem a luat giao dich dien tu", "Điều 3 khoản 1 điểm a"),
        ("Ðiều 3 khoản 1 điểm a", "Điều 3 khoản 1 điểm a"),  # OCR's Icelandic Ð for Đ
        ("điểm đ khoản 2 Điều 8", "Điều 8 khoản 2 điểm đ"),
        ("tiểu mục 2.3 phần I", "I.2.3"),
        ("tiểu mục 2.3 mục 2 phần I", "I.2.3"),
        ("điểm b mục 4 phần II", "II.4.b"),
        ("số thứ tự 18 mục VIII Phụ lục 2", "Phụ lục 2.VIII.18"),
        ("mục 5 phần I phụ lục công văn 819", "Phụ lục.I.5"),
        ("Chương II của Luật", "Chương II"),
        ("Chú thích số [1] của Kế hoạch 58/KH-UBND", "· chú thích 1"),
        ("chu thich 12 cua ke hoach 58", "· chú thích 12"),
        ("chú thích 2 tại mục 1 phần III", "III.1 · chú thích 2"),
    ],
)
def test_reads_the_clause_a_question_names(question: str, locator: str) -> None:
    ref = parse_reference(question)
    assert ref is not None and ref.locators() == [locator]


@pytest.mark.parametrize(
    "question",
    [
        "Mục tiêu năm 2025 là gì?",
        "Tỷ lệ xã có điểm bưu điện văn hóa là bao nhiêu?",
        "Theo phụ lục công văn 819, phong trào Bình dân học vụ số phổ cập kỹ năng nào?",
        "Phần lớn các xã đã có sóng 4G chưa?",
        "Chương trình truyền thông gồm những gì?",
        "Điều kiện để được hỗ trợ là gì?",
    ],
)
def test_words_that_only_look_like_locators(question: str) -> None:
    assert parse_reference(question) is None


@pytest.mark.parametrize(
    ("locator", "kind", "words"),
    [
        ("II.2", "heading", "mục 2 phần II"),
        ("II.4.b", "item", "điểm b mục 4 phần II"),
        ("I.2.3", "item", "tiểu mục 2.3 phần I"),
        ("II.4 · Đơn vị thực hiện", "field", "mục 4 phần II"),
        ("IV.1.-2", "item", "gạch đầu dòng thứ 2 mục 1 phần IV"),
        ("Phụ lục 2.VIII.18", "table", "số thứ tự 18 mục VIII Phụ lục 2"),
        ("Phụ lục 1.3", "item", "mục 3 Phụ lục 1"),
        ("Điều 32 khoản 2 điểm a", "item", "điểm a khoản 2 Điều 32"),
        ("I.1.-2 · chú thích 1", "footnote", "chú thích 1 tại gạch đầu dòng thứ 2 mục 1 phần I"),
        ("A.I.2", "item", "mục 2 mục I phần A"),
    ],
)
def test_formal_reference_of_a_clause(locator: str, kind: str, words: str) -> None:
    clause = Clause(id="d:x", doc_id="d", source="s", locator=locator, kind=kind, text="")
    ref = formal_reference(clause, PLAN)
    assert ref == f"{words} Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi"
    # Read back, the words name the same clause (fields and notes name their item; dashes and a
    # second "mục" are written for people, not read).
    if kind not in ("field", "footnote") and "gạch" not in words and words.count("mục ") < 2:
        parsed = parse_reference(ref)
        assert parsed is not None and parsed.locators() == [locator.split(" · ")[0]]


def test_documents_are_named_as_drafting_staff_name_them() -> None:
    clause = Clause(id="d:x", doc_id="d", source="s", locator="Điều 3 khoản 1 điểm a", kind="item", text="")
    assert formal_reference(clause, LAW) == "điểm a khoản 1 Điều 3 Luật Giao dịch điện tử số 20/2023/QH15"
    header = Clause(id="d:h", doc_id="d", source="s", locator="header", kind="header", text="")
    assert formal_reference(header, PLAN) == "Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi"
    decree = DocumentMeta(doc_type="Nghị định", number="13/2023/NĐ-CP", date="2023-04-17", issuer="Chính phủ")
    assert document_reference(decree) == "Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ"
    # A Sở under its province's People's Committee; a draft's blank number; a partial date.
    letter = DocumentMeta(
        doc_type="Công văn",
        number="/SKHCN-BCVT",
        date="2025-12",
        issuer="Sở Khoa học và Công nghệ",
        parent_issuer="UBND tỉnh Hà Giang",
    )
    assert document_reference(letter) == (
        "Công văn số …/SKHCN-BCVT tháng 12 năm 2025 của Sở Khoa học và Công nghệ tỉnh Hà Giang"
    )
    assert document_reference(DocumentMeta()) == "Văn bản"


def test_dates_follow_the_drafting_rule() -> None:
    assert iso_to_vietnamese("2025-06-02") == "ngày 02/6/2025"
    assert iso_to_vietnamese("2025-01-24") == "ngày 24/01/2025"
    assert iso_to_vietnamese("2025-10-10") == "ngày 10/10/2025"
    assert iso_to_vietnamese("2025-08") == "tháng 8 năm 2025"
    assert iso_to_vietnamese("ngày ký") == ""
