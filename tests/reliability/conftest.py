"""Fixtures for the reliability tests: private copies of the session's corpus index, apps over them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability_support import settings_for

from api.main import create_app


@pytest.fixture()
def index_copy(seed_index: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the corpus index."""
    target = tmp_path / "idx"
    shutil.copytree(seed_index, target)
    return target


@pytest.fixture()
def client(index_copy: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(index_copy))) as c:
        yield c


SMALL_PLAN = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Số: 12/KH-UBND
Quảng Ngãi, ngày 5 tháng 3 năm 2026
KẾ HOẠCH
Chuyển đổi số năm 2026
I. NHIỆM VỤ
1. Sở Giáo dục và Đào tạo triển khai học bạ số trước ngày 30/6/2026.
2. Sở Y tế triển khai bệnh án điện tử trước ngày 31/12/2026.
"""


@pytest.fixture()
def small_index(tmp_path: Path) -> Path:
    """An index of one short plan: for tests that write and do not need the corpus (seconds to build)."""
    from rag.ingest import ingest_paths

    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / "plan-12.txt").write_text(SMALL_PLAN, encoding="utf-8")
    directory = tmp_path / "small-idx"
    report = ingest_paths([folder], directory, progress=False)
    assert not report.errors, report.errors
    return directory
