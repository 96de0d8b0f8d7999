"""Indexes the answer tests share: documents of other provinces' wording (tests/data/refs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.pipeline import Assistant
from tests.support import INTERNAL_PLAN

REFS = Path(__file__).resolve().parents[1] / "data" / "refs"


@pytest.fixture(scope="session")
def refs(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The decree, law and Đồng Tháp plan of tests/data/refs, plus an internal plan."""
    from rag.ingest import ingest_paths

    root = tmp_path_factory.mktemp("refs")
    index = root / "idx"
    assert not ingest_paths([REFS], index, progress=False).errors
    (root / "internal").mkdir()
    (root / "internal" / "77-KH-SNV.txt").write_text(INTERNAL_PLAN, encoding="utf-8")
    assert not ingest_paths([root / "internal"], index, access="internal", progress=False).errors
    return Assistant.open(index)
