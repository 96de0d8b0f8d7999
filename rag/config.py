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


def store_location(store: str | None = None, index: str | os.PathLike[str] | None = None) -> Path | str:
    """--store URI-or-DIR, then --index DIR, then POLICYQA_STORE, then the index directory default.

    A ``http(s)://`` location (a Milvus server) stays a string; anything else is a directory.
    """
    from index.stores import location_of

    if store:
        return location_of(store)
    if index:
        return index_dir(index)
    env = os.environ.get("POLICYQA_STORE")
    if env:
        return location_of(env)
    return index_dir(None)
