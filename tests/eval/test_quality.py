"""Quality guard: the gold sets scored by the contract's metrics, through the same path as the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.metrics import score
from eval.predictions import Prediction
from tests.conftest import SHARED_EVAL

pytestmark = pytest.mark.slow

DEV = SHARED_EVAL / "dev_qa.jsonl"
EXTRA = Path(__file__).resolve().parents[1] / "data" / "extra_qa.jsonl"


def _report(assistant, path: Path):  # noqa: ANN001, ANN202
    items = load_gold(path)
    predictions = [Prediction.from_answer(item, assistant.ask(item.question), 0.0) for item in items]
    return score(items, predictions).overall


@pytest.mark.parametrize("path", [DEV, EXTRA], ids=["dev", "extra"])
def test_gold_set_meets_the_targets(assistant, path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present")
    m = _report(assistant, path)
    assert m.answer_acc >= 0.9
    assert m.cite_acc >= 0.9
    assert m.abstain_recall == 1.0
    assert m.false_abstain <= 0.05
