"""Small pure text helpers shared by every stage (Vietnamese-aware)."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Diacritic-free, lower-case, whitespace-collapsed form: "Kế hoạch  Đ" -> "ke hoach d".

    This is the comparison form of the evaluation contract and of the lexical index's
    folded field, so text that lost its marks through OCR still matches.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = _COMBINING.sub("", decomposed).replace("đ", "d").replace("Đ", "D")
    return collapse_ws(stripped.lower())


def has_diacritics(text: str) -> bool:
    return fold(text) != collapse_ws(text.lower())


def fold_aligned(text: str) -> str:
    """Lower-case, diacritic-free, and the same length as NFC `text`, so spans found in it index the original."""
    out = []
    for ch in nfc(text):
        base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else "d"
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


_FOLDED_WORD = re.compile(r"[0-9a-z]+(?:[.,/\-][0-9a-z]+)*")


def folded_words(folded_text: str) -> list[str]:
    """Folded word tokens, numbers with their separators kept ("1.200", "10/10/2025", "15-nq/tw")."""
    return _FOLDED_WORD.findall(folded_text)


# --- dates and quantities in folded text ----------------------------------------------------
DATE_FOLDED = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\b|\bngay\s+\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?"
    r"|\bngay\s+\d{1,2}\s+(?:hang|moi)\s+thang|\bthang\s+\d{1,2}\s*(?:/|-|nam)\s*\d{4}|\bquy\s+[iv]{1,3}\b"
)


_DMY = re.compile(
    r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b|\b(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})\b"
)


def dates_in(folded: str) -> set[tuple[int, int, int]]:
    """Complete dates of a folded text as (day, month, year): "01/12/2025" = "01 tháng 12 năm 2025"."""
    out = set()
    for m in _DMY.finditer(folded):
        d, mo, y = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        )
        out.add((int(d), int(mo), int(y)))
    return out


_NUMBER = re.compile(r"(?<![\d/])\d+(?:[.,]\d+)*(?![\d/])")


def numbers(folded: str, *, periods: bool = False) -> list[str]:
    """Quantities in a text: not dates (d/m/y), not years, not document numbers, and not periods
    ("6 tháng") unless `periods` (they answer "how often")."""
    cleaned = DATE_FOLDED.sub(" ", folded)
    cleaned = re.sub(r"\b\d+\s*[-/]\s*[a-z]", " ", cleaned)
    if not periods:
        cleaned = re.sub(r"\b\d+\s+(thang|nam|quy|tuan|ngay)\b", " ", cleaned)
    return [n for n in _NUMBER.findall(cleaned) if not re.fullmatch(r"(19|20)\d\d", n)]


# Numbers that name a place in a text or a series ("khoản 1 Điều 33", "nhiệm vụ 2", "Tiểu dự án 1"),
# not a quantity the question already states.
_NAMING_NUMBER = re.compile(
    r"\b(?:dieu|khoan|diem|muc|phan|chuong|phu luc|nhiem vu|du an|tieu du an|giai doan|dot|so)\s+[0-9]+[a-z]?\b"
)


def question_numbers(folded: str, *, periods: bool = False) -> list[str]:
    """Quantities, not the numbers that name an article, a task or a series: those a question states
    itself, and those an answer to "bao nhiêu" must add ("Điều 20" in it is no amount)."""
    return numbers(_NAMING_NUMBER.sub(" ", folded), periods=periods)


# --- bounds and labels: one grammar for questions and clauses ---------------------------------
def _bound_pattern() -> re.Pattern[str]:
    from rag.vocabulary import BOUNDS_AFTER, BOUNDS_BEFORE

    before = "|".join(sorted(map(re.escape, BOUNDS_BEFORE), key=len, reverse=True))
    after = "|".join(sorted(map(re.escape, BOUNDS_AFTER), key=len, reverse=True))
    return re.compile(
        rf"\b(?P<before>{before})\s+(?P<n1>\d[\d.,]*)\s+(?P<u1>\w+)"
        rf"|\b(?P<n2>\d[\d.,]*)\s+(?P<u2>\w+)(?:\s+\w+){{0,3}}?\s+(?P<after>{after})\b"
    )


_BOUND = _bound_pattern()


def bounded_quantities(folded: str) -> list[tuple[str, str, str]]:
    """(direction, number, unit) of each bounded quantity of a folded text: "trên 20 năm" ->
    ("more", "20", "nam"), "từ 18 tuổi trở lên" -> ("more", "18", "tuoi"), "không quá 05 ngày"
    -> ("less", "5", "ngay"). Numbers lose leading zeros, so "05" and "5" meet."""
    from rag.vocabulary import BOUNDS_AFTER, BOUNDS_BEFORE

    out = []
    for m in _BOUND.finditer(folded):
        if m.group("before"):
            direction, number, unit = BOUNDS_BEFORE[m.group("before")], m.group("n1"), m.group("u1")
        else:
            direction, number, unit = BOUNDS_AFTER[m.group("after")], m.group("n2"), m.group("u2")
        out.append((direction, number.lstrip("0") or "0", unit))
    return out


# A roman numeral labelling the noun before it ("hạng II", "nhóm I"); not "V/v", not "II." of a heading.
_ROMAN_LABEL = re.compile(r"(?<![\w/])([^\W\d_]+)\s+(X{0,1}(?:IX|IV|V?I{0,3}))(?![\w/.])")


def roman_labels(text: str) -> list[tuple[str, str]]:
    """(folded noun, numeral) of each roman numeral labelling a noun in a text as written (the
    numeral upper-case): "từ hạng III lên hạng II" -> [("hang", "III"), ("hang", "II")]. Nouns
    that place a numeral in a document ("mục II", "quý IV") are left out."""
    from rag.vocabulary import LOCATING_NOUNS

    out = []
    for m in _ROMAN_LABEL.finditer(nfc(text)):
        noun, numeral = fold(m.group(1)), m.group(2)
        if numeral and noun not in LOCATING_NOUNS:
            out.append((noun, numeral))
    return out
