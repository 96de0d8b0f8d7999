"""`policyqa ingest --ray`: parse and embed on (local) Ray workers, commit in batches."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedders import E5Embedder, HashEmbedder, get_embedder
from index.store import IndexStore, read_generation
from rag.cli import main
from rag.config import DEFAULT_CORPUS_DIR
from rag.distributed import RayUnavailableError, ray_session
from rag.ingest import collect_files, ingest_files, ingest_paths

QUESTIONS = [
    "Công văn báo cáo kết quả thực hiện Kế hoạch 02-KH/BCĐTW được gửi đến đâu?",
    "Sở đề nghị các cơ quan, đơn vị, địa phương làm gì?",
    "Chuyên mục Chuyển đổi số phát sóng với tần suất như thế nào?",
    "Ai ký công văn?",
    "When was Resolution 57-NQ/TW issued?",
]
# Two documents of corpus/ (a letter with an appendix table, an OCR'd letter without marks): Ray and
# plain ingest are compared on them; the whole corpus would only repeat the embedding work.
RAY_DOCUMENTS = ("000_5beb4f4a0d5111ed.txt", "002_2e5a22c7a7b6f521.txt")


PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: {n}/KH-UBND
Quảng Ngãi, ngày 10 tháng 10 năm 2025

KẾ HOẠCH
Triển khai chuyển đổi số năm 2025, đợt {n} ({tag})

I. MỤC ĐÍCH
1. Nâng cao nhận thức về chuyển đổi số.
II. NHIỆM VỤ
1. Tuyên truyền trên báo chí.
- Đơn vị thực hiện: Sở Văn hóa, Thể thao và Du lịch.
- Thời gian thực hiện: Thường xuyên.
2. Xây dựng kho dữ liệu số.
- Đơn vị thực hiện: Sở Khoa học và Công nghệ.
"""


@pytest.fixture(scope="module")
def local_ray():  # noqa: ANN201 (the ray module)
    """One local Ray instance for this module's tests: ingest uses an initialised Ray as it is.
    Module-scoped: Ray's daemons and idle workers cost CPU for as long as they live."""
    ray = pytest.importorskip("ray")
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.WARNING,
    )
    yield ray
    ray.shutdown()


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """Five small plans; texts differ per test, so no worker's in-memory cache (workers live on) holds them."""
    folder = tmp_path / "plans"
    folder.mkdir()
    for n in range(1, 6):
        (folder / f"plan-{n}.txt").write_text(PLAN.format(n=n, tag=tmp_path.name), encoding="utf-8")
    return folder


def _documents(index: Path) -> list[dict]:
    docs = []
    for doc in sorted(IndexStore.open(index).documents(), key=lambda d: d.source):
        data = doc.to_dict()
        data.pop("ingested_at")
        docs.append(data)
    return docs


def _vectors(index: Path) -> dict[str, np.ndarray]:
    dense = IndexStore.open(index).dense
    return dict(zip(dense.ids, dense.vectors, strict=True))


