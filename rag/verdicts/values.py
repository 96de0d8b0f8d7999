"""Choices that are values ("A. 02 năm B. 05 năm …", "A. cấp độ 1 …", "A. 54.600 …"): the one
the clause about the stem's subject states. Pure: plain texts in.

Each choice is read as its value tokens (numbers and dates, written one way, with the word that
says what a number counts). The clauses are scored by how much of the stem's subject they speak
about (the stem's content words in the clause and its list intro; in its headings for less); a
number the stem itself says ("trẻ em dưới 4 tuổi") is the subject's, not an answer. The clause
that speaks most about the subject among those stating a choice's value decides, when it states
one choice's value only — or, for a changed value ("giảm từ 9,0% xuống 8,4%"), the one before or
after the change the stem asks — and no clause about the subject nearly as much states another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rag.text import fold
from rag.verdicts.compare import ClauseText
from rag.verdicts.tokens import Token, claim, quantity_unit, texts, tokens
from rag.verdicts.words import (
    CHANGE_AFTER,
    CHANGE_BEFORE,
    CHANGE_FROM,
    CHANGE_TO,
    LIGHT_WORDS,
    LOCATOR_HEADS,
    QUESTION_OPENERS,
    QUESTION_WORDS,
)

HEADING_CREDIT = 0.5  # a stem word found only in the clause's headings (its document, its article)
VALUE_WORDS = 3  # a choice with more words than this besides its value is a statement, not a value


@dataclass(frozen=True)
class ValuePick:
    letter: str
    index: int  # the deciding clause, in the order given
    subject: float  # the share of the stem's subject it speaks about
    changed: bool = False  # read as the value before or after a change the clause states


def _value(text: str) -> tuple[tuple[str, str], ...] | None:
    """A choice's values: (number or date, what it counts or ""); None when it is not a value."""
    toks = tokens(text)
    values = tuple((t.text, _unit(toks, i)) for i, t in enumerate(toks) if t.kind in ("number", "date"))
    words = [t for t in toks if t.kind == "word" and t.text not in LIGHT_WORDS and t.text != "%"]
    if not values or len(words) > VALUE_WORDS:
        return None
    return values


def _unit(toks: tuple[Token, ...], i: int) -> str:
    if toks[i].kind == "date":
        return "date"
    return quantity_unit(toks, i) or ""


def _subject_words(stem: str) -> list[str]:
    """The stem's content words, the words it asks with aside (by their marks where written)."""
    toks = tokens(claim(stem))
    folded_asking = {fold(w) for w in QUESTION_WORDS}
    words = []
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        asking = t.marked in QUESTION_WORDS if t.marked else t.text in folded_asking
        opener = t.text in QUESTION_OPENERS and nxt is not None and nxt.text in folded_asking
        if t.kind == "word" and not asking and not opener and t.text not in LIGHT_WORDS:
            words.append(t.text)
    return list(dict.fromkeys(words))


def _found(words: list[str], clause: ClauseText) -> dict[str, float]:
    """Each subject word as the clause has it: in its text or list intro (1), in its headings only."""
    own = set(texts(tokens(f"{clause.lead} {clause.text}")))
    heading = set(texts(tokens(clause.heading)))
    return {w: 1.0 if w in own else HEADING_CREDIT if w in heading else 0.0 for w in words}


def _stated(
    values: tuple[tuple[str, str], ...], toks: tuple[Token, ...], stem: Counter[tuple[str, str]]
) -> list[int]:
    """Where the clause states every value of a choice (the first value's positions): a choice's
    unit must be the clause's there (a choice with none takes any), a locator's number is none
    ("Điều 3"), and as many of a number as the stem itself says are the stem's ("dưới 04 tuổi"
    for "dưới 4 tuổi"), the others answers ("đủ 6 tháng …, dưới 6 tháng" for "dưới 6 tháng")."""
    found: list[int] = []
    for k, (value, unit) in enumerate(values):
        by_pair: dict[tuple[str, str], list[int]] = {}
        for j, t in enumerate(toks):
            if t.kind not in ("number", "date") or t.text != value:
                continue
            if t.kind == "number" and j > 0 and toks[j - 1].text in LOCATOR_HEADS:
                continue
            if not unit or _unit(toks, j) == unit:
                by_pair.setdefault((t.text, _unit(toks, j)), []).append(j)
        at = sorted(j for pair, js in by_pair.items() for j in js[stem[pair] :])
        if not at:
            return []
        if k == 0:
            found = at
    return found


