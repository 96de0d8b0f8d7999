"""`policyqa bench --store URI --sizes 10000,100000`: the embedded index and Milvus side by side.

For each store (the embedded index in a temporary folder, always, as the reference; then every
``--store URI``) the same synthetic corpus (``tools.synthetic``) grows to each size in turn:
ingest through ``open_writer`` in batches of 100 documents with a commit per batch (clauses/s and
clause-text chars/s over the clauses that step added), then search and ask latency (p50/p95 over
50 questions in the corpus's words, one client), then the resident memory of an API replica
(``policyqa serve`` in a subprocess, after 50 questions: RSS, and PSS summed over its processes),
then the same with two worker processes (``--workers 2``). Both stores embed with ``HashEmbedder``
so that the model's cost stays out of the store comparison; the real model's throughput is
measured on its own and the table says what ingest would cost with it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.bench import _cpu_count, _percentiles
from tools.scale_replica import FAST_EMBEDDER, measure_replica, timed
from tools.scale_report import EMBEDDED, QUESTIONS, render_markdown
from tools.synthetic import synthetic_document, synthetic_questions

BATCH_DOCS = 100
REAL_SAMPLE = 256  # clause texts embedded with the real model to measure its throughput
PASS_BUDGET_S = 120.0  # seconds per latency pass (search, ask, replica asks), MIN_TIMED at least
TWO_WORKERS = 2  # a replica with this many worker processes: how much they share
BENCH_STORE_NAME = "policyqa_scalebench"  # the Milvus store name (collection prefix) the bench uses


# --- one store, one size -----------------------------------------------------------------------
def cold_tokens() -> None:
    """The word segmenter loaded, its per-text cache empty: no store gains from another's work."""
    from index.lexical import tokenize

    tokenize("khởi động bộ tách từ")
    tokenize.cache_clear()


def ingest(location: Any, embedder: Any, docs: list[Any], batch: int = BATCH_DOCS) -> dict[str, Any]:
    """Upsert ``docs`` through the store's writer, one commit per ``batch`` documents."""
    from index.stores import open_writer

    cold_tokens()
    clauses = sum(len(d.clauses) for d in docs)
    chars = sum(len(c.text) for d in docs for c in d.clauses)
    started = time.perf_counter()
    with open_writer(location, embedder) as writer:
        for start in range(0, len(docs), batch):
            writer.upsert(docs[start : start + batch])
            writer.commit()
    seconds = time.perf_counter() - started
    return {
        "documents": len(docs),
        "clauses": clauses,
        "chars": chars,
        "seconds": round(seconds, 2),
        "clauses_per_s": round(clauses / seconds, 1),
        "chars_per_s": round(chars / seconds),
    }


def time_search(location: Any, embedder: Any, questions: list[str], budget_s: float) -> dict[str, Any]:
    from index.hybrid import HybridRetriever
    from index.stores import open_reader

    started = time.perf_counter()
    store = open_reader(location, embedder)
    open_s = time.perf_counter() - started
    retriever = HybridRetriever(store, embedder, read=_question_reader())
    retriever.run("khởi động", k=5)  # lazy structures outside the timings
    cold_tokens()
    ms = timed(questions, lambda q: retriever.run(q, k=5), budget_s)
    return _percentiles(ms) | {"queries": len(ms), "open_s": round(open_s, 2)}


def time_ask(location: Any, embedder: Any, questions: list[str], budget_s: float) -> dict[str, Any]:
    from rag.pipeline import Assistant

    started = time.perf_counter()
    assistant = Assistant.open(location, embedder=embedder)
    open_s = time.perf_counter() - started
    t = time.perf_counter()
    assistant.ask("Kế hoạch có những nhiệm vụ nào?")  # corpus statistics are built on first use
    first_ms = (time.perf_counter() - t) * 1000
    cold_tokens()
    answers: list[Any] = []
    ms = timed(questions, lambda q: answers.append(assistant.ask(q)), budget_s)
    abstained = sum(a.abstained for a in answers)
    return _percentiles(ms) | {
        "questions": len(ms),
        "abstained": abstained,
        "open_s": round(open_s, 2),
        "first_ask_ms": round(first_ms, 1),
    }


