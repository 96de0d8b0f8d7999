"""Shared fixtures: one real index of the bundled corpus per test session."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from rag.config import DEFAULT_CORPUS_DIR

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
REFS = Path(__file__).resolve().parent / "data" / "refs"

# `make test-fast` (`pytest -m fast`): the pure tests of the stages one works on in the inner loop
# — parser, question reader, recognisers, units, messages and phrasing — a minute at most. A test
# of these modules that needs an index, a server or a browser stays out (HEAVY_FIXTURES).
FAST_MODULES = frozenset(
    {
        "tests/rag/test_parser.py",
        "tests/rag/test_parser_variants.py",
        "tests/rag/test_normalize.py",
        "tests/rag/test_intent.py",
        "tests/rag/test_english.py",
        "tests/rag/test_question_form.py",
        "tests/rag/test_references.py",
        "tests/rag/test_conversation.py",
        "tests/rag/test_units.py",
        "tests/rag/test_deadlines.py",
        "tests/rag/test_lineage.py",
        "tests/rag/test_restore.py",
        "tests/rag/test_messages.py",
        "tests/rag/test_phrasing.py",
        "tests/rag/test_labels.py",
        "tests/rag/test_lookup.py",
        "tests/eval/test_gold.py",
        "tests/index/test_fusion.py",
        "tests/index/test_query_hints.py",
    }
)
HEAVY_FIXTURES = frozenset(
    {"seed_index", "assistant", "refs_index", "refs", "corpus_index", "index_copy", "small_index", "browser"}
    | {"server", "client", "milvus", "milvus_seeds", "e5", "fake_llm"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if module in FAST_MODULES and not HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.fast)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave the session's heap out of the interpreter's shutdown collections.

    By the end of a whole run the heap holds GBs (indexes, models, Hypothesis' and Schemathesis'
    caches); Python's shutdown then runs full collections over all of it — minutes of CPU on a loaded
    machine — only to free memory the OS takes back anyway. Frozen objects are skipped by them;
    teardown, fixtures' finalisers and reference counting ran before this hook and still run.
    """
    gc.freeze()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`policyqa ingest corpus/` into a temporary index (built once, read-only for tests)."""
    from rag.ingest import ingest_paths

    directory = tmp_path_factory.mktemp("seed-index") / "idx"
    report = ingest_paths([DEFAULT_CORPUS_DIR], directory, progress=False)
    assert not report.errors, report.errors
    return directory


@pytest.fixture(scope="session")
def assistant(seed_index: Path):  # noqa: ANN201 (rag.pipeline.Assistant)
    from rag.pipeline import Assistant

    return Assistant.open(seed_index)


SEED_SETS = {
    "dev": SHARED_EVAL / "dev_qa.jsonl",
    "extra": Path(__file__).resolve().parent / "data" / "extra_qa.jsonl",
}


@pytest.fixture(scope="session")
def seed_predictions(assistant):  # noqa: ANN001, ANN201 (dict[str, (items, predictions)])
    """Every seed question (dev, extra) answered once per session through ``Assistant.ask``."""
    from eval.gold import load_gold
    from eval.predictions import Prediction

    out = {}
    for name, path in SEED_SETS.items():
        if path.exists():
            items = load_gold(path)
            out[name] = (items, [Prediction.from_answer(i, assistant.ask(i.question), 0.0) for i in items])
    return out


@pytest.fixture()
def fake_llm():  # noqa: ANN201 (tests.fakes.FakeLLM)
    """An OpenAI-compatible chat server on 127.0.0.1 whose reply the test sets."""
    from tests.fakes import FakeLLM

    server = FakeLLM()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (selenium WebDriver)
    """Headless Debian Chromium (Selenium, explicit driver path: nothing is downloaded)."""
    from tests.support import headless_chromium

    driver = headless_chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def refs_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The decree, law and Đồng Tháp plan of tests/data/refs, plus an internal plan."""
    from rag.ingest import ingest_paths
    from tests.support import INTERNAL_PLAN

    root = tmp_path_factory.mktemp("refs")
    index = root / "idx"
    assert not ingest_paths([REFS], index, progress=False).errors
    (root / "internal").mkdir()
    (root / "internal" / "77-KH-SNV.txt").write_text(INTERNAL_PLAN, encoding="utf-8")
    assert not ingest_paths([root / "internal"], index, access="internal", progress=False).errors
    return index


@pytest.fixture(scope="session")
def refs(refs_index: Path):  # noqa: ANN201 (rag.pipeline.Assistant)
    from rag.pipeline import Assistant

    return Assistant.open(refs_index)


@pytest.fixture(scope="session")
def milvus(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (tests.support.MilvusLite)
    """One Milvus Lite gRPC server for the session; each test uses its own store name."""
    from tests.support import MilvusLite

    server = MilvusLite(tmp_path_factory.mktemp("milvus") / "data")
    yield server
    server.close()


@pytest.fixture(scope="session")
def milvus_seeds(milvus, seed_index: Path) -> str:  # noqa: ANN001
    """`policyqa ingest corpus/ --store URI` on the Milvus server (vectors from the seed index's cache)."""
    import os

    from rag.ingest import ingest_paths

    location = milvus.store("seeds")
    previous = os.environ.get("POLICYQA_EMBED_CACHE")
    os.environ["POLICYQA_EMBED_CACHE"] = str(seed_index / "embed-cache")
    try:
        report = ingest_paths([DEFAULT_CORPUS_DIR], location, progress=False)
    finally:
        if previous is None:
            os.environ.pop("POLICYQA_EMBED_CACHE", None)
        else:
            os.environ["POLICYQA_EMBED_CACHE"] = previous
    assert not report.errors, report.errors
    assert report.embedded == 0  # every vector came from the cache
    return location
