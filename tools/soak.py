"""Bounded loopback soak: concurrent askers while documents are uploaded and deleted.

    python -m tools.soak --minutes 5 --clients 20 [--documents 40] [--index DIR] [--out soak.json]

Starts the API in a child process on 127.0.0.1 over a temporary copy of an index of corpus/
(``--index``, else POLICYQA_INDEX / var/index, else one is built from corpus/), with a random
admin key and the rate limiter off. Every client has its own loopback address (127.0.2.N, …: Linux
routes all of 127/8 to lo), as distinct users would, so the per-client share of the pipeline
applies as in production. For ``--minutes`` it runs ``--clients`` askers that carry their
conversation (each question sends the turns before it as ``history``) and read every other answer
as a stream (``/api/ask/stream``: deltas, citations, done, no error event), and at the same time
two writers that upload small generated documents one after another through
``POST /api/documents`` and delete every third one. A third writer keeps uploading names that
collide with its own first upload once canonical (case of the extension, zero-width and control
characters, NFD, look-alike letters): each must get 409, and every fourth one replaces it
explicitly (``replace=true``); two flooders ask 2,000-character random questions without pause
(200, or 429/503 when their share of the pipeline or the queue is full: the only refusals allowed).
At the end every uploaded and not deleted document must be listed, found by search and have its
file in the uploads folder (zero lost), every deleted one gone from both (zero resurrected); the
server's resident memory is sampled throughout and must be flat after the warm-up (the first
third). Prints a JSON report (requests, errors, latency percentiles, memory); exit code 1 on any
error, lost document or growth. Each role finishes its minimal script (a few asks, an upload, a
collision) even past the deadline: the duration bounds the load, not what is checked. Nothing
leaves the loopback interface, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from rag import config
from tools.loadtest import _free_port, questions_from_index, wait_ready
from tools.soak_roles import (
    FLOODERS,
    GRACE_S,
    MAX_MINUTES,
    WRITERS,
    Latency,
    SoakResult,
    Tally,
    asker,
    colliding_writer,
    flooder,
    writer,
)


def _rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return round(kb / 1024, 1)


def rss_growth(samples: list[float]) -> float:
    """The last third's median over the middle third's: 1.0 when memory is flat after the warm-up
    (the first third: models loaded, caches filled)."""
    import statistics

    third = len(samples) // 3
    if third < 2:
        return 1.0
    middle, last = samples[third : 2 * third], samples[2 * third :]
    return round(statistics.median(last) / max(statistics.median(middle), 1e-9), 3)


def _threads(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("Threads:")), 0)


def _check_files(files: Path | None, tally: Tally) -> tuple[list[str], list[str]]:
    """(lost, resurrected) on disk: kept documents without their file, deleted ones with it."""
    if files is None:
        return [], []
    lost = sorted(s for s in tally.kept if not (files / s).is_file())
    return lost, sorted(s for s in tally.deleted if (files / s).exists())


def _check(base_url: str, key: str, tally: Tally) -> tuple[list[str], list[str]]:
    """(lost, resurrected): kept documents missing from the list or from search; deleted ones still listed."""
    with httpx.Client(base_url=base_url, timeout=60.0, headers={"X-API-Key": key}) as client:
        listed = {d["source"] for d in client.get("/api/documents").raise_for_status().json()["documents"]}
        lost = []
        for source, token in sorted(tally.kept.items()):
            hits = client.get("/api/search", params={"q": token, "k": 3}).raise_for_status().json()["hits"]
            if source not in listed or not any(h["source"] == source for h in hits):
                lost.append(source)
    return lost, sorted(s for s in tally.deleted if s in listed)


def run_soak(
    base_url: str,
    key: str,
    *,
    seconds: float,
    clients: int,
    documents: int,
    questions: list[str] | None = None,
    server_pid: int | None = None,
    files: Path | None = None,
) -> SoakResult:
    """Askers and writers against a running server for ``seconds``; then the zero-loss check
    (``files``: the folder uploads are stored under, to check the files too)."""
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        questions = questions or questions_from_index(client)
    tally = Tally()
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + seconds
    local = _loopback_clients(base_url)
    askers = [
        threading.Thread(
            target=asker, args=(base_url, questions, i * 7, stop, tally, local(2, i)), daemon=True
        )
        for i in range(clients)
    ]
    writers = [
        threading.Thread(
            target=writer,
            args=(base_url, key, range(w, documents, WRITERS), stop, deadline, tally, local(4, w)),
            daemon=True,
        )
        for w in range(WRITERS)
    ]
    writers.append(
        threading.Thread(
            target=colliding_writer,
            args=(base_url, key, stop, tally, deadline + GRACE_S, local(4, WRITERS)),
            daemon=True,
        )
    )
    flooders = [
        threading.Thread(target=flooder, args=(base_url, i, stop, tally, local(3, i)), daemon=True)
        for i in range(FLOODERS)
    ]
    threads_max = 0
    rss: list[float] = []
    for t in askers + writers + flooders:
        t.start()
    sample_every = max(seconds / 60, 0.5)
    next_sample = time.monotonic()
    while time.monotonic() < deadline:
        threads_max = max(threads_max, _threads(server_pid))
        if server_pid is not None and time.monotonic() >= next_sample:
            rss.append(_rss_mb(server_pid))
            next_sample += sample_every
        time.sleep(0.2)
    stop.set()
    for t in askers + writers + flooders:
        t.join(timeout=max(1.0, deadline + GRACE_S + 60 - time.monotonic()))
    elapsed = time.monotonic() - started
    lost, resurrected = _check(base_url, key, tally)
    files_lost, files_resurrected = _check_files(files, tally)
    return SoakResult(
        seconds=round(elapsed, 1),
        clients=clients,
        asks=len(tally.ask_ms),
        ask_errors=tally.ask_errors,
        ask_latency=Latency.of(tally.ask_ms),
        uploads=len(tally.upload_ms),
        upload_conflicts=tally.conflicts,
        upload_errors=tally.upload_errors,
        upload_latency=Latency.of(tally.upload_ms),
        deletes=tally.deletes,
        delete_errors=tally.delete_errors,
        documents_expected=len(tally.kept),
        kept=sorted(tally.kept),
        lost=lost,
        resurrected=resurrected,
        collisions_refused=tally.collisions["refused"],
        collisions_replaced=tally.collisions["replaced"],
        collision_errors=tally.collisions["errors"],
        flood_asks=tally.flood["asks"],
        flood_busy=tally.flood["busy"],
        flood_errors=tally.flood["errors"],
        streams=tally.streams,
        with_history=tally.with_history,
        files_lost=files_lost,
        files_resurrected=files_resurrected,
        server_threads_max=threads_max,
        rss_mb=rss,
        rss_growth=rss_growth(rss),
        error_samples=tally.samples,
        status_codes=dict(sorted(tally.codes.items())),
    )


def _loopback_clients(base_url: str) -> Any:
    """``local(group, n)``: a loopback address of its own for each client when the server listens on
    127.0.0.1 (Linux routes all of 127/8 there); else None (one address for all)."""
    if "//127.0.0.1:" not in base_url or not Path("/proc/net").is_dir():
        return lambda group, n: None
    return lambda group, n: f"127.0.{group}.{n + 1}"


def _prepare_index(source: Path | None, into: Path) -> Path:
    """A private copy of the given index, or a fresh index of corpus/ when there is none."""
    target = into / "index"
    if source is not None and (source / "CURRENT").is_file():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".write.lock", "uploads"))
        return target
    from rag.ingest import ingest_paths

    print(f"no index at {source}; building one of {config.DEFAULT_CORPUS_DIR}", file=sys.stderr)
    report = ingest_paths([config.DEFAULT_CORPUS_DIR], target, progress=False)
    if report.errors:
        raise SystemExit(f"could not index the corpus: {report.errors}")
    return target


def _start_server(index: Path, port: int, key: str, cache: bool) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ, POLICYQA_INDEX=str(index), POLICYQA_ADMIN_KEY=key, POLICYQA_RATE_LIMIT_PER_MINUTE="0"
    )
    env.pop("POLICYQA_READ_REQUIRES_KEY", None)
    env.pop("POLICYQA_READ_KEYS", None)  # uploads then default to public (stated in each response)
    # Room in the pipeline queue for every soak client: the flood alone may fill it (503).
    env.setdefault("POLICYQA_PIPELINE_QUEUE", "32")
    if not cache:
        env["POLICYQA_ANSWER_CACHE_SIZE"] = "0"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-proxy-headers"]
    return subprocess.Popen(cmd, env=env, cwd=config.PROJECT_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help=f"how long (at most {MAX_MINUTES:g})")
    parser.add_argument("--clients", type=int, default=20, help="concurrent askers")
    parser.add_argument("--documents", type=int, default=40, help="at most this many uploads")
    parser.add_argument("--index", type=Path, default=None, metavar="DIR", help="index to copy")
    parser.add_argument("--no-cache", action="store_true", help="turn the server's answer cache off")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON report here")
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= MAX_MINUTES or not 1 <= args.clients <= 200 or not 1 <= args.documents <= 1000:
        parser.error(f"--minutes in (0, {MAX_MINUTES:g}], --clients in [1, 200], --documents in [1, 1000]")

    key = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="policyqa-soak-") as tmp:
        index = _prepare_index(config.index_dir(args.index), Path(tmp))
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = _start_server(index, port, key, cache=not args.no_cache)
        try:
            wait_ready(base_url, timeout_s=180)
            result = run_soak(
                base_url,
                key,
                seconds=args.minutes * 60,
                clients=args.clients,
                documents=args.documents,
                server_pid=server.pid,
                files=index,
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    report = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
