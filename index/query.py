"""Pure matching of what a question names against document metadata: issuers and numbers.

The question itself is read by ``rag.reading`` (retrieval receives a ``SearchQuery``); this only
compares the phrases and numbers it found with a document's issuer and number.
"""

from __future__ import annotations

import re

from rag.text import fold

# Abbreviations in how people name issuing bodies, folded.
_ALIASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\bkh ?& ?cn\b|\bkhcn\b"), "khoa hoc va cong nghe"),
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


_LEADING_DIGITS = re.compile(r"\d+")


def number_key(number: str) -> str:
    """The leading digits of a number as ``number_matches`` compares it ("" when it has none): a
    number names only documents whose own number opens with the same digits, so documents can be
    looked up by this key instead of compared one by one."""
    m = _LEADING_DIGITS.match(fold(number).replace(" ", ""))
    return m.group(0) if m else ""


def number_matches(ref_number: str, doc_number: str) -> bool:
    """Does a referenced number ("58" or "58/kh-ubnd") name this document number ("58/KH-UBND")?"""
    ref = fold(ref_number).replace(" ", "")
    doc = fold(doc_number).replace(" ", "")
    if not ref or not doc:
        return False
    if "/" in ref or "-" in ref:
        return doc == ref or doc.startswith(ref)
    return number_key(doc) == ref  # "58" names "58/KH-UBND", not "581/…" ("" when doc has no digits)
