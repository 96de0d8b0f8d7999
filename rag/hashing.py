"""Content hashes of files: what identifies a document's version across ingest, the index and uploads."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """The ``content_hash`` ``load_file`` gives this file, read in pieces (no whole file in memory)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
