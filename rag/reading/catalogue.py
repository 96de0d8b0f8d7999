"""The corpus as the reader knows it: per readable document, what a question may name it by
(its place, its title's first words, its signer)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rag.questions import Catalogue
from rag.records import DocumentMeta
from rag.text import fold

_PLACE = re.compile(r"\b(?:tinh|thanh pho|tp\.?)\s+(\w+(?:\s+\w+){0,3})$")


@lru_cache(maxsize=1 << 14)
def fold_meta(text: str) -> str:
    """Metadata strings repeat across questions: folded once."""
    return fold(text)


@lru_cache(maxsize=1 << 14)
def issuer_place(issuer: str) -> str:
    """The province or city an issuer belongs to, folded ("Ủy ban nhân dân tỉnh Bình Minh" → "binh minh")."""
    m = _PLACE.search(fold_meta(issuer).strip(" .,"))
    return m.group(1) if m else ""


def document_place(meta: DocumentMeta) -> str:
    return issuer_place(meta.issuer) or issuer_place(meta.parent_issuer)


def catalogue_of(documents: Iterable[tuple[str, DocumentMeta]]) -> Catalogue:
    return Catalogue(tuple(documents))


def names_place(folded_question: str, place: str) -> bool:
    """The question names the place outright or by its initials ("tp.hcm", "hcm" for "ho chi minh")."""
    if re.search(rf"\b{re.escape(place)}\b", folded_question):
        return True
    initials = "".join(w[0] for w in place.split())
    return len(initials) >= 3 and bool(re.search(rf"\b(?:tp\.?\s*)?{initials}\b", folded_question))


def places_named(folded: str, catalogue: Catalogue) -> tuple[str, ...]:
    places = dict.fromkeys(p for _, meta in catalogue.documents if (p := document_place(meta)))
    return tuple(p for p in places if names_place(folded, p))


def titles_quoted(folded: str, catalogue: Catalogue) -> tuple[str, ...]:
    """Documents whose title's first words (at most four) the question quotes."""
    out = []
    for doc_id, meta in catalogue.documents:
        words = fold_meta(meta.title).split()
        if words and " ".join(words[: min(4, len(words))]) in folded:
            out.append(doc_id)
    return tuple(out)


def signers_named(folded: str, catalogue: Catalogue) -> tuple[str, ...]:
    names = dict.fromkeys(fold_meta(m.signer_name) for _, m in catalogue.documents if m.signer_name)
    return tuple(n for n in names if re.search(rf"\b{re.escape(n)}\b", folded))
