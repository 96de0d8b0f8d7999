"""Issue 23, finding 2: no regular expression of the server can freeze it.

Every pattern of the server's modules is found generically (``regex_audit.reader_patterns``: module
globals, tables, dataclass records, closures and literal ``re.*`` calls of every module under
``rag/``, ``index/`` and ``api/``, a new package included the day it is added), then fed hostile
2,000-character inputs built from its own literal fragments and whitespace: the deterministic
families of ``regex_audit.crafted`` (the worst few, found on short inputs, then read at full
length) and Hypothesis' own combinations. Each read must cost under 50 ms of CPU.
"""

from __future__ import annotations

import pytest
import regex_audit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BUDGET_S = 0.050
PATTERNS = regex_audit.reader_patterns()
IDS = [f"{found.where}" for found in PATTERNS]


def test_the_audit_finds_the_readers_patterns() -> None:
    """The discovery is generic, not a list: tables, records, closures and literal calls are found."""
    where = {found.where.partition(":")[0] for found in PATTERNS}
    assert {
        "rag.reading.followup",
        "rag.reading.reader",
        "index.query",
        "rag.reading.form",
        "rag.units",
    } <= where
    found = {found.pattern.pattern for found in PATTERNS}
    from rag.reading.followup import _ELLIPSIS
    from rag.reading.form import _YES_NO

    assert _ELLIPSIS.pattern in found  # a module global
    assert all(pattern.pattern in found for pattern, _ in _YES_NO)  # inside a table
    assert any(f.where.startswith("rag.units:") and f.where.partition(":")[2].isdigit() for f in PATTERNS)
    assert len(PATTERNS) > 200


def test_the_audit_catches_a_backtracking_pattern() -> None:
    """The issue's pattern, as it was: the crafted inputs find its catastrophic case."""
    import re

    old = re.compile(
        r"^\s*(?:vay|the)?\s*con\s+(?P<x>.+?)\s*(?P<tail>(?:thi\s+)?(?:sao|the nao|ra sao|nhu the nao))?"
        r"\s*[?.!]*\s*$"
    )
    cost, text = regex_audit.worst(regex_audit.Found(old, "old"), limit=400, budget_s=1.0)
    assert cost > BUDGET_S and text.startswith("con")


@pytest.mark.parametrize("found", PATTERNS, ids=IDS)
def test_crafted_inputs_read_in_linear_time(found: regex_audit.Found) -> None:
    cost, text = regex_audit.worst(found)
    assert cost < BUDGET_S, f"{found.where}: {cost * 1000:.0f} ms on {text[:40]!r}…{text[-12:]!r}"


@st.composite
def hostile(draw: st.DrawFn, found: regex_audit.Found) -> str:
    """Up to five of the pattern's fragments and whitespace, repeated to 2,000 characters, then a tail."""
    pieces = regex_audit.fragments(found.pattern) + list(regex_audit.WHITESPACE)
    unit = "".join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=5)))
    head = draw(st.sampled_from(["", *pieces]))
    tail = draw(st.sampled_from([*regex_audit.TAILS, *pieces]))
    return regex_audit.tile(unit, tail, head=head)


@pytest.mark.parametrize("found", PATTERNS, ids=IDS)
def test_hypothesis_inputs_read_in_linear_time(found: regex_audit.Found) -> None:
    @settings(
        max_examples=8,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(hostile(found))
    def reads_fast(text: str) -> None:
        cost = regex_audit.read_cost(found.pattern, text, found.how)
        if cost >= BUDGET_S:  # once more: a descheduled moment is not the pattern's
            cost = regex_audit.steady_cost(found.pattern, text, found.how)
        assert cost < BUDGET_S, f"{found.where}: {cost * 1000:.0f} ms on {text[:40]!r}…{text[-12:]!r}"

    reads_fast()
