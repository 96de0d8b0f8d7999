"""Clauses read per clause from a generation's mapped clauses.jsonl (index/clause_file.py): a
working-set store reads the same clauses, filters and views as a store holding every clause; forked
readers share one file; a damaged file is a clear error."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

import index.store
from index.clause_file import CLAUSES, OFFSETS, ClauseFile
from index.embedders import HashEmbedder
from index.store import IndexStore, IndexWriter
from rag.errors import IndexCorruptError
from rag.hashing import file_sha256
from rag.records import Document, Filters
from tests.index.conftest import make_doc


def _notice() -> Document:
    doc = make_doc(
        "notice.txt",
        number="12/TB-UBND",
        doc_type="Thông báo",
        issuer="Ủy ban nhân dân huyện",
        date="2026-01-05",
        clauses=[
            ("header", "", "THÔNG BÁO lịch tiếp công dân định kỳ", []),
            ("1", "", "1. Lịch tiếp công dân vào ngày 15 hằng tháng tại trụ sở", []),
            ("2", "", "2. Nội dung kiểm tra nội bộ về quỹ lương", []),
            ("3", "", "3. Bộ phận một cửa tiếp nhận hồ sơ từ thứ Hai đến thứ Sáu", []),
        ],
    )
    doc.clauses[2].access = "internal"  # one clause stricter than its public document
    return doc


@pytest.fixture
def built(tmp_path: Path, plan: Document, letter: Document) -> Path:
    with IndexWriter(tmp_path, HashEmbedder()) as w:
        w.upsert([plan, letter, _notice()])
        w.commit()
    return tmp_path


def _mapped(path: Path, monkeypatch: pytest.MonkeyPatch) -> IndexStore:
    """The store as a working-set store opens it (its size past the threshold)."""
    monkeypatch.setattr(index.store, "WORKING_SET_CLAUSES", 1)
    store = IndexStore.open(path)
    assert store.working_set and store.clause_file is not None
    return store


def test_a_mapped_store_reads_as_one_holding_every_clause(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = IndexStore.open(built)
    assert held.clause_file is None  # small: every clause held
    mapped = _mapped(built, monkeypatch)
    ids = [c.id for c in held.clauses()]
    assert len(ids) == 13 and len(mapped) == len(held) == mapped.n_clauses
    # Documents come as metadata with their count; one asked by id comes with its clauses.
    assert all(not d.clauses and d.stored_clauses == d.clause_count for d in mapped.documents())
    assert [d.clause_count for d in mapped.documents()] == [len(d.clauses) for d in held.documents()]
    for d in held.documents():
        assert mapped.document(d.id).to_dict() == d.to_dict()
        assert mapped.document_by_source(d.source).to_dict() == d.to_dict()
        assert [c.id for c in mapped.document_clauses(d.id)] == [c.id for c in held.document_clauses(d.id)]
    for cid in ids:
        assert mapped.clause(cid).to_dict() == held.clause(cid).to_dict()
        assert [c.id for c in mapped.neighbours(cid, 1)] == [c.id for c in held.neighbours(cid, 1)]
    assert mapped.clause("notice:9") is None and mapped.clause("nobody:1") is None
    assert mapped.clauses_by_id([ids[3], "notice:9", ids[0]]).keys() == {ids[3], ids[0]}
    # Filters: a document's fields, each clause's own level.
    for f in (
        Filters(access={"public"}),
        Filters(access={"internal"}),
        Filters(doc_type="thong bao", access={"public"}),
        Filters(sources=["notice.txt", "gone.txt"]),
        Filters(issuer="huyện", date_from="2026-01-01"),
    ):
        assert mapped.allowed(f) == held.allowed(f)
    assert "notice:2" not in mapped.allowed(Filters(access={"public"}))
    public = mapped.allowed(Filters(access={"public"}))
    assert mapped.within_documents(["notice", "letter"], public) == held.within_documents(
        ["notice", "letter"], public
    )
    query = "tiếp công dân hằng tháng"
    assert mapped.lexical_search(query, 5, public) == held.lexical_search(query, 5, public)
    assert mapped.local_search(query, "notice", 3, None) == held.local_search(query, "notice", 3, None)
    # An access view reads its own documents' clauses only.
    view = mapped.restricted(frozenset({"public"}))
    assert view.clause("letter:1") is None and view.document("letter") is None
    assert view.clause("notice:1").text.startswith("1. Lịch tiếp công dân")
    assert len(view) == len(held.restricted(frozenset({"public"})))
    assert view.passage_search(query, 3, None) == held.restricted(frozenset({"public"})).passage_search(
        query, 3, None
    )
    # The registry (units, tasks) is the one the held store assembles.
    assert [t.to_dict() for t in mapped.registry().tasks] == [t.to_dict() for t in held.registry().tasks]


_FORKED: IndexStore | None = None


def _read_in_child(clause_id: str) -> tuple[str, list[str]]:
    assert _FORKED is not None
    return _FORKED.clause(clause_id).text, [c.id for c in _FORKED.neighbours(clause_id, 1)]


def test_forked_readers_read_the_parents_mapping(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    global _FORKED
    store = _mapped(built, monkeypatch)
    ids = [c.id for d in store.documents() for c in store.document_clauses(d.id)]
    expected = [(store.clause(cid).text, [c.id for c in store.neighbours(cid, 1)]) for cid in ids]
    _FORKED = IndexStore.open(built)  # opened before the fork, nothing decoded yet
    assert _FORKED.clause_file is not None and not _FORKED.clause_file._cache
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            got = pool.map(_read_in_child, ids * 3, chunksize=1)
    finally:
        _FORKED = None
    assert got == expected * 3


def _generation(path: Path) -> Path:
    return path / (path / "CURRENT").read_text().strip()


def _rewrite(gen: Path, name: str, data: bytes) -> None:
    """Replace one file and its checksum, as damage the checksum cannot see (a file replaced
    together with its manifest entry, or damaged after the store opened)."""
    (gen / name).write_bytes(data)
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = file_sha256(gen / name)
    (gen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_truncated_clause_file_is_refused_at_open(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _generation(built)
    _rewrite(gen, CLAUSES, (gen / CLAUSES).read_bytes()[:-40])
    with pytest.raises(IndexCorruptError, match=r"clauses\.jsonl.*policyqa ingest"):
        _mapped(built, monkeypatch)


def test_a_clause_garbled_in_place_is_a_clear_error_when_read(built: Path) -> None:
    gen = _generation(built)
    data = bytearray((gen / CLAUSES).read_bytes())
    second = int(ClauseFile(gen).offsets[1, 0])
    data[second : second + 8] = b"\xff" * 8  # same size: only decoding finds it
    (gen / CLAUSES).write_bytes(bytes(data))
    file = ClauseFile(gen)
    assert file.clause(0).id  # the others read
    with pytest.raises(IndexCorruptError, match=r"clauses\.jsonl.*row 1"):
        file.clause(1)


def test_offsets_that_do_not_fit_are_refused(built: Path) -> None:
    import numpy as np

    gen = _generation(built)
    offsets = np.load(gen / OFFSETS)
    np.save(gen / OFFSETS, offsets[:-1])
    with pytest.raises(IndexCorruptError, match="clauses.offsets.npy"):
        ClauseFile(gen)
