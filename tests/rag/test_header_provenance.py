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


def _scan(number: str, date: str = "", uncertain: list[str] | None = None, source: str = "scan.pdf"):  # noqa: ANN202
    from rag.records import Document

    meta = DocumentMeta(doc_type="Công văn", number=number, date=date, uncertain=list(uncertain or []))
    return Document(id=source, source=source, content_hash="", meta=meta, ocr_pages=[1])


def _citing(source: str, *labels: str):  # noqa: ANN202
    from rag.records import Document

    return Document(
        id=source, source=source, content_hash="", meta=DocumentMeta(cited_documents=list(labels))
    )


def test_documents_citing_a_scan_fill_its_number_and_date_doubtful() -> None:
    from rag.parser.provenance import attest_corpus

    scan = _scan("/BXD-KHTC", "2026-04", ["date"])
    reply = _citing("reply.docx", "Công văn số 845/BXD-KHTC ngày 03/4/2026", "Kế hoạch số 845/KH-UBND")
    attest_corpus([scan, reply])
    assert scan.meta.number == "845/BXD-KHTC" and scan.meta.date == "2026-04-03"
    assert set(scan.meta.uncertain) == {"number", "date"}  # one source each: shown as doubtful
    assert scan.meta.provenance == {"number": "trích dẫn (reply.docx)", "date": "trích dẫn"}


def test_a_citation_agreeing_with_the_file_name_makes_the_number_trusted() -> None:
    from rag.parser.provenance import attest_corpus

    scan = _scan("Á5/BXD-KHTC", "2026", ["number"], source="845-BXD-KHTC.pdf")
    confirm_number(scan.meta, scan.source)
    assert scan.meta.uncertain == ["number"]
    attest_corpus([scan], [_citing("reply.docx", "Công văn số 845/BXD-KHTC ngày 3 tháng 4 năm 2026")])
    assert scan.meta.number == "845/BXD-KHTC" and "number" not in scan.meta.uncertain
    assert scan.meta.provenance["number"] == "tên tệp + trích dẫn (reply.docx)"


def test_citations_that_disagree_or_name_another_document_change_nothing() -> None:
    from rag.parser.provenance import attest_corpus

    scan = _scan("/BXD-KHTC", "2026-04")
    two = [_citing("a.docx", "Công văn số 845/BXD-KHTC"), _citing("b.docx", "Công văn số 846/BXD-KHTC")]
    attest_corpus([scan], two)
    assert scan.meta.number == "/BXD-KHTC"
    other_code = _citing("c.docx", "Công văn số 845/BXD-VP ngày 03/4/2026")
    other_type = _citing("d.docx", "Quyết định số 845/BXD-KHTC ngày 03/4/2026")
    attest_corpus([scan], [other_code, other_type])
    assert scan.meta.number == "/BXD-KHTC" and scan.meta.date == "2026-04"
    # A month read without doubt that the citation contradicts: its date is not taken.
    dated = _scan("/BXD-KHTC", "2026-05")
    attest_corpus([dated], [_citing("e.docx", "Công văn số 845/BXD-KHTC ngày 03/4/2026")])
    assert dated.meta.number == "845/BXD-KHTC" and dated.meta.date == "2026-05"
