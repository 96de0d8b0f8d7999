"""/api/units, /api/tasks and /api/documents/{id}/related on a Milvus store answer as on the
embedded index (same corpus, same app), from what ingest kept with each store: no clause is read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from index.milvus import MilvusStore
from index.store import IndexStore
from tests.support import settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clients(
    seed_index: Path, milvus_seeds: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, TestClient]]:
    files = tmp_path_factory.mktemp("milvus-files")
    embedded = create_app(settings_for(seed_index))
    milvus = create_app(settings_for(seed_index, store=milvus_seeds, files=files))
    with TestClient(embedded) as a, TestClient(milvus) as b:
        yield a, b


def _same(a: TestClient, b: TestClient, path: str) -> dict:
    ra, rb = a.get(path), b.get(path)
    assert ra.status_code == 200, (path, ra.text)
    assert rb.status_code == 200, (path, rb.text)
    assert rb.json() == ra.json(), path
    return ra.json()


def test_units_tasks_and_lineage_as_on_the_embedded_index(clients: tuple[TestClient, TestClient]) -> None:
    a, b = clients
    units = _same(a, b, "/api/units")["units"]
    _same(a, b, "/api/units?collective=false")
    assert len(units) >= 10
    tasks = _same(a, b, "/api/tasks")["tasks"]
    assert len(tasks) >= 20
    _same(a, b, "/api/tasks?due_from=2025-01-01&due_to=2025-12-31")
    for unit in units:
        _same(a, b, f"/api/units/{unit['id']}/tasks")
        _same(a, b, f"/api/units/{unit['id']}/tasks?role=lead")
    edges = 0
    for doc in a.get("/api/documents").json()["documents"]:
        related = _same(a, b, f"/api/documents/{doc['id']}/related")
        edges += len(related["outgoing"]) + len(related["incoming"])
    assert edges > 0


def test_the_registry_is_read_from_what_ingest_kept(
    seed_index: Path, milvus_seeds: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither store reads a clause, nor derives a task, to build it."""
    import rag.registry

    def refuse(*_: object) -> None:
        raise AssertionError("derived at read time")

    monkeypatch.setattr(rag.registry, "document_entries", refuse)
    monkeypatch.setattr(MilvusStore, "document_clauses", refuse)
    milvus = MilvusStore.open(milvus_seeds).registry()
    embedded = IndexStore.open(seed_index).registry()
    assert milvus.units.keys() == embedded.units.keys() and milvus.units
    assert [t.to_dict() for t in milvus.tasks] == [t.to_dict() for t in embedded.tasks]
    assert [e.to_dict() for e in milvus.edges] == [e.to_dict() for e in embedded.edges]
