"""The answerer: a short answer with clause citations, or an explicit abstention.

Works with no language model. It uses the parsed structure where the question asks for
it (the lead unit of task N, the targets for a year, who signed, to whom it was sent,
the date of a cited document) and otherwise picks the best sentence(s) of the best
clause. Every answer is checked for support: when the question's evidence terms are not
found in the cited clause (or it names a year, task or document the corpus never
mentions) it abstains and shows the closest clauses as related.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from index.query import analyze_query, issuer_matches
from rag.intent import Intent, analyze
from rag.matching import QueryTerms, TextTerms, query_terms
from rag.records import Answer, Citation, Clause, Document, Filters, Hit
from rag.restore import DiacriticRestorer, lost_diacritics
from rag.text import collapse_ws, fold, fold_aligned, has_diacritics
from rag.vocabulary import DOC_TYPES

NOT_FOUND = "Không tìm thấy thông tin này trong các văn bản."

FIELD_LABELS = {
    "lead_unit": "Đơn vị thực hiện",
    "coordinating_units": "Đơn vị phối hợp",
    "deadline": "Thời gian thực hiện",
}
# Words of the field labels themselves: they match every task, so they locate none.
_FIELD_WORDS = frozenset(
    {"thoi", "gian", "thuc", "hien", "don", "phoi", "hop", "chu", "tri", "nhiem", "vu", "han"}
)
INTENT_FIELD = {"lead_unit": "lead_unit", "coordinating": "coordinating_units", "deadline": "deadline"}

# Calibrated on the dev set (see eval report): below this share of the question's
# evidence weight found in the cited clause, the documents do not answer the question.
SUPPORT_THRESHOLD = 0.5
# A question naming something no document mentions needs near-complete support elsewhere.
UNKNOWN_WORD_SUPPORT_CAP = 0.45
STRONG_SUPPORT = 0.9
# Hybrid answering is lexical first: when the BM25 clauses alone support an answer this well,
# the dense query embedding (≈ 30–45 ms of CPU, most of a question's cost) adds nothing, so it is
# skipped; weaker support, English questions and abstentions get the full hybrid search.
LEXICAL_SUFFICIENT = 0.7
# "kế hoạch (truyền thông) cấp tỉnh": a document of the provincial People's Committee.
_PROVINCIAL_DOCUMENT = re.compile(
    r"\b(ke hoach|bao cao|cong van|quyet dinh|chuong trinh|van ban)\b(\s+\w+){0,3}?\s+cap tinh\b"
)
# Segmented words that ask rather than name (they need not occur in the documents).
# underthesea (VLSP) tags of words that name things; Nc (classifiers: "vị", "cái") does not.
NOUN_TAGS = frozenset({"N", "Np", "Ny", "Nb", "Nu"})
QUESTION_WORDS = frozenset(
    """
    bao_nhiêu như_thế_nào thế_nào tần_suất phần_trăm ký phải đâu gì nào ai khi_nào bao_giờ mấy
    những_gì làm_gì là_gì ở_đâu bao_lâu hay_không có_phải tổng_cộng tất_cả con_số số_liệu
    mức mức_độ số_lượng quy_định nội_dung trường_hợp cần được theo
    """.split()
)
MAX_ANSWER_CHARS = 550
RETRIEVE_K = 24
CITATIONS = 5

_DATE = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?|\b\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
    re.IGNORECASE,
)
_DATE_FOLDED = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\b|\bngay\s+\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[^\s])|\s+(?=[-+•]\s)")
_ORG_HEAD = re.compile(
    r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))?\s*((?:Sở|Phòng|Ủy ban|UBND|Trung tâm|Văn phòng|Ban|Bộ|Các|Đài|Báo|Hội|Mặt trận|Cơ quan|Chi cục)\b.*)$",
    re.IGNORECASE,
)
# Words that name a legal locator or ask what it says: without anything else, the article answers.
_LEGAL_WORDS = re.compile(
    r"\b(theo\s+)?(dieu|khoan|diem)\s+[0-9a-z]{1,3}\b|\b(quy dinh|noi dung|neu|ghi)( gi| nhung gi| ve gi)?\b"
    r"|\b(cua )?(luat|nghi dinh|thong tu|bo luat|van ban)( nay)?\b"
)
_TARGET_WORDS = re.compile(r"\b(muc tieu|chi tieu)\b|\b(den )?nam \d{4}\b")


@dataclass(frozen=True)
class Passage:
    """A sentence-sized piece of a clause with what scoring reads from it, computed once."""

    text: str
    terms: TextTerms
    folded: str
    numbers: frozenset[str]
    has_date: bool

    @classmethod
    def of(cls, text: str, has_marks: bool) -> Passage:
        folded = fold(text)
        return cls(
            text=text,
            terms=TextTerms.of(text, has_marks=has_marks),
            folded=folded,
            numbers=frozenset(_numbers(fold(_strip_marker(text)))),
            has_date=bool(_DATE.search(text)),
        )


@dataclass
class _Candidate:
    clause: Clause
    score: float
    support: float
    passage: str = ""  # the clause's best passage for the question


@dataclass
class _Attempt:
    """One retrieval mode's hits and what was composed from them."""

    composed: _Composed | None
    hits: list[Hit]
    retrieve_ms: float
    answer_ms: float

    @property
    def support(self) -> float:
        return self.composed.support if self.composed is not None else 0.0

    def timings(self) -> dict[str, float]:
        return {"retrieve_ms": round(self.retrieve_ms, 2), "answer_ms": round(self.answer_ms, 2)}


@dataclass
class _Composed:
    text: str
    cited: list[Clause]
    support: float
    extra: list[Clause] = field(default_factory=list)


