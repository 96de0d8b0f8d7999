"""Verdicts for yes/no and answer-choice questions: a statement compared with the clause that
states its provision (negation, quantities, dates, who acts, bounds and exceptions). Pure."""

from rag.verdicts.compare import ClauseText, Comparison, Conflict, compare
from rag.verdicts.judge import THRESHOLDS, Pick, Thresholds, Verdict, choose, hypothesis, judge

__all__ = [
    "THRESHOLDS",
    "ClauseText",
    "Comparison",
    "Conflict",
    "Pick",
    "Thresholds",
    "Verdict",
    "choose",
    "compare",
    "hypothesis",
    "judge",
]
