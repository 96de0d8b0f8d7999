"""Typed references between documents, and the registry's units, tasks and edges."""

from __future__ import annotations

import pytest

from rag.lineage import document_references, number_key
from rag.records import Document
from rag.registry import Registry
from tests.rag.lineage_docs import FOLLOW_UP, TABLE_PLAN, parse_text


@pytest.fixture(scope="module")
def docs() -> tuple[Document, Document]:
    return parse_text(TABLE_PLAN, "bacson-245.txt"), parse_text(FOLLOW_UP, "bacson-sct-19.txt")


def test_references_are_typed_by_their_introducing_words(docs: tuple[Document, Document]) -> None:
    plan, _ = docs
    refs = {(r.relation, r.number) for r in document_references(plan.clauses, plan.meta.number)}
    assert ("implements", "812/QĐ-TTg") in refs
    assert ("implements", "33/KH-BCT") in refs  # joined to the previous citation by "và"
    assert ("based_on", "72/2025/QH15") in refs
    assert all(number_key(n) != "245/kh-ubnd" for _, n in refs)  # never itself


def test_body_mentions_are_not_lineage() -> None:
    report = parse_text(
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 7/BC-SKHCN\n\nBÁO CÁO\nKết quả\n\nI. KẾT QUẢ\n"
        "1. Sở đã tham mưu UBND tỉnh ban hành Kế hoạch số 58/KH-UBND ngày 10/10/2025 triển khai chương trình.\n",
        "bc.txt",
    )
    assert document_references(report.clauses, report.meta.number) == []


def test_a_decision_that_replaces_another() -> None:
    decision = parse_text(
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC SƠN\nSố: 30/2025/QĐ-UBND\n\nQUYẾT ĐỊNH\nBan hành Quy định quản lý chợ\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy định quản lý chợ.\n"
        "Điều 2. Quyết định này có hiệu lực từ ngày 01/11/2025 và thay thế Quyết định số 11/2020/QĐ-UBND ngày 03/4/2020.\n",
        "qd.txt",
    )
    refs = document_references(decision.clauses, decision.meta.number)
    assert [(r.relation, r.number) for r in refs] == [("replaces", "11/2020/QĐ-UBND")]


def test_a_circular_whose_effect_ends_another() -> None:
    circular = parse_text(
        "BỘ TÀI CHÍNH\nSố: 21/2025/TT-BTC\n\nTHÔNG TƯ\nQuy định về phí thẩm định\n\n"
        "Điều 1. Phạm vi điều chỉnh\nThông tư này quy định mức thu phí thẩm định.\n"
        "Điều 2. Hiệu lực thi hành\n1. Thông tư này có hiệu lực từ ngày 01/01/2026.\n"
        "2. Thông tư số 5/2019/TT-BTC ngày 10/01/2019 của Bộ trưởng Bộ Tài chính quy định mức thu phí "
        "hết hiệu lực kể từ ngày Thông tư này có hiệu lực thi hành.\n"
        "3. Thông tư số 7/2020/TT-BTC vẫn được áp dụng đối với hồ sơ nộp trước ngày 01/01/2026.\n",
        "tt.txt",
    )
    refs = document_references(circular.clauses, circular.meta.number)
    assert [(r.relation, r.number) for r in refs] == [("replaces", "5/2019/TT-BTC")]


def test_registry_units_tasks_and_edges(docs: tuple[Document, Document]) -> None:
    plan, follow = docs
    registry = Registry([plan, follow])
    congthuong = registry.units["so-cong-thuong"]
    assert congthuong.name == "Sở Công Thương"
    roles = {(t.locator, t.role) for t in registry.unit_tasks("so-cong-thuong")}
    assert ("II.1", "lead") in roles or any(r == "lead" for _, r in roles)
    assert sum(t.role == "coordinating" for t in registry.unit_tasks("so-cong-thuong")) >= 2
    # "Sở KH&CN" in a table cell is the Sở Khoa học và Công nghệ.
    khcn = registry.unit_tasks("so-khoa-hoc-cong-nghe")
    assert [(t.role, t.deadline, t.due_from, t.due_to) for t in khcn] == [
        ("lead", "tháng 3/2026", "2026-03-01", "2026-03-31")
    ]
    assert registry.find_unit("Sở NN&MT được giao những nhiệm vụ gì?").id == "so-nong-nghiep-moi-truong"  # type: ignore[union-attr]
    q4 = registry.tasks_due("2025-10-01", "2025-12-31")
    assert {t.title for t in q4 if t.source == "fields"} == {
        "Rà soát quy hoạch mạng lưới chợ đầu mối",
        "Xây dựng cơ chế hỗ trợ thương nhân",
    }
    # A duty under a unit's heading keeps the deadline it states.
    assert any(t.unit == "Sở Công Thương" and t.due_to == "2025-12-15" for t in q4)
    assert any(t.unit == "Phòng Quản lý thương mại" and t.due_to == "2025-12-31" for t in q4)
    recurring = [t for t in registry.tasks if t.recurring == "thường xuyên"]
    assert {t.unit for t in recurring} == {"Sở Y tế", "Công an tỉnh"}
    # The department's plan implements the province's: an edge between two corpus documents.
    incoming = registry.incoming(plan.id)
    assert [(e.source, e.relation) for e in incoming] == [(follow.id, "implements")]
    outgoing = {(e.relation, e.target_number, e.target) for e in registry.outgoing(follow.id)}
    assert ("implements", "245/KH-UBND", plan.id) in outgoing
    assert ("based_on", "14/2025/QĐ-UBND", "") in outgoing  # cited, not in the corpus
    assert [e.source for e in registry.citing("quyet dinh", "812/qd-ttg")] == [plan.id]


def test_registry_of_readable_documents_only(docs: tuple[Document, Document]) -> None:
    plan, follow = docs
    registry = Registry([follow])  # the province's plan is not readable here
    assert all(e.target == "" for e in registry.outgoing(follow.id))
    assert "so-tai-chinh" not in registry.units
