"""Ranking for the lookup page's search (`/lookup`, `GET /api/search`): a search that names a unit
("Sở Tài chính") is looking for what the unit must do.

Pure functions over hits and the units registry (`rag.registry`); the general retriever
(`index/hybrid.py`) and question answering are not touched. Within each tier the retrieval order
stands: the clauses that give the unit a duty (a task it leads or coordinates, a field naming it,
a duty under its heading), then the other clauses, then the parts that only list it — the heading
block, "Kính gửi" and "Nơi nhận" lists, the signature.
"""

from __future__ import annotations

from dataclasses import replace

from rag.labels import LISTING_KINDS
from rag.records import Hit

# How many more hits to read than shown when a unit is named: its duties may rank low by words.
UNIT_DEPTH = 3


def duty_clauses(registry: object, unit_id: str) -> frozenset[str]:
    """Ids of the clauses that give the unit a duty: its tasks and the field lines naming it."""
    tasks = registry.unit_tasks(unit_id)  # type: ignore[attr-defined]
    return frozenset({t.clause_id for t in tasks} | {t.cite_id for t in tasks})


def rank_for_unit(hits: list[Hit], duties: frozenset[str], k: int) -> list[Hit]:
    """The hits in tiers — duties of the unit, other clauses, listings — each tier in retrieval
    order, the first ``k``, ranked again from 1."""

    def tier(hit: Hit) -> int:
        clause = hit.clause
        if clause.id in duties or (clause.parent_id in duties and clause.kind == "field"):
            return 0
        return 2 if clause.kind in LISTING_KINDS else 1

    ordered = sorted(hits, key=tier)[:k]
    return [replace(h, rank=i) for i, h in enumerate(ordered, 1)]
