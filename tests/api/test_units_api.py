"""GET /api/units, /api/units/{id}/tasks, /api/tasks, /api/documents/{id}/related and the answers,
over the corpus plus a public plan and an internal follow-up: content asserted, levels honoured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.rag.lineage_docs import FOLLOW_UP, TABLE_PLAN
from tests.support import ADMIN, INTERNAL, settings_for

pytestmark = pytest.mark.slow
PUBLIC_KEY = "units-public-key"
PUBLIC = {"X-API-Key": PUBLIC_KEY}


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, corpus_index: Path
) -> Iterator[tuple[TestClient, str, str]]:
    import shutil

    index = tmp_path_factory.mktemp("units") / "idx"
    shutil.copytree(corpus_index, index)
    settings = settings_for(
        index, read_keys={"test-internal-key": ["public", "internal"], PUBLIC_KEY: ["public"]}
    )
    with TestClient(create_app(settings)) as c:
        ids = []
        for name, text, level in (
            ("bacson-245.txt", TABLE_PLAN, "public"),
            ("bacson-sct-19.txt", FOLLOW_UP, "internal"),
        ):
            r = c.post(
                "/api/documents",
                files={"file": (name, text.encode(), "text/plain")},
                data={"access": level},
                headers=ADMIN,
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["documents"][0]["id"])
        yield c, ids[0], ids[1]


def test_units_merge_spellings_and_hide_internal_ones(client: tuple[TestClient, str, str]) -> None:
    c, _, _ = client
    public = {u["id"]: u for u in c.get("/api/units", headers=PUBLIC).json()["units"]}
    assert public["so-khoa-hoc-cong-nghe"]["name"] == "Sở Khoa học và Công nghệ"  # "Sở KH&CN" in the table
    assert public["so-van-hoa-the-thao-du-lich"]["variants"] == ["Sở Văn hóa, thể thao và Du lịch"]
    assert "phong-quan-ly-thuong-mai" not in public  # named only by the internal plan
    internal = {u["id"] for u in c.get("/api/units", headers=INTERNAL).json()["units"]}
    assert "phong-quan-ly-thuong-mai" in internal
    named = {u["id"] for u in c.get("/api/units", params={"collective": "false"}).json()["units"]}
    assert "cac-so-ban-nganh-dia-phuong-co-lien-quan" not in named and "so-tai-chinh" in named


def test_unit_tasks_grouped_by_document(client: tuple[TestClient, str, str]) -> None:
    c, plan, _ = client
    body = c.get("/api/units/Sở KH&CN/tasks").json()
    assert body["unit"]["id"] == "so-khoa-hoc-cong-nghe"
    by_doc = {d["document"]["id"]: d["tasks"] for d in body["documents"]}
    assert [(t["locator"], t["role"], t["due_from"], t["due_to"]) for t in by_doc[plan]] == [
        ("II.3", "lead", "2026-03-01", "2026-03-31")
    ]
    seeds = next(ts for d, ts in by_doc.items() if d != plan)
    assert [t["role"] for t in seeds][:3] == ["lead", "lead", "lead"] and seeds[-1]["role"] == "coordinating"
    lead_only = c.get("/api/units/so-tai-chinh/tasks", params={"role": "coordinating"}).json()
    assert all(t["role"] == "coordinating" for d in lead_only["documents"] for t in d["tasks"])
    assert c.get("/api/units/phong-quan-ly-thuong-mai/tasks", headers=PUBLIC).status_code == 404


def test_tasks_by_deadline(client: tuple[TestClient, str, str]) -> None:
    c, plan, follow = client
    q4 = c.get(
        "/api/tasks", params={"due_from": "2025-10-01", "due_to": "2025-12-31"}, headers=PUBLIC
    ).json()["tasks"]
    titles = {(t["doc_id"], t["title"]) for t in q4}
    assert (plan, "Rà soát quy hoạch mạng lưới chợ đầu mối") in titles
    assert all(t["doc_id"] != follow for t in q4)
    assert any(
        t["locator"] == "IV.1.-4" and t["annual"] == ["06-20", "12-20"] for t in q4
    )  # the seeds' yearly report
    internal = c.get(
        "/api/tasks", params={"due_to": "2025-12-31", "unit": "Phòng Quản lý thương mại"}, headers=INTERNAL
    )
    assert [t["deadline"] for t in internal.json()["tasks"]] == ["hoàn thành trong quý IV/2025"]
    only = c.get("/api/tasks", params={"document": plan, "unit": "so-y-te"}).json()["tasks"]
    assert [(t["recurring"], t["due_to"]) for t in only] == [("thường xuyên", None)]
    assert c.get("/api/tasks", params={"due_to": "31/12/2025"}).status_code == 422


def test_related_documents(client: tuple[TestClient, str, str]) -> None:
    c, plan, follow = client
    public = c.get(f"/api/documents/{plan}/related", headers=PUBLIC).json()
    assert {(e["relation"], e["target_number"]) for e in public["outgoing"]} >= {
        ("implements", "812/QĐ-TTg"),
        ("based_on", "72/2025/QH15"),
    }
    assert public["incoming"] == []  # the implementing plan is internal
    internal = c.get(f"/api/documents/{plan}/related", headers=INTERNAL).json()
    assert [(e["source"], e["relation_label"]) for e in internal["incoming"]] == [(follow, "Thực hiện")]
    assert c.get(f"/api/documents/{follow}/related", headers=PUBLIC).status_code == 404


def test_answers_respect_levels(client: tuple[TestClient, str, str]) -> None:
    c, _, _ = client
    q = {"question": "Những văn bản nào triển khai Kế hoạch số 245/KH-UBND?"}
    internal = c.post("/api/ask", json=q, headers=INTERNAL).json()
    assert "Kế hoạch số 19/KH-SCT" in internal["answer"]
    public = c.post("/api/ask", json=q, headers=PUBLIC).json()
    assert "19/KH-SCT" not in public["answer"] and public["abstained"]
    tasks = c.post(
        "/api/ask", json={"question": "Sở Công Thương được giao những nhiệm vụ gì?"}, headers=PUBLIC
    ).json()
    assert "Chủ trì: II.1 Rà soát quy hoạch mạng lưới chợ đầu mối (thời hạn: Quý IV/2025)" in tasks["answer"]


def test_searching_a_unit_ranks_its_duties_above_lists_naming_it(client: tuple[TestClient, str, str]) -> None:
    c, _, _ = client
    duties = {
        t["clause_id"] for d in c.get("/api/units/so-tai-chinh/tasks").json()["documents"] for t in d["tasks"]
    } | {t["cite_id"] for d in c.get("/api/units/so-tai-chinh/tasks").json()["documents"] for t in d["tasks"]}
    hits = c.get("/api/search", params={"q": "Sở Tài chính", "k": 20}).json()["hits"]
    kinds = [h["kind"] for h in hits]
    assert hits[0]["clause_id"] in duties and kinds[0] not in ("recipients", "signature", "header")
    listing = [i for i, k in enumerate(kinds) if k in ("recipients", "signature", "header")]
    content = [i for i, k in enumerate(kinds) if k not in ("recipients", "signature", "header")]
    assert not listing or max(content) < min(listing)
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
