"""Term matching for evidence scoring (part of the records floor: pure text, no question reading): diacritic-aware when both sides have marks.

Folding makes "lương" (salary) and "lượng" (quantity) the same word. When a question is
typed with marks and a clause kept its marks, words are compared with their marks
(tone-placement independent: "hoá" = "hóa", "uỷ" = "ủy"); otherwise they are compared
folded, so unmarked questions and OCR text still match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rag.text import fold, has_diacritics

WORD_TOKEN = re.compile(r"\w+(?:[.,/\-&]\w+)*", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f]")

# Function syllables that carry no evidence. Kept small on purpose: folded Vietnamese
# syllables are ambiguous ("van" is văn/vẫn/vận), so rarity (IDF) does the rest.
STOP_TERMS = frozenset(
    """
    ai gi nao la cua va cac nhung mot trong tai theo voi cho den tu ve thi ma nhu the khi nay
    do hay hoac de boi vi neu da dang se nua duoc khong co
    what when who which how where why is are was were the of a an to in on for by does did do and or
    """.split()
)

# Abbreviations of Vietnamese administrative writing and what they stand for (folded keys).
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "kh&cn": "khoa học và công nghệ",
    "khcn": "khoa học và công nghệ",
    "ttđt": "thông tin điện tử",
    "cđs": "chuyển đổi số",
    "đmst": "đổi mới sáng tạo",
    "cchc": "cải cách hành chính",
    "cntt": "công nghệ thông tin",
    "kt-xh": "kinh tế xã hội",
    "ktxh": "kinh tế xã hội",
    "mttq": "mặt trận tổ quốc",
    "nsnn": "ngân sách nhà nước",
    "gd&đt": "giáo dục và đào tạo",
    "bcđ": "ban chỉ đạo",
    "qđ": "quyết định",
    "nq": "nghị quyết",
    "dvc": "dịch vụ công",
}
ABBREVIATIONS_FOLDED = {fold(k): v for k, v in ABBREVIATIONS.items()}
# "cấp tỉnh" (provincial level) names the provincial People's Committee as issuer.
_PHRASE_ALIASES = {("cap", "tinh"): "ủy ban nhân dân tỉnh"}


# Function words with their marks: with marks, "có" is a stop word but "cơ" (cơ quan) is not.
_MARKED_STOP_WORDS = (
    "ai gì nào là của và các những một trong tại theo với cho đến từ về thì mà như thế khi này "
    "do đó hay hoặc để bởi vì nếu đã đang sẽ nữa được không có what when who which how where why "
    "is are was were the of a an to in on for by does did do and or"
)


# Words repeat across clauses and questions: their folded and marked forms are memoised.
_fold_word = lru_cache(maxsize=1 << 16)(fold)


@lru_cache(maxsize=1 << 16)
def marked_key(token: str) -> str:
    """A word with its marks, independent of where the tone mark sits ("hoá" == "hóa")."""
    lower = token.lower()
    marks = sorted(_COMBINING.findall(unicodedata.normalize("NFD", lower)))
    if "đ" in lower:
        marks.append("đ")
    base = fold(lower)
    return f"{base}|{''.join(marks)}" if marks else base


def tokens(text: str) -> list[str]:
    return WORD_TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def with_long_forms(words: list[str]) -> list[str]:
    """Words plus the long forms of abbreviations among them."""
    out = list(words)
    folded = [_fold_word(w) for w in words]
    for i, f in enumerate(folded):
        long = ABBREVIATIONS_FOLDED.get(f)
        if long:
            out.extend(tokens(long))
        if i + 1 < len(folded) and (f, folded[i + 1]) in _PHRASE_ALIASES:
            out.extend(tokens(_PHRASE_ALIASES[(f, folded[i + 1])]))
    return out


MARKED_STOP = frozenset(marked_key(w) for w in _MARKED_STOP_WORDS.split())


@dataclass(frozen=True)
class TextTerms:
    """One text's words as sets and sequences, in both forms."""

    folded: frozenset[str]
    marked: frozenset[str]
    folded_seq: tuple[str, ...]
    marked_seq: tuple[str, ...]
    has_marks: bool

    @classmethod
    def of(cls, text: str, has_marks: bool | None = None) -> TextTerms:
        words = with_long_forms(tokens(text))
        folded = [_fold_word(w) for w in words]
        marked = [marked_key(w) for w in words]
        content_f = [f for f in folded if f not in STOP_TERMS]
        content_m = [m for m in marked if m not in MARKED_STOP]
        parts = {p for f in folded if "-" in f or "/" in f for p in re.split(r"[-/]", f) if p}
        return cls(
            folded=frozenset(folded) | parts,
            marked=frozenset(marked) | parts,
            folded_seq=tuple(content_f),
            marked_seq=tuple(content_m),
            has_marks=has_diacritics(text) if has_marks is None else has_marks,
        )
