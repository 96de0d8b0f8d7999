"""The scale bench's report: the Markdown table, and what it leans on for Milvus beyond Milvus Lite."""

from __future__ import annotations

from typing import Any

EMBEDDED = "embedded"  # the reference store's label
QUESTIONS = 50  # questions per latency measurement and per replica

MILVUS_NOTE = """\
**Milvus Lite is a single-process engine.** `milvus-lite server` runs the whole database (storage,
index, search) in one process on this machine: it is not a cluster and does not shard, replicate or
scale out, and its rows above say nothing about Milvus Standalone or Distributed. Milvus's own
documentation presents Milvus Lite for "a quick demo of less than a million vectors" and recommends
Milvus on Docker or Kubernetes for production (Run Milvus Lite Locally,
https://milvus.io/docs/milvus_lite.md).

For larger scales we rely on the figures Milvus publishes for its cluster (Milvus 2.2 Benchmark Test
Report, https://milvus.io/docs/v2.2.x/benchmark.md; Milvus 2.2.0 on Kubernetes via Helm, Intel Xeon
Gold 6226R; 1 million SIFT vectors of 128 dimensions, HNSW with M=8 and efConstruction=200; search
with nq=1, topk=1, ef=64 from the Go SDK, 300 to 1,200 concurrent requests where the report says):

| deployment | QPS | RT TP50 ms | RT TP99 ms |
| --- | ---: | ---: | ---: |
| standalone, 12 CPU cores | 7,522 | 79 | 127 |
| cluster, 1 query node of 12 cores | 10,248 | 24 | 63 |
| cluster, 1 query node of 8 cores | 7,153 | 83 | 127 |
| cluster, 2 query-node replicas of 8 cores | 15,903 | 27 | 105 |
| cluster, 4 query-node replicas of 8 cores | 19,281 | 40 | 109 |
| cluster, 8 query-node replicas of 8 cores | 30,655 | 38 | 93 |
| cluster, 1 query node of 32 cores | 20,281 | 28 | 63 |

The same page reports, for Milvus 2.2.3, "billion-scale similarity search with little performance
degradation" and "linear scalability when using multiple replicas". Those latencies are under
hundreds of concurrent requests on 128-dimensional vectors and pure vector search; the rows above are
one client, 384 dimensions, and whole search and ask requests (BM25, fusion, answering) on 2 cores
shared with other work, so compare their growth from 10k to 100k clauses, not their values.
"""


# --- the report --------------------------------------------------------------------------------
def _ms(r: dict[str, Any]) -> str:
    return f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f}"


def _with_load(figure: str, r: dict[str, Any], phase: str) -> str:
    """A figure with the machine's 1-minute load when it was taken (rows of older runs have none)."""
    load = r.get("load", {}).get(phase)
    return figure if load is None else f"{figure} (load {load:.1f})"


def _two_workers(r: dict[str, Any]) -> str:
    """The two-worker replica's PSS (every process summed) and its ratio to the one-worker one's."""
    two, one = r.get("replica2"), r["replica"]
    if not two or not two.get("pss_total_mb") or not one.get("pss_total_mb"):
        return "–"
    ratio = two["pss_total_mb"] / one["pss_total_mb"]
    return _with_load(f"{two['pss_total_mb']:,.0f} ({ratio:.2f}×)", r, "replica2")


def render_markdown(results: dict[str, Any]) -> str:
    head = (
        "| store | clauses | ingest clauses/s | chars/s | search p50 / p95 ms | ask p50 / p95 ms "
        "| replica RSS MB | 2 workers: PSS MB (× 1 worker) |"
    )
    lines = ["# Store scale benchmark", "", head, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results["rows"]:
        ing, rep = r["ingest"], r["replica"]
        rate, rss = f"{ing['clauses_per_s']:,.0f}", f"{rep['rss_mb']:,.0f}"
        lines.append(
            f"| {r['store']} | {r['clauses']:,} | {_with_load(rate, r, 'ingest')} "
            f"| {ing['chars_per_s']:,.0f} | {_with_load(_ms(r['search']), r, 'search')} "
            f"| {_with_load(_ms(r['ask']), r, 'ask')} | {_with_load(rss, r, 'replica')} "
            f"| {_two_workers(r)} |"
        )
    lines += ["", "Details per row:", ""]
    lines += [
        "| store | clauses | ingest s (clauses added) | reader open s | first ask ms | abstained "
        "| timed search / ask / replica | replica ready s | replica RSS ready / after / peak MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results["rows"]:
        ing, rep, ask = r["ingest"], r["replica"], r["ask"]
        lines.append(
            f"| {r['store']} | {r['clauses']:,} | {ing['seconds']} ({ing['clauses']:,}) "
            f"| {r['search']['open_s']} | {ask['first_ask_ms']:,.0f} | {ask['abstained']}/{ask['questions']} "
            f"| {r['search']['queries']} / {ask['questions']} / {rep['questions']} "
            f"| {rep['ready_s']} | {rep['rss_ready_mb']:,.0f} / {rep['rss_mb']:,.0f} / {rep['peak_mb']:,.0f} |"
        )
    m, c = results["machine"], results["corpus"]
    where = {r["store"]: r["location"] for r in results["rows"]}
    lines += [
        "",
        "Stores: "
        + "; ".join(
            f"{k} = a temporary folder" if k == EMBEDDED else f"{k} = `{v}`" for k, v in where.items()
        )
        + ".",
        "",
        f"Synthetic corpus: {c['documents']:,} plans, {c['clauses']:,} clauses, generated and parsed in "
        f"{c['generate_and_parse_s']} s. Each size grows the same store: ingest figures are over the "
        f"clauses that step added, in commits of {results['batch_documents']} documents. Both stores "
        f"embed with `{results['embedder']}` (hashed words, no model); latencies are one client over "
        f"up to {QUESTIONS} questions (a pass ends after {results['pass_budget_s']:.0f} s and at least 3); "
        f"replica RSS is `policyqa serve` (one worker, answer cache off) after as many /api/ask requests. "
        "(load N): the machine's 1-minute load average right after that figure was taken. "
        f"Machine: {m['cpus']} cores, Python {m['python']}, load "
        f"{m['load'][0]:.2f} at the start and {m['load_end'][0]:.2f} at the end (shared).",
    ]
    if real := results.get("real_embedder"):
        per_100k = 100_000 / real["clauses_per_s"]
        lines += [
            "",
            f"With the real model (`{real['model']}`, {real['clauses_per_s']:.1f} clauses/s on "
            f"{real['texts']} clause texts here), embedding alone would cap ingest at that rate: "
            f"{per_100k / 60:,.0f} minutes for 100,000 clauses on this machine, whichever store.",
        ]
    if any(r["store"] != EMBEDDED for r in results["rows"]):
        lines += ["", MILVUS_NOTE]
    return "\n".join(lines) + "\n"
