"""The Milvus store against a real Milvus Lite gRPC server: same results as the embedded index,
filters in the engine, whole-document visibility, removal, recovery after a writer died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.hybrid import HybridRetriever
from index.lexical import LexicalIndex
from index.milvus import MilvusStore, read_generation
from index.milvus_writer import MilvusWriter
from index.sparse import document_vector, field_bags, query_keys, query_vector
from index.store import IndexStore, document_label, lexical_parts
from rag.errors import IndexNotFoundError
from rag.ingest import ingest_paths, remove_sources
from rag.pipeline import Assistant
from rag.records import Filters
from tests.conftest import SHARED_EVAL

pytestmark = pytest.mark.slow

QUESTIONS = [
    "Đơn vị nào chủ trì nhiệm vụ 2?",
    "Mục tiêu đến năm 2030 là gì?",
    "Ai ký kế hoạch?",
    "Kinh phí thực hiện lấy từ nguồn nào?",
    "Thời hạn gửi báo cáo là khi nào?",
    "Who is responsible for communication tasks?",
    "Số lượng tàu điện ngầm năm 2030 là bao nhiêu?",  # not in the documents: abstain on both
]


@pytest.fixture(scope="module")
def pair(milvus_seeds: str, seed_index: Path) -> tuple[Assistant, Assistant]:
    return Assistant.open(seed_index), Assistant.open(milvus_seeds)


def test_sparse_vectors_reproduce_the_embedded_bm25(seed_index: Path) -> None:
    """Pure: doc vectors · query vector = LexicalIndex scores, for the same statistics."""
    store = IndexStore.open(seed_index)
    items = []
    for d in store.documents()[:2]:
        label = document_label(d)
        items += [(c.id, *lexical_parts(c, label)) for c in d.clauses]
    lexical = LexicalIndex.build(items)
    bags = {cid: field_bags(text, ctx) for cid, text, ctx in items}
    avgdl = {f: sum(sum(b[f].values()) for b in bags.values()) / len(bags) for f in ("word", "fold", "ctx")}
    df: dict[str, int] = {}
    for b in bags.values():
        for f, prefix in (("word", "bw:"), ("fold", "bf:"), ("ctx", "bc:")):
            for t in b[f]:
                df[prefix + t] = df.get(prefix + t, 0) + 1
    query = "Đơn vị chủ trì chuyển đổi số năm 2025"
    qv = query_vector(query_keys(query), df, len(items), lexical.params)
    expected = dict(zip(lexical.ids, lexical.scores(query), strict=True))
    for cid, bag in bags.items():
        dv = document_vector(bag, avgdl, lexical.params)
        got = sum(w * dv.get(k, 0.0) for k, w in qv.items())
        assert got == pytest.approx(float(expected[cid]), rel=1e-4, abs=1e-5)


def test_same_retrieval_and_answers_as_the_embedded_index(
    pair: tuple[Assistant, Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fused here (the default; dense at half weight, as on the embedded index): the very same answers
    from the rankings both stores make. Passages and per-document rankings (index/passages.py,
    IndexStore.local_search) are the embedded index's alone so far: compared without them."""
    assert MilvusStore.engine_fusion is False
    monkeypatch.setattr(MilvusStore, "engine_fusion", False)
    embedded, milvus = pair
    store = milvus._snapshot.store  # declared by the Store protocol, empty on Milvus so far
    assert (
        store.passage_search("kế hoạch", 5, None) == [] and store.local_search("kế hoạch", "x", 5, None) == []
    )
    retriever = embedded._snapshot.view(None).retriever
    monkeypatch.setattr(retriever, "passage_weight", 0.0)
    monkeypatch.setattr(retriever, "local_weight", 0.0)
    assert {d.source for d in milvus.documents()} == {d.source for d in embedded.documents()}
    for q in QUESTIONS:
        a, b = embedded.ask(q), milvus.ask(q)
        assert b.abstained == a.abstained, q
        assert b.answer == a.answer, q
        # The clause that answers is the same; the further ones come from lower ranks, where a
        # passage that leaves the asked slot empty gives way to the next ones (rag.answer.fills) and
        # the two stores' fused rankings are not yet the same (no passage or per-document channel on
        # Milvus: docs/scaling.md).
        assert [c.clause_id for c in b.citations[:1]] == [c.clause_id for c in a.citations[:1]], q
        top_a = [h.clause.id for h in embedded.search(q, k=5, mode="bm25")]
        top_b = [h.clause.id for h in milvus.search(q, k=5, mode="bm25")]
        assert top_b == top_a, q


