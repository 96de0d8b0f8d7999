"""Which documents a question is about: its numbers, document types, authors and title words."""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from index.query import issuer_matches, number_key
from rag.answer.corpus import CorpusView
from rag.matching import TextTerms
from rag.questions import Question
from rag.reading.catalogue import document_place
from rag.records import Document, DocumentMeta
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
        place = document_place(meta)
        # The organisation part of the issuer's name ("uy ban nhan dan"), without its place.
        generic = _ADMIN_WORDS | set(place.split())
        return cls(
            number_head=number_key(meta.number or ""),
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


class Affinity(Mapping[str, float]):
    """How well each readable document matches what the question says about the document: a
    mapping over the readable documents (``allowed`` among the view's) whose scores are computed
    when read and kept. A question reads those of its hits' documents and of those it names; only
    a strategy that ranks every document (``values``, ``items``) scores them all, as before."""

    def __init__(self, view: CorpusView, intent: Question, allowed: set[str]) -> None:
        self.view, self.allowed = view, allowed
        named = intent.document
        self.q_terms = set(TextTerms.of(intent.query).folded)
        reference_types = {t for t, _ in intent.references}
        # A type word that begins a document's subject ("V/v báo cáo …", asked as "văn bản báo cáo
        # …") names that subject, not the document type Báo cáo.
        subjects = _subjects(view)
        subject_words = {t for t, phrase in named.type_phrases if view.folded_subjects and phrase in subjects}
        self.bare_so = named.bare_so
        # "kế hoạch của UBND tỉnh", "công văn của Sở Tài chính": an issuer named as the author.
        self.authors = named.authors
        self.provincial = named.provincial
        self.places = named.places
        self.heads = [(ref_type, number_key(number)) for ref_type, number in intent.references]
        self.named_types = {fold(t) for t in intent.doc_types} - reference_types - subject_words
        self._scores: dict[str, float] = {}
        self._keys: list[str] | None = None

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.allowed and doc_id in self.view.documents

    def __getitem__(self, doc_id: str) -> float:
        found = self._scores.get(doc_id)
        if found is None:
            if doc_id not in self:
                raise KeyError(doc_id)
            found = self._scores[doc_id] = self._score(doc_id)
        return found

    def keys_in_order(self) -> list[str]:
        if self._keys is None:
            # A stable order: ties break the same way in every process.
            self._keys = sorted(self.allowed & self.view.documents.keys())
        return self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_in_order())

    def __len__(self) -> int:
        return len(self._keys) if self._keys is not None else len(self.allowed & self.view.documents.keys())

    def _score(self, doc_id: str) -> float:
        facts = _facts(self.view, doc_id)
        assert facts is not None  # a document of the view
        score = 0.0
        for ref_type, head in self.heads:
            if facts.number_head and head and facts.number_head == head:
                score += 3.0
                if facts.doc_type == ref_type:
                    score += 1.0
        if self.named_types:
            score += 1.0 if facts.doc_type in self.named_types else -0.5
        issuer_terms = facts.issuer_terms
        share = sum(t in self.q_terms for t in issuer_terms) / len(issuer_terms) if issuer_terms else 0.0
        if _authored(self.view, facts, doc_id, self.authors, self.provincial):
            score += 2.0
        elif self.bare_so and facts.issuer.startswith("so "):
            score += 1.0
        elif share >= 0.99:
            score += 0.75  # the issuer's name appears, but not as the document's author
        if facts.place and facts.place in self.places:
            score += 2.0  # "ở tỉnh X", "của TP.HCM": a document of that province or city, as its author
        if facts.title_terms:
            score += 0.5 * len(self.q_terms & facts.title_terms) / max(1, len(self.q_terms))
        return score


def _authored(
    view: CorpusView,
    facts: _DocumentFacts,
    doc_id: str,
    authors: tuple[str, ...] | list[str],
    provincial: bool,
) -> bool:
    return (
        bool(authors) and any(issuer_matches(a, view.documents[doc_id].meta.issuer) for a in authors)
    ) or (provincial and facts.issuer.startswith("uy ban nhan dan tinh"))


