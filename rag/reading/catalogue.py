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
    docs = tuple(documents)
    return Catalogue(docs, True, _places(docs), _title_heads(docs), _signers(docs))


def _places(documents: tuple[tuple[str, DocumentMeta], ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for _, meta in documents if (p := document_place(meta))))


def _title_heads(documents: tuple[tuple[str, DocumentMeta], ...]) -> tuple[tuple[str, str], ...]:
    """(id, the title's first words, at most four, folded) of the documents with a title."""
    out = []
    for doc_id, meta in documents:
        words = fold_meta(meta.title).split()
        if words:
            out.append((doc_id, " ".join(words[: min(4, len(words))])))
    return tuple(out)


def _signers(documents: tuple[tuple[str, DocumentMeta], ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold_meta(m.signer_name) for _, m in documents if m.signer_name))


def names_place(folded_question: str, place: str) -> bool:
    """The question names the place outright or by its initials ("tp.hcm", "hcm" for "ho chi minh")."""
    if re.search(rf"\b{re.escape(place)}\b", folded_question):
        return True
    initials = "".join(w[0] for w in place.split())
    return len(initials) >= 3 and bool(re.search(rf"\b(?:tp\.?\s*)?{initials}\b", folded_question))


def places_named(folded: str, catalogue: Catalogue) -> tuple[str, ...]:
    places = catalogue.places if catalogue.indexed else _places(catalogue.documents)
    return tuple(p for p in places if names_place(folded, p))


def titles_quoted(folded: str, catalogue: Catalogue) -> tuple[str, ...]:
    """Documents whose title's first words (at most four) the question quotes."""
    heads = catalogue.title_heads if catalogue.indexed else _title_heads(catalogue.documents)
    return tuple(doc_id for doc_id, head in heads if head in folded)


def signers_named(folded: str, catalogue: Catalogue) -> tuple[str, ...]:
    names = catalogue.signers if catalogue.indexed else _signers(catalogue.documents)
    return tuple(n for n in names if re.search(rf"\b{re.escape(n)}\b", folded))
