"""`policyqa bench`: ingest end to end, embedding per runtime (tools/bench_embed.py), query latency
per mode, FAISS flat vs HNSW at scale.

Also ``retrieval_quality(store, qa_path)``: hit@5 and MRR per retrieval mode on a gold file,
with the evaluation contract's notion of a correct citation.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.text import fold

# Generic questions a user of the seed corpus might ask; deliberately not the gold questions.
BENCH_QUERIES = [
    "Mục đích của kế hoạch là gì?",
    "Yêu cầu đặt ra đối với các cơ quan, đơn vị",
    "Kinh phí thực hiện lấy từ nguồn nào?",
    "Ai ký văn bản này?",
    "Văn bản được gửi tới những cơ quan nào?",
    "Thời hạn gửi báo cáo",
    "Các nhiệm vụ trọng tâm năm 2025",
    "Trách nhiệm của Sở Tài chính",
    "Ủy ban nhân dân các xã, phường có nhiệm vụ gì?",
    "Tổ chức thực hiện kế hoạch",
    "Chuyển đổi số trong cơ quan nhà nước",
    "Đổi mới sáng tạo và khởi nghiệp",
    "Phát triển hạ tầng số, mạng 5G",
    "Truyền thông trên báo chí, phát thanh, truyền hình",
    "Kết quả đạt được trong 6 tháng đầu năm",
    "Khó khăn, vướng mắc và kiến nghị",
    "Dịch vụ công trực tuyến toàn trình",
    "Ứng dụng trí tuệ nhân tạo",
    "Nghị quyết 57-NQ/TW của Bộ Chính trị",
    "Quyết định 1169/QĐ-TTg",
    "ke hoach trien khai chuyen doi so",
    "bao cao tinh hinh thuc hien",
    "don vi chu tri phoi hop",
    "nhiem vu 3 do ai thuc hien",
    "Who is responsible for communication tasks?",
    "What is the deadline for the report?",
    "Chỉ tiêu đến năm 2030",
    "Doanh nghiệp nhỏ và vừa, hộ kinh doanh",
    "Đào tạo, bồi dưỡng nguồn nhân lực",
    "An toàn thông tin mạng",
]


# --- retrieval quality (the evaluation contract's citation test) -------------------------------
def _squash(text: str) -> str:
    return "".join(fold(text).split())


def is_correct_citation(source: str, text: str, gold_sources: list[str], evidence: list[str]) -> bool:
    """Pure: a clause is a correct citation when it comes from a gold source and contains a snippet."""
    if source not in gold_sources:
        return False
    body = _squash(text)
    return any(_squash(e) and _squash(e) in body for e in evidence)


@dataclass
class ModeQuality:
    mode: str
    n: int
    hit_at_5: float
    mrr: float  # reciprocal rank of the first correct clause within the top 10
    misses: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "hit@5": round(self.hit_at_5, 4),
            "mrr": round(self.mrr, 4),
            "misses": self.misses,
        }


def retrieval_quality(
    store: Any,
    qa_path: Path,
    *,
    embedder: Any = None,
    modes: tuple[str, ...] = ("hybrid", "dense", "bm25"),
    depth: int = 10,
) -> dict[str, ModeQuality]:
    """hit@5 and MRR@depth per mode over the answerable items of a gold .jsonl file."""
    from index.hybrid import HybridRetriever

    items = [
        json.loads(line) for line in Path(qa_path).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    items = [it for it in items if not it.get("abstain")]
    retriever = HybridRetriever(store, embedder, read=_question_reader())
    out: dict[str, ModeQuality] = {}
    for mode in modes:
        hits5 = 0
        rr = 0.0
        misses: list[str] = []
        for it in items:
            hits = retriever.run(it["question"], k=depth, mode=mode)
            rank = next(
                (
                    h.rank
                    for h in hits
                    if is_correct_citation(h.clause.source, h.clause.text, it["sources"], it["evidence"])
                ),
                None,
            )
            if rank is not None and rank <= 5:
                hits5 += 1
            else:
                misses.append(it["id"])
            rr += 1.0 / rank if rank else 0.0
        n = len(items) or 1
        out[mode] = ModeQuality(mode, len(items), hits5 / n, rr / n, misses)
    return out


# --- measurements ------------------------------------------------------------------------------
def _percentiles(ms: list[float]) -> dict[str, float]:
    arr = np.array(ms)
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 3),
        "p95_ms": round(float(np.percentile(arr, 95)), 3),
        "mean_ms": round(float(arr.mean()), 3),
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def bench_queries(store: Any, embedder: Any, queries: list[str], repeats: int = 1) -> dict[str, Any]:
    from index.hybrid import HybridRetriever

    retriever = HybridRetriever(store, embedder, read=_question_reader())
    retriever.run("khởi động", k=5)  # load models and the segmenter outside the timings
    out: dict[str, Any] = {}
    for mode in ("hybrid", "dense", "bm25"):
        ms: list[float] = []
        for _ in range(repeats):
            # A cold query-embedding cache each round: every query pays for its embedding.
            embedder._query_cache._mem.clear()
            for q in queries:
                t = time.perf_counter()
                retriever.run(q, k=5, mode=mode)
                ms.append((time.perf_counter() - t) * 1000)
        out[mode] = _percentiles(ms) | {"queries": len(ms)}
    return out


def synthetic_vectors(n: int, dim: int = 384, *, clusters: int | None = None, seed: int = 0) -> np.ndarray:
    """Unit vectors around random topic centres (~200 per topic, noise as large as the centre):
    closer to real embeddings than isotropic noise, and not trivially separable."""
    rng = np.random.default_rng(seed)
    clusters = clusters or max(500, n // 200)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        noise = rng.standard_normal((m, dim)).astype(np.float32) * (1.2 / np.sqrt(dim))
        block = centres[rng.integers(0, clusters, m)] + noise
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


def bench_dense_scale(
    n: int, *, queries: int = 200, ef_values: tuple[int, ...] = (16, 32, 64, 128, 256)
) -> dict:
    import faiss

    from index.dense import HNSW_EF_CONSTRUCTION, HNSW_M

    dim = 384
    data = synthetic_vectors(n + queries, dim, seed=n)
    base, qs = np.ascontiguousarray(data[:n]), np.ascontiguousarray(data[n:])
    del data
    result: dict[str, Any] = {"n": n, "dim": dim, "queries": queries}

    rss0 = _rss_mb()
    flat = faiss.IndexFlatIP(dim)
    flat.add(base)
    truth = flat.search(qs, 10)[1]
    ms = []
    for q in qs[:100]:
        t = time.perf_counter()
        flat.search(q.reshape(1, -1), 10)
        ms.append((time.perf_counter() - t) * 1000)
    result["flat"] = _percentiles(ms) | {
        "index_mb": round(n * dim * 4 / 2**20, 1),
        "rss_delta_mb": round(_rss_mb() - rss0, 1),
    }
    del flat

    rss0 = _rss_mb()
    hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    t = time.perf_counter()
    hnsw.add(base)
    build_s = time.perf_counter() - t
    sweep = []
    for ef in ef_values:
        hnsw.hnsw.efSearch = ef
        found = hnsw.search(qs, 10)[1]
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=True)]))
        ms = []
        for q in qs:
            t = time.perf_counter()
            hnsw.search(q.reshape(1, -1), 10)
            ms.append((time.perf_counter() - t) * 1000)
        sweep.append({"ef_search": ef, "recall@10": round(recall, 4)} | _percentiles(ms))
    chosen = next((s for s in sweep if s["recall@10"] >= 0.95), sweep[-1])
    links_mb = n * HNSW_M * 2 * 4 / 2**20  # level-0 neighbour lists dominate the graph
    result["hnsw"] = {
        "M": HNSW_M,
        "ef_construction": HNSW_EF_CONSTRUCTION,
        "build_s": round(build_s, 1),
        "index_mb": round(n * dim * 4 / 2**20 + links_mb, 1),
        "rss_delta_mb": round(_rss_mb() - rss0, 1),
        "sweep": sweep,
        "chosen": chosen,
    }
    return result


def run_bench(args: argparse.Namespace) -> int:
    """Runs every measurement, prints a summary, writes bench.json to --out when given."""
    from index.embedders import embedding_text, get_embedder
    from index.store import IndexStore, document_label, indexable
    from rag import config
    from tools.bench_embed import bench_embedding, bench_ingest, print_embedding, print_ingest
    from tools.pdf_bench import print_pdf_bench, run_pdf_bench

    quick = bool(getattr(args, "quick", False))
    corpus = Path(getattr(args, "corpus", None) or config.DEFAULT_CORPUS_DIR)
    results: dict[str, Any] = {
        "machine": {"cpus": _cpu_count(), "python": platform.python_version(), "quick": quick},
        "corpus": str(corpus),
    }
    if getattr(args, "pdf", False):  # PDF reading only: digital pages/s, OCR pages/s serial and parallel
        print("PDF reading (digital, scanned; OCR cache off) ...", flush=True)
        results["pdf"] = run_pdf_bench()
        print_pdf_bench(results["pdf"])
        _write(results, getattr(args, "out", None))
        return 0
    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-"))
    try:
        print(f"ingest of {corpus} end to end (cold cache) ...", flush=True)
        results["ingest"] = bench_ingest(corpus, work / "index")
        print_ingest(results["ingest"])
        embedder = get_embedder(None)
        store = IndexStore.open(work / "index", embedder=embedder)
        texts = [
            embedding_text(c, document_label(d)) for d in store.documents() for c in d.clauses if indexable(c)
        ]
        size = int(getattr(args, "embed_sample", None) or (50 if quick else 200))
        sample = texts[:: max(1, len(texts) // size)][:size]  # spread over the corpus, same for every runtime
        print(f"embedding {len(sample)} of its passages and {len(BENCH_QUERIES)} questions per runtime ...")
        results["embedding"] = bench_embedding(sample, BENCH_QUERIES)
        print_embedding(results["embedding"])
        print("query latency ...", flush=True)
        results["queries"] = bench_queries(store, embedder, BENCH_QUERIES, repeats=1 if quick else 3)
        for mode, r in results["queries"].items():
            print(f"  {mode:7s} p50 {r['p50_ms']:7.2f} ms   p95 {r['p95_ms']:7.2f} ms")
        gold = config.PROJECT_ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"
        if gold.is_file() and corpus == config.DEFAULT_CORPUS_DIR:
            quality = retrieval_quality(store, gold, embedder=embedder)
            results["retrieval_quality"] = {m: q.to_dict() for m, q in quality.items()}
            for m, q in quality.items():
                print(f"  {m:7s} hit@5 {q.hit_at_5:.3f}   mrr {q.mrr:.3f}   (n={q.n})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["dense_scale"] = []
    for n in (100_000,) if quick else (100_000, 1_000_000):
        print(f"dense search at {n:,} vectors ...", flush=True)
        r = bench_dense_scale(n)
        results["dense_scale"].append(r)
        c = r["hnsw"]["chosen"]
        print(
            f"  flat p50 {r['flat']['p50_ms']:.2f} ms | hnsw ef={c['ef_search']} p50 {c['p50_ms']:.2f} ms "
            f"p95 {c['p95_ms']:.2f} ms recall@10 {c['recall@10']:.3f} | build {r['hnsw']['build_s']} s "
            f"| ~{r['hnsw']['index_mb']} MB"
        )
    if not quick:
        print("PDF reading (digital, scanned; OCR cache off) ...", flush=True)
        results["pdf"] = run_pdf_bench()
        print_pdf_bench(results["pdf"])
    _write(results, getattr(args, "out", None))
    return 0


def _write(results: dict[str, Any], out_dir: str | None) -> None:
    if out_dir:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"wrote {out / 'bench.json'}")


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _question_reader():  # noqa: ANN202 (Callable[[str], rag.questions.SearchQuery])
    """How the product reads a question for retrieval (a benchmark drives the whole pipeline)."""
    from rag.reading import search_query

    return search_query
