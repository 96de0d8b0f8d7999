"""Statements about administrative units merged: "thị trấn A được nhập vào xã B mới" read against
the clauses that arrange units ("Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của thị trấn
A và các xã C, D thành xã mới có tên gọi là xã E", "Nhập toàn bộ … của xã A vào xã B").

The alignment cannot judge these: the statement retells the clause in other words, and the
clause forming "xã B" and the one taking in "thị trấn A" share most of their words. Here both
are read as relations — which units go into which new one — and the statement is true when the
clause taking in each unit it names forms the unit it says, false when that clause forms
another, undecided when no clause takes the unit in. Pure: plain texts in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.text import fold
from rag.verdicts.words import MERGER_CLAUSE, MERGER_STATEMENTS, UNIT_LEVELS

# A level word ("xã", "các phường", "thị trấn") then a name: capitalised words.
_LEVEL = "|".join(sorted(UNIT_LEVELS, key=len, reverse=True))
# Upper-case letters only: the range À-Ỹ also holds lower-case ones ("được", "ở" end a name).
_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1EF9)) if c.isupper())
_NAME = rf"[{_UPPER}]\w*(?:[ -][{_UPPER}0-9]\w*)*"
_UNIT = re.compile(
    rf"(?<!\w)(?:(?:các|những)\s+)?(?P<level>{_LEVEL})\s+(?P<names>{_NAME}(?:\s*(?:,|và)\s*{_NAME})*)"
)
_CLAUSE = re.compile(MERGER_CLAUSE, re.I)
_NEGATED = re.compile(r"(?<!\w)(?:không|chưa|chẳng)(?:\s+(?:được|bị|phải))?\s*$", re.I)
# From a line's start: a match from any later start is one from the start with a longer lead
# (its members are read for units anyway), and a search restarting at every character is quadratic.
_STATEMENTS = [re.compile(p, re.I | re.M) for p in MERGER_STATEMENTS]


@dataclass(frozen=True)
class Merger:
    members: frozenset[str]  # the units merged, level and name folded ("thi tran a")
    into: str  # the unit they form


def _names(text: str) -> list[str]:
    """The units a phrase lists, each its level and name folded ("thị trấn A và các xã B, C" ->
    "thi tran a", "xa b", "xa c"): a town and the commune named after it are two units."""
    out = []
    for m in _UNIT.finditer(text):
        level = fold(m.group("level"))
        out += [
            f"{level} {fold(n)}"
            for n in re.split(r"(?<!\s)\s*(?:,|\bvà\b)\s*", m.group("names"))
            if n.strip()
        ]
    return out


def arrangement(clause: str) -> Merger | None:
    """The units a clause merges and the unit they form, if it arranges units."""
    m = _CLAUSE.search(clause)
    if not m:
        return None
    members = _names(m.group("members"))
    into = _names(m.group("into"))
    if not members or not into:
        return None
    return Merger(
        frozenset(members + into[:1]) if m.group("verb").lower() == "nhập" else frozenset(members), into[-1]
    )


def claimed(statement: str) -> Merger | None:
    """What a statement says was merged into what, if it speaks of units merged."""
    for pattern in _STATEMENTS:
        m = pattern.search(statement)
        if m and not _NEGATED.search(m.group("members")):
            members, into = _names(m.group("members")), _names(m.group("into"))
            if members and into:
                return Merger(frozenset(members), into[0])
    return None


def merger_verdict(statement: str, clauses: Sequence[str]) -> tuple[bool, int] | None:
    """(True or False, the deciding clause) for a statement of units merged; None when it is not
    one, or no clause takes in every unit it names."""
    said = claimed(statement)
    if said is None:
        return None
    stated = [(i, arrangement(text)) for i, text in enumerate(clauses)]
    found: dict[str, tuple[int, Merger]] = {}
    for i, merger in stated:
        if merger is None:
            continue
        for name in merger.members & said.members:
            found.setdefault(name, (i, merger))
    if set(found) != set(said.members):
        return None
    for i, merger in found.values():
        if merger.into != said.into:
            return False, i
    return True, next(iter(found.values()))[0]
