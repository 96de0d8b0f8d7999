"""Shared helpers of the reliability tests (a uniquely named module: conftest names collide)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from api.main import create_app
from api.settings import Settings

ADMIN_KEY = "rel-admin-key"
INTERNAL_KEY = "rel-internal-key"
ADMIN = {"X-API-Key": ADMIN_KEY}
INTERNAL = {"X-API-Key": INTERNAL_KEY}


def settings_for(index: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "index": index,
        "admin_key": ADMIN_KEY,
        "read_keys": {INTERNAL_KEY: ["public", "internal"]},
        "rate_limit_per_minute": 0,
    }
    values.update(overrides)
    return Settings(**values)


def index_state(index: Path) -> tuple[str, list[str], str]:
    """What must not change when an input is refused: generation, document sources, document bytes."""
    generation = (index / "CURRENT").read_text(encoding="utf-8").strip()
    documents = (index / generation / "documents.jsonl").read_text(encoding="utf-8")
    sources = sorted(json.loads(line)["source"] for line in documents.splitlines() if line.strip())
    return generation, sources, documents


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(settings: Settings) -> tuple[str, uvicorn.Server, threading.Thread]:
    """uvicorn on a free loopback port in a background thread; stop with ``stop(server, thread)``."""
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", srv, thread


def stop(srv: uvicorn.Server, thread: threading.Thread) -> None:
    srv.should_exit = True
    thread.join(timeout=10)