class CorpusView:
    """Lookups over one index generation, built once per snapshot."""

    def __init__(self, documents: Iterable[Document]) -> None:
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
        self._head_terms: dict[str, TextTerms] = {}
        self._passages: dict[str, list[Passage]] = {}
        self._meta_terms: dict[str, TextTerms] = {}
        self._context: dict[str, str] = {}
        self._idf: dict[tuple[str, bool], float] = {}
        df_folded: Counter[str] = Counter()
        df_marked: Counter[str] = Counter()
        for c in self.clauses.values():
            t = self.text_terms(c)
            df_folded.update(t.folded)
            df_marked.update(t.marked)
        self.n = max(1, len(self.clauses))
        self.df_folded, self.df_marked = df_folded, df_marked
        self.all_text = " ".join(self.folded.values())
        self.folded_subjects = [fold(d.meta.subject) for d in self.documents.values() if d.meta.subject]
        self._restorer: DiacriticRestorer | None = None

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
            df = (self.df_marked if marked else self.df_folded).get(term, 0)
            value = self._idf[key] = math.log(1 + self.n / (1 + df))
        return value

    def has_marks(self, clause: Clause) -> bool:
        return clause.doc_id not in self.unmarked_docs

    def text_terms(self, clause: Clause) -> TextTerms:
        cached = self._text_terms.get(clause.id)
        if cached is None:
            cached = TextTerms.of(clause.text, has_marks=self.has_marks(clause))
            self._text_terms[clause.id] = cached
        return cached

    def head_terms(self, clause: Clause) -> TextTerms:
        """Words of what surrounds a clause: document label, issuer, breadcrumb, own title."""
        cached = self._head_terms.get(clause.id)
        if cached is None:
            doc = self.documents.get(clause.doc_id)
            label = f"{doc.meta.label()} {doc.meta.issuer}" if doc else ""
            cached = TextTerms.of(
                " ".join([label, *clause.breadcrumb, clause.title]), has_marks=self.has_marks(clause)
            )
            self._head_terms[clause.id] = cached
        return cached

    def passages(self, clause: Clause) -> list[Passage]:
        """A clause cut into sentence-sized passages: evidence must be local, not spread over a page."""
        cached = self._passages.get(clause.id)
        if cached is None:
            marks = self.has_marks(clause)
            cached = [Passage.of(p, marks) for p in split_passages(clause.text)]
            self._passages[clause.id] = cached
        return cached

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


