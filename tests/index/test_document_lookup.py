"""The documents a query names, found by number digits and type: the ones a scan finds."""

from __future__ import annotations

from types import SimpleNamespace

from index.hybrid import DocumentLookup, document_strength
from rag.questions import SearchQuery
from rag.records import DocumentMeta

METAS = [
    DocumentMeta(doc_type="Kế hoạch", number="58/KH-UBND", issuer="Ủy ban nhân dân tỉnh Lâm Hà"),
    DocumentMeta(doc_type="Kế hoạch", number="580/KH-SCT", issuer="Sở Công Thương"),
    DocumentMeta(doc_type="Công văn", number="158/SCT-QLTM", issuer="Sở Công Thương"),
    DocumentMeta(doc_type="Quyết định", number="58 / QĐ-UBND", issuer="Ủy ban nhân dân tỉnh Lâm Hà"),
    DocumentMeta(doc_type="Kế hoạch", number="", issuer="Sở Tài chính"),
]
DOCS = [SimpleNamespace(id=f"d{i}", meta=m) for i, m in enumerate(METAS)]


def test_candidates_hold_every_document_a_scan_names() -> None:
    lookup = DocumentLookup(DOCS)
    queries = [
        SearchQuery.plain("kế hoạch 58"),
        *(
            SearchQuery(text="q", numbers=(n,))
            for n in ("58", "58/kh-ubnd", "580", "158/sct", "/kh-ubnd", "2025", "58/qđ-ubnd")
        ),
        SearchQuery(text="q", issuer_refs=(("ke hoach", "so cong thuong"),)),
        SearchQuery(text="q", issuer_refs=(("Kế hoạch", "Sở Tài chính"),), numbers=("158",)),
    ]
    for hints in queries:
        scanned = {d.id for d in DOCS if document_strength(hints, d.meta) >= 1.0}
        found = {d.id for d in lookup.candidates(hints)}
        assert scanned <= found, hints
    assert {d.id for d in lookup.candidates(SearchQuery(text="q", numbers=("58",)))} == {"d0", "d3"}
