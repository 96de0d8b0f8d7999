"""Which documents a question is about: its numbers, document types, authors and title words."""

from __future__ import annotations

import re

from index.query import issuer_matches
from rag.answer.corpus import CorpusView
from rag.matching import TextTerms
from rag.questions import Question
from rag.reading.catalogue import document_place
from rag.text import fold

_ADMIN_WORDS = frozenset({"tinh", "thanh", "pho", "huyen", "quan", "xa", "phuong", "thi", "tran", "va"})


def document_affinity(view: CorpusView, intent: Question, allowed: set[str]) -> dict[str, float]:
    """How well each document matches what the question says about the document."""
    q_terms = set(TextTerms.of(intent.query).folded)
    reference_types = {t for t, _ in intent.references}
    named = intent.document
    # A type word that begins a document's subject ("V/v báo cáo …", asked as "văn bản báo cáo
    # …") names that subject, not the document type Báo cáo.
    subject_words = {t for t, phrase in named.type_phrases if any(phrase in s for s in view.folded_subjects)}
    bare_so = named.bare_so
    # "kế hoạch của UBND tỉnh", "công văn của Sở Tài chính": an issuer named as the author.
    authors = named.authors
    provincial = named.provincial
    scores: dict[str, float] = {}
    for doc_id in sorted(allowed):  # a stable order: ties break the same way in every process
        doc = view.documents.get(doc_id)
        if doc is None:
            continue
        meta = doc.meta
        score = 0.0
        own_number = re.match(r"\s*(\d+)", meta.number or "")
        for ref_type, number in intent.references:
            head = re.match(r"\d+", number)
            if own_number and head and own_number.group(1) == head.group(0):
                score += 3.0
                if fold(meta.doc_type) == ref_type:
                    score += 1.0
        named_types = {fold(t) for t in intent.doc_types} - reference_types - subject_words
        if named_types:
            score += 1.0 if fold(meta.doc_type) in named_types else -0.5
        issuer = fold(meta.issuer)
        place = document_place(meta)
        # The organisation part of the issuer's name ("uy ban nhan dan"), without its place.
        generic = _ADMIN_WORDS | set(place.split())
        issuer_terms = [t for t in view.meta_terms(meta.issuer).folded if t not in generic]
        share = sum(t in q_terms for t in issuer_terms) / len(issuer_terms) if issuer_terms else 0.0
        if any(issuer_matches(a, meta.issuer) for a in authors) or (
            provincial and issuer.startswith("uy ban nhan dan tinh")
        ):
            score += 2.0
        elif bare_so and issuer.startswith("so "):
            score += 1.0
        elif share >= 0.99:
            score += 0.75  # the issuer's name appears, but not as the document's author
        if place and place in named.places:
            score += 2.0  # "ở tỉnh X", "của TP.HCM": a document of that province or city, as its author
        title_terms = view.meta_terms(f"{meta.title} {meta.subject}").folded
        if title_terms:
            score += 0.5 * len(q_terms & title_terms) / max(1, len(q_terms))
        scores[doc_id] = score
    return scores


def named_documents(view: CorpusView, intent: Question, affinity: dict[str, float]) -> set[str]:
    """Documents the question names outright: by their number, or as the author's document."""
    authors = intent.document.authors
    provincial = intent.document.provincial
    named = {}
    for doc_id, score in affinity.items():
        meta = view.documents[doc_id].meta
        own = re.match(r"\s*(\d+)", meta.number or "")
        by_number = own is not None and any(
            (m := re.match(r"\d+", number)) and m.group(0) == own.group(1) for _, number in intent.references
        )
        by_author = any(issuer_matches(a, meta.issuer) for a in authors) or (
            provincial and fold(meta.issuer).startswith("uy ban nhan dan tinh")
        )
        if by_number or by_author:
            named[doc_id] = score
    if not named:
        return set()
    top = max(named.values())
    return {d for d, score in named.items() if score >= top - 0.5}
