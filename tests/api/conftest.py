"""A real index of corpus/, built once per test session, and apps over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import cli, config


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`policyqa ingest corpus` into a temporary folder, exported as POLICYQA_INDEX."""
    directory = tmp_path_factory.mktemp("index") / "idx"
    code = cli.main(["ingest", str(config.DEFAULT_CORPUS_DIR), "--index", str(directory), "--no-progress"])
    assert code == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYQA_INDEX", str(directory))
        yield directory


@pytest.fixture()
def index_copy(corpus_index: Path, tmp_path: Path) -> Path:
    """A private copy of the corpus index for tests that write to it."""
    target = tmp_path / "idx"
    shutil.copytree(corpus_index, target)
    return target
