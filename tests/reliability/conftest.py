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
