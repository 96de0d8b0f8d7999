"""Shared helpers of the reliability tests (a uniquely named module: conftest names collide)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.settings import Settings
from tests.support import free_port, serve, stop  # noqa: F401 (re-exported to the tests here)

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
