"""Every wording of the reader's tables reads the phrasings it lists, and they read as its label."""

from __future__ import annotations

import pytest

from rag.reading import read, search_query
from rag.reading.matcher import Matcher, Wording
from rag.reading.wordings import ASKS, CUES, LINEAGE, MACROS, PARTS, SLOTS
from rag.text import fold

TABLES = {"slots": SLOTS, "cues": CUES, "parts": PARTS, "lineage": LINEAGE, "asks": ASKS}
MATCHERS = {name: Matcher(table, MACROS) for name, table in TABLES.items()}
CASES = [
    (name, wording, example)
    for name, table in TABLES.items()
    for wording in table
    for example in wording.examples
]


def _id(case: tuple[str, Wording, str]) -> str:
    return f"{case[0]}:{case[1].label}:{case[2][:40]}"


@pytest.mark.parametrize("name", TABLES)
def test_every_wording_lists_several_phrasings(name: str) -> None:
    thin = [w.label for w in TABLES[name] if len(w.examples) < 2]
    assert not thin, f"{name}: wordings with fewer than two phrasings: {thin}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_the_wording_reads_each_of_its_phrasings(case: tuple[str, Wording, str]) -> None:
    name, wording, example = case
    assert MATCHERS[name].reads(wording, fold(example)), example


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "slots"], ids=_id)
def test_a_slot_phrasing_reads_as_that_slot(case: tuple[str, Wording, str]) -> None:
    _, wording, example = case
    assert read(example).slot == wording.label, example


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in ("cues", "lineage")], ids=_id)
def test_a_cue_phrasing_is_among_the_questions_cues(case: tuple[str, Wording, str]) -> None:
    name, wording, example = case
    question = read(example)
    if name == "lineage":
        assert question.lineage == tuple(wording.label.split(":")[1:]), example
    else:
        assert wording.label in question.cues, example


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "parts"], ids=_id)
def test_a_part_phrasing_is_what_retrieval_lifts(case: tuple[str, Wording, str]) -> None:
    _, wording, example = case
    assert search_query(example).asks == wording.label, example


def test_a_wording_may_require_and_exclude_other_words() -> None:
    matcher = Matcher(
        [Wording("due", r"\bnhiem vu nao\b", also=(r"\bhoan thanh\b",), unless=(r"\bban hanh\b",))]
    )
    assert matcher.first("nhiem vu nao phai hoan thanh truoc quy iv") == "due"
    assert matcher.first("nhiem vu nao duoc giao") is None
    assert matcher.first("nhiem vu nao hoan thanh sau khi ban hanh") is None


def test_macros_are_shared_alternations() -> None:
    matcher = Matcher([Wording("signed", r"\b(?:{DOC})\s+nao\b")], {"DOC": "van ban|ke hoach"})
    assert matcher.first("ke hoach nao") == "signed"
    assert matcher.first("bao cao nao") is None