# --- the real model ----------------------------------------------------------------------------
def real_embedder_rate(texts: list[str], embedder: Any = None) -> dict[str, Any]:
    """The default model's passage throughput on ``texts`` (model load and first call excluded)."""
    from index.embedders import E5Embedder

    embedder = embedder or E5Embedder()  # a fresh one: nothing cached
    embedder.embed_passages(["khởi động mô hình"])
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    return {
        "model": embedder.id,
        "texts": len(texts),
        "seconds": round(seconds, 2),
        "clauses_per_s": round(len(texts) / seconds, 1),
    }


# --- the run -----------------------------------------------------------------------------------
def corpus(sizes: Sequence[int], seed: int = 0) -> tuple[list[Any], dict[int, int]]:
    """Documents for the largest size, and how many of them (a prefix) make each size."""
    docs: list[Any] = []
    cuts: dict[int, int] = {}
    total = 0
    for size in sorted(sizes):
        while total < size:
            doc = synthetic_document(len(docs), seed)
            docs.append(doc)
            total += len(doc.clauses)
        cuts[size] = len(docs)
    return docs, cuts


@dataclass(frozen=True)
class Plan:
    """What every store is run through: the corpus, its cuts per size, the questions, the budget."""

    docs: list[Any]
    cuts: dict[int, int]  # size -> how many of ``docs`` (a prefix) make it
    questions: list[str]
    logs: Path  # replica logs
    budget_s: float = PASS_BUDGET_S


def bench_store(label: str, location: Any, plan: Plan) -> list[dict[str, Any]]:
    """One store grown through every size: a row per size. A Milvus store is left as found."""
    from index.embedders import HashEmbedder
    from index.stores import is_remote, known_documents
    from rag.errors import PolicyQAError

    if known := known_documents(location):
        raise PolicyQAError(
            f"{location} already holds {len(known)} documents: the bench needs an empty store"
        )
    created = is_remote(location) and not milvus_exists(location)
    embedder = HashEmbedder()  # one per store: no vector cached for one store serves the other
    try:
        return _grow(label, location, embedder, plan)
    finally:
        if created:
            drop_milvus(location)
        elif is_remote(location):
            clear_store(location, [d.source for d in plan.docs])


def bench_location(uri: str) -> str:
    """A Milvus URI with the bench's own store name (``?name=``) unless it names one."""
    from urllib.parse import parse_qs, urlsplit

    from index.stores import location_of

    location = str(location_of(uri))
    if "name" in parse_qs(urlsplit(location).query):
        return location
    return location + ("&" if "?" in location else "?") + f"name={BENCH_STORE_NAME}"


def milvus_exists(location: str) -> bool:
    from index.milvus import StoreAddress, read_state

    return read_state(StoreAddress.parse(location)) is not None


def drop_milvus(location: str) -> None:
    """Drop the collections the bench created (its own store name: nobody else's data)."""
    from index.milvus_base import COLLECTIONS, StoreAddress, client

    address = StoreAddress.parse(location)
    c = client(address)
    for kind in COLLECTIONS:
        if c.has_collection(address.collection(kind)):
            c.drop_collection(address.collection(kind))


def _grow(label: str, location: Any, embedder: Any, plan: Plan) -> list[dict[str, Any]]:
    docs, cuts, questions, budget = plan.docs, plan.cuts, plan.questions, plan.budget_s
    rows, done = [], 0
    for size in sorted(cuts):
        print(f"[{label}] ingest to {size:,} clauses ...", flush=True)
        row: dict[str, Any] = {"store": label, "location": str(location), "size": size}
        row["ingest"] = ingest(location, embedder, docs[done : cuts[size]])
        row["load"] = {"ingest": load_now()}
        done = cuts[size]
        row["clauses"] = sum(len(d.clauses) for d in docs[:done])
        row["documents"] = done
        print(f"  {row['ingest']}\n[{label}] search and ask ...", flush=True)
        row["search"] = time_search(location, embedder, questions, budget)
        row["load"]["search"] = load_now()
        row["ask"] = time_ask(location, embedder, questions, budget)
        row["load"]["ask"] = load_now()
        gc.collect()
        print(f"  search {row['search']}\n  ask {row['ask']}\n[{label}] replica ...", flush=True)
        slug = "".join(ch if ch.isalnum() else "-" for ch in label)
        log = plan.logs / f"serve-{slug}-{size}.log"
        row["replica"] = measure_replica(location, questions, log, budget)
        row["load"]["replica"] = load_now()
        print(f"  {row['replica']}\n[{label}] replica with {TWO_WORKERS} workers ...", flush=True)
        log = plan.logs / f"serve-{slug}-{size}-w{TWO_WORKERS}.log"
        row["replica2"] = measure_replica(location, questions, log, budget, workers=TWO_WORKERS)
        row["load"]["replica2"] = load_now()
        print(f"  {row['replica2']}", flush=True)
        rows.append(row)
    return rows