@pytest.mark.skipif(not (SHARED_EVAL / "dev_qa.jsonl").is_file(), reason="needs ../shared/eval")
def test_dev_set_scores_match_within_two_points(
    pair: tuple[Assistant, Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fused in the engine (Milvus hybrid_search, plain RRF; POLICYQA_MILVUS_FUSION=engine): scores within 0.02."""
    monkeypatch.setattr(MilvusStore, "engine_fusion", True)
    from eval.gold import load_gold
    from eval.metrics import score
    from eval.runner import answer_all

    items = load_gold(SHARED_EVAL / "dev_qa.jsonl")
    embedded, milvus = (score(items, answer_all(a, items, "hybrid")).overall for a in pair)
    for field in ("answer_acc", "cite_acc", "overall"):
        assert abs(getattr(milvus, field) - getattr(embedded, field)) <= 0.02, field


def test_filters_run_in_the_engine(milvus_seeds: str) -> None:
    store = MilvusStore.open(milvus_seeds)
    retriever = HybridRetriever(store)
    source = store.documents()[0].source
    hits = retriever.run("kế hoạch", k=10, filters=Filters(sources=[source]))
    assert hits and {h.clause.source for h in hits} == {source}
    assert retriever.run("kế hoạch", k=5, filters=Filters(access={"internal"})) == []
    dated = retriever.run("kế hoạch", k=20, filters=Filters(date_from="2025-06-01"))
    assert all(store.document(h.clause.doc_id).meta.date >= "2025-06-01" for h in dated)


def test_missing_store_says_how_to_build_it(milvus) -> None:  # noqa: ANN001
    with pytest.raises(IndexNotFoundError, match="policyqa ingest"):
        MilvusStore.open(milvus.store("nothing_here"))


def _one_doc(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    return folder


PLAN = """ỦY BAN NHÂN DÂN TỈNH KON TUM
Số: 12/KH-UBND
Kon Tum, ngày 5 tháng 3 năm 2026
KẾ HOẠCH
Phát triển du lịch sinh thái Măng Đen năm 2026
I. MỤC TIÊU
1. Đón {visitors} lượt khách du lịch sinh thái đến Măng Đen trong năm 2026.
II. NHIỆM VỤ
1. Xây dựng bản đồ số các điểm du lịch sinh thái Măng Đen.
Đơn vị chủ trì: Sở Văn hóa, Thể thao và Du lịch.
Thời hạn hoàn thành: Quý III/2026.
"""


def test_replace_and_remove_keep_statistics_and_visibility(milvus, tmp_path: Path) -> None:  # noqa: ANN001
    location = milvus.store("lifecycle")
    folder = _one_doc(tmp_path, "du-lich", PLAN.format(visitors="150.000"))
    assert not ingest_paths([folder], location, progress=False).errors
    first = MilvusStore.open(location)
    assert first.term_counts(["w:măng_đen"]) or first.term_counts(["s:đen"])
    counts = first.term_counts(["n:150"])
    assert counts == {"n:150": 1}
    answer = Assistant.open(location).ask("Đơn vị nào chủ trì xây dựng bản đồ số các điểm du lịch?")
    assert not answer.abstained and "Văn hóa" in answer.answer

    (folder / "du-lich.txt").write_text(PLAN.format(visitors="200.000"), encoding="utf-8")
    report = ingest_paths([folder], location, progress=False)
    assert report.updated == ["du-lich.txt"]
    second = MilvusStore.open(location)
    assert second.generation != first.generation
    assert second.term_counts(["n:150", "n:200"]) == {"n:200": 1}  # the old version's counts are gone
    assert len(second) == len(first)  # no rows of the old version left visible
    assert "200.000" in " ".join(c.text for c in second.document_clauses(second.documents()[0].id))

    assert remove_sources(["du-lich.txt"], location) == ["du-lich.txt"]
    third = MilvusStore.open(location)
    assert third.documents() == [] and len(third) == 0
    assert third.term_counts(["n:200", "w:du_lịch"]) == {}
    assert HybridRetriever(third).run("du lịch sinh thái", k=5) == []


def test_a_killed_writer_leaves_no_partial_document_and_a_rerun_finishes(
    milvus,  # noqa: ANN001
    tmp_path: Path,
    seed_index: Path,
) -> None:
    """kill -9 of `policyqa ingest --store` while it writes rows: readers never see the document;
    the next writer drops the orphan rows and recounts; a re-run indexes the document whole."""
    location = milvus.store("crash")
    big = "\n".join(f"{i}. Nhiệm vụ số {i} về chuyển đổi số cấp xã đợt {i}." for i in range(1, 160))
    folder = _one_doc(tmp_path, "lon", PLAN.format(visitors="90.000") + big)
    small = _one_doc(tmp_path, "nho", PLAN.format(visitors="10.000").replace("12/KH", "13/KH"))
    assert not ingest_paths([small], location, progress=False).errors
    before = MilvusStore.open(location)
    env = {**os.environ, "POLICYQA_MILVUS_ROW_BATCH": "8"}  # many small writes: a wide window to kill in
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "ingest", str(folder), "--store", location, "--no-progress"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while True:  # wait until some, not all, of the document's rows are written
            rows = before._client.query(
                "crash_clauses", filter='source == "lon.txt"', output_fields=["pk"], limit=10_000
            )
            if len(rows) >= 16:
                break
            assert proc.poll() is None, "the ingest finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    during = MilvusStore.open(location)
    assert [d.source for d in during.documents()] == ["nho.txt"]
    assert all(
        not cid.startswith("lon") for cid, _ in during.lexical_search("chuyển đổi số cấp xã", 20, None)
    )
    assert read_generation(location) == before.generation

    report = ingest_paths([folder], location, progress=False)  # the re-run: recovers, then finishes
    assert report.added == ["lon.txt"] and not report.errors
    after = MilvusStore.open(location)
    assert sorted(d.source for d in after.documents()) == ["lon.txt", "nho.txt"]
    lon = next(d for d in after.documents() if d.source == "lon.txt")
    assert len(after.document_clauses(lon.id)) == len(after) - len(before)
    # The statistics count each clause once: what a fresh count of the live rows gives.
    with MilvusWriter(location) as writer:
        recounted = writer._recount_totals()
    keys = ["n:90", "n:10", "w:chuyển_đổi"]
    assert after.term_counts(keys) == {k: recounted[f"public|{k}"] for k in keys}


def test_statistics_are_kept_per_access_level(milvus, tmp_path: Path) -> None:  # noqa: ANN001
    """A reader's statistics come from the levels it may read: the words of an internal document
    are unknown to public readers (no hint that it exists), known to internal ones."""
    from tests.support import INTERNAL_PLAN

    location = milvus.store("levels")
    assert not ingest_paths(
        [_one_doc(tmp_path, "public", PLAN.format(visitors="5.000"))], location, progress=False
    ).errors
    internal = _one_doc(tmp_path, "internal", INTERNAL_PLAN)
    assert not ingest_paths([internal], location, access="internal", progress=False).errors
    store = MilvusStore.open(location)
    public, insiders = (
        store.restricted(frozenset({"public"})),
        store.restricted(frozenset({"public", "internal"})),
    )
    assert public.term_counts(["af:zephyrus"]) == {}
    assert insiders.term_counts(["af:zephyrus"])["af:zephyrus"] > 0
    assert len(public) < len(insiders) == len(store)
    assert public.lexical_search("kho Zephyrus", 5, public.allowed(None)) == []
    assistant = Assistant.open(location)
    answer = assistant.ask("Ai báo cáo kết quả kiểm kê kho Zephyrus?", filters=Filters(access={"public"}))
    assert answer.abstained
    assert all("Zephyrus" not in c.text for c in [*answer.citations, *answer.related])
    inside = assistant.ask(
        "Ai báo cáo kết quả kiểm kê kho Zephyrus?", filters=Filters(access={"public", "internal"})
    )
    assert not inside.abstained and "Zephyrus" in inside.answer


@pytest.mark.parametrize("kind", ["embedded", "milvus"])
def test_searchable_by_its_words_before_its_vectors(milvus, tmp_path: Path, kind: str) -> None:  # noqa: ANN001
    """Time to searchable: written without vectors, a document is found lexically at once, answers
    say its dense part is still missing; complete_dense() adds the vectors."""
    from index.stores import open_reader
    from rag.ingest import collect_files, complete_dense, ingest_files

    location: str | Path = milvus.store("later") if kind == "milvus" else tmp_path / "idx"
    folder = _one_doc(tmp_path, "sinh-thai", PLAN.format(visitors="7.000"))
    files, _ = collect_files([folder], None)
    report = ingest_files(files, location, progress=False, dense_later=True)
    assert report.dense_pending and report.embedded == 0
    store = open_reader(location)
    (doc,) = store.documents()
    assert store.dense_pending() == {doc.id}
    retriever = HybridRetriever(store)
    assert retriever.run("bản đồ số các điểm du lịch", k=3, mode="bm25")
    assert retriever.run("bản đồ số các điểm du lịch", k=3, mode="dense") == []
    answer = Assistant.open(location).ask("Đơn vị nào chủ trì xây dựng bản đồ số các điểm du lịch?")
    assert not answer.abstained and answer.dense_pending == ["sinh-thai.txt"]

    assert complete_dense(location) is not None
    store = open_reader(location)
    assert store.dense_pending() == frozenset()
    assert HybridRetriever(store).run("bản đồ số các điểm du lịch", k=3, mode="dense")
    assert Assistant.open(location).ask("Đơn vị nào chủ trì xây dựng bản đồ số?").dense_pending == []
    assert complete_dense(location) is None  # nothing left to do


def test_units_tasks_and_lineage_kept_per_document(milvus, tmp_path: Path) -> None:  # noqa: ANN001
    """The registry rows follow each document's live version and access level; a missing or
    stale row (a store written before them, a writer that died between the two upserts) is
    recomputed from that document's clauses, with the same result."""
    from index.milvus_base import StoreAddress, client
    from index.milvus_rows import registry_rows
    from rag.registry import Registry
    from tests.rag.lineage_docs import FOLLOW_UP, TABLE_PLAN

    location = milvus.store("registry")
    public = _one_doc(tmp_path, "bacson-245", TABLE_PLAN)
    internal = _one_doc(tmp_path, "bacson-sct-19", FOLLOW_UP)
    assert not ingest_paths([public], location, progress=False).errors
    assert not ingest_paths([internal], location, access="internal", progress=False).errors
    store = MilvusStore.open(location)
    full = Registry([store.document(d.id) for d in store.documents()])
    kept = store.registry()
    assert [t.to_dict() for t in kept.tasks] == [t.to_dict() for t in full.tasks] and kept.tasks
    assert [e.to_dict() for e in kept.edges] == [e.to_dict() for e in full.edges]
    assert any(e.target for e in kept.edges)  # the follow-up implements the plan, both in the store
    # A public reader: the internal document's units and edges are not there.
    seen = store.restricted(frozenset({"public"})).registry()
    assert set(seen.documents) == {d.id for d in store.documents() if d.access == "public"}
    assert "phong-quan-ly-thuong-mai" in kept.units and "phong-quan-ly-thuong-mai" not in seen.units

    address = StoreAddress.parse(location)
    c = client(address)
    plan_id = next(d.id for d in store.documents() if d.access == "public")
    assert remove_sources(["bacson-sct-19.txt"], location) == ["bacson-sct-19.txt"]
    rows = c.query(address.collection("registry"), filter='doc_id != ""', output_fields=["doc_id"])
    assert {r["doc_id"] for r in rows} == {plan_id}  # the removed document's row went with it
    alone = MilvusStore.open(location).registry()
    assert "phong-quan-ly-thuong-mai" not in alone.units
    assert not any(e.target for e in alone.edges)  # nothing left that cites the plan
    expected = [t.to_dict() for t in alone.tasks]
    assert expected

    # A row of a version that never went live (its writer died before the flip).
    c.upsert(address.collection("registry"), registry_rows(plan_id, "0.dead", {"tasks": []}))
    assert [t.to_dict() for t in MilvusStore.open(location).registry().tasks] == expected
    c.delete(address.collection("registry"), filter='doc_id != ""')  # a store written before them
    assert [t.to_dict() for t in MilvusStore.open(location).registry().tasks] == expected


def test_registry_rows_split_a_long_plan_and_join_only_whole_live_versions() -> None:
    """Pure: a JSON field holds 64 KiB; a plan of many tasks is written in parts, read back whole."""
    from index.milvus_rows import REGISTRY_PART, registry_entries, registry_rows
    from rag.records import TaskRef
    from rag.registry import DocumentEntries

    tasks = [
        TaskRef(
            f"d:{i}", "d", f"II.{i}", "Rà soát, cập nhật quy hoạch " * 4, "so-xay-dung", "Sở Xây dựng", "lead"
        )
        for i in range(600)
    ]
    entries = DocumentEntries(
        content_hash="h", tasks=tasks, order={t.clause_id: i for i, t in enumerate(tasks)}
    )
    rows = registry_rows("d", "3.ab", entries.to_dict())
    assert len(rows) >= 3 and all(len(r["text"].encode()) <= REGISTRY_PART for r in rows)
    back = registry_entries(rows[::-1], {"d": "3.ab"})
    assert DocumentEntries.from_dict(back["d"]) == entries
    assert registry_entries(rows, {"d": "4.cd"}) == {}  # another version is live
    assert registry_entries(rows[1:], {"d": "3.ab"}) == {}  # a part missing