@pytest.mark.slow
def test_corpus_documents_on_ray_match_plain_ingest(
    local_ray, seed_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from rag.pipeline import Assistant

    folder = tmp_path / "docs"
    folder.mkdir()
    for name in RAY_DOCUMENTS:
        shutil.copy(DEFAULT_CORPUS_DIR / name, folder / name)
    plain_index = tmp_path / "plain-index"
    report = ingest_paths([folder], plain_index, progress=False)  # vectors from the session's cache
    assert not report.errors and report.added == list(RAY_DOCUMENTS)

    index = tmp_path / "ray-index"
    driver = get_embedder(None)  # the CLI's embedder
    calls = driver.calls
    assert main(["ingest", str(folder), "--index", str(index), "--ray", "--no-progress"]) == 0
    summary = capsys.readouterr().out
    assert (
        "2 thêm mới, 0 cập nhật, 0 không đổi, 0 lỗi" in summary and " 0 đoạn mới tính vector" not in summary
    )
    assert driver.calls == calls  # the workers embedded; the writer's calls were all cache hits

    assert _documents(index) == _documents(plain_index)  # ids, texts, fields, locators, metadata
    ray_vectors, plain_vectors = _vectors(index), _vectors(plain_index)
    assert ray_vectors.keys() == plain_vectors.keys()
    for cid, vec in ray_vectors.items():  # one thread per worker vs several: float rounding only
        assert np.allclose(vec, plain_vectors[cid], atol=1e-4), cid

    plain, ray = Assistant.open(plain_index), Assistant.open(index)
    for question in QUESTIONS:
        a, b = plain.ask(question), ray.ask(question)
        assert (a.answer, a.abstained) == (b.answer, b.abstained), question
        assert [c.clause_id for c in a.citations] == [c.clause_id for c in b.citations], question
        dense_a = [h.clause.id for h in plain.search(question, k=5, mode="dense")]
        assert dense_a == [h.clause.id for h in ray.search(question, k=5, mode="dense")], question


def test_a_bad_file_is_reported_and_the_others_indexed(local_ray, plans: Path, tmp_path: Path) -> None:
    (plans / "broken.pdf").write_bytes(b"\x00\x01garbage, not a PDF" * 50)
    (plans / "empty.txt").write_bytes(b"")
    embedder = HashEmbedder()  # what is compared is parsing and reporting, not vectors
    report = ingest_paths([plans], tmp_path / "ray", embedder=embedder, progress=False, ray_address="local")
    plain = ingest_paths([plans], tmp_path / "plain", embedder=embedder, progress=False)
    assert report.failed == plain.failed == ["broken.pdf", "empty.txt"]
    assert report.errors == plain.errors  # the same wording as plain ingest
    assert "broken.pdf" in report.errors[0] and "tệp rỗng" in report.errors[1]
    assert report.added == plain.added == [f"plan-{n}.txt" for n in range(1, 6)]
    assert report.clauses == plain.clauses and report.pages == plain.pages
    assert {d.source for d in IndexStore.open(tmp_path / "ray").documents()} == set(report.added)
    assert report.generation == "gen-1"


def test_rerun_skips_unchanged_files_and_embeds_only_changed_clauses(
    local_ray, plans: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    # The hash embedder: which clauses are embedded again is the point, not their vectors (the
    # workers rebuild it from its spec as they do the model's; the corpus test above uses the model).
    embedder = HashEmbedder()
    first = ingest_paths([plans], index, embedder=embedder, progress=False, ray_address="local")
    assert len(first.added) == 5 and first.embedded > 0 and embedder.calls == 0

    again = ingest_paths([plans], index, embedder=embedder, progress=False, ray_address="local")
    assert again.unchanged == first.added and again.embedded == 0 and again.generation is None
    assert read_generation(index) == first.generation

    path = plans / "plan-2.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Thường xuyên", "Quý IV/2025"), encoding="utf-8")
    fresh = HashEmbedder()  # a new process: nothing in memory; unchanged clauses keep their stored vectors
    changed = ingest_paths([plans], index, embedder=fresh, progress=False, ray_address="local")
    assert changed.updated == ["plan-2.txt"] and len(changed.unchanged) == 4
    # Only the changed clause (and the task heading whose text holds it) is embedded again.
    assert 0 < changed.embedded < changed.clauses
    assert fresh.calls == 0
    store = IndexStore.open(index)
    assert "Quý IV/2025" in " ".join(c.text for c in store.clauses() if c.source == "plan-2.txt")


def test_batches_commit_several_generations(local_ray, plans: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    files, _ = collect_files([plans])
    batches: list[list[str]] = []
    generations: list[str] = []
    report = ingest_files(
        files,
        index,
        embedder=HashEmbedder(),
        progress=False,
        ray_address="local",
        batch_size=2,
        before_commit=lambda writer, docs: batches.append(sorted(d.source for d in docs)),
        after_commit=lambda: generations.append(read_generation(index)),
    )
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted(s for b in batches for s in b) == sorted(report.added)
    assert generations == ["gen-1", "gen-2", "gen-3"] and report.generation == "gen-3"
    store = IndexStore.open(index)
    assert sorted(d.source for d in store.documents()) == [f"plan-{n}.txt" for n in range(1, 6)]
    assert len(store.clauses()) == report.clauses


def test_unreachable_cluster_and_missing_ray_are_clear_errors(
    plans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(RayUnavailableError, match="không kết nối được cụm Ray"), ray_session("127.0.0.1:1"):
        pass
    argv = ["ingest", str(plans), "--index", str(tmp_path / "idx"), "--no-progress", "--ray", "127.0.0.1:1"]
    assert main(argv) == 2
    assert "không kết nối được cụm Ray tại '127.0.0.1:1'" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    assert main(argv[:-1]) == 2
    assert "--ray cần Ray: pip install 'policyqa[ray]'" in capsys.readouterr().err
    assert not (tmp_path / "idx" / "CURRENT").exists()


def test_remembered_vectors_are_cache_hits_and_spec_rebuilds_the_model(tmp_path: Path) -> None:
    worker, driver = E5Embedder(), E5Embedder()
    assert get_embedder(driver.spec).id == driver.id
    texts = ["Đơn vị thực hiện: Sở Tài chính.", "Thời gian thực hiện: Quý IV/2025."]
    vectors = worker.embed_passages(texts)
    driver.use_cache_dir(tmp_path)
    driver.remember(texts, vectors)
    assert np.array_equal(driver.embed_passages(texts), vectors) and driver.calls == 0
    assert driver.cache_key(texts[0]) == worker.cache_key(texts[0])
    fresh = E5Embedder(cache_dir=tmp_path)  # written through to the index's cache file as well
    assert np.array_equal(fresh.embed_passages(texts), vectors) and fresh.calls == 0
    with pytest.raises(ValueError, match="2 texts"):
        driver.remember(texts, vectors[:1])
