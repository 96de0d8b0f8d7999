from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.embedders import E5Embedder
from index.store import IndexStore, IndexWriter
from rag.records import Document
from tools.bench import bench_dense_scale, is_correct_citation, retrieval_quality, synthetic_vectors


def test_is_correct_citation_follows_the_contract() -> None:
    text = "- Đơn vị thực hiện:  Sở Khoa học\nvà Công nghệ chủ trì"
    assert is_correct_citation("a.txt", text, ["a.txt"], ["Don vi thuc hien: So Khoa hoc va Cong nghe"])
    assert not is_correct_citation("b.txt", text, ["a.txt"], ["Đơn vị thực hiện"])
    assert not is_correct_citation("a.txt", text, ["a.txt"], ["Sở Tài chính"])
    assert not is_correct_citation("a.txt", text, ["a.txt"], [""])


def test_retrieval_quality_on_a_small_gold_file(
    tmp_path: Path, plan: Document, letter: Document, e5: E5Embedder
) -> None:
    with IndexWriter(tmp_path / "index", e5) as w:
        w.upsert([plan, letter])
        w.commit()
    gold = tmp_path / "gold.jsonl"
    items = [
        {"id": "q1", "question": "Ai chủ trì tuyên truyền Nghị quyết 57?", "sources": ["plan.txt"],
         "evidence": ["Sở Tài chính chủ trì"], "abstain": False},
        {"id": "q2", "question": "Hạn gửi báo cáo về trí tuệ nhân tạo?", "sources": ["letter.txt"],
         "evidence": ["trước ngày 15/3/2026"], "abstain": False},
        {"id": "q3", "question": "Giá vàng hôm nay?", "sources": [], "evidence": [], "abstain": True},
        {"id": "q4", "question": "Kinh phí lấy từ đâu?", "sources": ["other.txt"],
         "evidence": ["ngân sách"], "abstain": False},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    result = retrieval_quality(IndexStore.open(tmp_path / "index"), gold, embedder=e5)
    assert set(result) == {"hybrid", "dense", "bm25"}
    hybrid = result["hybrid"]
    assert hybrid.n == 3  # the abstain item is not a retrieval question
    assert hybrid.misses == ["q4"]  # a gold source that is not indexed can never be hit
    assert abs(hybrid.hit_at_5 - 2 / 3) < 1e-9
    assert 0 < hybrid.mrr <= 2 / 3


def test_synthetic_vectors_are_unit_and_clustered() -> None:
    v = synthetic_vectors(2000, 32, seed=1)
    assert v.shape == (2000, 32) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v[:200] @ v.T
    np.fill_diagonal(sims[:, :200], -1)
    assert float(np.mean(sims.max(axis=1))) > 0.3  # every vector has close neighbours


def test_bench_dense_scale_small() -> None:
    r = bench_dense_scale(3000, queries=20, ef_values=(8, 64))
    assert r["n"] == 3000 and r["flat"]["p50_ms"] > 0
    sweep = r["hnsw"]["sweep"]
    assert [s["ef_search"] for s in sweep] == [8, 64]
    assert all(0.0 <= s["recall@10"] <= 1.0 for s in sweep)
    assert sweep[1]["recall@10"] >= sweep[0]["recall@10"]


def test_embedding_rows_compare_runtimes_on_the_same_texts() -> None:
    from tools.bench_embed import bench_embedding

    passages = [f"Sở số {i} chủ trì nhiệm vụ {i % 7} năm 2025 " * 5 for i in range(3000)]  # CPU to measure
    rows = bench_embedding(passages, ["Ai chủ trì?", "Hạn nào?"], specs=("hash-384", "hash-64", "nonsense"))
    first, second, broken = rows
    assert first["runtime"] == "hash-384" and first["passages"] == 3000 and first["cpu_vs_first"] == 1.0
    assert first["clauses_per_s"] > 0 and first["cpu_ms_per_clause"] >= 0
    assert {"wall_s", "cpu_s", "others_busy_cores", "load1"} <= set(first["passage_run"])
    assert second["id"] == "hash-64" and "cpu_vs_first" in second
    assert "error" in broken and "nonsense" in broken["error"]  # a runtime that cannot be had says why
