"""`policyqa serve` (the quick start's server) as a real process: `python -m rag.cli serve`,
run from this checkout so that it is this code that serves."""

from __future__ import annotations

import os
import subprocess
import sys
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


def test_serve_refuses_zero_workers(corpus_index: Path) -> None:
    done = subprocess.run(
        policyqa("serve", "--index", str(corpus_index), "--workers", "0"), capture_output=True
    )
    assert done.returncode == 2
    assert "--workers phải từ 1 trở lên".encode() in done.stderr
