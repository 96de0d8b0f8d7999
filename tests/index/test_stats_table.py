"""The statistics table an embedded generation keeps (index/stats_table.py): the counts a reader
looks up equal a count over the texts, through upserts, replacements and removals, per access
level; a large store is read per question with it, and answers as when it held every text."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

import index.stats_table
import index.store
from index.embedders import HashEmbedder
from index.stats_table import StatsTable
from index.store import IndexStore, IndexWriter, document_statistics
from rag.answer import Answerer
from rag.records import Document
from tests.index.conftest import make_doc


def _recount(docs: list[Document], levels: set[str]) -> Counter[str]:
    """Every key's count over the texts, summed over ``levels`` (what the table must hold)."""
    total: Counter[str] = Counter()
    for d in docs:
        for key, n in document_statistics(d).items():
            level, _, bare = key.partition("|")
            if level in levels:
                total[bare] += n
    return total


def _check(store: IndexStore, levels: set[str]) -> None:
    expected = _recount(store.documents(), levels)
    keys = [*expected, "w:không_có_từ_này"]
    assert store.term_counts(keys) == dict(expected)


def _report(n: int, body: str, access: str = "public") -> Document:
    return make_doc(
        f"report-{n}.txt",
        number=f"{n}/BC-UBND",
        doc_type="Báo cáo",
        access=access,
        clauses=[("header", "", f"BÁO CÁO số {n}", []), ("1", "", body, [])],
    )


def test_counts_follow_upserts_replacements_and_removals(tmp_path: Path, plan: Document) -> None:
    embedder = HashEmbedder()
    first = _report(1, "Sở Y tế triển khai tiêm chủng mở rộng năm 2025")
    second = _report(2, "Sở Giáo dục xây dựng trường học đạt chuẩn quốc gia")
    with IndexWriter(tmp_path, embedder) as w:
        w.upsert([plan, first])
        w.commit()
        _check(w.base, {"public"})
        w.upsert([second])  # a second commit by the same writer: only the new document is counted
        w.commit()
        _check(w.base, {"public"})
    changed = replace(first, clauses=[replace(first.clauses[1], text="Sở Y tế mua sắm trang thiết bị")])
    with IndexWriter(tmp_path, embedder) as w:  # a new writer carries the table over
        w.upsert([changed])
        w.remove(["plan.txt"])
        w.commit()
    store = IndexStore.open(tmp_path, embedder)
    _check(store, {"public"})
    counts = store.term_counts(["w:tiêm_chủng", "w:trang_thiết_bị", "w:trường_học"])
    assert counts == {"w:trang_thiết_bị": 1, "w:trường_học": 1}  # the replaced and removed texts are gone


def test_a_view_counts_only_the_levels_it_reads(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    public = _report(1, "Sở Tài chính bố trí kinh phí thực hiện")
    internal = _report(2, "Sở Nội vụ rà soát biên chế kinh phí", access="internal")
    with IndexWriter(tmp_path, embedder) as w:
        w.upsert([public, internal])
        w.commit()
    store = IndexStore.open(tmp_path, embedder)
    assert store.manifest["stats_levels"] == ["internal", "public"]
    _check(store, {"internal", "public"})
    view = store.restricted(frozenset({"public"}))
    _check(view, {"public"})
    assert "w:biên_chế" not in view.term_counts(["w:biên_chế"])  # nothing learnt from internal texts


def test_a_generation_without_a_table_is_counted_on_its_next_commit(tmp_path: Path, plan: Document) -> None:
    embedder = HashEmbedder()
    with IndexWriter(tmp_path, embedder) as w:
        w.upsert([plan])
        w.commit()
    generation = tmp_path / (tmp_path / "CURRENT").read_text().strip()
    for f in generation.glob("stats.*.npy"):
        f.unlink()
    manifest_path = generation / "manifest.json"
    manifest = json.loads(manifest_path.read_text())  # as a writer before the table left it
    manifest["files"] = {f: sha for f, sha in manifest["files"].items() if not f.startswith("stats.")}
    manifest_path.write_text(json.dumps(manifest))
    old = IndexStore.open(tmp_path, embedder)
    assert old.stats is None and old.outdated
    with IndexWriter(tmp_path, embedder) as w:
        assert w.commit() is not None  # converted with nothing staged
    store = IndexStore.open(tmp_path, embedder)
    assert store.stats is not None
    _check(store, {"public"})


def test_a_digest_collision_never_gives_another_keys_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index.stats_table, "digest", lambda key: 7)  # every key collides
    table = StatsTable.build({"public|w:a": 3, "public|w:b": 5, "internal|w:a": 1})
    assert table.counts_of(["public|w:b", "public|w:a", "internal|w:a", "public|w:c"]) == [5, 3, 1, 0]


def test_a_large_store_is_read_per_question_with_the_same_answers(
    tmp_path: Path, plan: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = HashEmbedder()
    docs = [plan, _report(1, "Sở Y tế triển khai tiêm chủng mở rộng năm 2025")]
    with IndexWriter(tmp_path, embedder) as w:
        w.upsert(docs)
        w.commit()
    store = IndexStore.open(tmp_path, embedder)
    assert not store.working_set  # small: the answerer holds every text
    monkeypatch.setattr(index.store, "WORKING_SET_CLAUSES", 1)
    assert store.working_set
    from index.hybrid import HybridRetriever

    questions = ["Đơn vị nào chủ trì tuyên truyền?", "Kế hoạch 58 phủ sóng 5G đến năm nào?"]
    answers = []
    for working_set in (False, True):
        monkeypatch.setattr(index.store, "WORKING_SET_CLAUSES", 1 if working_set else 10**9)
        answerer = Answerer(store)
        retriever = HybridRetriever(store, embedder)
        answers.append([answerer.run(answerer.read(q), retriever).answer for q in questions])
    assert answers[0] == answers[1]
    assert all(answers[0])
