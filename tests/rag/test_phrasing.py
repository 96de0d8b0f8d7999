"""Answer phrasing: signers, table rows, the start of an answer (rag/answer/phrasing.py)."""

from __future__ import annotations

import pytest

from rag.answer.phrasing import read_signer_title, row_sentence, signed_by, tidy_start
from rag.records import Clause, DocumentMeta


@pytest.mark.parametrize(
    ("title", "own", "acting"),
    [
        ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Phó Giám đốc", ("ký thay Giám đốc",)),
        (
            "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
            "Phó Chủ tịch",
            ("thay mặt Ủy ban nhân dân", "ký thay Chủ tịch"),
        ),
        ("TM. CHÍNH PHỦ / THỦ TƯỚNG", "Thủ tướng", ("thay mặt Chính phủ",)),
        ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "Thứ trưởng", ("ký thay Bộ trưởng",)),
        ("TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG", "Chánh Văn phòng", ("thừa lệnh Chủ tịch",)),
        ("TUQ. GIÁM ĐỐC / TRƯỞNG PHÒNG", "Trưởng phòng", ("thừa ủy quyền Giám đốc",)),
        ("Q. GIÁM ĐỐC", "Quyền Giám đốc", ()),
        ("CHỦ TỊCH QUỐC HỘI", "Chủ tịch Quốc hội", ()),
        ("K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN", "Phó Trưởng ban", ("ký thay Trưởng ban",)),
        ("KT.HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG", "Phó Hiệu trưởng", ("ký thay Hiệu trưởng",)),
        # a stamp or the body's name above the first mark is no title
        ("XÁC THỰC VĂN BẢN HỢP NHẤT / KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "Thứ trưởng", ("ký thay Bộ trưởng",)),
        # the deputy's title printed on the mark's line
        ("KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM", "Phó Chủ nhiệm", ("ký thay Bộ trưởng, Chủ nhiệm",)),
    ],
)
def test_signer_titles_read_into_words(title: str, own: str, acting: tuple[str, ...]) -> None:
    read = read_signer_title(title)
    assert (read.own, read.acting) == (own, acting)


def test_signer_sentence() -> None:
    meta = DocumentMeta(
        doc_type="Kế hoạch",
        number="58/KH-UBND",
        signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Quốc Huy Hoàng",
    )
    assert (
        signed_by(meta)
        == "Kế hoạch số 58/KH-UBND do Phó Giám đốc Nguyễn Quốc Huy Hoàng ký (ký thay Giám đốc)."
    )
    unnamed = DocumentMeta(doc_type="Kế hoạch", number="1/KH", signer_title="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")
    assert signed_by(unnamed) == (
        "Kế hoạch số 1/KH do Chủ tịch ký (thay mặt Ủy ban nhân dân); "
        "văn bản không ghi hoặc không đọc được tên người ký."
    )
    assert signed_by(DocumentMeta(doc_type="Kế hoạch")) is None


def _clause(cid: str, locator: str, kind: str, text: str, order: int) -> Clause:
    return Clause(id=cid, doc_id="d", source="d.txt", locator=locator, kind=kind, text=text, order=order)


HEADER = _clause("h", "Điều 2 khoản 1.bảng", "table", "Địa bàn | Mầm non | Tiểu học", 1)
ROW = _clause(
    "r", "Điều 2 khoản 1.dòng 1", "table", "Đô thị | 190 | 110\nĐô thị: Mầm non: 190; Tiểu học: 110", 2
)


def test_a_pipe_row_reads_as_a_sentence_once() -> None:
    assert row_sentence(ROW, [HEADER, ROW]) == "Địa bàn: Đô thị; Mầm non: 190; Tiểu học: 110."
    numbered = _clause("h2", "Phụ lục.bảng", "table", "STT | Nhiệm vụ | Chủ trì", 3)
    row = _clause("r2", "Phụ lục.1", "table", "1 | Khảo sát vùng trồng. | Sở Nông nghiệp", 4)
    assert (
        row_sentence(row, [HEADER, ROW, numbered, row])
        == "Nhiệm vụ: Khảo sát vùng trồng; Chủ trì: Sở Nông nghiệp."
    )
    assert row_sentence(_clause("p", "I.1", "item", "1. a | b", 5), []) is None  # not a table row


def test_a_long_row_keeps_the_cells_its_evidence_is_in() -> None:
    long_cell = "rất dài " * 100
    row = _clause("r", "Điều 2 khoản 1.dòng 1", "table", f"Nông thôn | {long_cell} | 95", 2)
    out = row_sentence(row, [HEADER, row], passage="95", limit=100)
    assert out == "Địa bàn: Nông thôn; Tiểu học: 95."


def test_an_answer_starts_without_marks_or_its_own_numbers() -> None:
    item = _clause("i", "II.2.c.-1", "item", "- Ít nhất 80% người dân", 1)
    assert tidy_start("- Ít nhất 80% người dân", [item]) == "Ít nhất 80% người dân"
    note = _clause("n", "I.1.-2 · chú thích 7", "footnote", "7 (1) Triển khai …", 2)
    assert tidy_start("7 (1) Triển khai …", [note]) == "(1) Triển khai …"
    row = _clause("r", "Phụ lục 2.VIII.18", "table", "18 Tỷ lệ xã", 3)
    assert tidy_start("18 Tỷ lệ xã có điểm bưu điện", [row]) == "Tỷ lệ xã có điểm bưu điện"
    # a quantity that opens a sentence is the answer, not a number to drop
    assert tidy_start("24 dự án đầu tư được thẩm định", [item]) == "24 dự án đầu tư được thẩm định"


def test_further_citations_state_the_answer_or_support_the_question() -> None:
    from rag.answer.phrasing import further_citations

    signature = _clause("s", "chữ ký", "signature", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Phan Văn Hiếu", 9)
    topic = _clause("t", "IV.1.-2", "item", "- Xây dựng Kế hoạch truyền thông năm 2026", 3)
    copy = _clause("c", "I.2", "item", "Kế hoạch do Phó Giám đốc Phan Văn Hiếu ký ngày 3/3", 4)
    question = "Ai ký kế hoạch truyền thông?"
    answer = "Kế hoạch số 1/KH do Phó Giám đốc Phan Văn Hiếu ký (ký thay Giám đốc)."
    keep = further_citations(answer, question, [signature], frozenset({"t"}), lambda w: 1.0)
    # Who signed, read from the signature: the clause about the plan's topic is no evidence of it.
    assert not keep(topic) and keep(copy)
    item = _clause("i", "II.1", "item", "1. Sở Y tế triển khai bệnh án điện tử", 1)
    keep = further_citations("Sở Y tế.", "Ai triển khai bệnh án?", [item], frozenset({"t"}), lambda w: 1.0)
    assert keep(topic)  # the evidence ranking found it supporting the question
    assert not keep(_clause("x", "V", "item", "V. Kinh phí thực hiện", 8))  # a hit that does neither
