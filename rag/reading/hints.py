"""What retrieval is told about a question: task number, years, the documents it names, the
part of a document it asks for. Read once here; ``index/`` receives it as a ``SearchQuery``.

Everything is matched on the folded form, so "nhiệm vụ 2", "nhiem vu 2" and "task 2" agree.
"""

from __future__ import annotations

import re

from index.query import expand_aliases
from rag.questions import DocRef, SearchQuery
from rag.reading.english import translate_english
from rag.reading.matcher import Matcher
from rag.reading.wordings import MACROS, PARTS
from rag.text import fold, fold_aligned, nfc
from rag.values import MEASURE_UNITS, TIME_UNITS
from rag.vocabulary import DOC_TYPE_ABBREVIATIONS, ENGLISH_DOC_TYPES
from rag.vocabulary import DOC_TYPES as VIETNAMESE_DOC_TYPES

# Folded document-type names (and English equivalents) -> the type as documents write it.
DOC_TYPES: dict[str, str] = {**VIETNAMESE_DOC_TYPES, **ENGLISH_DOC_TYPES}
_TYPE_ALT = "|".join(sorted((re.escape(t) for t in DOC_TYPES), key=len, reverse=True))
# A number glued to letters ("kế hoạch 5G/IoT") is a name, and one before a unit ("báo cáo 6 tháng")
# a quantity, not a document number.
_NOT_A_NUMBER = rf"(?![^\W\d_])(?!\s+(?:{TIME_UNITS}|{MEASURE_UNITS})(?!\w))"
_DOC_REF = re.compile(
    rf"\b({_TYPE_ALT})\s+(?:so\s+|no\.?\s+|number\s+)?(\d+{_NOT_A_NUMBER}(?:\s?[/-]\s?[\w&]+)*)"
)
# "QĐ 12/QĐ-UBND", "KH 45/KH-UBND": an abbreviated type right before a number.
_ABBREVIATED_REF = re.compile(
    rf"\b({'|'.join(DOC_TYPE_ABBREVIATIONS)})\s+(?:so\s+)?(\d+(?![^\W\d_])(?:\s?[/-]\s?[\w&]+)*)"
)
_DOC_TYPE = re.compile(rf"\b({_TYPE_ALT})\b")
_TASK = re.compile(r"\b(?:nhiem vu|nv|task|muc)\s+(?:so\s+|thu\s+|no\.?\s*)?(\d{1,2})\b")
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-]|/)")
_ISSUER_HEAD = r"(?:so|uy ban nhan dan|bo|phong|trung tam|hoi dong nhan dan|ban|van phong|thu tuong)"
_ISSUER_REF = re.compile(
    rf"\b({_TYPE_ALT})\b(?:\s+[\w/&.-]+){{0,6}}?\s+(?:cua|do)\s+({_ISSUER_HEAD}\b[\w\s&]*)"
)
_NUMBER = re.compile(r"(?<![\w/])(\d+(?:\s?[/-]\s?[\w&]+)*[/-][\w&]*[^\W\d_][\w&]*)")
_PARTS = Matcher(PARTS, MACROS)


def _squeeze(number: str) -> str:
    return re.sub(r"\s", "", number)


def search_query(text: str) -> SearchQuery:
    """The question as retrieval needs it: its texts and every hint, read from ``text``."""
    lexical, english = translate_english(text)
    # Numbers are read before abbreviations are expanded: "58/KH-UBND" must stay whole.
    plain = fold(nfc(text))
    folded = expand_aliases(plain)
    task = _TASK.search(plain)
    refs = tuple(
        dict.fromkeys(
            [
                *(DocRef(DOC_TYPES[m.group(1)], _squeeze(m.group(2))) for m in _DOC_REF.finditer(plain)),
                *(
                    DocRef(DOC_TYPE_ABBREVIATIONS[m.group(1)], _squeeze(m.group(2)))
                    for m in _ABBREVIATED_REF.finditer(plain)
                ),
            ]
        )
    )
    return SearchQuery(
        text=text,
        lexical=lexical if lexical != text else "",
        english=english,
        task_number=task.group(1) if task else None,
        years=tuple(dict.fromkeys(_YEAR.findall(plain))),
        doc_refs=refs,
        doc_types=tuple(dict.fromkeys(DOC_TYPES[m.group(1)] for m in _DOC_TYPE.finditer(plain))),
        numbers=tuple(dict.fromkeys(_squeeze(m.group(1)) for m in _NUMBER.finditer(plain))),
        issuer_refs=tuple(
            dict.fromkeys((DOC_TYPES[m.group(1)], m.group(2).strip()) for m in _ISSUER_REF.finditer(folded))
        ),
        asks=_PARTS.first(folded),
    )


def reference_spans(text: str) -> tuple[tuple[str, str], ...]:
    """(folded number, the reference as typed) of each document a text names by type and number
    ("Kế hoạch 617", "QĐ 12/QĐ-UBND"), or by a number alone ("57-NQ/TW")."""
    text = nfc(text)
    aligned = fold_aligned(text)
    out: dict[str, str] = {}
    for pattern, group in ((_DOC_REF, 2), (_ABBREVIATED_REF, 2), (_NUMBER, 1)):
        for m in pattern.finditer(aligned):
            number = _squeeze(m.group(group))
            out.setdefault(number, " ".join(text[m.start() : m.end()].split()))
    return tuple(out.items())


def document_numbers(query: SearchQuery) -> list[str]:
    """Document numbers a question names ("58/kh-ubnd", "13/2023/nd-cp", "58" after a type), folded."""
    return list(dict.fromkeys([r.number for r in query.doc_refs] + list(query.numbers)))
