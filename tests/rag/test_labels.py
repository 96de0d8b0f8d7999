"""Places named for people (rag/labels.py): never "header" or "IV.8.-1" in what a person reads."""

from __future__ import annotations

from rag.labels import citation_label, opening_paragraphs, place, short_reference, tree_label
from rag.records import Clause, Document, DocumentMeta

META = DocumentMeta(doc_type="Kế hoạch", number="58/KH-UBND", issuer="UBND tỉnh Đồng Tháp", date="2025-10-10")


def _c(cid: str, locator: str, kind: str, order: int, parent: str | None = None) -> Clause:
    return Clause(
        id=cid,
        doc_id="d",
        source="d.txt",
        locator=locator,
        kind=kind,
        text="…",
        order=order,
        parent_id=parent,
    )


CLAUSES = [
    _c("h", "header", "header", 0),
    _c("p1", "đoạn 1", "paragraph", 1),
    _c("I", "I", "heading", 2),
    _c("I.1", "I.1", "item", 3, "I"),
    _c("dash", "IV.8.-1", "item", 4, "I.1"),
    _c("p2", "đoạn 2", "paragraph", 5),
    _c("nn", "nơi nhận", "recipients", 6),
    _c("ck", "chữ ký", "signature", 7),
]


def test_unnumbered_parts_have_names() -> None:
    by_id = {c.id: c for c in CLAUSES}
    assert place(by_id["h"]) == "Phần đầu văn bản"
    assert place(by_id["nn"]) == "Nơi nhận" and place(by_id["ck"]) == "Chữ ký"
    assert place(by_id["dash"]) == "Gạch đầu dòng thứ 1 mục 8 phần IV"
    assert opening_paragraphs(CLAUSES) == frozenset({"p1"})  # the closing paragraph is not an opening
    assert tree_label(by_id["p1"], opening=True) == "Đoạn mở đầu"
    assert tree_label(by_id["I.1"]) == "I.1" and tree_label(by_id["h"]) == "Phần đầu văn bản"


def test_a_chip_leads_with_the_short_formal_reference() -> None:
    by_id = {c.id: c for c in CLAUSES}
    assert short_reference(by_id["dash"], META) == "gạch đầu dòng thứ 1 mục 8 phần IV Kế hoạch số 58/KH-UBND"
    assert short_reference(by_id["ck"], META) == "Chữ ký · Kế hoạch số 58/KH-UBND"
    doc = Document(id="d", source="d.txt", content_hash="x", meta=META, clauses=CLAUSES)
    assert citation_label(by_id["p1"], doc) == "Đoạn mở đầu · Kế hoạch số 58/KH-UBND"
    assert citation_label(by_id["p2"], doc) == "đoạn 2 Kế hoạch số 58/KH-UBND"


def test_a_field_line_is_named_with_its_field() -> None:
    field = _c("f", "II.1 · Cơ quan chủ trì", "field", 9, "I.1")
    assert place(field) == "Mục 1 phần II · Cơ quan chủ trì"
