from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from index.embedders import E5Embedder
from index.store import IndexStore
from rag.errors import IndexNotFoundError
from rag.ingest import collect_files, ingest_paths, remove_sources, run_ingest, run_remove

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 58/KH-UBND
Quảng Ngãi, ngày 10 tháng 10 năm 2025

KẾ HOẠCH
Triển khai chuyển đổi số năm 2025

I. MỤC ĐÍCH
1. Nâng cao nhận thức về chuyển đổi số.
II. NHIỆM VỤ
1. Tuyên truyền trên báo chí.
- Đơn vị thực hiện: Sở Văn hóa, Thể thao và Du lịch.
- Thời gian thực hiện: Thường xuyên.
"""

LETTER = """SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 12/SKHCN-VP
V/v báo cáo kết quả ứng dụng trí tuệ nhân tạo

Kính gửi: Các sở, ban, ngành.

1. Đề nghị các đơn vị gửi báo cáo trước ngày 15/3/2026.
"""


@pytest.fixture(scope="module")
def embedder() -> E5Embedder:
    return E5Embedder()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "plan.txt").write_text(PLAN, encoding="utf-8")
    (folder / "sub" / "letter.md").write_text(LETTER, encoding="utf-8")
    (folder / ".hidden.txt").write_text("bỏ qua", encoding="utf-8")
    (folder / "notes.odt").write_bytes(b"not indexed")
    (folder / "~$plan.docx").write_bytes(b"Word lock file, not indexed")
    return folder


def _snapshot(index: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(index)): p.read_bytes()
        for p in sorted(index.rglob("*"))
        if p.is_file() and "embed-cache" not in p.parts and p.name != ".write.lock"
    }


def test_collect_files_names_sources_relative_to_the_folder(corpus: Path) -> None:
    files, errors = collect_files([corpus, corpus / "plan.txt", corpus / "missing.pdf"])
    assert sorted(f.source for f in files) == ["plan.txt", "sub/letter.md"]
    assert errors and "missing.pdf: không có tệp hay thư mục này" in errors[0]


def test_ingest_twice_is_a_noop_then_modify_then_remove(
    corpus: Path, tmp_path: Path, embedder: E5Embedder
) -> None:
    index = tmp_path / "index"
    first = ingest_paths([corpus], index, embedder=embedder, progress=False)
    assert sorted(first.added) == ["plan.txt", "sub/letter.md"] and not first.failed
    assert first.clauses >= 6 and first.generation == "gen-1"
    store = IndexStore.open(index)
    assert {d.source for d in store.documents()} == {"plan.txt", "sub/letter.md"}
    before = _snapshot(index)

    second = ingest_paths([corpus], index, embedder=embedder, progress=False)
    assert sorted(second.unchanged) == ["plan.txt", "sub/letter.md"]
    assert second.generation is None and second.embedded == 0
    assert _snapshot(index) == before
    assert "0 thêm mới, 0 cập nhật, 2 không đổi, 0 lỗi" in second.summary()

    (corpus / "plan.txt").write_text(
        PLAN.replace("Sở Văn hóa, Thể thao và Du lịch", "Sở Nội vụ"), encoding="utf-8"
    )
    third = ingest_paths([corpus], index, embedder=embedder, progress=False)
    assert third.updated == ["plan.txt"] and third.unchanged == ["sub/letter.md"]
    assert 1 <= third.embedded < third.clauses  # only the changed clause texts reach the model
    store = IndexStore.open(index)
    texts = " ".join(c.text for c in store.documents()[0].clauses)
    assert "Sở Nội vụ" in texts and "Du lịch" not in texts
    assert len([d for d in store.documents() if d.source == "plan.txt"]) == 1

    assert remove_sources(["plan.txt", "nope.txt"], index, embedder=embedder) == ["plan.txt"]
    store = IndexStore.open(index)
    assert [d.source for d in store.documents()] == ["sub/letter.md"]
    assert all(c.source == "sub/letter.md" for c in store.clauses())


def test_corrupt_file_in_a_batch(corpus: Path, tmp_path: Path, embedder: E5Embedder) -> None:
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    index = tmp_path / "index"
    report = ingest_paths([corpus], index, embedder=embedder, progress=False)
    assert report.failed == ["broken.pdf"]
    assert len(report.errors) == 1 and report.errors[0].startswith("broken.pdf")
    assert sorted(report.added) == ["plan.txt", "sub/letter.md"]
    assert IndexStore.open(index).document_by_source("plan.txt") is not None


def test_all_files_failing_leaves_the_index_untouched(
    corpus: Path, tmp_path: Path, embedder: E5Embedder
) -> None:
    index = tmp_path / "index"
    ingest_paths([corpus / "plan.txt"], index, embedder=embedder, progress=False)
    before = _snapshot(index)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.pdf").write_bytes(b"%PDF-1.7 garbage")
    (bad / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    report = ingest_paths([bad], index, embedder=embedder, progress=False)
    assert sorted(report.failed) == ["a.pdf", "b.txt"] and not report.added
    assert report.generation is None
    assert _snapshot(index) == before


def test_access_change_reingests_and_root_names_uploads(
    corpus: Path, tmp_path: Path, embedder: E5Embedder
) -> None:
    index = tmp_path / "index"
    ingest_paths([corpus / "sub" / "letter.md"], index, embedder=embedder, progress=False, root=corpus)
    assert IndexStore.open(index).document_by_source("sub/letter.md") is not None
    report = ingest_paths(
        [corpus / "sub" / "letter.md"],
        index,
        embedder=embedder,
        progress=False,
        root=corpus,
        access="internal",
    )
    assert report.updated == ["sub/letter.md"]
    assert IndexStore.open(index).document_by_source("sub/letter.md").access == "internal"


def test_cli_handlers(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 nope")
    args = argparse.Namespace(paths=[str(corpus)], index_dir=index, access="public", no_progress=True)
    assert run_ingest(args) == 1  # one file failed; the good ones are still committed
    out = capsys.readouterr()
    assert "2 thêm mới" in out.out and "lỗi: broken.pdf" in out.err
    assert run_remove(argparse.Namespace(sources=["plan.txt"], index_dir=index)) == 0
    assert run_remove(argparse.Namespace(sources=["plan.txt"], index_dir=index)) == 1
    with pytest.raises(IndexNotFoundError, match="policyqa ingest"):
        remove_sources(["x"], tmp_path / "none")
