from __future__ import annotations

from pathlib import Path

import pytest

from index.embedders import E5Embedder
from index.hybrid import Channel, HybridRetriever, clause_strength, document_strength, hint_strength
from index.store import IndexStore, IndexWriter
from rag.reading import search_query as analyze_query
from rag.records import Document, Filters


@pytest.fixture
def retriever(
    tmp_path: Path, plan: Document, letter: Document, doc_factory, e5: E5Embedder
) -> HybridRetriever:  # type: ignore[no-untyped-def]
    report = doc_factory(
        "report.txt",
        number="12/BC-SKHCN",
        doc_type="Báo cáo",
        issuer="Sở Khoa học và Công nghệ",
        date="2024-12-01",
        clauses=[
            ("header", "", "BÁO CÁO kết quả chuyển đổi số năm 2024", []),
            ("I", "", "I. Kết quả: 95% hồ sơ được xử lý trực tuyến", []),
        ],
    )
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([plan, letter, report])
        w.commit()
    return HybridRetriever(IndexStore.open(tmp_path, embedder=e5), e5, read=analyze_query)


def test_modes_return_ranked_hits_with_per_mode_scores(retriever: HybridRetriever) -> None:
    for mode in ("hybrid", "dense", "bm25"):
        hits = retriever.run("Đơn vị nào chủ trì tuyên truyền Nghị quyết 57?", k=3, mode=mode)
        assert hits and [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    hit = retriever.run("Sở Tài chính chủ trì", k=1)[0]
    assert hit.clause.id == "plan:III.1.a"
    assert set(hit.scores) == {"dense", "bm25", "rrf"}
    assert set(retriever.run("Sở Tài chính", k=1, mode="bm25")[0].scores) == {"bm25"}


def test_task_number_hint_lifts_the_named_task(retriever: HybridRetriever) -> None:
    hits = retriever.run("Đơn vị thực hiện nhiệm vụ 2 là ai?", k=2)
    assert hits[0].clause.id in {"plan:III.2", "plan:III.2.a"}
    assert "plan:III.2.a" in {h.clause.id for h in hits}
    hits = retriever.run("don vi thuc hien nhiem vu 1", k=2)
    assert "plan:III.1.a" in {h.clause.id for h in hits}


def test_hint_strength_is_structural(plan: Document, letter: Document) -> None:
    by_loc = {c.locator: c for c in plan.clauses}
    hints = analyze_query("nhiệm vụ 2")
    assert clause_strength(hints, by_loc["III.2.a"], "2025") > 0
    assert clause_strength(hints, by_loc["III.1.a"], "2025") == 0.0
    assert clause_strength(hints, by_loc["IV"], "2025") == 0.0
    assert document_strength(analyze_query("Kế hoạch 58"), plan.meta) >= 1.0
    assert document_strength(analyze_query("Kế hoạch 59"), plan.meta) < 1.0
    named = analyze_query("công văn của Sở Khoa học và Công nghệ gửi ai")
    assert document_strength(named, letter.meta) >= 1.0
    assert document_strength(named, plan.meta) == 0.0
    assert hint_strength(hints, by_loc["III.2.a"], plan.meta) == clause_strength(
        hints, by_loc["III.2.a"], "2025"
    )


def test_asked_part_is_promoted_next_to_the_match(retriever: HybridRetriever) -> None:
    # The query matches the task's item text; the answer is the task's lead-unit field.
    query = "Đơn vị nào thực hiện việc phủ sóng 5G?"
    plain = [
        h.clause.id
        for h in HybridRetriever(retriever.store, retriever.embedder, promote_from=0, read=analyze_query).run(
            query, k=10
        )
    ]
    promoted = [h.clause.id for h in retriever.run(query, k=10)]
    assert promoted.index("plan:III.2.a") < promoted.index("plan:III.2")
    assert promoted.index("plan:III.2.a") <= plain.index("plan:III.2.a")
    signer = retriever.run("Ai ký công văn về trí tuệ nhân tạo?", k=5)
    assert signer  # the letter has no signature clause: nothing invented
    assert all(h.clause.kind != "signature" for h in signer)


def test_filters_apply_before_the_cut(retriever: HybridRetriever) -> None:
    public = Filters(access={"public"})
    for mode in ("hybrid", "dense", "bm25"):
        hits = retriever.run("báo cáo trí tuệ nhân tạo trước ngày 15/3/2026", k=20, mode=mode, filters=public)
        assert hits and all(h.clause.doc_id != "letter" for h in hits)
    only_letter = retriever.run("báo cáo", k=5, filters=Filters(doc_type="cong van"))
    assert only_letter and {h.clause.doc_id for h in only_letter} == {"letter"}
    by_source = retriever.run("chuyển đổi số", k=10, filters=Filters(sources=["report.txt"]))
    assert {h.clause.source for h in by_source} == {"report.txt"} and len(by_source) == 2
    dated = retriever.run(
        "chuyển đổi số", k=20, filters=Filters(date_from="2025-01-01", date_to="2025-12-31")
    )
    assert dated and {h.clause.doc_id for h in dated} == {"plan"}
    assert retriever.run("chuyển đổi số", k=5, filters=Filters(issuer="Bộ Tài chính")) == []
    assert retriever.run("chuyển đổi số", k=5, filters=Filters(access={"secret"})) == []


def test_bad_arguments(retriever: HybridRetriever) -> None:
    assert retriever.run("   ", k=5) == []
    with pytest.raises(ValueError, match="unknown mode"):
        retriever.run("x", mode="sparse")
    with pytest.raises(ValueError, match="unknown fusion"):
        retriever.run("x", fusion="max")
    assert retriever.run("Sở Tài chính chủ trì", k=1, fusion="weighted")[0].clause.id == "plan:III.1.a"


def test_lead_in_brings_its_items(tmp_path: Path, doc_factory, e5: E5Embedder) -> None:  # type: ignore[no-untyped-def]
    letter = doc_factory(
        "request.txt",
        number="77/SKHCN-VP",
        doc_type="Công văn",
        clauses=[
            ("header", "", "V/v triển khai công tác năm 2026", []),
            ("đoạn 1", "", "Sở Khoa học và Công nghệ đề nghị các cơ quan, đơn vị, địa phương:", []),
            ("1", "", "1. Xây dựng kế hoạch truyền thông và gửi về trước tháng 4.", []),
            ("2", "", "2. Cử cán bộ đầu mối phụ trách.", []),
            ("đoạn 2", "", "Trân trọng cảm ơn.", []),
        ],
    )
    for c in letter.clauses:
        c.kind = "paragraph" if c.locator.startswith("đoạn") else "item"
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([letter])
        w.commit()
    retriever = HybridRetriever(IndexStore.open(tmp_path), e5)
    hits = [h.clause.id for h in retriever.run("Sở đề nghị các cơ quan, đơn vị, địa phương làm gì?", k=3)]
    assert hits[0] == "request:đoạn 1"
    assert hits[1:3] == ["request:1", "request:2"]


def test_an_english_query_is_led_by_the_dense_ranking(retriever: HybridRetriever) -> None:
    # BM25 sees an English question only through the glossary's words; the dense model reads it all.
    dense, bm25 = [("d", 1.0), ("e", 0.5)], [("b", 9.0), ("f", 8.0)]
    assert retriever._fuse([Channel("dense", dense), Channel("bm25", bm25)], "rrf")[0][0] == "b"
    assert retriever._fuse([Channel("dense", dense), Channel("bm25", bm25)], "rrf", english=True)[0][0] == "d"


def _sections(doc_factory) -> Document:  # type: ignore[no-untyped-def]
    """A plan whose duties sit under unit headings ("1. Trung tâm Lưu trữ" / "a) …")."""
    doc = doc_factory(
        "archive.txt",
        number="41/KH-UBND",
        clauses=[
            ("header", "", "KẾ HOẠCH số hóa tài liệu lưu trữ năm 2026", []),
            ("IV", "", "IV. TỔ CHỨC THỰC HIỆN", []),
            ("IV.1", "", "1. Trung tâm Lưu trữ lịch sử tỉnh", []),
            ("IV.1.a", "", "a) Số hóa hồ sơ lưu trữ của các phường, xã hoàn thành trong quý III.", []),
            ("IV.1.b", "", "b) Lập danh mục tài liệu hạn chế sử dụng.", []),
            ("IV.2", "", "2. Phòng Văn hóa - Xã hội các phường", []),
            ("IV.2.a", "", "a) Bàn giao hồ sơ giấy cho đơn vị số hóa đúng thời hạn.", []),
            ("IV.2.b", "", "b) Bố trí kinh phí bảo quản kho lưu trữ tạm.", []),
        ],
    )
    for c in doc.clauses:
        c.kind = "heading" if c.children else "item"
    return doc


def test_a_unit_heading_comes_right_after_the_duty_that_matched(
    tmp_path: Path, doc_factory, e5: E5Embedder
) -> None:  # type: ignore[no-untyped-def]
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([_sections(doc_factory)])
        w.commit()
    store = IndexStore.open(tmp_path, embedder=e5)
    query = "Đơn vị nào số hóa hồ sơ lưu trữ của các phường, xã?"
    lifted = [h.clause.id for h in HybridRetriever(store, e5, read=analyze_query).run(query, k=8)]
    # The duty matched; the unit asked for is its heading, placed right after it.
    assert lifted.index("archive:IV.1") == lifted.index("archive:IV.1.a") + 1
    plain = HybridRetriever(store, e5, promote_from=0, read=analyze_query).run(query, k=8)
    assert [h.clause.id for h in plain].index("archive:IV.1") > lifted.index("archive:IV.1")
    # A top-level division names a topic, not a unit: never lifted next to the duty.
    assert lifted.index("archive:IV") > lifted.index("archive:IV.1") + 1
    # BM25 alone (the answerer's first attempt) lifts the asked part the same way.
    lexical = [
        h.clause.id for h in HybridRetriever(store, e5, read=analyze_query).run(query, k=8, mode="bm25")
    ]
    assert lexical.index("archive:IV.1") == lexical.index("archive:IV.1.a") + 1
    unlifted = HybridRetriever(store, e5, promote_from=0, read=analyze_query).run(query, k=8, mode="bm25")
    assert [h.clause.id for h in unlifted] != lexical


def test_an_unmarked_query_is_given_its_marks_for_the_dense_search(
    tmp_path: Path, doc_factory, e5: E5Embedder
) -> None:  # type: ignore[no-untyped-def]
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([_sections(doc_factory)])
        w.commit()
    store = IndexStore.open(tmp_path, embedder=e5)
    retriever = HybridRetriever(store, e5, read=analyze_query)
    unmarked = "don vi nao so hoa ho so luu tru cua cac phuong xa trong quy may"
    lexical = retriever.bm25_ranking(unmarked, 10, None)
    marked = retriever.marked_query(unmarked, lexical)
    # Spellings from the clauses BM25 found, the question's own words from the phrase table.
    assert "số hóa hồ sơ lưu trữ" in marked and "phường" in marked and "đơn vị nào" in marked
    # A query typed with its marks, and an English one, are searched as typed.
    typed = "Đơn vị nào số hóa hồ sơ lưu trữ của các phường?"
    assert retriever.marked_query(typed, lexical) == typed

    seen: list[str] = []

    class Recording(E5Embedder):
        def embed_query(self, text: str):  # type: ignore[no-untyped-def]
            seen.append(text)
            return e5.embed_query(text)

    recording = Recording.__new__(Recording)
    recording.__dict__.update(e5.__dict__)
    HybridRetriever(store, recording, read=analyze_query).run(unmarked, k=3)
    assert seen and seen[0] == marked
    HybridRetriever(store, recording, read=analyze_query).run("Who digitises the archive files?", k=3)
    assert seen[-1] == "Who digitises the archive files?"
