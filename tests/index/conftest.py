"""Hand-made documents for the index tests (independent of the parser)."""

from __future__ import annotations

import pytest

from index.embedders import E5Embedder
from rag.records import Clause, Document, DocumentMeta


def make_doc(
    source: str,
    *,
    number: str = "",
    doc_type: str = "Kế hoạch",
    issuer: str = "Sở Khoa học và Công nghệ",
    date: str = "2025-10-10",
    access: str = "public",
    clauses: list[tuple[str, str, str, list[str]]],
    content_hash: str | None = None,
) -> Document:
    """clauses: (locator, title, text, breadcrumb)."""
    doc_id = source.rsplit(".", 1)[0]
    items = [
        Clause(
            id=f"{doc_id}:{loc}",
            doc_id=doc_id,
            source=source,
            locator=loc,
            kind="item",
            text=text,
            title=title,
            breadcrumb=list(crumbs),
            order=i,
            access=access,
        )
        for i, (loc, title, text, crumbs) in enumerate(clauses)
    ]
    # Link the tree as the parser does: "III.1.a" hangs under "III.1"; "Đơn vị thực hiện" lines are fields.
    by_loc = {c.locator: c for c in items}
    for c in items:
        parent = by_loc.get(c.locator.rsplit(".", 1)[0]) if "." in c.locator else None
        if parent is not None:
            c.parent_id = parent.id
            parent.children.append(c.id)
        if c.title == "Đơn vị thực hiện":
            c.kind = "field"
            c.fields = {"lead_unit": c.text.split(":", 1)[1].strip()}
    meta = DocumentMeta(doc_type=doc_type, number=number, issuer=issuer, date=date, title="Chuyển đổi số")
    return Document(
        id=doc_id,
        source=source,
        content_hash=content_hash or f"hash-{source}",
        meta=meta,
        clauses=items,
        access=access,
    )


TASKS = "III. NHIỆM VỤ VÀ GIẢI PHÁP"


@pytest.fixture
def plan() -> Document:
    return make_doc(
        "plan.txt",
        number="58/KH-UBND",
        clauses=[
            ("header", "", "KẾ HOẠCH Triển khai chuyển đổi số trên địa bàn tỉnh", []),
            ("III", "NHIỆM VỤ VÀ GIẢI PHÁP", TASKS, []),
            ("III.1", "", "1. Tuyên truyền, phổ biến Nghị quyết số 57-NQ/TW ngày 22/12/2024", [TASKS]),
            (
                "III.1.a",
                "Đơn vị thực hiện",
                "Đơn vị thực hiện: Sở Tài chính chủ trì",
                [TASKS, "1. Tuyên truyền"],
            ),
            ("III.2", "", "2. Xây dựng hạ tầng số, phủ sóng 5G đến năm 2030", [TASKS]),
            (
                "III.2.a",
                "Đơn vị thực hiện",
                "Đơn vị thực hiện: Sở Xây dựng chủ trì",
                [TASKS, "2. Hạ tầng số"],
            ),
            ("IV", "TỔ CHỨC THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN: kinh phí từ ngân sách tỉnh", []),
        ],
    )


@pytest.fixture
def letter() -> Document:
    return make_doc(
        "letter.txt",
        number="819/SKHCN-BCVT&CĐS",
        doc_type="Công văn",
        issuer="Sở Khoa học và Công nghệ",
        date="2026-03-04",
        access="internal",
        clauses=[
            ("header", "", "V/v báo cáo tình hình ứng dụng trí tuệ nhân tạo", []),
            ("1", "", "Đề nghị các đơn vị gửi báo cáo trước ngày 15/3/2026", []),
        ],
    )


@pytest.fixture(scope="session")
def e5() -> E5Embedder:
    return E5Embedder()


@pytest.fixture
def doc_factory():  # type: ignore[no-untyped-def]
    return make_doc
