"""Bounded loopback load benchmark of POST /api/ask.

    python -m tools.loadtest --clients 20 --requests 400 [--index DIR | --url http://127.0.0.1:8000]

Without --url it starts `uvicorn api.main:create_app` in a child process on a free loopback
port (rate limiter off), waits for /healthz, runs the load and stops the server. Questions
come from --questions FILE (JSON lines with a "question" field, or plain lines), else they
are written from the headings of the indexed documents, so no gold question is needed.
The run stops at --requests or --max-seconds, whichever comes first.

Two scenarios bound what officials see: `--no-cache`, every question is new (each one is
retrieved and answered: the worst case), and `--warm`, every question was asked before (the
steady state of a portal where many people ask the same things; answers from the cache).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from rag import config

QUESTION_TEMPLATES = ("{} do đơn vị nào thực hiện?", "Nội dung của {} là gì?", "Thời hạn thực hiện {}?")


@dataclass
class LoadResult:
    clients: int
    requests: int
    errors: int
    cached: int  # answers the server took from its answer cache
    distinct_questions: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def summarise(
    latencies_ms: list[float], errors: int, cached: int, clients: int, seconds: float, distinct: int
) -> LoadResult:
    if not latencies_ms:
        raise ValueError("no request completed")
    return LoadResult(
        clients=clients,
        requests=len(latencies_ms),
        errors=errors,
        cached=cached,
        distinct_questions=distinct,
        seconds=round(seconds, 2),
        requests_per_s=round(len(latencies_ms) / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(statistics.median(latencies_ms), 1),
        p95_ms=round(percentile(latencies_ms, 95), 1),
        p99_ms=round(percentile(latencies_ms, 99), 1),
        max_ms=round(max(latencies_ms), 1),
    )


def questions_from_index(client: httpx.Client, limit: int = 60) -> list[str]:
    """Questions a user could ask about the indexed documents, written from their heading titles."""
    titles: list[str] = []
    for doc in client.get("/api/documents").raise_for_status().json()["documents"]:
        stack = client.get(f"/api/documents/{doc['id']}").raise_for_status().json()["clauses"]
        while stack:
            node = stack.pop(0)
            stack.extend(node["children"])
            title = " ".join((node["title"] or "").split())
            if node["kind"] == "heading" and 3 <= len(title.split()) <= 16:
                titles.append(title[0].lower() + title[1:])
    questions = [QUESTION_TEMPLATES[i % len(QUESTION_TEMPLATES)].format(t) for i, t in enumerate(titles)]
    return questions[:limit] or ["Kế hoạch này do cơ quan nào ban hành?"]


def questions_from_file(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        out.append(json.loads(line)["question"] if line.startswith("{") else line)
    return out


def run_load(
    base_url: str, questions: list[str], *, clients: int, requests: int, max_seconds: float
) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    cached = 0
    issued = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        nonlocal errors, cached, issued
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            while True:
                with lock:
                    if issued >= requests or time.perf_counter() > deadline:
                        return
                    question = questions[issued % len(questions)]
                    issued += 1
                started = time.perf_counter()
                try:
                    response = client.post("/api/ask", json={"question": question})
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1
                    cached += 1 if ok and response.json().get("cached") else 0

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return summarise(latencies, errors, cached, clients, time.perf_counter() - started, len(set(questions)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    index: Path, port: int, *, answer_cache: bool = True, workers: int = 1
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, POLICYQA_INDEX=str(index), POLICYQA_RATE_LIMIT_PER_MINUTE="0")
    if not answer_cache:
        env["POLICYQA_ANSWER_CACHE_SIZE"] = "0"
        env["POLICYQA_QUERY_CACHE_SIZE"] = "0"  # a repeated question is embedded again too
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    return subprocess.Popen(cmd, env=env, cwd=config.PROJECT_ROOT)


def wait_ready(base_url: str, timeout_s: float = 180.0) -> None:
    """Poll /healthz until the server says ok. The bound is generous: a server with two worker
    processes takes over a minute to load its models on a loaded 2-core machine."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(base_url + "/healthz", timeout=2).json().get("status") == "ok":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server at {base_url} not ready with an index after {timeout_s:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop after this long (default 60)")
    parser.add_argument("--url", default=None, help="target a running server instead of starting one")
    parser.add_argument("--index", default=None, metavar="DIR", help="index for the started server")
    parser.add_argument("--questions", type=Path, default=None, help="questions file (.jsonl or lines)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="start the server with its answer and question-vector caches off: every ask is new",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes to start (default 1)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (model load)")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="ask every distinct question once, untimed, first: the steady state of a portal whose "
        "officials ask questions already answered (answers come from the cache)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.max_seconds <= 0 or args.workers < 1:
        parser.error("--clients, --requests, --max-seconds and --workers must be positive")
    if args.warm and args.no_cache:
        parser.error("--warm fills the answer cache; it cannot be combined with --no-cache")

    server = None
    base_url = args.url
    if base_url is None:
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(
            config.index_dir(args.index), port, answer_cache=not args.no_cache, workers=args.workers
        )
    try:
        wait_ready(base_url)
        with httpx.Client(base_url=base_url, timeout=30) as client:
            questions = (
                questions_from_file(args.questions) if args.questions else questions_from_index(client)
            )
        # A new connection per untimed ask, so that every worker process gets some (each loads
        # its models on its first question and keeps its own answer cache).
        rounds = 2 * args.workers if args.workers > 1 else 1
        for q in questions if args.warm else questions[: args.warmup]:
            for _ in range(rounds):
                httpx.post(base_url + "/api/ask", json={"question": q}, timeout=60)
        result = run_load(
            base_url, questions, clients=args.clients, requests=args.requests, max_seconds=args.max_seconds
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    if args.json:
        print(json.dumps(asdict(result)))
    else:
        print(
            f"{result.requests} requests ({result.errors} errors, {result.cached} from the answer cache) "
            f"from {result.clients} clients over "
            f"{result.distinct_questions} distinct questions in {result.seconds} s: "
            f"{result.requests_per_s} req/s, p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, "
            f"p99 {result.p99_ms} ms, max {result.max_ms} ms"
        )
    return 0 if result.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
