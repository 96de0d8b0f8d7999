"""The first question of a freshly started server: how long it takes once /healthz says ok.

A server set up lazily makes its first users pay (the unit registry, the English glossary, the
part-of-speech model, an access level's view of the index); issue 21 wants everything ready
before /healthz answers ok, and the first question within 300 ms. Each question kind below is
asked first of its own fresh server (each kind reaches different set-up), then once more.

    python -m tools.bench_first_question --index /tmp/pq/base2/provinces [--json out.json]

Prints one row per question kind: ready seconds, first and second answer ms (the same question
twice), other ms (another question of the kind, asked after them), the strategy, and the machine's
load beside them (timings on a shared machine are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

# Generic questions, one per kind of set-up they reach (not questions of any gold set), each with
# another of the same kind: asked after the first one twice, it pays what that kind of question
# costs without the first one's set-up and without its memoized work (the second ask of the same
# question reuses its tokens, its hits and its clauses' readings, so first - second overstates the
# set-up; first - other is what a set-up left lazy costs).
QUESTIONS = {
    "unit": ("Sở Tài chính có những nhiệm vụ gì?", "Sở Y tế có những nhiệm vụ gì?"),
    "deadline": (
        "Những nhiệm vụ nào phải hoàn thành trong quý IV/2025?",
        "Những nhiệm vụ nào phải hoàn thành trong quý II/2026?",
    ),
    "lineage": ("Văn bản nào thực hiện Nghị quyết 57-NQ/TW?", "Văn bản nào thực hiện Chỉ thị 05-CT/TW?"),
    "english": ("Who is responsible for task 3?", "Who is responsible for task 5?"),
    "signer": ("Kế hoạch này do ai ký?", "Quyết định này do ai ký?"),
    "passage": ("Kinh phí thực hiện lấy từ nguồn nào?", "Cơ quan nào chủ trì tổ chức thực hiện?"),
    "table": ("Chỉ tiêu đến năm 2025 là bao nhiêu?", "Chỉ tiêu đến năm 2030 là bao nhiêu?"),
    "yes/no": (
        "Kế hoạch này do Ủy ban nhân dân tỉnh ban hành, đúng hay sai?",
        "Quyết định này do Sở Tài chính ban hành, đúng hay sai?",
    ),
}
PROJECT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def _ask(client: httpx.Client, question: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.post("/api/ask", json={"question": question})
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000, str(response.json().get("strategy", ""))


def first_question(index: str, question: str, other: str = "", timeout_s: float = 600.0) -> dict[str, object]:
    """Start `policyqa serve`, wait for /healthz ok, ask ``question`` twice and then ``other``,
    stop the server."""
    port = _free_port()
    env = dict(os.environ, POLICYQA_ANSWER_CACHE_SIZE="0", POLICYQA_RATE_LIMIT_PER_MINUTE="0")
    cmd = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--index", index],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=timeout_s) as client:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError("the server stopped before it was ready")
                if time.perf_counter() - started > timeout_s:
                    raise TimeoutError("the server was not ready in time")
                try:
                    if client.get("/healthz").json().get("status") == "ok":
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            ready_s = time.perf_counter() - started
            load = _load()
            first_ms, strategy = _ask(client, question)
            second_ms, _ = _ask(client, question)
            other_ms = _ask(client, other)[0] if other else 0.0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "ready_s": round(ready_s, 1),
        "first_ms": round(first_ms, 1),
        "second_ms": round(second_ms, 1),
        "other_ms": round(other_ms, 1),
        "strategy": strategy,
        "load": load,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--kinds", default=",".join(QUESTIONS))
    args = parser.parse_args(argv)
    rows = {}
    print("| kind | ready s | first ms | second ms | other ms | strategy | machine |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for kind in args.kinds.split(","):
        row = rows[kind] = first_question(args.index, *QUESTIONS[kind])
        print(
            f"| {kind} | {row['ready_s']} | {row['first_ms']} | {row['second_ms']} | {row['other_ms']} |"
            f" {row['strategy']} | {row['load']} |",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
