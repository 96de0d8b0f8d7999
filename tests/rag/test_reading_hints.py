from __future__ import annotations

from index.query import number_matches
from rag.questions import DocRef
from rag.reading import search_query as analyze_query


def test_task_number_in_three_spellings() -> None:
    assert analyze_query("Ai thực hiện nhiệm vụ 2?").task_number == "2"
    assert analyze_query("ai thuc hien nhiem vu 2").task_number == "2"
    assert analyze_query("Who leads task 2?").task_number == "2"
    assert analyze_query("Ai thực hiện?").task_number is None


def test_years_and_references() -> None:
    h = analyze_query("Kế hoạch 58 đặt mục tiêu gì đến năm 2030?")
    assert h.years == ("2030",)
    assert h.doc_refs == (DocRef("Kế hoạch", "58"),)
    h = analyze_query("Quyết định 1169/QĐ-TTg ngày 16/6/2025 nói gì")
    assert h.doc_refs == (DocRef("Quyết định", "1169/qd-ttg"),)
    assert h.years == ()  # the year inside a date is not a target year
    assert analyze_query("cong van so 819 gui ai").doc_refs == (DocRef("Công văn", "819"),)
    assert analyze_query("triển khai 57-NQ/TW").numbers == ("57-nq/tw",)


def test_number_matches() -> None:
    assert number_matches("58", "58/KH-UBND")
    assert number_matches("58/kh-ubnd", "58/KH-UBND")
    assert number_matches("819", "819/SKHCN-BCVT&CĐS")
    assert not number_matches("5", "58/KH-UBND")
    assert not number_matches("58", "/KH-UBND")


def test_document_numbers_survive_abbreviation_expansion() -> None:
    hints = analyze_query("Kế hoạch số 58/KH-UBND của UBND tỉnh giao nhiệm vụ gì?")
    assert [r.number for r in hints.doc_refs] == ["58/kh-ubnd"]
    assert "58/kh-ubnd" in hints.numbers


def test_abbreviated_document_types_before_a_number() -> None:
    assert [
        (r.doc_type, r.number) for r in analyze_query("Nhiệm vụ 5 trong phụ lục QĐ 2597/QĐ-TTg").doc_refs
    ] == [("Quyết định", "2597/qd-ttg")]
    assert [r.doc_type for r in analyze_query("theo KH 310/KH-UBND của Hà Nội").doc_refs] == ["Kế hoạch"]
    assert analyze_query("Tiểu ban KH của tỉnh").doc_refs == ()  # no number: no reference
