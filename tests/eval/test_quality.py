"""Quality guard: the gold sets scored by the contract's metrics, through the same path as the API."""

from __future__ import annotations

import pytest

from eval.metrics import score

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["dev", "extra"])
def test_gold_set_meets_the_targets(seed_predictions, name: str) -> None:
    if name not in seed_predictions:
        pytest.skip(f"{name} gold set not present")
    items, predictions = seed_predictions[name]
    m = score(items, predictions).overall
    assert m.answer_acc >= 0.9
    assert m.cite_acc >= 0.9
    assert m.abstain_recall == 1.0
    assert m.false_abstain <= 0.05
