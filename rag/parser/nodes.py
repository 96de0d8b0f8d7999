"""The parser's working tree: nodes, marker ranks and small text tests shared by its modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.normalize import Line

BREADCRUMB_CHARS = 90

# Ranks: a new marker closes open nodes of equal or deeper rank.
RANK_APPENDIX = 0
RANK_LEGAL = {"phan": 1, "chuong": 2, "muc": 3, "dieu": 5}
RANK_ALPHA = 3  # "A. PHẦN MỞ ĐẦU" above "I."
RANK_ROMAN = 4
RANK_NUMBERED = 5  # + depth (1. -> 6, 1.1. -> 7 ...)
RANK_LETTER = 10
RANK_BULLET = 11
RANK_PLUS = 12
RANK_PARAGRAPH = 13
TASK_MAX_RANK = 9  # fields belong to the nearest numbered task or heading

LEGAL_LABELS = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "dieu": "Điều"}


@dataclass
class Node:
    kind: str
    rank: int
    locator: str
    parent: Node | None = None
    marker: str = ""  # "II", "2.3", "b", "-", "Điều 5" …
    style: str = ""  # roman, numbered, letter, bullet, plus, legal:dieu, appendix, field, table …
    lines: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    field_key: str = ""  # fields: "lead_unit", "deadline" …
    label: str = ""  # fields: the label as printed, "Đơn vị thực hiện"; table groups: their title
    columns: tuple[list[str], list[str]] | None = None  # pipe rows: the table's (headers, column roles)

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    def count(self, style: str) -> int:
        return sum(1 for c in self.children if c.style == style)


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def roman_value(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    prev = 0
    for ch in reversed(text.upper()):
        v = values.get(ch, 0)
        if not v:
            return 0
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def is_person_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 45 or any(ch.isdigit() for ch in text):
        return False
    return all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) and w.isalpha() for w in words)