class Answerer:
    """Extractive, structure-aware answering over one index snapshot."""

    def __init__(self, store: Any, *, lexical_sufficient: float | None = LEXICAL_SUFFICIENT) -> None:
        self.store = store
        self.lexical_sufficient = lexical_sufficient  # None: hybrid always runs the dense search
        self._section_owners: dict[str, set[str]] = {}  # doc id -> organisations heading its sections
        self.view = CorpusView(store.documents())
        # Every segmented word of the corpus: a question word outside it names something
        # the documents never mention ("tàu điện", "học phí").
        lexical = getattr(store, "lexical", None)
        self.vocabulary: frozenset[str] = (
            frozenset().union(*lexical.counts["word"]) if lexical is not None else frozenset()
        )

    def unknown_words(self, intent: Intent) -> list[str]:
        """Nouns of a question (typed with marks) that no document contains.

        A noun names a subject ("tàu điện", "học phí"): if no document has it, they do not answer.
        A verb, adjective or numeral no document uses ("gồm", "đặt", "sáu") is only a way of
        asking, so it is not counted.
        """
        if intent.english or not self.vocabulary or not has_diacritics(intent.question):
            return []
        from index.lexical import tokenize, word_classes

        unknown = [
            w
            for w in tokenize(intent.query).word
            if w not in self.vocabulary and w not in QUESTION_WORDS and not any(ch.isdigit() for ch in w)
        ]
        if not unknown:
            return []
        classes = word_classes(intent.query)
        return [w for w in unknown if classes.get(w, "N") in NOUN_TAGS]

    # --- entry point ---------------------------------------------------------------------
    def run(
        self,
        question: str,
        retriever: Any,
        *,
        k: int | None = None,
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> Answer:
        intent = analyze(question)
        timings: dict[str, float] = {}
        if mode == "hybrid" and not intent.english and self.lexical_sufficient is not None:
            lexical = self._answer(intent, retriever, k=k, mode="bm25", filters=filters)
            if lexical.support >= self.lexical_sufficient:
                answer = self._finish(question, lexical, mode, lexical.timings())
                answer.lexical_only = True
                return answer
            timings["lexical_first_ms"] = round(lexical.retrieve_ms + lexical.answer_ms, 2)
        attempt = self._answer(intent, retriever, k=k, mode=mode, filters=filters)
        return self._finish(question, attempt, mode, attempt.timings() | timings)

    def _answer(
        self, intent: Intent, retriever: Any, *, k: int | None, mode: str, filters: Filters | None
    ) -> _Attempt:
        """Retrieve with one mode and compose; support 0 when there is nothing to answer from."""
        t0 = time.perf_counter()
        hits = retriever.run(intent.query, k=max(k or RETRIEVE_K, CITATIONS), mode=mode, filters=filters)
        t1 = time.perf_counter()
        allowed_docs = {h.clause.doc_id for h in hits} | self._docs_allowed(filters)

        def within(doc_ids: set[str]) -> list[Hit]:
            """The same search restricted to some documents (the ones a question names)."""
            sources = [self.view.documents[d].source for d in doc_ids]
            scoped = replace(filters, sources=sources) if filters else Filters(sources=sources)
            return retriever.run(intent.query, k=max(k or RETRIEVE_K, CITATIONS), mode=mode, filters=scoped)

        composed = self._compose(intent, hits, allowed_docs, within)
        if composed is not None and any(c.doc_id not in allowed_docs for c in composed.cited):
            composed = None  # never answer from a document the caller may not read: abstain
        if composed is not None and self._answers_something_else(intent, composed):
            composed.support = min(composed.support, UNKNOWN_WORD_SUPPORT_CAP)
        t2 = time.perf_counter()
        return _Attempt(composed, hits, retrieve_ms=(t1 - t0) * 1000, answer_ms=(t2 - t1) * 1000)

    def _finish(self, question: str, attempt: _Attempt, mode: str, timings: dict[str, float]) -> Answer:
        composed, hits = attempt.composed, attempt.hits
        if composed is None or composed.support < SUPPORT_THRESHOLD:
            return Answer(
                question=question,
                answer=NOT_FOUND,
                abstained=True,
                citations=[],
                related=[self._cite(h.clause, h.score) for h in hits[:CITATIONS]],
                timings=timings,
                mode=mode,
            )
        citations = self._citations(composed, hits)
        return Answer(
            question=question,
            answer=self.view.readable(composed.text, composed.cited),
            abstained=False,
            citations=citations,
            related=[
                self._cite(h.clause, h.score)
                for h in hits[:CITATIONS]
                if h.clause.id not in {c.clause_id for c in citations}
            ][:3],
            timings=timings,
            mode=mode,
        )

    def _answers_something_else(self, intent: Intent, composed: _Composed) -> bool:
        """A passage was found, but what the question asks is not in it (so the answer is capped)."""
        # A noun no document contains names a subject the documents do not cover ("tàu điện").
        if composed.support < STRONG_SUPPORT and self.unknown_words(intent):
            return True
        # "bao nhiêu …" answered by a sentence with no quantity in it: the figure is not there.
        # ("tần suất", "mức độ" may be answered in words: "hằng tuần", "thường xuyên".)
        asked = set(_numbers(intent.folded, periods=True))
        counted = intent.kind == "number" and re.search(r"\b(bao nhieu|so luong|may)\b", intent.folded)
        if (
            counted
            and not set(_numbers(fold(composed.text), periods=True)) - asked
            # Laws often write numbers in words ("hai năm", "ba mươi ngày").
            and not _NUMBER_WORDS.search(composed.text.lower())
        ):
            return True
        # "… năm 2024" answered from a report of 2025: not the year asked about.
        return bool(intent.years) and not self._about_years(composed.cited, intent.years)

    def _about_years(self, cited: list[Clause], years: Iterable[str]) -> bool:
        """Whether a cited clause, its headings or its document's title, number or date name one of the years."""
        for c in cited:
            doc = self.view.documents.get(c.doc_id)
            about = " ".join(
                [
                    self.view.context(c),
                    *(
                        (doc.meta.title, doc.meta.subject, doc.meta.number, doc.meta.date, doc.meta.date_text)
                        if doc
                        else ()
                    ),
                ]
            )
            if any(re.search(rf"(?<!\d){y}(?!\d)", about) for y in years):
                return True
        return False

    def _docs_allowed(self, filters: Filters | None) -> set[str]:
        docs = self.view.documents.values()
        if filters is None:
            return {d.id for d in docs}
        out = set()
        for d in docs:
            if filters.access is not None and d.access not in filters.access:
                continue
            if filters.sources and d.source not in filters.sources:
                continue
            if filters.doc_type and fold(filters.doc_type) != fold(d.meta.doc_type):
                continue
            if filters.issuer and fold(filters.issuer) not in fold(d.meta.issuer):
                continue
            out.add(d.id)
        return out

    # --- composition ---------------------------------------------------------------------
    def _compose(
        self,
        intent: Intent,
        hits: list[Hit],
        allowed: set[str],
        within: Callable[[set[str]], list[Hit]] | None = None,
    ) -> _Composed | None:
        if self._mentions_unknown(intent):
            return None
        affinity = self._doc_affinity(intent, allowed)
        # A question that names its document (by number, or by type and author) is answered from it.
        named = self._named_documents(intent, affinity)
        if named and within is not None and len(named) < len(affinity):
            hits = within(named) or hits
        if intent.kind in ("signer", "recipient", "doc_number"):
            composed = self._document_field(intent, hits, affinity)
            if composed:
                return composed
        if intent.kind in INTENT_FIELD:
            composed = self._task_field(intent, hits, affinity)
            if composed:
                return composed
            if intent.task_number is not None:
                return None  # a task the documents do not have
        if intent.kind == "target" and intent.years:
            composed = self._targets(intent, hits, affinity)
            if composed:
                return composed
        if intent.kind == "date" and intent.references:
            composed = self._reference_date(intent, hits, affinity)
            if composed:
                return composed
        return self._extract(intent, hits, affinity)

    def _mentions_unknown(self, intent: Intent) -> bool:
        """A year or document number the corpus never mentions cannot be answered from it."""
        text = self.view.all_text
        for year in intent.years:
            if year not in text:
                return True
        for _, number in intent.references:
            head = re.match(r"\d+", number)
            if head and not re.search(rf"\b{head.group(0)}\b", text):
                return True
        return False

    def _doc_affinity(self, intent: Intent, allowed: set[str]) -> dict[str, float]:
        """How well each document matches what the question says about the document."""
        q_terms = set(TextTerms.of(intent.query).folded)
        reference_types = {t for t, _ in intent.references}
        # A type word that begins a document's subject ("V/v báo cáo …", asked as "văn bản báo cáo
        # …") names that subject, not the document type Báo cáo.
        subject_words = {
            t
            for t in map(fold, intent.doc_types)
            if (m := re.search(rf"\b{re.escape(t)}((?: \w+){{2}})", intent.folded))
            and any(f"{t}{m.group(1)}" in s for s in self.view.folded_subjects)
        }
        bare_so = bool(re.search(r"\bSở\b", intent.query)) or bool(
            re.search(r"\b(cua|tai) So\b", intent.query)
        )
        # "kế hoạch của UBND tỉnh", "công văn của Sở Tài chính": an issuer named as the author.
        authors = [phrase for _, phrase in analyze_query(intent.query).issuer_refs]
        provincial = bool(_PROVINCIAL_DOCUMENT.search(intent.folded))
        scores: dict[str, float] = {}
        for doc_id in allowed:
            doc = self.view.documents.get(doc_id)
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
            generic_place = ("tinh", "quang", "ngai", "thanh", "pho", "va")
            issuer_terms = [t for t in self.view.meta_terms(meta.issuer).folded if t not in generic_place]
            share = sum(t in q_terms for t in issuer_terms) / len(issuer_terms) if issuer_terms else 0.0
            if any(issuer_matches(a, meta.issuer) for a in authors) or (
                provincial and issuer.startswith("uy ban nhan dan tinh")
            ):
                score += 2.0
            elif bare_so and issuer.startswith("so "):
                score += 1.0
            elif share >= 0.99:
                score += 0.75  # the issuer's name appears, but not as the document's author
            title_terms = self.view.meta_terms(f"{meta.title} {meta.subject}").folded
            if title_terms:
                score += 0.5 * len(q_terms & title_terms) / max(1, len(q_terms))
            scores[doc_id] = score
        return scores

    def _named_documents(self, intent: Intent, affinity: dict[str, float]) -> set[str]:
        """Documents the question names outright: by their number, or as the author's document."""
        authors = [phrase for _, phrase in analyze_query(intent.query).issuer_refs]
        provincial = bool(_PROVINCIAL_DOCUMENT.search(intent.folded))
        named = {}
        for doc_id, score in affinity.items():
            meta = self.view.documents[doc_id].meta
            own = re.match(r"\s*(\d+)", meta.number or "")
            by_number = own is not None and any(
                (m := re.match(r"\d+", number)) and m.group(0) == own.group(1)
                for _, number in intent.references
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

    def _best_docs(self, affinity: dict[str, float], candidates: Iterable[str]) -> list[str]:
        cands = [d for d in candidates if d in affinity]
        if not cands:
            return []
        top = max(affinity[d] for d in cands)
        return [d for d in cands if affinity[d] >= top - 1e-9]

    # structured: who signed / to whom
    def _document_field(
        self, intent: Intent, hits: list[Hit], affinity: dict[str, float]
    ) -> _Composed | None:
        kind = {"signer": "signature", "recipient": "recipients", "doc_number": "header"}[intent.kind]
        retrieval = Counter()
        for rank, h in enumerate(hits):
            retrieval[h.clause.doc_id] += 1.0 / (rank + 1)
        q_terms = query_terms(intent).without({"ky", "gui", "nhan", "hieu"})
        ranked = []
        for doc_id, aff in affinity.items():
            doc = self.view.documents[doc_id]
            meta = doc.meta
            about = f"{meta.label()} {meta.doc_type} {meta.title} {meta.subject} {meta.issuer}"
            title_cov = coverage(self.view, q_terms, self.view.meta_terms(about))
            ranked.append(
                (aff + 2.0 * title_cov + retrieval[doc_id], aff + 2.0 * title_cov, title_cov, doc_id)
            )
        ranked.sort(reverse=True)
        composed: list[tuple[str, Clause, float]] = []
        for _, naming, title_cov, doc_id in ranked[:3]:
            # The best document, plus any other the question names just as well (ambiguity).
            if composed and naming < ranked[0][1] - 0.05:
                break
            doc = self.view.documents[doc_id]
            clause = next((c for c in self.view.by_doc[doc_id] if c.kind == kind), None)
            text = _document_fact(doc, kind, clause) if clause is not None else None
            if clause is not None and text is not None:
                composed.append((text, clause, max(title_cov, 0.6) if doc_id == ranked[0][3] else title_cov))
        if not composed:
            return None
        if len(composed) == 1:
            text, clause, support = composed[0]
            return _Composed(text=_trim(text), cited=[clause], support=support)
        text = "Câu hỏi khớp với nhiều văn bản:\n" + "\n".join(t for t, _, _ in composed)
        return _Composed(text=_trim(text, 900), cited=[c for _, c, _ in composed], support=composed[0][2])

    # structured: lead unit / coordinating units / deadline of a task
    def _task_field(self, intent: Intent, hits: list[Hit], affinity: dict[str, float]) -> _Composed | None:
        key = INTENT_FIELD[intent.kind]
        tasks = [
            c
            for c in self.view.clauses.values()
            if c.kind != "field" and key in c.fields and c.doc_id in affinity
        ]
        if not tasks:
            return None
        if intent.task_number is not None:
            numbered = [t for t in tasks if self.view.task_number(t) == intent.task_number]
            if not numbered:
                return None
            docs = self._best_docs(affinity, {t.doc_id for t in numbered})
            chosen = [t for t in numbered if t.doc_id in docs]
            support = 1.0
        else:
            # No number: the task that the best evidence clause belongs to, if it belongs to one
            # ("who carries out the task about X" -> the clause about X -> its task's lead unit).
            generic = self._candidates(
                intent, hits, affinity, drop_terms=_FIELD_WORDS, skip_kinds=frozenset({"field"})
            )
            if not generic:
                return None

            def task_of(clause: Clause) -> Clause | None:
                chain = [clause, *self.view.ancestors(clause)]
                return next((a for a in chain if a.kind != "field" and key in a.fields), None)

            # A question that names a task ("nhiệm vụ …") is about a task: take the best clause
            # inside one. Otherwise only when the best clause overall belongs to a task.
            names_task = bool(re.search(r"\bnhiem vu\b", intent.folded))
            pool = generic if names_task else generic[:1]
            top = next((c for c in pool if task_of(c.clause) is not None), None)
            if top is None:
                return None
            task = task_of(top.clause)
            assert task is not None
            chosen, support = [task], top.support
        parts, cited = [], []
        for task in sorted(chosen, key=lambda c: (c.doc_id, c.order)):
            doc = self.view.documents[task.doc_id]
            field_clause = next(
                (c for c in self.view.children.get(task.id, []) if c.kind == "field" and key in c.fields),
                task,
            )
            title = _short(task.title or task.text, 90)
            value = task.fields[key].rstrip(" .;")
            prefix = (
                f"{doc.meta.label()}, nhiệm vụ {task.locator} ({title})"
                if len(chosen) > 1
                else f"Nhiệm vụ {task.locator} ({title})"
            )
            parts.append(f"{prefix}: {FIELD_LABELS[key]}: {value}.")
            cited.append(field_clause)
        text = "\n".join(parts) if len(parts) > 1 else parts[0]
        if len(parts) > 1:
            text = "Câu hỏi khớp với nhiều văn bản:\n" + text
        return _Composed(text=_trim(text, 900), cited=cited, support=support)

    # structured: targets for a year
    def _targets(self, intent: Intent, hits: list[Hit], affinity: dict[str, float]) -> _Composed | None:
        year = intent.years[0]
        items = [
            c
            for c in self.view.clauses.values()
            if c.fields.get("year") == year and c.doc_id in affinity and c.kind != "heading"
        ]
        if not items:
            return None
        docs = self._best_docs(affinity, {c.doc_id for c in items})
        items = [c for c in items if c.doc_id in docs]
        # The words that asked for targets of a year locate nothing: drop them as phrases.
        q_terms = query_terms(intent, drop_phrases=_TARGET_WORDS)
        # Words naming the document ("của Sở", "kế hoạch", its title) pick the document, not a target.
        metas = [self.view.documents[d].meta for d in docs]
        naming = {
            w
            for m in metas
            for w in self.view.meta_terms(f"{m.issuer} {m.doc_type} {m.title} {m.subject}").folded
        }
        q_terms = q_terms.without(naming)
        items.sort(key=lambda c: (c.doc_id, c.order))
        scored = [
            (
                coverage(self.view, q_terms, self.view.text_terms(c))
                + 0.5 * phrase_coverage(self.view, q_terms, self.view.text_terms(c)),
                -i,
                c,
            )
            for i, c in enumerate(items)
        ]
        scored.sort(key=lambda x: (-x[0], -x[1]))
        if q_terms and scored[0][0] >= 0.5 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.08):
            best = scored[0][2]
            return _Composed(text=_trim(best.text), cited=[best], support=1.0)
        heading = self.view.clauses.get(items[0].parent_id or "")
        lead = f"Mục tiêu {heading.title or heading.text}".strip() if heading else f"Mục tiêu năm {year}"
        # Most relevant first (document order when the question names no subject), the first one whole.
        ordered = [c for _, _, c in scored] if q_terms else items
        lines = [
            f"- {_short(_strip_marker(c.text), 400 if i == 0 and q_terms else 240)}"
            for i, c in enumerate(ordered)
        ]
        text = lead.rstrip(":") + ":\n" + "\n".join(lines)
        return _Composed(text=_trim(text, 900), cited=ordered[:CITATIONS], support=1.0)

    # structured: the date of a cited document ("Quyết định số 12/QĐ-UBND ngày 3 tháng 4 năm 2025")
    def _reference_date(
        self, intent: Intent, hits: list[Hit], affinity: dict[str, float]
    ) -> _Composed | None:
        for ref_type, number in intent.references:
            # The document itself is indexed: its own date.
            for doc in self.view.documents.values():
                if doc.id not in affinity:  # outside the caller's access or filters
                    continue
                if doc.meta.number and fold(doc.meta.number).startswith(number) and doc.meta.date:
                    header = next((c for c in self.view.by_doc[doc.id] if c.kind == "header"), None)
                    if header is not None:
                        return _Composed(
                            text=f"{doc.meta.label()} ban hành {issue_date(doc)}.",
                            cited=[header],
                            support=1.0,
                        )
            pattern = re.compile(
                # "số" may come out of OCR as "s6"/"sb": any short token may stand between.
                rf"{re.escape(ref_type)}\s+(?:\S{{1,3}}\s+)?{re.escape(number)}\b[^.;]{{0,40}}?\b(ngay\s+\d{{1,2}}\s*(?:/\s*\d{{1,2}}\s*/\s*\d{{4}}|thang\s+\d{{1,2}}\s+nam\s+\d{{4}}))"
            )
            ordered = [h.clause for h in hits] + list(self.view.clauses.values())
            for clause in ordered:
                if clause.doc_id not in affinity:
                    continue
                text = self.view.folded[clause.id]
                m = pattern.search(_squash_numbers(text))
                if not m:
                    continue
                date = _original_span(clause.text, m.group(1))
                name = _original_span(clause.text, f"{ref_type}") or ref_type
                ref_text = _reference_text(clause.text, number) or f"{name} {number}"
                return _Composed(text=f"{ref_text} được ban hành {date}.", cited=[clause], support=1.0)
        return None

    # generic: best sentence(s) of the best clause
    def _candidates(
        self,
        intent: Intent,
        hits: list[Hit],
        affinity: dict[str, float],
        *,
        drop_terms: frozenset[str] = frozenset(),
        skip_kinds: frozenset[str] = frozenset(),
    ) -> list[_Candidate]:
        """Retrieved clauses (and the items under retrieved headings), scored as evidence."""
        q_terms = query_terms(intent).without(drop_terms)
        q_numbers = set(_numbers(intent.folded))
        top_score = max((h.score for h in hits), default=0.0) or 1.0
        pool: list[tuple[Clause, float, int]] = []
        seen: set[str] = set()
        for rank, h in enumerate(hits):
            if h.clause.id not in seen:
                pool.append((h.clause, h.score / top_score, rank))
                seen.add(h.clause.id)
            for child in self.view.children.get(h.clause.id, []):
                if child.id not in seen:
                    pool.append((child, 0.5 * h.score / top_score, rank + 1))
                    seen.add(child.id)
        # An organisation that heads its own section is the subject of every bullet there:
        # its name picks the section (below), so a sentence is not scored on repeating it.
        owners = {
            o for doc_id in {c.doc_id for c, _, _ in pool} for o in self._section_owners_named(intent, doc_id)
        }
        q_own = q_terms.without({w for o in owners for w in o.split()}) if owners else q_terms
        q_own = q_own or q_terms
        out: list[_Candidate] = []
        for c, retrieval, rank in pool:
            if c.kind in skip_kinds:
                continue
            head = self.view.head_terms(c)

            def passage_score(p: Passage) -> float:
                value = coverage(self.view, q_own, p.terms) + 0.5 * phrase_coverage(self.view, q_own, p.terms)
                if intent.kind == "number" and p.numbers - q_numbers:
                    value += 0.15
                if intent.kind in ("date", "deadline") and p.has_date:
                    value += 0.2
                return value

            passages = self.view.passages(c)
            if not passages:
                continue
            best_passage = max(passages, key=passage_score)
            text, terms_ = best_passage.text, best_passage.terms
            support = coverage(self.view, q_terms, head, terms_)
            own = coverage(self.view, q_own, terms_)
            phrase = phrase_coverage(self.view, q_own, terms_)
            score = (
                0.35 * retrieval
                + support
                + 0.5 * own
                + 0.5 * phrase
                + 0.15 * affinity.get(c.doc_id, 0.0)
                + 0.2 / (1 + rank)
            )
            if intent.kind == "number":
                fresh = best_passage.numbers - q_numbers
                score += 0.25 if fresh else -0.2
                score += 0.3 * _counts_asked_noun(best_passage.folded, fresh, set(q_terms.folded))
                score += 0.4 * _fills_number_slot(best_passage.folded, intent.folded)
                if c.kind == "heading" and self.view.children.get(c.id):
                    score -= 0.2
            if intent.kind == "date" and best_passage.has_date:
                score += 0.3 + 0.4 * _date_follows_phrase(best_passage.folded, q_terms.folded)
            score -= 0.5 * _period_conflict(intent.folded, self.view.context(c))
            # A bullet under a heading that names the organisation the question names; a bullet
            # under another organisation's heading, when the question's has its own section,
            # is that other organisation's duty (it may mention the asked one in passing).
            entity = self._entity_heading(c)
            if entity and fold(entity) in intent.folded:
                score += 0.4
            elif entity and self._section_owners_named(intent, c.doc_id):
                score -= 0.5
            if intent.list_like and c.text.rstrip().endswith(":"):
                score += 0.3
            if c.kind == "field" and intent.kind == "content":
                score -= 0.3  # "Đơn vị thực hiện: X" names X; it does not say what X does
            if c.kind in ("header", "signature", "recipients") and intent.kind not in (
                "signer",
                "recipient",
                "doc_number",
                "date",
            ):
                score -= 0.3
            out.append(_Candidate(c, score, support, passage=text))
        out.sort(key=lambda x: -x.score)
        return out

    def _article_scope(self, intent: Intent, affinity: dict[str, float]) -> list[Clause] | None:
        """The clauses under the legal locator the question names ("Điều 8 khoản 2"), in the best documents."""
        if not intent.article:
            return None
        target = intent.article
        scope = [
            c
            for c in self.view.clauses.values()
            if c.doc_id in affinity and (c.locator == target or c.locator.startswith(target + " "))
        ]
        docs = self._best_docs(affinity, {c.doc_id for c in scope})
        return [c for c in scope if c.doc_id in docs]

    def _extract(self, intent: Intent, hits: list[Hit], affinity: dict[str, float]) -> _Composed | None:
        scope = self._article_scope(intent, affinity)
        if scope is not None:
            if not scope:
                return None  # an article the documents do not have
            # Evidence comes from inside the named article; the article itself answers "quy định gì".
            inside = {c.id for c in scope}
            hits = [h for h in hits if h.clause.id in inside] or [Hit(clause=c, score=1.0) for c in scope]
            head = min(scope, key=lambda c: (len(c.locator), c.order))
            if not query_terms(intent, drop_phrases=_LEGAL_WORDS):
                items = self._list_items(head)
                body = "\n".join(f"- {_short(_strip_marker(i.text), 200)}" for i in items)
                text = f"{_short(head.text, 300)}" + (f"\n{body}" if body else "")
                return _Composed(text=_trim(text, 700), cited=[head, *items[:3]], support=1.0)
        candidates = self._candidates(intent, hits, affinity)
        if intent.kind == "person":
            # "Who is the chairman?" is answered only by a passage that names someone.
            title = intent.person_title or ""
            candidates = [c for c in candidates if names_a_person(c.passage, near=title)]
        if not candidates:
            return None
        best = candidates[0]
        clause = best.clause
        q_terms = query_terms(intent)
        # A heading or a list intro answers with its items.
        items = self._list_items(clause) if intent.kind not in ("number", "date") else []
        if items:
            lead = _short(clause.text, 160).rstrip(":")
            body = "\n".join(f"- {_short(_strip_marker(i.text), 200)}" for i in items)
            return _Composed(
                text=_trim(f"{lead}:\n{body}", 700), cited=[clause, *items[:3]], support=best.support
            )
        sentence = (
            best.passage
            if len(best.passage) <= PASSAGE_CHARS + 80
            else self._best_window(intent, q_terms, clause)
        )
        if best.passage and best.passage != collapse_ws(clause.text):
            starts = collapse_ws(clause.text).startswith(best.passage)
            ends = collapse_ws(clause.text).endswith(best.passage)
            sentence = (
                ("" if starts else "… ") + sentence + ("" if ends or sentence.endswith((".", ";")) else " …")
            )
        entity = self._entity_heading(clause) if intent.kind in ("lead_unit", "content") else None
        text = f"{entity}: {sentence}" if entity and fold(entity) not in fold(sentence) else sentence
        return _Composed(text=_trim(text), cited=[clause], support=best.support)

    def _list_items(self, clause: Clause) -> list[Clause]:
        """Children of a heading, or the items right after a clause that ends with ':'."""
        kids = [c for c in self.view.children.get(clause.id, []) if c.kind != "footnote"]
        if clause.kind == "heading" and kids:
            return kids[:8]
        if clause.text.rstrip().endswith(":"):
            ordered = self.view.by_doc[clause.doc_id]
            idx = next(i for i, c in enumerate(ordered) if c.id == clause.id)
            out = []
            for c in ordered[idx + 1 : idx + 12]:
                if c.kind not in ("item", "field", "paragraph"):
                    break
                out.append(c)
                if len(out) >= 6:
                    break
            return kids[:8] or out
        return []

    def _section_owners_named(self, intent: Intent, doc_id: str) -> set[str]:
        """Organisations heading sections of the document that the question names (folded)."""
        owners = self._section_owners.get(doc_id)
        if owners is None:
            owners = self._section_owners[doc_id] = {
                fold(entity)
                for c in self.view.by_doc.get(doc_id, [])
                if c.kind == "heading" and (entity := self._entity_heading(c))
            }
        return {owner for owner in owners if owner in intent.folded}

    def _entity_heading(self, clause: Clause) -> str | None:
        """The organisation a bullet belongs to ("1. Sở Khoa học và Công nghệ" → that name)."""
        heads = [(a.title or a.text).strip() for a in self.view.ancestors(clause)[:2]]
        if clause.kind != "field":
            # Its own title, or a short first line standing alone ("3. Phòng Tổ chức" over its duties).
            first, newline, _ = clause.text.strip().partition("\n")
            own = clause.title or (first.strip() if newline and len(first) <= 80 else "")
            heads = [own, *heads] if own else heads
        for head in heads:
            m = _ORG_HEAD.match(head)
            if m and len(m.group(1)) <= 120:
                return m.group(1).strip().rstrip(":")
        return None

    def _best_window(self, intent: Intent, q_terms: QueryTerms, clause: Clause) -> str:
        text = collapse_ws(clause.text)
        marks = self.view.has_marks(clause)
        if len(text) <= 320:
            return text
        sentences = [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]

        def score(s: str) -> float:
            f = fold(s)
            value = coverage(self.view, q_terms, TextTerms.of(s, has_marks=marks))
            if intent.kind == "number" and re.search(r"\d", s):
                value += 0.15
            if intent.kind in ("date", "deadline") and _DATE_FOLDED.search(f):
                value += 0.2
            return value

        best = max(sentences, key=score)
        if len(best) <= 400:
            return best
        # A long sentence: the window of words with the most evidence.
        words = best.split(" ")
        width = 70
        best_i, best_v = 0, -1.0
        for i in range(0, max(1, len(words) - width + 1), 3):
            v = score(" ".join(words[i : i + width]))
            if v > best_v:
                best_i, best_v = i, v
        window = " ".join(words[best_i : best_i + width])
        return ("… " if best_i else "") + window + (" …" if best_i + width < len(words) else "")

    # --- citations -----------------------------------------------------------------------
    def _cite(self, clause: Clause, score: float) -> Citation:
        doc = self.view.documents.get(clause.doc_id)
        return Citation.of(clause, score, doc.meta.label() if doc else "")

    def _citations(self, composed: _Composed, hits: list[Hit]) -> list[Citation]:
        scores = {h.clause.id: h.score for h in hits}
        top = max(scores.values(), default=1.0)
        out: list[Citation] = []
        seen: set[str] = set()
        for c in composed.cited:
            if c.id not in seen:
                out.append(self._cite(c, scores.get(c.id, top)))
                seen.add(c.id)
        for h in hits:
            if len(out) >= CITATIONS:
                break
            if h.clause.id not in seen:
                out.append(self._cite(h.clause, h.score))
                seen.add(h.clause.id)
        return out


# --- small pure helpers --------------------------------------------------------------------
def _document_fact(doc: Document, kind: str, clause: Clause) -> str | None:
    """One sentence about a document: its number and date, who signed it, or whom it was sent to."""
    meta = doc.meta
    if kind == "header":
        number = meta.number.strip()
        if not number or number.startswith("/"):
            return None  # a draft or a document whose number was not written
        issued = f", ban hành {issue_date(doc)}" if meta.date or meta.date_text else ""
        return f"{meta.doc_type or 'Văn bản'} số {number}{issued}."
    if kind == "signature":
        if meta.signer_name:
            return f"{meta.label()} do {meta.signer_title} {meta.signer_name} ký."
        if meta.signer_title:
            return f"{meta.label()} do {meta.signer_title} ký (văn bản không ghi hoặc không đọc được tên người ký)."
        return f"{meta.label()}, phần chữ ký: {_short(clause.text, 200)}"
    names = meta.recipients or meta.distribution
    return f"{meta.label()} gửi: " + "; ".join(names) + "." if names else None


def issue_date(doc: Document) -> str:
    """ "ngày 4 tháng 3 năm 2026" from a complete ISO date (OCR may have garbled the written one)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", doc.meta.date or "")
    if m:
        return f"ngày {int(m.group(3))} tháng {int(m.group(2))} năm {m.group(1)}"
    written = collapse_ws(doc.meta.date_text or doc.meta.date)
    return written if written.lower().startswith("ngày") else f"ngày {written}"


def _short(text: str, limit: int) -> str:
    text = collapse_ws(text)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _trim(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    lines = [collapse_ws(line) for line in text.splitlines() if line.strip()]
    out = "\n".join(lines)
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


PASSAGE_CHARS = 400
WINDOW_WORDS, WINDOW_STRIDE = 80, 40


def split_passages(text: str) -> list[str]:
    """Sentences of a clause; a long sentence becomes overlapping word windows."""
    text = collapse_ws(text)
    if len(text) <= PASSAGE_CHARS:
        return [text] if text else []
    out: list[str] = []
    for sentence in (s for s in _SENTENCE_SPLIT.split(text) if s.strip()):
        if len(sentence) <= PASSAGE_CHARS:
            out.append(sentence)
            continue
        words = sentence.split(" ")
        for i in range(0, max(1, len(words) - WINDOW_STRIDE), WINDOW_STRIDE):
            out.append(" ".join(words[i : i + WINDOW_WORDS]))
    return out


# A Vietnamese personal name: a common surname (with its marks: "Trịnh" is a name, "Trình"
# a verb) then one to three more capitalised syllables.
_SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lâm Mai "
    "Trịnh Trương Cao Lương Hà Quách Tạ Thái La Chu Châu Kiều Văn Tô Lưu Mạc Hứa".split()
)
_FOLDED_SURNAMES = frozenset(fold(n) for n in _SURNAMES)
_CAPITALISED_RUN = re.compile(r"\b[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]+){1,3}\b")


def names_a_person(text: str, near: str = "") -> bool:
    """Does a text name a person ("Nguyễn Văn An"): capitalised words led by a surname,
    within a few words of `near` (a folded title such as "chu tich") when given?"""
    folded = fold_aligned(text)
    anchors = [m.start() for m in re.finditer(rf"\b{re.escape(near)}\b", folded)] if near else []
    for m in _CAPITALISED_RUN.finditer(text):
        first = m.group(0).split()[0]
        if first not in _SURNAMES and not (
            not has_diacritics(m.group(0)) and fold(first) in _FOLDED_SURNAMES
        ):
            continue
        if not near or any(-30 <= m.start() - a <= 60 for a in anchors):
            return True
    return False


_PERIOD = re.compile(r"\b(thang|nam|quy|ky)\s+(dau|cuoi)\b")


def _period_conflict(question: str, context: str) -> float:
    """1.0 when the question asks about the first part of a period and the clause is about the last (or vice versa)."""
    asked = {m.group(2) for m in _PERIOD.finditer(question)}
    if len(asked) != 1:
        return 0.0
    found = {m.group(2) for m in _PERIOD.finditer(context)}
    return 1.0 if found and not (found & asked) else 0.0


def _counts_asked_noun(folded: str, fresh: set[str], asked: set[str]) -> float:
    """1.0 when a new number counts a noun the question asks about ("24 dự án", "12 cuộc")."""
    words = folded.split()
    for i, w in enumerate(words):
        if w.strip(",.;:()") in fresh and any(x.strip(",.;:()") in asked for x in words[i + 1 : i + 3]):
            return 1.0
    return 0.0


_NUMBER_WORDS = re.compile(
    # not "năm" (also "year") nor "tư" (also "private"): too common to tell a quantity
    r"\b(một|hai|ba|bốn|sáu|bảy|tám|chín|mười|mươi|lăm|mốt|trăm|nghìn|ngàn|triệu|tỷ|tỉ|nửa)\b"
)
_NUMBER_SLOT = re.compile(r"((?:\w+ ){0,2})\b(?:bao nhieu|may)\s+(\w+)")


def _fills_number_slot(folded: str, question: str) -> float:
    """1.0 when the text says what the question says with a number for "bao nhiêu".

    "tuyển mới bao nhiêu giáo viên" is answered by "tuyển mới 12 giáo viên": the words around
    the question's slot, with a number in it.
    """
    m = _NUMBER_SLOT.search(question)
    if not m:
        return 0.0
    before = m.group(1).split()
    if not before:
        return 0.0
    pattern = r"\b" + r"\s+".join(map(re.escape, before)) + r"\s+\d[\d.,]*\s+" + re.escape(m.group(2)) + r"\b"
    return 1.0 if re.search(pattern, folded) else 0.0


def _date_follows_phrase(folded: str, asked: tuple[str, ...]) -> float:
    """1.0 when a date comes right after a run of at least 3 of the question's words ("Ngày X (10/10)")."""
    for n in range(len(asked), 2, -1):
        for i in range(len(asked) - n + 1):
            phrase = " ".join(asked[i : i + n])
            at = folded.find(phrase)
            if at >= 0 and _DATE_FOLDED.search(folded[at + len(phrase) : at + len(phrase) + 25]):
                return 1.0
    return 0.0


_NUMBER = re.compile(r"(?<![\d/])\d+(?:[.,]\d+)*(?![\d/])")


def _numbers(folded: str, *, periods: bool = False) -> list[str]:
    """Quantities in a text: not dates (d/m/y), not years, not document numbers, and not periods
    ("6 tháng") unless `periods` (they answer "how often")."""
    cleaned = _DATE_FOLDED.sub(" ", folded)
    cleaned = re.sub(r"\b\d+\s*[-/]\s*[a-z]", " ", cleaned)
    if not periods:
        cleaned = re.sub(r"\b\d+\s+(thang|nam|quy|tuan|ngay)\b", " ", cleaned)
    return [n for n in _NUMBER.findall(cleaned) if not re.fullmatch(r"(19|20)\d\d", n)]


def _strip_marker(text: str) -> str:
    return re.sub(r"^\s*(?:[-+•]|\d+(?:\.\d+)*\.|[a-zđ]\))\s*", "", text)


def _squash_numbers(folded: str) -> str:
    """'57- nq/tw' and '22 / 12 / 2024' as written by PDF extraction -> compact forms."""
    return re.sub(r"(?<=[\d\w])\s*([/-])\s*(?=[\w\d])", r"\1", folded)


def _original_span(original: str, folded_fragment: str) -> str:
    """The original-text span whose folded form equals a folded fragment (best effort)."""
    target = folded_fragment.replace(" ", "")
    text = collapse_ws(original)
    folded_chars = [fold(ch) or " " for ch in text]
    flat = "".join(ch if ch != " " else "" for ch in folded_chars)
    pos = _squash_numbers(flat).find(target) if target else -1
    if pos < 0:
        pos = flat.find(target)
    if pos < 0:
        return folded_fragment
    # Map back from the space-free position to the original index.
    count, start, end = 0, None, None
    for i, ch in enumerate(folded_chars):
        if ch == " ":
            continue
        if count == pos and start is None:
            start = i
        count += len(ch)
        if count >= pos + len(target):
            end = i + 1
            break
    return text[start:end] if start is not None and end is not None else folded_fragment


_TYPE_NAMES = "|".join(sorted(set(DOC_TYPES.values()), key=len, reverse=True))


def _reference_text(original: str, number: str) -> str | None:
    """'Quyết định số 12/QĐ-UBND' as written, for the number the question named."""
    head = re.match(r"\d+", number)
    if not head:
        return None
    m = re.search(
        rf"((?:{_TYPE_NAMES})\s+(?:số\s+)?{head.group(0)}\s*[-/]?\s*[\wĐđ&/\-]*)",
        collapse_ws(original),
        re.IGNORECASE,
    )
    return collapse_ws(m.group(1)) if m else None
