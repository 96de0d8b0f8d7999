"""Pure checks of a statement against a passage: negation, numbers with their units, dates,
the subject a sentence starts with. Used to read answer choices and to give yes/no verdicts."""

from __future__ import annotations

import re

from rag.answer.text import DATE_FOLDED, numbers, strip_marker
from rag.text import fold

# Negation cues. Not bounds ("không quá 12 tháng", "không dưới"), "không chỉ", "chưa thành niên".
_NEGATION = re.compile(
    r"\b(?:khong|chua)\b(?!\s+(?:chi|qua|duoi|vuot|thap|it|ke|thanh nien|muon|som)\b)|\b(?:nghiem|bi)\s+cam\b"
)
# "cấm" alone is read with its marks: folded "cam" is also "cam kết", "cảm".
_MARKED_BAN = re.compile(r"(?<!nghiêm )(?<!bị )\bcấm\b")
_DATE_PARTS = re.compile(r"\b(\d{1,2})\s*(?:/|thang)\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})\b")
# A number and its unit ("05 năm", "1%", "10.000.000 đồng"): only units of quantities, so that
# "năm 2026 thì" or a list number reads no amount.
_UNIT_NUMBER = re.compile(
    r"(?<![\d/.,])(\d+(?:[.,]\d+)*)\s*(%|phan tram|tuoi|thang|nam|ngay|tuan|gio|phut|lan|dong|trieu|ty|nghin"
    r"|nguoi|km|ha|kg|quy|ky|bac)(?![a-z])"
)


def negations(text: str) -> int:
    """How many negation cues a text has ("không", "chưa", "nghiêm cấm", "cấm")."""
    return len(_NEGATION.findall(fold(text))) + len(_MARKED_BAN.findall(text.lower()))


def _norm(number: str) -> str:
    return number.lstrip("0") or "0"


_LOCATOR_NUMBER = re.compile(r"\b(?:dieu|khoan|diem|muc|chuong|phu luc|so)\s*\d+")


def quantities(text: str) -> set[str]:
    """Numbers (periods included, leading zeros dropped: "05 năm" = "5 năm") and dates (d/m/y);
    not the numbers of locators ("khoản 2", "Điều 41")."""
    folded = _LOCATOR_NUMBER.sub(" ", fold(strip_marker(text)))
    dates = {"/".join(_norm(p) for p in m.groups()) for m in _DATE_PARTS.finditer(folded)}
    return {_norm(n) for n in numbers(folded, periods=True)} | dates


def amounts(text: str) -> dict[str, set[str]]:
    """Numbers by the unit that follows them ("05 năm" -> {"nam": {"5"}}), dates left out."""
    out: dict[str, set[str]] = {}
    for m in _UNIT_NUMBER.finditer(DATE_FOLDED.sub(" ", _LOCATOR_NUMBER.sub(" ", fold(strip_marker(text))))):
        out.setdefault(m.group(2), set()).add(_norm(m.group(1)))
    return out


def contradicts_amounts(statement: str, passage: str) -> bool:
    """The statement gives a number for a unit the passage gives another number for ("05 năm" vs "10 năm")."""
    said, stated = amounts(statement), amounts(passage)
    if any(unit in stated and not values & stated[unit] for unit, values in said.items()):
        return True
    asked = {d for d in quantities(statement) if "/" in d}
    found = {d for d in quantities(passage) if "/" in d}
    return bool(asked and found and not asked & found)


def same_subject(question: str, passage: str, words: int = 4) -> float:
    """Share of the question's first words the passage starts with: the same subject
    ("Người lao động đóng …", not "Người sử dụng lao động đóng …")."""
    asked = fold(question).split()[:words]
    said = fold(strip_marker(passage)).split()[:words]
    same = 0
    for a, b in zip(asked, said, strict=False):
        if a != b:
            break
        same += 1
    return same / words


def states_amounts(choice: str, wanted: set[str], passage: str) -> bool:
    """Every number of a choice is in the passage, with the unit the choice gives it ("2%", "12 tháng")."""
    if not wanted <= quantities(passage):
        return False
    found = amounts(passage)
    return all(values <= found.get(unit, set()) for unit, values in amounts(choice).items())
