"""Structured checks (eval/structured.py): read, judged, and asked through the API over a real index."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from eval.structured import Check, http_ask, judge, load_checks, run_checks
from rag.errors import PolicyQAError

SEED_CHECKS = Path(__file__).resolve().parents[1] / "data" / "structured" / "seed.jsonl"


def _check(**over: object) -> Check:
    base = Check("x1", "reference", "Điều 2 Quyết định 5", ("hieu luc",), ("bai bo",), "15_", ())
    return replace(base, **over)  # type: ignore[arg-type]


def test_judge_names_every_reason() -> None:
    check = _check()
    assert judge(check, "Quyết định có hiệu lực từ ngày 10/12/2025.", ["15_a.txt"]) == ()
    reasons = judge(check, "Điều 2 bãi bỏ Quyết định 12.", ["01_b.txt", "15_a.txt"])
    assert reasons == ("missing «hieu luc»", "says «bai bo»", "first citation 01_b.txt is not 15_*")
    several = _check(source_prefix=("03_", "23_"), expect_none=())
    assert judge(several, "Hiệu lực", ["03_a.txt", "03_a.txt"]) == ("no citation from 23_*",)
    assert judge(several, "Hiệu lực", ["23_c.txt", "03_a.txt"]) == ()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "a", "kind": "guess", "question": "q"}, "unknown kind"),
        ({"id": "a", "kind": "reference", "question": "q", "expect_all": ["Hiệu lực"]}, "folded"),
        ({"id": "a", "kind": "follow_up", "question": "q"}, "history"),
        ({"id": "a", "kind": "lineage", "question": " "}, "question"),
    ],
)
def test_malformed_checks_are_refused_with_their_place(tmp_path: Path, row: dict, message: str) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(PolicyQAError, match=message) as info:
        load_checks(path)
    assert "s.jsonl:1" in str(info.value)


def test_kinds_checks_file_is_valid() -> None:
    path = Path(__file__).resolve().parents[3] / "shared" / "eval" / "kinds" / "structured.jsonl"
    if not path.exists():
        pytest.skip("shared/eval/kinds is not on this machine")
    checks = load_checks(path)
    assert {c.kind for c in checks} == {"reference", "unit_tasks", "due_in_period", "lineage", "follow_up"}


@pytest.fixture(scope="module")
def client(seed_index: Path):  # noqa: ANN201 (TestClient)
    with TestClient(create_app(Settings(index=seed_index, rate_limit_per_minute=0))) as c:
        yield c


def test_checks_pass_through_the_api(client: TestClient) -> None:
    """Each kind the runner drives (unit tasks, a follow-up with its history, a named clause),
    through POST /api/ask over the session's index of corpus/."""
    results = run_checks(load_checks(SEED_CHECKS), http_ask(client))
    failed = {r.check.id: (r.reasons, r.answer[:300]) for r in results if not r.passed}
    assert not failed, failed
    follow_up = next(r for r in results if r.check.kind == "follow_up")
    assert follow_up.strategy == "task_field"


def test_a_wrong_expectation_fails_with_why(client: TestClient) -> None:
    checks = load_checks(SEED_CHECKS)
    wrong = [
        replace(checks[0], expect_all=("so tai chinh duoc giao 99 nhiem vu",)),
        replace(checks[2], expect_none=("nghi quyet",), source_prefix="001_"),
        replace(checks[1], history=()),  # without its history the follow-up has no task to vary
    ]
    results = run_checks(wrong, http_ask(client))
    assert not any(r.passed for r in results)
    assert results[0].reasons == ("missing «so tai chinh duoc giao 99 nhiem vu»",)
    assert "says «nghi quyet»" in results[1].reasons
    assert any(r.startswith("first citation 003_") for r in results[1].reasons)


def test_an_api_error_fails_the_check_not_the_run(client: TestClient) -> None:
    long = replace(load_checks(SEED_CHECKS)[0], question="nhiệm vụ " * 5000)
    (result,) = run_checks([long], http_ask(client))
    assert not result.passed and result.reasons[0].startswith("API error: HTTP 413")
