"""Clause references read from a question: its locator parts in any order ("khoản 2 Điều 9
Nghị định 13/2023/NĐ-CP", "mục 2 phần II Kế hoạch số 58/KH-UBND", "mục II.2 kế hoạch của UBND
tỉnh"), with or without marks, turned into the parser's locators (docs/parser.md: "Điều 9 khoản
2", "II.2", "Phụ lục 2.VIII.18"). The same grammar reads a reference inside a clause's text
(a unit handed "các nhiệm vụ tại mục (IV)(3.4)(a)").
"""

from __future__ import annotations

import re

from index.query import expand_aliases
from rag.matching import STOP_TERMS
from rag.questions import ClauseReference
from rag.text import fold_aligned, folded_words, nfc
from rag.vocabulary import DOC_TYPES

_ROMAN = r"[ivxlc]{1,6}"
# Locator words (folded) and the value each takes. Order of the tuple is the rank, widest first.
_PARTS: tuple[tuple[str, str], ...] = (
    ("appendix", rf"phu\s+luc(?:(?:\s+so)?\s+(\d{{1,2}}|{_ROMAN})\b)?"),
    ("part", rf"phan(?:\s+thu)?\s+({_ROMAN}|[a-e]|\d{{1,2}})(?![\w.])"),
    ("chapter", rf"chuong\s+({_ROMAN}|\d{{1,2}})\b"),
    ("section", rf"(?<!tieu )muc\s+((?:{_ROMAN}|\d{{1,2}})(?:\.\d{{1,2}})*)(?![\w])"),
    ("subsection", r"tieu\s+muc\s+(\d{1,2}(?:\.\d{1,2})*)\b"),
    ("article", r"dieu\s+(\d{1,3}[a-z]?)\b"),
    ("clause", r"khoan\s+(\d{1,2})\b"),
    ("point", r"diem\s+([a-zđ]|\d{1,2}(?:\.\d{1,2})*)(?![\w])"),
    ("row", r"(?:dong(?:\s+so)?|stt|so\s+thu\s+tu)\s+(\d{1,3})\b"),
    ("footnote", r"chu\s+thich(?:\s+so)?\s*\[?(\d{1,3})\]?(?!\d)"),
)
_PART_PATTERNS = tuple((kind, re.compile(rf"\b{p}")) for kind, p in _PARTS)
_RANK = {kind: i for i, (kind, _) in enumerate(_PARTS)}


def _value(kind: str, raw: str) -> str:
    if kind in ("point",) and not raw[0].isdigit():
        return raw.lower()
    if re.fullmatch(r"[ivxlc]+(\.\d+)*", raw) or (kind == "part" and raw.isalpha()):
        head, _, rest = raw.partition(".")
        return head.upper() + ("." + rest if rest else "")
    return raw


def parse_reference(question: str) -> ClauseReference | None:
    """The clause a question names by its locator parts, or None when it names none.

    Matched on a folded copy aligned with the question, so "Điều", "Dieu" and OCR's "Ðiều"
    agree and a letter such as "điểm đ" is read from the marked text.
    """
    text = nfc(question).replace("Ð", "Đ").replace("ð", "đ")
    folded = fold_aligned(text)
    parts: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    for kind, pattern in _PART_PATTERNS:
        m = pattern.search(folded)
        if not m or kind in parts:
            continue
        raw = text[m.start(1) : m.end(1)].lower() if kind == "point" else m.group(1) or ""
        if kind == "part" and raw in "abde" and not text[m.start(1)].isupper():
            continue  # a part letter is written in capitals ("phần A"), "phần a" is running text
        parts[kind] = _value(kind, raw)
        spans.append(m.span())
    if parts.get("appendix") == "" and len(parts) == 1:
        return None  # "theo phụ lục …" names no clause by itself
    if not parts:
        return None
    return ClauseReference(parts=parts, spans=tuple(spans))


# Words that ask what a clause says (folded); with the reference and the document's own words
# they make the whole question.
ASK_WORDS = frozenset(
    """
    quy dinh noi dung gi the nao nhu neu ghi viet trich dan toan van nguyen cho biet xem doc
    hien thi ve noi nhung viec cu chi tiet so ngay thang nam cua theo tai o trong gom bao
    huong yeu cau de cap hay ra sao chep chinh xac day du van ban
    """.split()
)
DOC_TYPE_WORDS = frozenset(w for t in DOC_TYPES for w in t.split())
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")  # "ngày 10/10/2025" after a number names the document too


def with_rest(ref: ClauseReference, question: str, numbers: list[str]) -> ClauseReference:
    """The reference with the question's other words: those outside the reference and the document
    numbers, that neither ask what a clause says nor name a document type (a question about something
    inside the clause keeps words here; one asking for the clause itself keeps only its document's)."""
    chars = list(fold_aligned(nfc(question)))
    for start, end in ref.spans:
        chars[start:end] = " " * (end - start)
    # Numbers first: "58/KH-UBND" stays whole before "UBND" is spelled out.
    words = [w for w in folded_words("".join(chars)) if w not in set(numbers) and not _DATE.fullmatch(w)]
    rest = folded_words(expand_aliases(" ".join(words)))
    kept = tuple(w for w in rest if w not in ASK_WORDS and w not in STOP_TERMS and w not in DOC_TYPE_WORDS)
    return ClauseReference(parts=ref.parts, spans=ref.spans, rest=kept)


_ARTICLE = re.compile(r"\bdieu\s+(\d{1,3})\b")
_CLAUSE = re.compile(r"\bkhoan\s+(\d{1,2})\b")
_POINT = re.compile(r"\bdiem\s+([a-z])\b")
_MARKED_POINT = re.compile(r"\bđiểm\s+([a-zđ])\b")


def legal_locator(folded: str, original: str = "") -> str | None:
    """ "khoản 2 Điều 8" / "Điều 8 khoản 2" -> "Điều 8 khoản 2" (the parser's locator form)."""
    article = _ARTICLE.search(folded)
    if not article:
        return None
    out = f"Điều {article.group(1)}"
    clause = _CLAUSE.search(folded)
    if clause:
        out += f" khoản {clause.group(1)}"
        point = _POINT.search(folded)
        if point:
            # Folding reads "điểm đ" as "diem d": take the letter from the marked text when there is one.
            marked = _MARKED_POINT.search(original.lower()) if original else None
            out += f" điểm {marked.group(1) if marked else point.group(1)}"
    return out