def _changed(stem: str, toks: tuple[Token, ...], positions: dict[str, list[int]]) -> str | None:
    """ "từ X xuống Y": the choice stated before or after the change, as the stem asks; None when
    the stem asks neither or the clause states no change between two choices."""
    folded = f" {fold(stem)} "
    after = any(f" {w} " in folded for w in CHANGE_AFTER)
    before = any(f" {w} " in folded for w in CHANGE_BEFORE)
    if after == before:
        return None
    words = texts(toks)
    for letter, at in positions.items():
        for j in at:
            if j == 0 or words[j - 1] != CHANGE_FROM:
                continue
            turn = next((k for k in range(j + 1, min(len(words), j + 8)) if words[k] in CHANGE_TO), None)
            if turn is None:
                continue
            later = [
                x for x, ps in positions.items() if x != letter and any(turn < p <= turn + 2 for p in ps)
            ]
            if len(later) == 1:
                return later[0] if after else letter
    return None


def pick_value(
    stem: str,
    choices: Sequence[tuple[str, str]],
    clauses: Sequence[ClauseText],
    *,
    margin: float,
    least: float,
) -> ValuePick | None:
    """The value choice the clause about the stem's subject states; None when the choices are not
    all values, no clause about the subject states one plainly (at least `least` of the subject),
    or one nearly as much about it (within `margin`) states another."""
    values = {letter: _value(text) for letter, text in choices}
    if len(values) < 2 or any(v is None for v in values.values()):
        return None
    subject = _subject_words(stem)
    stem_toks = tokens(claim(stem))
    stem_pairs = Counter(
        (t.text, _unit(stem_toks, i)) for i, t in enumerate(stem_toks) if t.kind in ("number", "date")
    )
    readings: list[tuple[dict[str, float], int, str]] = []  # (subject words found, clause, its letter)
    changes: set[int] = set()  # the clauses read by a change they state
    for n, clause in enumerate(clauses):
        toks = tokens(f"{clause.lead} {clause.text}")
        positions = {}
        for letter, v in values.items():
            assert v is not None
            at = _stated(v, toks, stem_pairs)
            if at:
                positions[letter] = at
        if not positions:
            continue
        letter = next(iter(positions)) if len(positions) == 1 else _changed(stem, toks, positions)
        readings.append((_found(subject, clause), n, letter or ""))
        if len(positions) > 1 and letter:
            changes.add(n)
    plain = [r for r in readings if r[2]]
    if not plain:
        return None
    # Told apart by the subject's words that not every clause stating a value has ("nuôi dưỡng"
    # where both articles say "hệ số … trẻ em dưới 4 tuổi").
    share = {w: sum(r[0][w] for r in readings) / len(readings) for w in subject}
    told = {r[1]: _score(r[0], {w: 1.0 - share[w] for w in subject}) for r in readings}
    best = max(plain, key=lambda r: (told[r[1]], _score(r[0]), -r[1]))
    if _score(best[0]) < least:
        return None
    # Another value stated about the subject nearly as much, or two values in a clause (not told
    # apart) about it clearly more: the clauses do not say which.
    if any(r[2] != best[2] and told[best[1]] - told[r[1]] < margin for r in readings):
        return None
    return ValuePick(best[2], best[1], _score(best[0]), best[1] in changes)


def _score(found: dict[str, float], weights: dict[str, float] | None = None) -> float:
    weights = weights or dict.fromkeys(found, 1.0)
    total = sum(weights.values())
    return sum(weights[w] * found[w] for w in found) / total if total else 0.0
