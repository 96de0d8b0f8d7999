"""What the answerer knows about one index generation: clauses, their passages, word statistics."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rag.answer.text import spaced, split_passages, squash_numbers, strip_marker
from rag.matching import TextTerms
from rag.questions import QueryTerms
from rag.records import Clause, Document
from rag.restore import DiacriticRestorer, lost_diacritics
from rag.text import fold
from rag.values import mentions_date, numbers
from rag.vocabulary import REFERENCE_RELATIONS


@dataclass(frozen=True)
class Passage:
    """A sentence-sized piece of a clause with what scoring reads from it, computed once."""

    text: str
    terms: TextTerms
    folded: str
    numbers: frozenset[str]
    amounts: frozenset[str]  # the numbers and the lengths of time ("05 ngày làm việc")
    has_date: bool

    @classmethod
    def of(cls, text: str, has_marks: bool) -> Passage:
        folded = fold(text)
        unmarked = fold(strip_marker(text))
        return cls(
            text=text,
            terms=TextTerms.of(text, has_marks=has_marks),
            folded=folded,
            numbers=frozenset(numbers(unmarked)),
            amounts=frozenset(numbers(unmarked, periods=True)),
            has_date=mentions_date(folded),
        )


# Words that open a preamble's statements: the documents this one rests on or carries out
# ("Căn cứ …", "Thực hiện …", "Theo đề nghị của …", "Trên cơ sở …"), folded.
PREAMBLE_WORDS = re.compile(
    r"^(?:"
    + "|".join(w for _, words in REFERENCE_RELATIONS.values() for w in words)
    + r"|theo de nghi|xet de nghi|tren co so)\b"
)
# The enacting words that close a preamble ("QUYẾT NGHỊ:", "… ban hành Kế hoạch … như sau:").
ENACTING = re.compile(r"\b(?:quyet nghi|quyet dinh|ban hanh|nhu sau|yeu cau|chi thi|de nghi)\b")
_DIGITS = re.compile(r"\d+")
_NUMBER_READ = re.compile(r"\s*\d")  # as rag.answer.resolution reads a document's own number
_STATEMENTS = re.compile(r"[;:\n]|\.(?:\s|$)")


def preamble(clauses: list[Clause], folded: dict[str, str]) -> list[Clause]:
    """The paragraphs before a structured document's first heading made only of the documents it
    rests on and its enacting words: its preamble (a letter with no headings has none: its first
    paragraph is its body; a paragraph that goes on with the body after "QUYẾT NGHỊ:" is no preamble)."""
    first_heading = next((c.order for c in clauses if c.kind == "heading"), None)
    if first_heading is None:
        return []
    return [
        c
        for c in clauses
        if c.order < first_heading
        and c.kind == "paragraph"
        and c.parent_id is None
        and _only_basis(folded[c.id])
    ]


def _only_basis(folded: str) -> bool:
    statements = [s.strip(" ,") for s in _STATEMENTS.split(folded) if s.strip(" ,")]
    if not statements or not PREAMBLE_WORDS.search(statements[0]):
        return False
    return all(
        PREAMBLE_WORDS.search(s) or (len(s.split()) <= 12 and ENACTING.search(s)) for s in statements[1:]
    )


class CorpusView:
    """Lookups over one index generation, built once per snapshot."""

    def __init__(self, documents: Iterable[Document], *, count_terms: bool = True) -> None:
        self.documents: dict[str, Document] = {}
        self.clauses: dict[str, Clause] = {}
        self.children: dict[str, list[Clause]] = defaultdict(list)
        self.by_doc: dict[str, list[Clause]] = {}
        self.folded: dict[str, str] = {}
        for doc in documents:
            self.documents[doc.id] = doc
            ordered = sorted(doc.clauses, key=lambda c: c.order)
            self.by_doc[doc.id] = ordered
            for c in ordered:
                self.clauses[c.id] = c
                self.folded[c.id] = fold(c.text)
            for c in ordered:
                if c.parent_id:
                    self.children[c.parent_id].append(c)
        # Documents whose text lost its marks (OCR): compared folded, answers restored.
        self.unmarked_docs = {
            d.id
            for d in self.documents.values()
            if lost_diacritics(" ".join(c.text for c in d.clauses[:200]))
        }
        self._text_terms: dict[str, TextTerms] = {}
        self._head_terms: dict[tuple[str, bool], TextTerms] = {}  # (clause id, with the title)
        self._passages: dict[tuple[str, bool], list[Passage]] = {}  # by (text, has marks)
        self._head_texts: dict[tuple[str, bool], TextTerms] = {}
        self._meta_terms: dict[str, TextTerms] = {}
        self._context: dict[str, str] = {}
        self._idf: dict[tuple[str, bool], float] = {}
        df_folded: Counter[str] = Counter()
        df_marked: Counter[str] = Counter()
        if count_terms:  # a working set (a store keeps the statistics) need not count
            for c in self.clauses.values():
                t = self.text_terms(c)
                df_folded.update(t.folded)
                df_marked.update(t.marked)
        self.df_folded, self.df_marked = df_folded, df_marked
        self.all_text = " ".join(self.folded.values())
        self.folded_subjects = [fold(d.meta.subject) for d in self.documents.values() if d.meta.subject]
        self._restorer: DiacriticRestorer | None = None
        self._document_texts: dict[str, str] = {}
        self._folded_documents: dict[str, str] = {}
        self.preambles = {c.id for doc_id in self.by_doc for c in preamble(self.by_doc[doc_id], self.folded)}
        self._stats: Any = None
        self._with_field: dict[str, list[Clause]] = {}
        self._numbered: dict[str, dict[int, list[Clause]]] = {}
        self._valued: dict[str, dict[str, list[Clause]]] = {}
        self._locators: dict[str, list[Clause]] | None = None
        self._numbers: dict[str, frozenset[str]] | None = None

    def with_field(self, key: str) -> list[Clause]:
        """The clauses that carry a field (a task's "lead_unit", a target's "year"), in view order:
        built once per view, so a question reads these, not every clause."""
        found = self._with_field.get(key)
        if found is None:
            found = self._with_field[key] = [c for c in self.clauses.values() if key in c.fields]
        return found

    def numbered_with_field(self, key: str, number: int) -> list[Clause]:
        """The clauses carrying a field whose task number (``task_number``) is ``number``, in
        view order: "task 3" reads its few clauses, not every task of the corpus."""
        index = self._numbered.get(key)
        if index is None:
            index = {}
            for c in self.with_field(key):
                if (n := self.task_number(c)) is not None:
                    index.setdefault(n, []).append(c)
            self._numbered[key] = index
        return index.get(number, [])

    def with_field_value(self, key: str, value: str) -> list[Clause]:
        """The clauses whose field ``key`` is ``value`` (a target's "year": "2025"), in view order."""
        index = self._valued.get(key)
        if index is None:
            index = {}
            for c in self.with_field(key):
                index.setdefault(c.fields[key], []).append(c)
            self._valued[key] = index
        return index.get(value, [])

    def under_locator(self, target: str) -> list[Clause]:
        """The clauses at a locator or below it ("Điều 8": "Điều 8", "Điều 8 khoản 2"), in view order."""
        if self._locators is None:
            index: dict[str, list[Clause]] = defaultdict(list)
            for c in self.clauses.values():
                words = c.locator.split(" ")
                for n in range(1, len(words) + 1):
                    index[" ".join(words[:n])].append(c)
            self._locators = dict(index)
        return [
            c
            for c in self._locators.get(target, [])
            if c.locator == target or c.locator.startswith(target + " ")
        ]

    def number_documents(self) -> dict[str, frozenset[str]]:
        """Each number written in a document's text (a maximal run of digits) -> those documents;
        "" -> the documents whose own number was not read, or read by OCR with doubt. Only these
        may cite a number or be the document a number names."""
        if self._numbers is None:
            found: dict[str, set[str]] = {}
            for doc_id in self.by_doc:
                for run in set(_DIGITS.findall(self.folded_document(doc_id))):
                    found.setdefault(run, set()).add(doc_id)
            found[""] = {
                d
                for d, doc in self.documents.items()
                if not _NUMBER_READ.match(doc.meta.number or "") or "number" in doc.meta.uncertain
            }
            self._numbers = {run: frozenset(docs) for run, docs in found.items()}
        return self._numbers

    def warm(self) -> None:
        """Build the per-view indexes now (a server does it before it is ready)."""
        self.number_documents()
        self.under_locator("")
        for key in ("lead_unit", "coordinating_units", "deadline", "year"):
            self.numbered_with_field(key, 0)
        self.with_field_value("year", "")
        self.stats.warm()

    @property
    def stats(self) -> Any:
        """What is asked of the whole corpus (rag.answer.stats): this view's own text unless a
        store's statistics are set."""
        if self._stats is None:
            from rag.answer.stats import ViewStats

            self._stats = ViewStats(self, frozenset())
        return self._stats

    @stats.setter
    def stats(self, value: Any) -> None:
        self._stats = value

    def readable(self, text: str, cited: list[Clause]) -> str:
        """Answer text built from OCR text that lost its marks, with marks restored."""
        if not any(c.doc_id in self.unmarked_docs for c in cited):
            return text
        if self._restorer is None:
            self._restorer = DiacriticRestorer(
                c.text for doc_id, cs in self.by_doc.items() if doc_id not in self.unmarked_docs for c in cs
            )
        return self._restorer.restore(text)

    def idf(self, term: str, marked: bool = False) -> float:
        key = (term, marked)
        value = self._idf.get(key)
        if value is None:
            value = self._idf[key] = math.log(1 + self.stats.n_clauses / (1 + self.stats.df(term, marked)))
        return value

    def folded_document(self, doc_id: str) -> str:
        """A document's clause texts, folded, numbers compacted ("58/ kh-ubnd" -> "58/kh-ubnd")."""
        cached = self._folded_documents.get(doc_id)
        if cached is None:
            joined = " ".join(self.folded[c.id] for c in self.by_doc.get(doc_id, []))
            cached = self._folded_documents[doc_id] = squash_numbers(joined)
        return cached

    def document_text(self, doc_id: str) -> str:
        """A document's clause texts and metadata, lower-cased, punctuation as spaces."""
        cached = self._document_texts.get(doc_id)
        if cached is None:
            cached = self._document_texts[doc_id] = self.spaced_document(doc_id)
        return cached

    def spaced_document(self, doc_id: str) -> str:
        """``document_text`` computed afresh (not kept: a pass over every document reads it once)."""
        meta = self.documents[doc_id].meta
        joined = " ".join(
            [meta.title, meta.subject, meta.issuer, *(c.text for c in self.by_doc.get(doc_id, []))]
        )
        return spaced(joined.lower())

    def has_marks(self, clause: Clause) -> bool:
        return clause.doc_id not in self.unmarked_docs

    def text_terms(self, clause: Clause) -> TextTerms:
        cached = self._text_terms.get(clause.id)
        if cached is None:
            cached = TextTerms.of(clause.text, has_marks=self.has_marks(clause))
            self._text_terms[clause.id] = cached
        return cached

    def head_terms(self, clause: Clause, *, title: bool = True) -> TextTerms:
        """Words of what surrounds a clause: document label, issuer, title, breadcrumb, own title.

        A question names its document by its title as often as by its number; a statement to
        judge true or false (``title=False``) must find its words in the clause, not the title."""
        key = (clause.id, title)
        cached = self._head_terms.get(key)
        if cached is None:
            doc = self.documents.get(clause.doc_id)
            label = f"{doc.meta.label()} {doc.meta.issuer}" if doc else ""
            if doc and title:
                label += f" {doc.meta.title}"
            cached = self._head_terms[key] = self._terms_of(
                " ".join([label, *clause.breadcrumb, clause.title]), self.has_marks(clause)
            )
        return cached

    def _terms_of(self, text: str, marks: bool) -> TextTerms:
        """``TextTerms`` of a clause's surroundings, kept by the text: the clauses of one section
        share their heading's words, and a document's clauses its label's."""
        cached = self._head_texts.get((text, marks))
        if cached is None:
            cached = self._head_texts[(text, marks)] = TextTerms.of(text, has_marks=marks)
        return cached

    def passages(self, clause: Clause) -> list[Passage]:
        """A clause cut into sentence-sized passages: evidence must be local, not spread over a page."""
        # Kept by the text, not the clause: what is read of it depends on nothing else, and texts
        # recur across documents (the same duty, the closing formulas, a copy of a document).
        key = (clause.text, self.has_marks(clause))
        cached = self._passages.get(key)
        if cached is None:
            cached = [Passage.of(p, key[1]) for p in split_passages(clause.text)]
            self._passages[key] = cached
        return list(cached)

    def meta_terms(self, text: str) -> TextTerms:
        """Words of a document's metadata (issuer, title, …): few distinct strings, so kept."""
        cached = self._meta_terms.get(text)
        if cached is None:
            cached = self._meta_terms[text] = TextTerms.of(text)
        return cached

    def context(self, clause: Clause) -> str:
        """Folded clause text with its breadcrumb (for pattern checks)."""
        cached = self._context.get(clause.id)
        if cached is None:
            cached = self._context[clause.id] = fold(
                " ".join([*clause.breadcrumb, clause.title, clause.text])
            )
        return cached

    def ancestors(self, clause: Clause) -> list[Clause]:
        out = []
        parent = self.clauses.get(clause.parent_id or "")
        while parent is not None:
            out.append(parent)
            parent = self.clauses.get(parent.parent_id or "")
        return out

    def task_number(self, clause: Clause) -> int | None:
        last = re.split(r"[.\s]", clause.locator.split("·")[0].strip())[-1]
        return int(last) if last.isdigit() else None


def coverage(view: CorpusView, query: QueryTerms, *texts: TextTerms) -> float:
    """IDF-weighted share of the question's words found in the text(s) (0..1)."""
    if not texts or not query:
        return 0.0
    marked = query.has_marks and texts[0].has_marks
    words = query.marked if marked else query.folded
    present: set[str] = set()
    for t in texts:
        present |= t.marked if marked else t.folded
    total = sum(view.idf(w, marked) for w in words)
    found = sum(view.idf(w, marked) for w in words if w in present)
    return found / total if total else 0.0


def phrase_coverage(view: CorpusView, query: QueryTerms, text: TextTerms) -> float:
    """IDF-weighted share of the question's adjacent word pairs that are adjacent in the text too."""
    words, _, seq, marked = query.pick(text)
    pairs = list(zip(words, words[1:], strict=False))
    if not pairs:
        return 0.0
    present = set(zip(seq, seq[1:], strict=False))
    weight = {p: view.idf(p[0], marked) + view.idf(p[1], marked) for p in pairs}
    total = sum(weight.values())
    return sum(w for p, w in weight.items() if p in present) / total if total else 0.0
