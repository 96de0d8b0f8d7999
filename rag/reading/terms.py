"""A question's topic terms: its words without the phrases that only ask ("là gì", "bao nhiêu",
"đơn vị nào") and without function words, folded and (when typed with marks) marked."""

from __future__ import annotations

import re

from rag.matching import MARKED_STOP, STOP_TERMS, WORD_TOKEN, marked_key, with_long_forms
from rag.questions import QueryTerms
from rag.text import fold, fold_aligned, has_diacritics, nfc

# Question phrases removed before collecting evidence terms.
QUESTION_PHRASES = re.compile(
    r"\b(la gi|nhu the nao|the nao|bao nhieu|ngay nao|khi nao|bao gio|nhung gi|nhung viec gi"
    r"|don vi nao|co quan nao|phong nao|so nao|tinh nao|bo phan nao|ben nao|ai|sau khi|truoc khi"
    r"|(co |duoc giao |chiu )?(trach nhiem|nhiem vu) gi|(phai )?lam gi|lam nhung gi|lam nhung viec gi"
    # "theo báo cáo", "trong kế hoạch": the document itself, matched by document affinity
    r"|(theo|trong|tai|cua) (ke hoach|bao cao|cong van|quyet dinh|nghi quyet|van ban|phu luc)( nay| do)?)\b"
)


def topic_terms(
    source: str, *, english: bool = False, typed: str = "", drop: re.Pattern[str] | None = None
) -> QueryTerms:
    """Content words of ``source`` (the question, or a text standing in for it), question phrases
    removed. ``english``: only the words the glossary put into Vietnamese (and numbers) count, the
    English of ``typed`` (the question as typed) being matched by the dense retriever."""
    source = nfc(source)
    aligned = fold_aligned(source)
    spans = [m.span() for m in QUESTION_PHRASES.finditer(aligned)]
    if drop is not None:
        spans += [m.span() for m in drop.finditer(aligned)]
    marked = has_diacritics(source) and not english

    def is_stop(word: str) -> bool:
        return marked_key(word) in MARKED_STOP if marked else fold(word) in STOP_TERMS

    lower = source.lower()
    kept = [m.group(0) for m in WORD_TOKEN.finditer(lower) if not any(a <= m.start() < b for a, b in spans)]
    kept = [w for w in with_long_forms(kept) if not is_stop(w)]
    if english:
        # ("khu công nghệ cao": "khu" and "cao" carry no marks, but the question never said them.)
        said = set(WORD_TOKEN.findall(typed.lower()))
        kept = [w for w in kept if has_diacritics(w) or any(ch.isdigit() for ch in w) or w not in said]
    return QueryTerms(tuple(fold(w) for w in kept), tuple(marked_key(w) for w in kept), marked)
