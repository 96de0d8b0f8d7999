"""Term matching for evidence scoring: diacritic-aware when both sides have marks.

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

from rag.intent import STOP_TERMS, Intent, question_phrase_spans
from rag.text import fold, fold_aligned, has_diacritics, nfc

_TOKEN = re.compile(r"\w+(?:[.,/\-&]\w+)*", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f]")

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
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def _expand(words: list[str]) -> list[str]:
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
        words = _expand(tokens(text))
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


@dataclass(frozen=True)
class QueryTerms:
    """The question's evidence-bearing words, folded and (when typed with marks) marked."""

    folded: tuple[str, ...]
    marked: tuple[str, ...]
    has_marks: bool

    def pick(self, text: TextTerms) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...], bool]:
        """(query words, text words, text sequence, marked?) for comparing with one text."""
        if self.has_marks and text.has_marks:
            return self.marked, text.marked, text.marked_seq, True
        return self.folded, text.folded, text.folded_seq, False

    def without(self, folded_words: set[str] | frozenset[str]) -> QueryTerms:
        keep = [i for i, f in enumerate(self.folded) if f not in folded_words]
        return QueryTerms(
            tuple(self.folded[i] for i in keep), tuple(self.marked[i] for i in keep), self.has_marks
        )

    def __bool__(self) -> bool:
        return bool(self.folded)


def query_terms(
    intent: Intent, text: str | None = None, drop_phrases: re.Pattern[str] | None = None
) -> QueryTerms:
    """Content words of the question (or of `text` standing in for it), question phrases removed."""
    source = nfc(intent.query if text is None else text)
    aligned = fold_aligned(source)
    spans = question_phrase_spans(aligned)
    if drop_phrases is not None:
        spans += [m.span() for m in drop_phrases.finditer(aligned)]
    marked = has_diacritics(source) and not intent.english

    def is_stop(word: str) -> bool:
        return marked_key(word) in MARKED_STOP if marked else fold(word) in STOP_TERMS

    lower = source.lower()
    kept = [m.group(0) for m in _TOKEN.finditer(lower) if not any(a <= m.start() < b for a, b in spans)]
    kept = [w for w in _expand(kept) if not is_stop(w)]
    if intent.english:
        # Only the words the glossary put into Vietnamese (and numbers) can be evidence;
        # the English left around them is matched by the multilingual dense retriever.
        # ("khu công nghệ cao": "khu" and "cao" carry no marks, but the question never said them.)
        english = set(_TOKEN.findall(intent.question.lower()))
        kept = [w for w in kept if has_diacritics(w) or any(ch.isdigit() for ch in w) or w not in english]
    return QueryTerms(tuple(fold(w) for w in kept), tuple(marked_key(w) for w in kept), marked)
