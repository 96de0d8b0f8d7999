"""The lookup page's search order when a unit is named: its duties, other clauses, then lists."""

from __future__ import annotations

from rag.lookup import rank_for_unit
from rag.records import Clause, Hit


def _hit(cid: str, kind: str, parent: str | None = None) -> Hit:
    clause = Clause(id=cid, doc_id="d", source="d.txt", locator=cid, kind=kind, text=cid, parent_id=parent)
    return Hit(clause=clause, score=1.0)


def test_duties_first_listings_last_retrieval_order_within() -> None:
    hits = [
        _hit("nơi nhận", "recipients"),
        _hit("IV.5", "item"),
        _hit("chữ ký", "signature"),
        _hit("I.9.-3", "item"),
        _hit("II.3 · Đơn vị thực hiện", "field", parent="II.3"),
        _hit("header", "header"),
    ]
    ranked = rank_for_unit(hits, frozenset({"IV.5", "II.3"}), k=5)
    assert [h.clause.id for h in ranked] == [
        "IV.5",
        "II.3 · Đơn vị thực hiện",
        "I.9.-3",
        "nơi nhận",
        "chữ ký",
    ]
    assert [h.rank for h in ranked] == [1, 2, 3, 4, 5]


def test_no_duties_keeps_content_before_listings() -> None:
    hits = [_hit("nơi nhận", "recipients"), _hit("II.1", "item")]
    assert [h.clause.id for h in rank_for_unit(hits, frozenset(), k=10)] == ["II.1", "nơi nhận"]
