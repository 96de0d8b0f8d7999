"""Pure query understanding: cheap, explainable hints the retriever can use.

Everything is matched on the folded form, so "nhiệm vụ 2", "nhiem vu 2" and "task 2" agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text import fold, nfc
from rag.vocabulary import DOC_TYPE_ABBREVIATIONS, ENGLISH_DOC_TYPES
from rag.vocabulary import DOC_TYPES as VIETNAMESE_DOC_TYPES

# Folded document-type names (and English equivalents) -> the type as documents write it.
DOC_TYPES: dict[str, str] = {**VIETNAMESE_DOC_TYPES, **ENGLISH_DOC_TYPES}
_TYPE_ALT = "|".join(sorted((re.escape(t) for t in DOC_TYPES), key=len, reverse=True))
_DOC_REF = re.compile(rf"\b({_TYPE_ALT})\s+(?:so\s+|no\.?\s+|number\s+)?(\d+(?:\s?[/-]\s?[\w&]+)*)")
# "QĐ 12/QĐ-UBND", "KH 45/KH-UBND": an abbreviated type right before a number.
_ABBREVIATED_REF = re.compile(
    rf"\b({'|'.join(DOC_TYPE_ABBREVIATIONS)})\s+(?:so\s+)?(\d+(?:\s?[/-]\s?[\w&]+)*)"
)
_DOC_TYPE = re.compile(rf"\b({_TYPE_ALT})\b")
_TASK = re.compile(r"\b(?:nhiem vu|nv|task|muc)\s+(?:so\s+|thu\s+|no\.?\s*)?(\d{1,2})\b")
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-]|/)")
# Question forms that ask for one structural part of a document, most specific first.
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("signer", re.compile(r"\b(ai ky|nguoi ky|ky boi|ky ten|who signed|signed by|signer)\b")),
    (
        "recipients",
        re.compile(
            r"\b(kinh gui|noi nhan|gui (cho |den |toi )?(ai|nhung|cac co quan|co quan nao)|sent to|addressed to)\b"
        ),
    ),
    # "When was it issued/signed?" asks for a date, not a task's deadline.
    (
        "deadline",
        re.compile(
            r"^(?!.*\b(ban hanh|issued|signed|duoc ky|ngay nao)\b).*"
            r"\b(khi nao|bao gio|luc nao|thoi gian thuc hien|thoi han|han chot|deadline|when)\b"
        ),
    ),
    ("coordinating_units", re.compile(r"\b(phoi hop|coordinat\w*)\b")),
    (
        "lead_unit",
        re.compile(r"\b(ai|don vi nao|co quan nao|so nao|phong nao|who|which (unit|agency|department))\b"),
    ),
)
# Abbreviations in how people name issuing bodies, folded.
_ALIASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\bkh ?& ?cn\b|\bkhcn\b"), "khoa hoc va cong nghe"),
)
_ISSUER_HEAD = r"(?:so|uy ban nhan dan|bo|phong|trung tam|hoi dong nhan dan|ban|van phong|thu tuong)"
_ISSUER_REF = re.compile(
    rf"\b({_TYPE_ALT})\b(?:\s+[\w/&.-]+){{0,6}}?\s+(?:cua|do)\s+({_ISSUER_HEAD}\b[\w\s&]*)"
)
_NUMBER = re.compile(r"(?<![\w/])(\d+(?:\s?[/-]\s?[\w&]+)*[/-][\w&]*[^\W\d_][\w&]*)")


@dataclass(frozen=True)
class DocRef:
    doc_type: str  # as documents write it: "Kế hoạch"
    number: str  # folded, no spaces: "58", "58/kh-ubnd", "12/qd-ubnd"


@dataclass(frozen=True)
class QueryHints:
    text: str
    folded: str
    task_number: str | None = None
    years: tuple[str, ...] = ()
    doc_refs: tuple[DocRef, ...] = ()
    doc_types: tuple[str, ...] = ()  # types named anywhere, with or without a number
    numbers: tuple[str, ...] = field(default=())  # document numbers like "57-nq/tw", folded
    issuer_refs: tuple[tuple[str, str], ...] = ()  # (doc type, folded issuer phrase): "kế hoạch của Sở …"
    asks: str | None = None  # lead_unit, coordinating_units, deadline, signer, recipients

    @property
    def has_signal(self) -> bool:
        return bool(
            self.task_number
            or self.years
            or self.doc_refs
            or self.numbers
            or self.issuer_refs
            or self.doc_types
            or self.asks
        )


def expand_aliases(folded: str) -> str:
    for pattern, full in _ALIASES:
        folded = pattern.sub(full, folded)
    return folded


def issuer_matches(phrase: str, issuer: str) -> bool:
    """Does a folded phrase from the query ("uy ban nhan dan tinh") name this issuer?

    The phrase must start with the issuer's first words (at most four), so "Sở Khoa học và
    Công nghệ đề nghị …" names "Sở Khoa học và Công nghệ" but "Sở Tài chính" does not.
    """
    want = expand_aliases(fold(issuer)).split()
    have = expand_aliases(fold(phrase)).split()
    n = min(len(want), 4)
    return n > 0 and have[:n] == want[:n]


def analyze_query(text: str) -> QueryHints:
    text = nfc(text)
    # Numbers are read before abbreviations are expanded: "58/KH-UBND" must stay whole.
    plain = fold(text)
    folded = expand_aliases(plain)
    task = _TASK.search(plain)
    refs = tuple(
        dict.fromkeys(
            [
                *(
                    DocRef(DOC_TYPES[m.group(1)], re.sub(r"\s", "", m.group(2)))
                    for m in _DOC_REF.finditer(plain)
                ),
                *(
                    DocRef(DOC_TYPE_ABBREVIATIONS[m.group(1)], re.sub(r"\s", "", m.group(2)))
                    for m in _ABBREVIATED_REF.finditer(plain)
                ),
            ]
        )
    )
    types = tuple(dict.fromkeys(DOC_TYPES[m.group(1)] for m in _DOC_TYPE.finditer(plain)))
    numbers = tuple(dict.fromkeys(re.sub(r"\s", "", m.group(1)) for m in _NUMBER.finditer(plain)))
    return QueryHints(
        text=text,
        folded=folded,
        task_number=task.group(1) if task else None,
        years=tuple(dict.fromkeys(_YEAR.findall(plain))),
        doc_refs=refs,
        doc_types=types,
        numbers=numbers,
        issuer_refs=tuple(
            dict.fromkeys((DOC_TYPES[m.group(1)], m.group(2).strip()) for m in _ISSUER_REF.finditer(folded))
        ),
        asks=next((name for name, pattern in _ASKS if pattern.search(folded)), None),
    )


def number_matches(ref_number: str, doc_number: str) -> bool:
    """Does a referenced number ("58" or "58/kh-ubnd") name this document number ("58/KH-UBND")?"""
    ref = fold(ref_number).replace(" ", "")
    doc = fold(doc_number).replace(" ", "")
    if not ref or not doc:
        return False
    if "/" in ref or "-" in ref:
        return doc == ref or doc.startswith(ref)
    return re.match(r"\d+", doc) is not None and re.match(r"\d+", doc).group(0) == ref  # type: ignore[union-attr]
