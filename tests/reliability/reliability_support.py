"""Shared helpers of the reliability tests (a uniquely named module: conftest names collide)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import (  # noqa: F401 (re-exported to the tests here)
    ADMIN,
    ADMIN_KEY,
    INTERNAL,
    INTERNAL_KEY,
    INTERNAL_PLAN,
    free_port,
    serve,
    settings_for,
    stop,
)


def index_state(index: Path) -> tuple[str, list[str], str]:
    """What must not change when an input is refused: generation, document sources, document bytes."""
    generation = (index / "CURRENT").read_text(encoding="utf-8").strip()
    documents = (index / generation / "documents.jsonl").read_text(encoding="utf-8")
    sources = sorted(json.loads(line)["source"] for line in documents.splitlines() if line.strip())
    return generation, sources, documents
