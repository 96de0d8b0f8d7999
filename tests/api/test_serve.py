"""`policyqa serve` (the quick start's server) as a real process: `python -m rag.cli serve`,
run from this checkout so that it is this code that serves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag.config import PROJECT_ROOT
from tests.support import free_port
from tools.loadtest import wait_ready

pytestmark = pytest.mark.slow


def policyqa(*args: str) -> list[str]:
    return [sys.executable, "-m", "rag.cli", *args]


def test_serve_with_two_worker_processes_answers(corpus_index: Path) -> None:
    port = free_port()
    env = dict(os.environ, POLICYQA_RATE_LIMIT_PER_MINUTE="0")
    cmd = policyqa("serve", "--index", str(corpus_index), "--port", str(port), "--workers", "2")
    server = subprocess.Popen(
        cmd, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url)
        for _ in range(4):  # new connections, so both workers answer some
            body = httpx.post(url + "/api/ask", json={"question": "Ai ký kế hoạch?"}, timeout=60).json()
            assert not body["abstained"] and body["citations"]
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert "với 2 tiến trình".encode() in out


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _wait_for(condition, timeout_s: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_forked_workers_are_replaced_and_stopped_with_the_parent(corpus_index: Path) -> None:
    """Workers are forked from the warmed parent: a worker that dies is replaced, the replacement
    answers at once (no set-up of its own), and SIGTERM to the parent stops every worker."""
    port = free_port()
    env = dict(os.environ, POLICYQA_RATE_LIMIT_PER_MINUTE="0")
    cmd = policyqa("serve", "--index", str(corpus_index), "--port", str(port), "--workers", "2")
    server = subprocess.Popen(
        cmd, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url)
        workers = _children(server.pid)
        assert len(workers) == 2
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: len(_children(server.pid) - {victim}) == 2)
        for _ in range(4):
            body = httpx.post(url + "/api/ask", json={"question": "Ai ký kế hoạch?"}, timeout=60).json()
            assert not body["abstained"]
        workers = _children(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_serve_refuses_zero_workers(corpus_index: Path) -> None:
    done = subprocess.run(
        policyqa("serve", "--index", str(corpus_index), "--workers", "0"), capture_output=True
    )
    assert done.returncode == 2
    assert "--workers phải từ 1 trở lên".encode() in done.stderr
