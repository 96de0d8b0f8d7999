"""Passages of consecutive clauses, documents on their own statistics, and the parts retrieval lifts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.embedders import E5Embedder
from index.hybrid import HybridRetriever
from index.lexical import LexicalIndex, tokenize, unnamed_terms
from index.passages import PassageIndex, passage_ranking, subtrees, windows
from index.store import IndexStore, IndexWriter
from rag.reading import search_query
from rag.records import Document


def test_windows_cover_every_clause_within_the_size() -> None:
    assert windows([300, 400, 500, 200], 1000, 500) == [range(0, 2), range(1, 3), range(2, 4)]
    lengths = [120, 80, 900, 1500, 60, 60, 60, 700, 30]
    found = windows(lengths, 1000, 500)
    assert set().union(*map(set, found)) == set(range(len(lengths)))
    for window in found:  # only a clause longer than the size stands alone past it
        assert len(window) == 1 or sum(lengths[i] for i in window) <= 1000
    assert [w.start for w in found] == sorted(w.start for w in found)
    assert windows([], 1000, 500) == []


def test_a_subtree_runs_to_the_last_descendant_and_is_cut_at_the_size() -> None:
    clauses = [("h", None), ("a", None), ("a1", "a"), ("a1x", "a1"), ("a2", "a"), ("b", None), ("b1", "b")]
    lengths = [50, 30, 40, 40, 40, 30, 900]
    assert subtrees(clauses, lengths, 1000) == [(1, range(1, 5)), (2, range(2, 4)), (5, range(5, 7))]
    assert subtrees(clauses, lengths, 100) == [(1, range(1, 3)), (2, range(2, 4)), (5, range(5, 6))]


def _law() -> tuple[LexicalIndex, list[list[tuple[str, int, str | None]]]]:
    texts = [
        ("h", "THÔNG TƯ quy định giá dịch vụ đăng kiểm tàu biển", None),
        ("d1", "Điều 1. Phạm vi: giá dịch vụ đăng kiểm tàu biển do đơn vị đăng kiểm định", None),
        ("d2", "Điều 2. Mức giá tối đa dịch vụ đăng kiểm tàu biển", None),
        ("d3", "Điều 3. Hiệu lực thi hành", None),
        ("d3.1", "1. Thông tư này có hiệu lực kể từ ngày 08 tháng 01 năm 2026.", "d3"),
    ]
    other = [("o1", "Công văn về tổ chức hội nghị tổng kết năm", None)]
    lexical = LexicalIndex.build([(cid, text) for cid, text, _ in texts + other])
    docs = [[(cid, len(text), parent) for cid, text, parent in part] for part in (texts, other)]
    return lexical, docs


def test_a_clause_is_scored_with_the_passage_around_it() -> None:
    lexical, docs = _law()
    passages = PassageIndex.build(lexical, docs, size=300, step=150)
    query = "thông tư giá dịch vụ đăng kiểm tàu biển có hiệu lực khi nào"
    scores = dict(zip(passages.ids, passages.clause_scores(query), strict=True))
    own = dict(zip(lexical.ids, lexical.scores(query), strict=True))
    # The effect clause shares two words with the question; its passage holds the rest.
    assert scores["d3.1"] > own["d3.1"] > 0
    assert scores["o1"] == 0.0
    ranked = passage_ranking(lexical.ids, passages.clause_scores(query), lexical.scores(query), 10)
    assert "o1" not in dict(ranked)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_passage_ranking_orders_a_passage_by_the_clauses_own_scores() -> None:
    ids = ["a", "b", "c", "d"]
    passage = np.array([2.0, 2.0, 5.0, 0.0], dtype=np.float32)
    own = np.array([0.1, 0.9, 0.0, 3.0], dtype=np.float32)
    assert [cid for cid, _ in passage_ranking(ids, passage, own, 10)] == ["c", "b", "a"]
    assert passage_ranking(ids, passage, own, 1) == [("c", 5.0)]
    assert passage_ranking(ids, np.zeros(4, dtype=np.float32), own, 10) == []


def _legal(doc_factory) -> Document:  # type: ignore[no-untyped-def]
    doc = doc_factory(
        "tt35.txt",
        number="35/2025/TT-BXD",
        doc_type="Thông tư",
        issuer="Bộ Xây dựng",
        clauses=[
            ("header", "", "THÔNG TƯ quy định cơ chế quản lý giá dịch vụ đăng kiểm tàu biển", []),
            ("Điều 1", "", "Điều 1. Phạm vi điều chỉnh giá dịch vụ đăng kiểm tàu biển", []),
            ("Điều 4", "", "Điều 4. Kê khai giá", []),
            ("Điều 4 khoản 1", "", "1. Đơn vị đăng kiểm gửi văn bản kê khai giá cho Cục Đăng kiểm.", []),
            ("Điều 4 khoản 2", "", "2. Cục Đăng kiểm tiếp nhận và công khai văn bản kê khai giá.", []),
            ("Điều 5", "", "Điều 5. Hiệu lực thi hành", []),
            ("Điều 5 khoản 1", "", "1. Thông tư này có hiệu lực kể từ ngày 08 tháng 01 năm 2026.", []),
        ],
    )
    by_loc = {c.locator: c for c in doc.clauses}
    for c in doc.clauses:
        if " khoản " in c.locator:
            parent = by_loc[c.locator.split(" khoản ")[0]]
            c.parent_id = parent.id
            parent.children.append(c.id)
    return doc


@pytest.fixture
def legal(tmp_path: Path, plan: Document, doc_factory, e5: E5Embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([plan, _legal(doc_factory)])
        w.commit()
    return HybridRetriever(IndexStore.open(tmp_path, embedder=e5), e5, read=search_query)


def test_a_document_ranked_on_its_own_statistics(legal: HybridRetriever) -> None:
    # Inside the circular every clause speaks of "đăng kiểm"; "công khai" singles one out.
    store = legal.store
    local = store.local_search("đăng kiểm công khai", "tt35", 10, None)
    assert local[0][0] == "tt35:Điều 4 khoản 2"
    assert {cid for cid, _ in local} <= {c.id for c in store.document_clauses("tt35")}
    only = frozenset({"tt35:Điều 1"})
    assert [cid for cid, _ in store.local_search("đăng kiểm công khai", "tt35", 10, only)] == ["tt35:Điều 1"]
    assert store.local_search("đăng kiểm", "no-such-document", 10, None) == []


def test_which_article_lifts_the_article_heading(legal: HybridRetriever) -> None:
    question = "Việc tiếp nhận văn bản kê khai giá được quy định tại điều nào?"
    assert search_query(question).asks == "article"
    ids = [h.clause.id for h in legal.run(question, k=5)]
    assert "tt35:Điều 4" in ids
    assert ids.index("tt35:Điều 4") < ids.index("tt35:Điều 4 khoản 2")


def test_when_it_takes_effect_lifts_the_effect_clause(legal: HybridRetriever) -> None:
    question = "Thông tư về giá dịch vụ đăng kiểm tàu biển có hiệu lực khi nào?"
    assert search_query(question).asks == "effect"
    assert "tt35:Điều 5 khoản 1" in [h.clause.id for h in legal.run(question, k=3)]
    # Only a sentence saying from when the document is in force is lifted; the plan has none.
    assert legal._effect_clauses("tt35") == ["tt35:Điều 5 khoản 1"]
    assert legal._effect_clauses("plan") == []


# A letter whose subject cites a resolution by its date: "ngày" is a word of its title, as of the question.
LETTER_TITLE = "V/v tổ chức chợ đêm theo Nghị quyết số 12/NQ-HĐND ngày 05/3/2025"
LETTER_LINES = {
    "header": "Số: 45/UBND-VX Đông Hòa, ngày 10 tháng 4 năm 2026",
    "1": "1. Phòng Văn hóa đăng bản tin về chợ đêm hằng tháng.",
    "2": "2. Các xã tổ chức chợ đêm vào cuối tuần.",
    "3": "3. Trung tâm Văn hóa in tờ gấp giới thiệu chợ đêm.",
}


def test_a_word_the_title_merely_shares_still_ranks_a_documents_own_clauses(
    tmp_path: Path, doc_factory, e5: E5Embedder
) -> None:  # type: ignore[no-untyped-def]
    clauses = [(loc, "", text, []) for loc, text in LETTER_LINES.items()]
    letter = doc_factory("cv45.txt", number="45/UBND-VX", doc_type="Công văn", clauses=clauses)
    letter.meta = replace(letter.meta, title=LETTER_TITLE)
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([letter])
        w.commit()
    store = IndexStore.open(tmp_path, embedder=e5)
    # "Công văn 45" names the letter; "ngày" asks for its date although its title holds the word too.
    local = store.local_search("Công văn 45 ban hành ngày nào?", "cv45", 10, None)
    assert local[0][0] == "cv45:header"
    # Words the question shares with the title as a phrase name the document and rank nothing.
    assert store.local_search("Công văn 45 về tổ chức chợ đêm", "cv45", 10, None) == []


def test_unnamed_terms_keep_what_the_question_asks() -> None:
    named = tokenize("Công văn số 45/UBND-VX: V/v tổ chức chợ đêm theo Nghị quyết ngày 05/3/2025")
    rest = unnamed_terms(tokenize("Công văn 45 tổ chức chợ đêm ban hành ngày nào?"), named)
    assert "ngay" in rest.fold and "ngày" in rest.word and "ban_hanh" in rest.fold
    assert not {"cong", "van", "45", "cho", "dem", "to", "chuc", "cho_dem"} & set(rest.fold)
    assert "công_văn" not in rest.word and "45" not in rest.word
