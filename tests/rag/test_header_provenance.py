"""Header digits a scan leaves in doubt: confirmed by the file's name and a second reading."""

from __future__ import annotations

from rag.parser.provenance import confirm_number, number_in_name
from rag.records import DocumentMeta


def test_number_in_name_needs_the_printed_code_right_after_the_digits() -> None:
    assert number_in_name("kh-418-KH-SXD_scan.pdf", "KH-SXD") == "418"
    assert number_in_name("QD_so_27_QD-UBND.pdf", "QĐ-UBND") == "27"
    assert number_in_name("nd 61_2024_ND-CP.pdf", "2024/NĐ-CP") == "61"
    assert number_in_name("bao-cao-thang-12-2024.pdf", "BC-UBND") == ""  # a date is no number
    assert number_in_name("418-KH-SXD va 419-KH-SXD.pdf", "KH-SXD") == ""  # two: which one?
    assert number_in_name("418-KH-SXD.pdf", "KH-UBND") == ""  # another document's code


def test_a_number_the_page_left_blank_is_taken_from_the_file_name_but_stays_doubtful() -> None:
    meta = DocumentMeta(number="/KH-SXD")
    confirm_number(meta, "scans/kh_418_KH-SXD.pdf")
    assert meta.number == "418/KH-SXD"
    assert meta.uncertain == ["number"]
    assert meta.provenance["number"] == "tên tệp"


def test_two_sources_agreeing_clear_the_doubt() -> None:
    meta = DocumentMeta(number="Á8/KH-SXD", uncertain=["number"])
    confirm_number(meta, "418-KH-SXD.pdf", reading="418")
    assert meta.number == "418/KH-SXD"
    assert meta.uncertain == []
    assert meta.provenance["number"] == "tên tệp + đọc lại"
    page = DocumentMeta(number="418/KH-SXD", uncertain=["number", "date"])
    confirm_number(page, "418-KH-SXD.pdf")
    assert page.uncertain == ["date"]
    assert page.provenance["number"] == "trang + tên tệp"


def test_a_confident_page_number_is_kept_and_a_disagreeing_name_changes_nothing() -> None:
    meta = DocumentMeta(number="419/KH-SXD")
    confirm_number(meta, "418-KH-SXD.pdf")
    assert meta.number == "419/KH-SXD" and meta.uncertain == []
    doubtful = DocumentMeta(number="419/KH-SXD", uncertain=["number"])
    confirm_number(doubtful, "scan.pdf", reading="")
    assert doubtful.number == "419/KH-SXD" and doubtful.uncertain == ["number"]
    party = DocumentMeta(number="02-KH/NBCQ")
    confirm_number(party, "05-KH-NBCQ.pdf")
    assert party.number == "02-KH/NBCQ"
