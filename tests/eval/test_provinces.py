"""The provinces set (30 real documents, 150 questions) scores end to end with both peers.

Structure only: another change is improving the answers, so no quality threshold yet.
Ingesting the corpus embeds ≈ 2,800 clauses (minutes on two cores); skipped without ../shared.
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
SYSTEMS = ["hybrid", "baseline", "baseline-bm25"]


@pytest.fixture(scope="module")
def provinces_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (PROVINCES / "qa.jsonl").is_file() or not (PROVINCES / "corpus").is_dir():
        pytest.skip(f"{PROVINCES} not present")
    from rag.ingest import ingest_paths

    index = tmp_path_factory.mktemp("provinces") / "index"
    report = ingest_paths([PROVINCES / "corpus"], index, progress=False)
    assert not report.errors, report.errors
    assert len(report.added) == len(list((PROVINCES / "corpus").glob("*.txt")))
    return index


def test_provinces_eval_writes_the_report_with_both_peers(
    provinces_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qa, corpus, out = PROVINCES / "qa.jsonl", PROVINCES / "corpus", tmp_path / "out"
    argv = ["eval", "--qa", str(qa), "--out", str(out), "--index", str(provinces_index)]
    assert main([*argv, "--baseline", "--corpus", str(corpus)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "baseline (LangChain tutorial)" in header and "baseline (BM25 chunks)" in header

    items = load_gold(qa)
    assert len(items) == 150
    ids = [item.id for item in items]
    for name in ["predictions.jsonl", *(f"predictions-{key}.jsonl" for key in SYSTEMS)]:
        lines = (out / name).read_text("utf-8").splitlines()
        assert len(lines) == 150, name
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
        assert report["modes"][key]["overall"]["n"] == 150
    # The index and the baselines' folder hold the same 30 files: no gold or corpus warning.
    assert report["warnings"] == []

    md = (out / "report.md").read_text("utf-8")
    assert "| metric | hybrid | baseline (LangChain tutorial) | baseline (BM25 chunks) |" in md
    for label in ("hybrid", "baseline (LangChain tutorial)", "baseline (BM25 chunks)"):
        section = md.split(f"### {label}\n", 1)[1]
        for type_ in types:
            assert f"\n| {type_} | " in section.split("\n### ", 1)[0], (label, type_)
    assert (out / "report.png").stat().st_size > 0
