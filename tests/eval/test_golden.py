"""Pinned answers: every seed question (dev, extra) answered as tests/data/golden/ pins it.

A failure lists each changed answer. When a change is an improvement, pin it on purpose:
``python -m eval.golden check --qa <set> --index <seed index> --golden tests/data/golden/<set>.jsonl --update``.
The larger sets (provinces, kinds, files) are checked with the same tool, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.golden import Change, Pinned, changes, format_changes, load_golden, pin, write_golden
from eval.predictions import PredictedCitation, Prediction

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dev", "extra"])
def test_seed_answers_are_as_pinned(seed_predictions, name: str) -> None:
    if name not in seed_predictions:
        pytest.skip(f"{name} gold set not present")
    _, predictions = seed_predictions[name]
    found = changes(load_golden(GOLDEN / f"{name}.jsonl"), pin(predictions))
    assert not found, format_changes(found, len(predictions))


def _prediction(pid: str, answer: str, abstained: bool = False, locator: str = "II.1") -> Prediction:
    return Prediction(pid, f"q {pid}", answer, abstained, [PredictedCitation("a.txt", locator, "t", 1.0)])


def test_changes_name_every_differing_field_and_new_or_gone_items(tmp_path: Path) -> None:
    golden = tmp_path / "g.jsonl"
    write_golden(golden, pin([_prediction("1", "x"), _prediction("2", "y"), _prediction("3", "z")]))
    now = pin([_prediction("1", "x"), _prediction("2", "y2", locator="II.2"), _prediction("4", "w")])
    found = changes(load_golden(golden), now)
    assert [(c.id, c.fields) for c in found] == [
        ("2", ("answer", "citation")),
        ("3", ("gone",)),
        ("4", ("new",)),
    ]
    text = format_changes(found, 3)
    assert "3 of 3 answers changed" in text and "before: y" in text and "after: y2" in text


def test_an_abstention_is_a_change_even_with_the_same_text() -> None:
    before = [Pinned("1", "q", "Không tìm thấy", False, "a.txt#I")]
    after = [Pinned("1", "q", "Không tìm thấy", True, "a.txt#I")]
    assert changes(before, after) == [Change("1", "q", ("abstained",), before[0], after[0])]
