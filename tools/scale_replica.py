"""An API replica for the scale bench (`policyqa serve` in its own process group: memory after
questions, with one worker process or several), and the bounded timing loop every latency pass
uses.

Memory is read per process: RSS (what top shows; pages of mapped index files count in every
process that touched them) and PSS (each shared page divided among the processes mapping it, so
the PSS of a replica's processes adds up to what the replica costs the machine). Workers sharing an
index through the page cache show as a two-worker replica's PSS well under twice one worker's."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tools.bench import _percentiles

FAST_EMBEDDER = "hash-384"
MIN_TIMED = 3  # questions timed per pass, whatever its budget


def timed(questions: list[str], ask: Any, budget_s: float) -> list[float]:
    """Milliseconds per question, in order, until all are done or ``budget_s`` is spent
    (at least ``MIN_TIMED``): a slow store gives fewer samples, not an endless run."""
    ms: list[float] = []
    started = time.perf_counter()
    for q in questions:
        if len(ms) >= MIN_TIMED and time.perf_counter() - started > budget_s:
            break
        t = time.perf_counter()
        ask(q)
        ms.append((time.perf_counter() - t) * 1000)
    return ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_status_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, and its Pss (proportional set size), in MB, from
    /proc/PID/status and /proc/PID/smaps_rollup."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.is_file():
        for line in rollup.read_text().splitlines():
            key, _, value = line.partition(":")
            if key == "Pss":
                out["Pss"] = round(int(value.split()[0]) / 1024, 1)
    return out


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (a replica's worker processes), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_memory_mb(pid: int) -> dict[str, Any]:
    """Per process of the replica (the server first): RSS and PSS; their PSS summed."""
    procs = []
    for p in process_tree(pid):
        try:
            procs.append({"pid": p} | proc_status_mb(p))
        except OSError:
            continue  # gone meanwhile
    return {"processes": procs, "pss_total_mb": round(sum(p.get("Pss", 0.0) for p in procs), 1)}


def serve_command(location: Any, port: int, workers: int = 1) -> tuple[list[str], dict[str, str]]:
    """`policyqa serve` on 127.0.0.1:port over this store, with the fast embedder and no caches."""
    env = dict(os.environ, POLICYQA_EMBEDDER=FAST_EMBEDDER, POLICYQA_RATE_LIMIT_PER_MINUTE="0")
    env |= {"POLICYQA_ANSWER_CACHE_SIZE": "0", "POLICYQA_QUERY_CACHE_SIZE": "0"}
    env["POLICYQA_REQUEST_TIMEOUT_S"] = "900"  # a slow store answers late rather than 504
    cmd = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    env["POLICYQA_STORE"] = str(location)  # for worker processes; --store is what serve reads
    return cmd + ["--store", str(location)], env


def measure_replica(
    location: Any,
    questions: list[str],
    log_path: Path,
    budget_s: float,
    *,
    workers: int = 1,
    timeout_s: float = 900.0,
) -> dict[str, Any]:
    """Start a replica, wait for /healthz, ask the questions (``timed``), read its memory, stop it.

    With several workers each question opens its own connection, so the workers share them."""
    import httpx

    from rag import config
    from tools.loadtest import wait_ready

    port = free_port()
    cmd, env = serve_command(location, port, workers)
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=config.PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(base, timeout_s=timeout_s)
        ready_s = time.perf_counter() - started
        ready = proc_status_mb(proc.pid)
        codes: list[int] = []
        limits = httpx.Limits(max_keepalive_connections=0 if workers > 1 else None)
        with httpx.Client(base_url=base, timeout=timeout_s, limits=limits) as client:
            ms = timed(
                questions,
                lambda q: codes.append(client.post("/api/ask", json={"question": q}).status_code),
                budget_s,
            )
        after = proc_status_mb(proc.pid)
        tree = tree_memory_mb(proc.pid)
    except Exception as exc:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"replica on {location} failed: {exc}\n{tail}") from exc
    finally:
        stop(proc)
    served = [p for p in tree["processes"] if p["pid"] != proc.pid] if workers > 1 else tree["processes"]
    return {
        "workers": workers,
        "worker_rss_mb": max((p.get("VmRSS", 0.0) for p in served), default=None),
        "pss_total_mb": tree["pss_total_mb"],
        "processes": tree["processes"],
        "ready_s": round(ready_s, 1),
        "rss_ready_mb": ready.get("VmRSS"),
        "rss_mb": after.get("VmRSS"),
        "peak_mb": after.get("VmHWM"),
        "questions": len(codes),
        "errors": sum(c != 200 for c in codes),
        "p50_ms": _percentiles(ms)["p50_ms"],
    }


def stop(proc: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    """SIGTERM the replica's own process group (started with a new session), then SIGKILL."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(grace_s)
