"""A real index of corpus/, built once per test session, and apps over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.settings import Settings
from tests.support import serve, stop


@pytest.fixture(scope="session")
def corpus_index(seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the session's corpus index (tests/conftest.py), exported as POLICYQA_INDEX."""
    directory = tmp_path_factory.mktemp("index") / "idx"
    shutil.copytree(seed_index, directory)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYQA_INDEX", str(directory))
        yield directory


@pytest.fixture()
def index_copy(corpus_index: Path, tmp_path: Path) -> Path:
    """A private copy of the corpus index for tests that write to it."""
    target = tmp_path / "idx"
    shutil.copytree(corpus_index, target)
    return target


@pytest.fixture(scope="module")
def server(corpus_index: Path) -> Iterator[str]:
    """uvicorn serving the corpus index on a free loopback port, in a background thread."""
    url, srv, thread = serve(Settings(index=corpus_index, rate_limit_per_minute=0))
    yield url
    stop(srv, thread)