_SUBJECTS: weakref.WeakKeyDictionary[CorpusView, str] = weakref.WeakKeyDictionary()


def _subjects(view: CorpusView) -> str:
    """Every document's folded subject, one a line (a phrase is looked for in all at once)."""
    found = _SUBJECTS.get(view)
    if found is None:
        found = _SUBJECTS[view] = "\n".join(view.folded_subjects)
    return found


def document_affinity(view: CorpusView, intent: Question, allowed: set[str]) -> Affinity:
    """How well each document matches what the question says about the document."""
    return Affinity(view, intent, allowed)


def named_documents(view: CorpusView, intent: Question, affinity: Mapping[str, float]) -> set[str]:
    """Documents the question names outright: by their number, or as the author's document."""
    authors = intent.document.authors
    provincial = intent.document.provincial
    named = {}
    heads = {key for _, number in intent.references if (key := number_key(number))}
    if not (heads or authors or provincial):
        return set()
    # Looked up by number and by issuer (each distinct issuer read once), not document by document.
    index = _named_index(view)
    candidates = {d for h in heads for d in index.by_head.get(h, ())}
    if authors or provincial:
        for docs in index.by_issuer.values():
            facts = _facts(view, docs[0])
            assert facts is not None
            if _authored(view, facts, docs[0], authors, provincial):
                candidates.update(docs)
    for doc_id in sorted(candidates):  # the affinity's own order
        if doc_id in affinity:
            named[doc_id] = affinity[doc_id]
    if not named:
        return set()
    top = max(named.values())
    return {d for d, score in named.items() if score >= top - 0.5}


@dataclass(frozen=True)
class _NamedIndex:
    by_head: dict[str, list[str]]  # the digits a document's own number begins with -> documents
    by_issuer: dict[str, list[str]]  # issuer as written -> documents
    heads: list[str]  # by_head's keys, sorted (those beginning with some digits are a range)
    position: dict[str, int]  # a document's place in the view's order


def numbered_documents(view: CorpusView, number: str) -> list[Document] | None:
    """The view's documents whose own number may begin with ``number`` (folded), in view order:
    those whose number's leading digits begin with its leading digits. None when ``number`` does
    not begin with a digit (any document may then, and the caller reads them all)."""
    digits = number_key(number)
    if not digits:
        return None
    index = _named_index(view)
    found: list[str] = []
    for key in index.heads[bisect.bisect_left(index.heads, digits) :]:
        if not key.startswith(digits):
            break
        found.extend(index.by_head[key])
    return [view.documents[d] for d in sorted(found, key=index.position.__getitem__)]


def documents_quoting(view: CorpusView, number: str) -> set[str] | None:
    """The view's documents whose folded text may hold ``number`` (folded): those writing a run of
    digits that holds its leading digits (a text holding "112/kh" holds "12/kh"). None when
    ``number`` does not begin with a digit."""
    digits = number_key(number)
    if not digits:
        return None
    return {d for run, docs in view.number_documents().items() if digits in run for d in docs}


_NAMED: weakref.WeakKeyDictionary[CorpusView, _NamedIndex] = weakref.WeakKeyDictionary()


def _named_index(view: CorpusView) -> _NamedIndex:
    found = _NAMED.get(view)
    if found is None:
        by_head: dict[str, list[str]] = {}
        by_issuer: dict[str, list[str]] = {}
        for doc_id, doc in view.documents.items():
            facts = _facts(view, doc_id)
            assert facts is not None
            if facts.number_head:
                by_head.setdefault(facts.number_head, []).append(doc_id)
            by_issuer.setdefault(doc.meta.issuer, []).append(doc_id)
        position = {doc_id: i for i, doc_id in enumerate(view.documents)}
        found = _NAMED[view] = _NamedIndex(by_head, by_issuer, sorted(by_head), position)
    return found
