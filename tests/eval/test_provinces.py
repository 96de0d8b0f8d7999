"""The provinces set (real documents of other provinces and ministries) scores end to end with both peers.

The whole set embeds ≈ 3,000 clauses, and the LangChain peer ≈ 700 chunks: more than a test run
should spend on two cores. So the test takes the ten smallest documents (by size, so the choice
is fixed and names no document) with their questions and every abstention item; the whole set is
scored by `policyqa eval` (docs/eval.md). Skipped without ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.predictions import read_predictions
from rag.cli import main
from tests.conftest import SHARED_EVAL

pytestmark = pytest.mark.slow

PROVINCES = SHARED_EVAL / "provinces"
SYSTEMS = ["hybrid", "search", "baseline", "baseline-bm25"]


DOCUMENTS = 10


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus folder, gold file) of the smallest documents and their questions."""
    if not (PROVINCES / "qa.jsonl").is_file() or not (PROVINCES / "corpus").is_dir():
        pytest.skip(f"{PROVINCES} not present")
    root = tmp_path_factory.mktemp("provinces")
    corpus = root / "corpus"
    corpus.mkdir()
    chosen = sorted((PROVINCES / "corpus").glob("*.txt"), key=lambda p: (p.stat().st_size, p.name))[
        :DOCUMENTS
    ]
    for path in chosen:
        (corpus / path.name).write_bytes(path.read_bytes())
    names = {p.name for p in chosen}
    lines = [
        line
        for line in (PROVINCES / "qa.jsonl").read_text("utf-8").splitlines()
        if line.strip() and set(json.loads(line)["sources"]) <= names
    ]
    qa = root / "qa.jsonl"
    qa.write_text("\n".join(lines) + "\n", "utf-8")
    return corpus, qa


@pytest.fixture(scope="module")
def provinces_index(subset: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rag.ingest import ingest_paths

    corpus, _ = subset
    index = tmp_path_factory.mktemp("provinces-index") / "index"
    report = ingest_paths([corpus], index, progress=False)
    assert not report.errors, report.errors
    assert len(report.added) == DOCUMENTS
    return index


def test_provinces_eval_writes_the_report_with_both_peers(
    subset: tuple[Path, Path], provinces_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus, qa), out = subset, tmp_path / "out"
    argv = ["eval", "--qa", str(qa), "--out", str(out), "--index", str(provinces_index)]
    assert main([*argv, "--baseline", "--corpus", str(corpus)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "baseline (LangChain tutorial)" in header and "baseline (BM25 chunks)" in header

    items = load_gold(qa)
    n = len(items)
    assert n >= 40  # the smallest ten documents carry about a third of the questions
    ids = [item.id for item in items]
    for name in ["predictions.jsonl", *(f"predictions-{key}.jsonl" for key in SYSTEMS)]:
        lines = (out / name).read_text("utf-8").splitlines()
        assert len(lines) == n, name
        predictions = read_predictions(out / name)
        assert [p.id for p in predictions] == ids
        # Every question is either answered or explicitly abstained on.
        assert all(p.abstained or p.answer.strip() for p in predictions), name
        sources = {c.source for p in predictions for c in p.citations}
        assert sources <= {p.name for p in corpus.iterdir()}, name  # the peers read the right corpus

    report = json.loads((out / "report.json").read_text("utf-8"))
    assert list(report["modes"]) == SYSTEMS
    types = {item.type for item in items}
    for key in SYSTEMS:
        assert set(report["modes"][key]["by_type"]) == types
        assert report["modes"][key]["overall"]["n"] == n
    # Structure-aware answers beat both peers (which never abstain and answer with a raw chunk).
    overall = {key: report["modes"][key]["overall"]["overall"] for key in SYSTEMS}
    assert overall["hybrid"] > max(overall["baseline"], overall["baseline-bm25"]), overall
    # Retrieval against retrieval: `policyqa search`'s top 5 clauses find the gold evidence more
    # often than BM25 over 1000-character chunks.
    hit5 = {key: report["modes"][key]["overall"]["cite_acc"] for key in SYSTEMS}
    assert hit5["search"] > hit5["baseline-bm25"], hit5
    # The index and the baselines' folder hold the same files: no gold or corpus warning.
    assert report["warnings"] == []

    md = (out / "report.md").read_text("utf-8")
    assert (
        "| metric | hybrid | policyqa search (top clause), hybrid | baseline (LangChain tutorial) | baseline (BM25 chunks) |"
        in md
    )
    for label in ("hybrid", "baseline (LangChain tutorial)", "baseline (BM25 chunks)"):
        section = md.split(f"### {label}\n", 1)[1]
        for type_ in types:
            assert f"\n| {type_} | " in section.split("\n### ", 1)[0], (label, type_)
    assert (out / "report.png").stat().st_size > 0


@pytest.mark.parametrize("number", range(3))
def test_two_turn_conversations_on_other_provinces_documents(provinces_index: Path, number: int) -> None:
    from rag.pipeline import Assistant
    from tests.conversations import PROVINCES, check

    assert not check(Assistant.open(provinces_index), PROVINCES[number])
