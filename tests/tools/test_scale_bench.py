"""The scale bench: synthetic plans, the hashing embedder, and a tiny run on the embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashEmbedder, get_embedder
from rag.cli import build_parser
from rag.errors import PolicyQAError
from rag.records import CLAUSE_KINDS
from tools.scale_bench import (
    BENCH_STORE_NAME,
    bench_location,
    corpus,
    parse_sizes,
    real_embedder_rate,
    run_bench,
    run_scale,
)
from tools.synthetic import synthetic_document, synthetic_documents, synthetic_questions, synthetic_text


def test_the_generator_is_deterministic_and_seeded() -> None:
    assert synthetic_text(7) == synthetic_text(7)
    assert synthetic_document(7).to_dict() == synthetic_document(7).to_dict()
    assert synthetic_text(7) != synthetic_text(8)
    assert synthetic_text(7, seed=1) != synthetic_text(7)
    assert synthetic_questions(50) == synthetic_questions(50)
    assert len(set(synthetic_questions(50))) > 40


def test_synthetic_documents_are_valid_clause_trees() -> None:
    docs = list(synthetic_documents(1000))
    clauses = [c for d in docs for c in d.clauses]
    assert len(clauses) >= 1000 and 80 <= len(clauses) / len(docs) <= 120
    ids = [c.id for c in clauses]
    assert len(ids) == len(set(ids))
    by_id = {c.id: c for c in clauses}
    for doc in docs:
        assert doc.meta.doc_type == "Kế hoạch" and doc.meta.number.endswith("/KH-UBND")
        assert doc.meta.date[:2] == "20" and doc.meta.signer_name and doc.meta.issuer
        assert [c.order for c in doc.clauses] == sorted(c.order for c in doc.clauses)
        for c in doc.clauses:
            assert c.id == f"{doc.id}:{c.locator}" and c.doc_id == doc.id and c.kind in CLAUSE_KINDS
            if c.parent_id is not None:
                parent = by_id[c.parent_id]
                assert c.id in parent.children and parent.doc_id == doc.id and c.breadcrumb
        kinds = {c.kind for c in doc.clauses}
        assert {"header", "heading", "item", "field", "signature"} <= kinds
        tasks = [c for c in doc.clauses if c.kind == "heading" and "lead_unit" in c.fields]
        assert len(tasks) >= 10
        assert all(t.fields.get("coordinating_units") and t.fields.get("deadline") for t in tasks)
        assert all(by_id[f].kind == "field" for t in tasks for f in t.children if "·" in by_id[f].locator)


def test_corpus_sizes_are_prefixes_of_one_corpus() -> None:
    docs, cuts = corpus([300, 1000])
    assert cuts[300] < cuts[1000] == len(docs)
    assert sum(len(d.clauses) for d in docs[: cuts[300]]) >= 300
    assert [d.to_dict() for d in corpus([300])[0]] == [d.to_dict() for d in docs[: cuts[300]]]


def test_the_hash_embedder_is_deterministic_and_normalised() -> None:
    texts = ["Đơn vị chủ trì: Sở Tài chính", "Thời gian thực hiện: Quý IV/2026", ""]
    a, b = HashEmbedder().embed_passages(texts), HashEmbedder().embed_passages(texts)
    assert a.shape == (3, 384) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    q = HashEmbedder().embed_query("Sở Tài chính chủ trì")
    assert float(a[0] @ q) > float(a[1] @ q)
    spec = get_embedder("hash-384")
    assert isinstance(spec, HashEmbedder) and spec.id == "hash-384" and spec.dim == 384
    assert get_embedder("hash-64").dim == 64
    assert get_embedder(HashEmbedder(64).spec).id == "hash-64"  # rebuilt the same in a Ray worker


def test_the_model_rate_is_measured_apart() -> None:
    rate = real_embedder_rate(["Đơn vị chủ trì: Sở Y tế"] * 8, embedder=HashEmbedder())
    assert rate["model"] == "hash-384" and rate["texts"] == 8 and rate["clauses_per_s"] > 0


def test_the_bench_command_takes_stores_and_sizes() -> None:
    args = build_parser().parse_args(["bench", "--store", "http://127.0.0.1:1", "--store", "http://h:2"])
    assert args.stores == ["http://127.0.0.1:1", "http://h:2"] and args.sizes is None
    plain = build_parser().parse_args(["bench", "--quick"])
    assert plain.stores is None and plain.sizes is None  # plain `policyqa bench` is tools.bench's
    assert parse_sizes("100_000, 10000") == [10_000, 100_000]
    with pytest.raises(PolicyQAError):
        parse_sizes("ten")
    with pytest.raises(PolicyQAError, match="Milvus URI"):
        run_bench(build_parser().parse_args(["bench", "--store", "var/index"]))
    # The bench writes under its own store name unless the URI names one.
    assert bench_location("http://127.0.0.1:19530/") == "http://127.0.0.1:19530?name=policyqa_scalebench"
    assert bench_location("http://h:1?name=mine") == "http://h:1?name=mine"


def test_a_tiny_run_fills_every_column(tmp_path: Path) -> None:
    results = run_scale([], [300], tmp_path, real_model=False)
    (row,) = results["rows"]
    assert row["store"] == "embedded" and row["clauses"] >= 300
    assert row["ingest"]["clauses_per_s"] > 0 and row["ingest"]["chars_per_s"] > 0
    assert 0 < row["search"]["p50_ms"] <= row["search"]["p95_ms"]
    assert 0 < row["ask"]["p50_ms"] <= row["ask"]["p95_ms"]
    assert row["replica"]["errors"] == 0 and row["replica"]["rss_mb"] > 50
    # Two worker processes: each is measured, and their PSS adds up to what the replica costs.
    two = row["replica2"]
    assert two["workers"] == 2 and two["errors"] == 0 and len(two["processes"]) >= 3
    assert two["worker_rss_mb"] > 50 and two["pss_total_mb"] > row["replica"]["pss_total_mb"] > 50
    table = (tmp_path / "scale_bench.md").read_text(encoding="utf-8").splitlines()
    line = next(t for t in table if t.startswith("| embedded |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert len(cells) == 8 and all(cells)
    assert "(load " in cells[2] and "(load " in cells[6]  # the machine's load beside each figure
    assert "×" in cells[7]
    assert json.loads((tmp_path / "scale_bench.json").read_text(encoding="utf-8"))["rows"][0]["size"] == 300
    assert "single-process" not in "\n".join(table)  # the Milvus note comes with Milvus rows only


@pytest.mark.slow
def test_a_tiny_run_on_milvus_lite_compares_both_stores(tmp_path: Path, milvus) -> None:  # noqa: ANN001
    """On the session's Milvus Lite server (tests/conftest.py), under the bench's own store name."""
    from pymilvus import MilvusClient

    results = run_scale([milvus.uri], [300], tmp_path / "out", real_model=False)
    embedded, on_milvus = results["rows"]
    assert (embedded["store"], on_milvus["store"]) == ("embedded", "milvus")
    assert on_milvus["clauses"] == embedded["clauses"] and on_milvus["ingest"]["clauses_per_s"] > 0
    assert on_milvus["search"]["p50_ms"] > 0 and on_milvus["ask"]["p50_ms"] > 0
    assert on_milvus["replica"]["errors"] == 0 and on_milvus["replica"]["rss_mb"] > 50
    assert on_milvus["ask"]["abstained"] < on_milvus["ask"]["questions"]  # it answers from the store
    table = (tmp_path / "out" / "scale_bench.md").read_text(encoding="utf-8")
    assert "single-process" in table and "https://milvus.io/docs/v2.2.x/benchmark.md" in table
    left = MilvusClient(uri=milvus.uri).list_collections()
    assert [c for c in left if c.startswith(f"{BENCH_STORE_NAME}_")] == []  # the bench's store was dropped
