"""Where things live, from the environment (POLICYQA_*) with sensible defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INDEX_DIR = PROJECT_ROOT / "var" / "index"
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"


def index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--index DIR wins, then POLICYQA_INDEX, then var/index under the project."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("POLICYQA_INDEX")
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_INDEX_DIR
