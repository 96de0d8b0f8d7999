"""A statement that retells a clause with its parts in another order: "lệ phí … theo quy định,
Thuế giá trị gia tăng" for "Thuế giá trị gia tăng, lệ phí … theo quy định". Pure.

The statement is cut at one of its commas or semicolons and its two halves swapped; when that
puts every word of it, in a row, in one clause (or the clause after its list intro), the swapped
statement is the clause's own wording and is judged as such. One cut only: each half keeps its
words in the clause's order, so no word is paired with another the clause does not pair it with
("Bộ Y chủ trì, phối hợp Bộ X" for "Bộ X chủ trì, phối hợp Bộ Y" is no swap of halves).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.verdicts.compare import ClauseText
from rag.verdicts.tokens import claim, texts, tokens

_CUT = re.compile(r"\s*[,;]\s+")
# A swapped statement this many words long at least: a short one says too little to be checked.
LEAST_WORDS = 6


def in_clause_order(statement: str, clauses: Sequence[ClauseText]) -> str | None:
    """The statement with its two halves (cut at a comma or semicolon) swapped, when the swap is
    word for word a run of one clause's words and the statement as written is not; else None."""
    body = claim(statement).strip().rstrip(" .?;")
    pieces = [p for p in _CUT.split(body) if p.strip()]
    if len(pieces) < 2:
        return None
    runs = [texts(tokens(text)) for c in clauses for text in _readings(c)]
    if _within(texts(tokens(body)), runs):
        return None  # already in the clause's order: the alignment judged it as it is
    for cut in range(1, len(pieces)):
        swapped = ", ".join([*pieces[cut:], *pieces[:cut]])
        words = texts(tokens(swapped))
        if len(words) >= LEAST_WORDS and _within(words, runs):
            return swapped[0].upper() + swapped[1:]
    return None


def _readings(clause: ClauseText) -> tuple[str, ...]:
    return (clause.text, f"{clause.lead} {clause.text}") if clause.lead else (clause.text,)


def _within(words: list[str], runs: list[list[str]]) -> bool:
    n = len(words)
    return bool(n) and any(run[i : i + n] == words for run in runs for i in range(len(run) - n + 1))
