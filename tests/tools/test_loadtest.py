"""The load benchmark: its statistics, its question sources, and a short real run."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tools.loadtest import main, percentile, questions_from_file, questions_from_index, run_load, summarise


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 95) == 7.0


def test_summarise() -> None:
    result = summarise([10.0, 20.0, 30.0, 40.0], errors=1, cached=2, clients=2, seconds=2.0, distinct=3)
    assert result.requests == 4 and result.requests_per_s == 2.0
    assert result.p50_ms == 25.0 and result.max_ms == 40.0
    with pytest.raises(ValueError):
        summarise([], errors=0, cached=0, clients=1, seconds=1.0, distinct=0)


def test_questions_from_file(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "Ai ký?"}\n\nThời hạn là khi nào?\n', encoding="utf-8")
    assert questions_from_file(path) == ["Ai ký?", "Thời hạn là khi nào?"]


@pytest.mark.slow
def test_short_real_run(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    with httpx.Client(base_url=server) as client:
        questions = questions_from_index(client)
    assert len(questions) >= 5 and all(q.endswith("?") for q in questions)
    result = run_load(server, questions, clients=3, requests=12, max_seconds=30)
    assert result.requests == 12 and result.errors == 0
    assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms
    assert main(["--url", server, "--clients", "2", "--requests", "6", "--warmup", "0", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["requests"] == 6 and printed["clients"] == 2
    # --warm: every distinct question asked once first, so the timed answers come from the cache
    assert main(["--url", server, "--clients", "2", "--requests", "6", "--warm", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["cached"] == printed["requests"] == 6


@pytest.mark.slow
def test_started_server_with_two_worker_processes(
    corpus_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--index",
        str(corpus_index),
        "--workers",
        "2",
        "--no-cache",
        "--clients",
        "4",
        "--requests",
        "12",
    ]
    assert main([*argv, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["requests"] == 12 and printed["errors"] == 0 and printed["cached"] == 0


def test_warm_and_no_cache_are_refused_together() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--warm", "--no-cache", "--url", "http://127.0.0.1:9"])
    assert exc.value.code == 2
