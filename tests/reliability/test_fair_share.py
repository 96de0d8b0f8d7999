"""Issue 23, findings 2 and 5: one client cannot freeze the server or starve the others.

A real server process; clients on distinct loopback addresses (127.0.0.2, 127.0.0.3, …: Linux routes
all of 127/8 to lo), so each is its own client address without any proxy header.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import regex_audit
from fastapi import HTTPException
from reliability_support import free_port

from api.deps import Runner
from rag.config import PROJECT_ROOT
from tools.loadtest import wait_ready

QUESTION_MODULES = ("rag.reading", "index.query")
PROBES = 25  # /healthz calls, 0.2 s apart, while twenty clients flood


def test_a_flooding_client_waits_in_its_own_line() -> None:
    """Runner: client A's ten blocked calls hold at most half the threads; B's call runs at once."""
    release = threading.Event()

    def blocked() -> str:
        release.wait(30)
        return "a"

    runner = Runner(timeout_s=20, threads=4, queue=16, client_share=0.25)

    async def scenario() -> tuple[str, float, list[object]]:
        flood = [asyncio.ensure_future(_outcome(runner, blocked, "10.0.0.1")) for _ in range(40)]
        await asyncio.sleep(0.2)
        started = time.monotonic()
        other = await runner(lambda: "b", client="10.0.0.2")
        took = time.monotonic() - started
        release.set()
        return other, took, list(await asyncio.gather(*flood))

    other, took, flood = asyncio.run(scenario())
    runner.close()
    assert other == "b" and took < 1.0
    assert runner.per_client == 2
    codes = Counter(
        o.status_code if isinstance(o, HTTPException) else getattr(o, "status_code", 200) for o in flood
    )
    # 2 in the pool, 16 waiting in A's own line (they all finish), the rest refused at once.
    assert codes == Counter({200: 18, 429: 22}), codes


async def _outcome(runner: Runner, fn: object, client: str) -> object:
    try:
        return await runner(fn, client=client)  # type: ignore[arg-type]
    except Exception as exc:  # HTTPException or api.errors.ApiError
        return exc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_index: Path) -> Iterator[str]:
    import shutil

    index = tmp_path_factory.mktemp("fair") / "idx"
    shutil.copytree(seed_index, index)
    env = dict(
        os.environ,
        POLICYQA_INDEX=str(index),
        POLICYQA_RATE_LIMIT_PER_MINUTE="0",  # the share is what is tested, not the rate limit
        POLICYQA_ANSWER_CACHE_SIZE="0",
        POLICYQA_REQUEST_TIMEOUT_S="60",
    )
    env.pop("POLICYQA_STORE", None)
    env.pop("POLICYQA_TRUSTED_PROXIES", None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--index", str(index), "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, timeout_s=180)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def _client(address: str, url: str) -> httpx.Client:
    return httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=address), timeout=120)


def _flood(url: str, address: str, stop: threading.Event, codes: Counter[int], make: object) -> None:
    with _client(address, url) as client:
        i = 0
        while not stop.is_set():
            try:
                codes[make(client, i).status_code] += 1  # type: ignore[operator]
            except httpx.HTTPError:
                codes[0] += 1
            i += 1


@pytest.mark.slow
def test_a_second_client_is_answered_while_the_first_floods(server: str) -> None:
    stop = threading.Event()
    codes: Counter[int] = Counter()
    long_query = " ".join(f"nhiệm vụ chuyển đổi số {n} của sở ban ngành" for n in range(60))[:2000]

    def search(client: httpx.Client, i: int) -> httpx.Response:
        return client.get("/api/search", params={"q": f"{i} {long_query}"[:2000], "mode": "dense", "k": 50})

    flooders = [
        threading.Thread(target=_flood, args=(server, "127.0.0.2", stop, codes, search), daemon=True)
        for _ in range(30)
    ]
    for t in flooders:
        t.start()
    try:
        time.sleep(3)  # the flood has filled whatever it may fill
        with _client("127.0.0.3", server) as other:
            started = time.monotonic()
            response = other.post(
                "/api/ask", json={"question": f"Sở Y tế triển khai gì năm {time.time_ns()}?"}
            )
            took = time.monotonic() - started
    finally:
        stop.set()
        for t in flooders:
            t.join(timeout=120)
    assert response.status_code == 200, response.text
    assert took < 5.0, took
    assert codes[200] > 0 and set(codes) <= {200, 429}, codes  # the flooder: answered or told to wait


def _crafted_questions() -> list[str]:
    """The worst input of every pattern that reads questions, at the question limit."""
    questions = []
    for found in regex_audit.reader_patterns():
        if found.where.startswith(QUESTION_MODULES):
            for head, unit, tail in regex_audit.screen(found, 250, keep=1):
                questions.append(regex_audit.tile(unit, tail, head=head).strip() or "x")
    return questions


@pytest.mark.slow
def test_healthz_answers_while_twenty_clients_send_crafted_questions(server: str) -> None:
    questions = _crafted_questions()
    assert len(questions) > 30
    stop = threading.Event()
    codes: Counter[int] = Counter()
    history = [{"question": "Kế hoạch 58/KH-UBND giao nhiệm vụ gì?", "answer": "…"}]

    def ask(client: httpx.Client, i: int) -> httpx.Response:
        body = {"question": questions[i % len(questions)], "history": history}
        return client.post("/api/ask/stream" if i % 3 == 0 else "/api/ask", json=body)

    clients = [
        threading.Thread(target=_flood, args=(server, f"127.0.1.{n}", stop, codes, ask), daemon=True)
        for n in range(1, 21)
    ]
    for t in clients:
        t.start()
    slowest = 0.0
    try:
        with httpx.Client(base_url=server, timeout=30) as probe:
            # A count of probes, not a duration: the flood saturates both cores within its first
            # requests, and more seconds of it would only repeat the same load.
            for _ in range(PROBES):
                started = time.monotonic()
                assert probe.get("/healthz").status_code == 200
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.2)
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=120)
    assert slowest < 1.0, slowest
    assert codes[200] > 0 and set(codes) <= {200, 503}, codes