def load_now() -> float:
    """The machine's 1-minute load average as a figure is taken (this machine is shared: a figure
    measured under a load of 6 on 2 cores is not one measured idle)."""
    return round(os.getloadavg()[0], 2)


def clear_store(location: Any, sources: list[str]) -> None:
    """Remove the synthetic documents from a store."""
    from index.embedders import HashEmbedder
    from index.stores import open_writer

    with open_writer(location, HashEmbedder()) as writer:
        writer.remove(sources)
        writer.commit()


def run_scale(
    stores: Sequence[str],
    sizes: Sequence[int],
    out: Path | None,
    *,
    seed: int = 0,
    real_model: bool = True,
    budget_s: float = PASS_BUDGET_S,
) -> dict[str, Any]:
    from index.embedders import embedding_text

    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": {"cpus": _cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "embedder": FAST_EMBEDDER,
        "batch_documents": BATCH_DOCS,
        "pass_budget_s": budget_s,
    }
    print(f"synthetic corpus for {max(sizes):,} clauses ...", flush=True)
    t = time.perf_counter()
    docs, cuts = corpus(sizes, seed)
    gen_s = time.perf_counter() - t
    n = sum(len(d.clauses) for d in docs)
    results["corpus"] = {"documents": len(docs), "clauses": n, "generate_and_parse_s": round(gen_s, 1)}
    questions = synthetic_questions(QUESTIONS, seed)
    if real_model:
        sample = [embedding_text(c, d.meta.label()) for d in docs[:5] for c in d.clauses][:REAL_SAMPLE]
        print(f"real model on {len(sample)} clauses ...", flush=True)
        results["real_embedder"] = real_embedder_rate(sample)
    work = Path(tempfile.mkdtemp(prefix="policyqa-scale-"))
    logs = out or work
    logs.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    try:
        plan = Plan(docs, cuts, questions, logs, budget_s)
        rows += bench_store(EMBEDDED, work / "embedded", plan)
        for n, uri in enumerate(stores, 1):
            location = bench_location(uri)
            label = "milvus" if len(stores) == 1 else f"milvus-{n}"
            rows += bench_store(label, location, plan)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["rows"] = rows
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_end"] = os.getloadavg()
    markdown = render_markdown(results)
    print(markdown)
    if out is not None:
        (out / "scale_bench.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
        (out / "scale_bench.md").write_text(markdown, encoding="utf-8")
        print(f"wrote {out / 'scale_bench.json'} and {out / 'scale_bench.md'}")
    return results


def parse_sizes(text: str) -> list[int]:
    from rag.errors import PolicyQAError

    try:
        sizes = sorted({int(s.strip().replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        sizes = []
    if not sizes or sizes[0] < 1:
        raise PolicyQAError(f"--sizes wants positive clause counts, e.g. 10000,100000; not {text!r}")
    return sizes


def run_bench(args: argparse.Namespace) -> int:
    """`policyqa bench`: with ``--store`` or ``--sizes`` the scale bench, else ``tools.bench``."""
    stores, sizes = getattr(args, "stores", None), getattr(args, "sizes", None)
    if not stores and not sizes:
        from tools.bench import run_bench as run_plain

        return run_plain(args)
    from index.stores import is_remote

    if bad := [s for s in stores or [] if not is_remote(s)]:
        from rag.errors import PolicyQAError

        raise PolicyQAError(f"--store wants a Milvus URI (http://host:port), not {bad[0]!r}")
    out = Path(args.out) if getattr(args, "out", None) else None
    budget = float(getattr(args, "max_seconds", None) or PASS_BUDGET_S)
    run_scale(stores or [], parse_sizes(sizes or "10000,100000"), out, budget_s=budget)
    return 0


def _question_reader():  # noqa: ANN202 (Callable[[str], rag.questions.SearchQuery])
    """How the product reads a question for retrieval (a benchmark drives the whole pipeline)."""
    from rag.reading import search_query

    return search_query
