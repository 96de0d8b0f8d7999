"""Which documents a question is about: its numbers, document types, authors and title words."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from index.query import issuer_matches
from rag.answer.corpus import CorpusView
from rag.matching import TextTerms
from rag.questions import Question
from rag.reading.catalogue import document_place
from rag.records import DocumentMeta
from rag.text import fold

_ADMIN_WORDS = frozenset({"tinh", "thanh", "pho", "huyen", "quan", "xa", "phuong", "thi", "tran", "va"})


@dataclass(frozen=True)
class _DocumentFacts:
    """What affinity reads of one document's metadata, folded once per view (not per question)."""

    number_head: str  # the digits its own number begins with, "" when not read
    doc_type: str
    issuer: str
    place: str
    issuer_terms: tuple[str, ...]  # the organisation's words, without its place
    title_terms: frozenset[str]

    @classmethod
    def of(cls, view: CorpusView, meta: DocumentMeta) -> _DocumentFacts:
        own = re.match(r"\s*(\d+)", meta.number or "")
        place = document_place(meta)
        # The organisation part of the issuer's name ("uy ban nhan dan"), without its place.
        generic = _ADMIN_WORDS | set(place.split())
        return cls(
            number_head=own.group(1) if own else "",
            doc_type=fold(meta.doc_type),
            issuer=fold(meta.issuer),
            place=place,
            issuer_terms=tuple(t for t in view.meta_terms(meta.issuer).folded if t not in generic),
            title_terms=frozenset(view.meta_terms(f"{meta.title} {meta.subject}").folded),
        )


_FACTS: weakref.WeakKeyDictionary[CorpusView, dict[str, _DocumentFacts]] = weakref.WeakKeyDictionary()


def _facts(view: CorpusView, doc_id: str) -> _DocumentFacts | None:
    cached = _FACTS.get(view)
    if cached is None:
        cached = _FACTS.setdefault(view, {})
    found = cached.get(doc_id)
    if found is None:
        doc = view.documents.get(doc_id)
        if doc is None:
            return None
        found = cached[doc_id] = _DocumentFacts.of(view, doc.meta)
    return found


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
    heads = [
        (ref_type, m.group(0) if (m := re.match(r"\d+", number)) else "")
        for ref_type, number in intent.references
    ]
    named_types = {fold(t) for t in intent.doc_types} - reference_types - subject_words
    scores: dict[str, float] = {}
    for doc_id in sorted(allowed):  # a stable order: ties break the same way in every process
        facts = _facts(view, doc_id)
        if facts is None:
            continue
        score = 0.0
        for ref_type, head in heads:
            if facts.number_head and head and facts.number_head == head:
                score += 3.0
                if facts.doc_type == ref_type:
                    score += 1.0
        if named_types:
            score += 1.0 if facts.doc_type in named_types else -0.5
        issuer_terms = facts.issuer_terms
        share = sum(t in q_terms for t in issuer_terms) / len(issuer_terms) if issuer_terms else 0.0
        if (authors and any(issuer_matches(a, view.documents[doc_id].meta.issuer) for a in authors)) or (
            provincial and facts.issuer.startswith("uy ban nhan dan tinh")
        ):
            score += 2.0
        elif bare_so and facts.issuer.startswith("so "):
            score += 1.0
        elif share >= 0.99:
            score += 0.75  # the issuer's name appears, but not as the document's author
        if facts.place and facts.place in named.places:
            score += 2.0  # "ở tỉnh X", "của TP.HCM": a document of that province or city, as its author
        if facts.title_terms:
            score += 0.5 * len(q_terms & facts.title_terms) / max(1, len(q_terms))
        scores[doc_id] = score
    return scores


def named_documents(view: CorpusView, intent: Question, affinity: dict[str, float]) -> set[str]:
    """Documents the question names outright: by their number, or as the author's document."""
    authors = intent.document.authors
    provincial = intent.document.provincial
    named = {}
    heads = {m.group(0) for _, number in intent.references if (m := re.match(r"\d+", number))}
    if not (heads or authors or provincial):
        return set()
    for doc_id, score in affinity.items():
        facts = _facts(view, doc_id)
        assert facts is not None  # affinity holds the view's documents only
        by_number = bool(facts.number_head) and facts.number_head in heads
        by_author = (
            bool(authors) and any(issuer_matches(a, view.documents[doc_id].meta.issuer) for a in authors)
        ) or (provincial and facts.issuer.startswith("uy ban nhan dan tinh"))
        if by_number or by_author:
            named[doc_id] = score
    if not named:
        return set()
    top = max(named.values())
    return {d for d, score in named.items() if score >= top - 0.5}
