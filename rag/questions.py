"""The question records: what the reader (``rag/reading``) makes of a question, and what
retrieval and the answerer consume. Part of the records floor with ``rag/records.py``: no
stage reads a question's text but the reader; the others read these fields.

Question (one turn, read in the conversation's scope)
  form (plain / choices / yes-no), slot (what is asked) and its value type, cues (what else
  the wording says: a unit's tasks, tasks due, lineage, …), the document reference, the clause
  reference, constraints (task, years, period, unit), topic terms, the SearchQuery for retrieval
  and the follow-up scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rag.records import DocumentMeta
from rag.values import Ordinal


@dataclass(frozen=True)
class DocRef:
    """A document a question names by type and number ("Kế hoạch 58", "QĐ 12/QĐ-UBND")."""

    doc_type: str  # as documents write it: "Kế hoạch"
    number: str  # folded, no spaces: "58", "58/kh-ubnd", "12/qd-ubnd"


@dataclass(frozen=True)
class SearchQuery:
    """What retrieval receives: the text each retriever reads and the hints the reader found.

    Retrieval (``index/``) reads no question text itself: every hint is a plain field here.
    """

    text: str  # what the dense model reads
    lexical: str = ""  # what BM25 reads (English administrative terms put into Vietnamese); "" = text
    english: bool = False  # the dense ranking leads
    task_number: str | None = None  # "nhiệm vụ 2" -> "2"
    years: tuple[str, ...] = ()
    doc_refs: tuple[DocRef, ...] = ()
    doc_types: tuple[str, ...] = ()  # types named anywhere, with or without a number
    numbers: tuple[str, ...] = ()  # document numbers like "57-nq/tw", folded
    issuer_refs: tuple[tuple[str, str], ...] = ()  # (doc type, folded issuer phrase): "kế hoạch của Sở …"
    asks: str | None = (
        None  # the part of a document asked for: lead_unit, coordinating_units, deadline, signer, recipients,
        # article (the heading of the article holding the clause)
    )

    @classmethod
    def plain(cls, text: str) -> SearchQuery:
        """A query with no hints: the text as it is, for every retriever."""
        return cls(text=text)

    @property
    def lexical_text(self) -> str:
        return self.lexical or self.text

    @property
    def has_signal(self) -> bool:
        return bool(
            self.task_number
            or self.years
            or self.doc_refs
            or self.numbers
            or self.issuer_refs
            or self.doc_types
            or self.asks
        )


@dataclass(frozen=True)
class Choice:
    letter: str  # upper-case: "A"
    text: str


@dataclass(frozen=True)
class QuestionForm:
    """Plain, answer choices ("… A. … B. …") or a yes/no frame ("…, đúng hay sai?")."""

    kind: str  # "plain", "choices" or "yes_no"
    stem: str  # the question without its choices or yes/no frame: what is read and retrieved
    choices: tuple[Choice, ...] = ()
    # yes/no: the words a verdict uses ("Đúng"/"Sai" for "đúng hay sai", "Có"/"Không" for "có … không")
    verdicts: tuple[str, str] = ("Đúng", "Sai")
    pick_false: bool = False  # "Phát biểu nào sau đây sai?", "… ngoại trừ": the choice not stated

    @property
    def statement(self) -> str:
        """The claim a yes/no question asks to verify (its stem)."""
        return self.stem


@dataclass(frozen=True)
class QueryTerms:
    """The question's evidence-bearing words, folded and (when typed with marks) marked."""

    folded: tuple[str, ...]
    marked: tuple[str, ...]
    has_marks: bool

    def pick(self, text: Any) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...], bool]:
        """(query words, text words, text sequence, marked?) for comparing with one text
        (a ``rag.matching.TextTerms``)."""
        if self.has_marks and text.has_marks:
            return self.marked, text.marked, text.marked_seq, True
        return self.folded, text.folded, text.folded_seq, False

    def without(self, folded_words: set[str] | frozenset[str]) -> QueryTerms:
        keep = [i for i, f in enumerate(self.folded) if f not in folded_words]
        return QueryTerms(
            tuple(self.folded[i] for i in keep), tuple(self.marked[i] for i in keep), self.has_marks
        )

    def __bool__(self) -> bool:
        return bool(self.folded)


NO_TERMS = QueryTerms((), (), False)


@dataclass(frozen=True)
class ClauseReference:
    """The locator parts a question names, folded values as typed (roman numerals upper-cased)."""

    parts: dict[str, str]
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # where, in the question
    # The question's words outside the reference and the document numbers (folded, abbreviations
    # spelled out): what it asks of the clause besides naming it.
    rest: tuple[str, ...] = field(default=(), compare=False)

    def locators(self) -> list[str]:
        """The parser locators this reference may mean, most literal first; a footnote's is
        "<clause> · chú thích N", or "· chú thích N" when the question names only the note."""
        if "footnote" in self.parts:
            rest = ClauseReference({k: v for k, v in self.parts.items() if k != "footnote"})
            note = f"· chú thích {self.parts['footnote']}"
            return [f"{base} {note}" for base in rest.locators()] or [note]
        p = self.parts
        if "article" in p:
            out = f"Điều {p['article']}"
            if "clause" in p:
                out += f" khoản {p['clause']}"
                if "point" in p:
                    out += f" điểm {p['point']}"
            return [out]
        path: list[str] = []
        for kind in ("part", "section", "subsection", "clause", "point", "row"):
            if kind in p:
                values = p[kind].split(".")
                # "tiểu mục 2.3" under "mục 2": the printed number repeats its parent.
                if path and kind == "subsection" and values[0] == path[-1]:
                    values = values[1:]
                path += values
        if "appendix" in p:
            head = f"Phụ lục {p['appendix']}".strip()
            return [head + "." + ".".join(path)] if path else [head]
        if "chapter" in p and not path:
            return [f"Chương {p['chapter']}"]
        return [".".join(path)] if path else []


@dataclass(frozen=True)
class DocumentReference:
    """How a question names the document(s) it is about."""

    refs: tuple[tuple[str, str], ...] = ()  # (folded type, folded number): ("ke hoach", "58/kh-ubnd")
    numbers: tuple[str, ...] = ()  # every document number named, folded ("58/kh-ubnd", "57-nq/tw", "58")
    types: tuple[str, ...] = ()  # types named, as documents write them ("Kế hoạch")
    authors: tuple[str, ...] = ()  # issuer phrases named as the author, folded ("uy ban nhan dan tinh")
    provincial: bool = False  # "kế hoạch (…) cấp tỉnh": a document of the provincial People's Committee
    bare_so: bool = False  # "Sở" named without which one ("của Sở"): a department's document
    # Each folded type named with the two words after it ("bao cao ket qua thuc"): a document's
    # subject may begin so ("V/v báo cáo kết quả thực hiện …"), naming no type.
    type_phrases: tuple[tuple[str, str], ...] = ()
    # Read against the catalogue (the documents the asker may read):
    level: str = ""  # the level of the document's issuer the question names: "tinh", "xa", "huyen"
    written: tuple[tuple[str, str], ...] = ()  # (folded number, the reference as typed: "Kế hoạch 617")
    places: tuple[str, ...] = ()  # provinces / cities of issuers the question names, folded
    titled: tuple[str, ...] = ()  # ids of documents whose title's first words the question quotes
    signers: tuple[str, ...] = ()  # signers' names the question names, folded


@dataclass(frozen=True)
class Constraints:
    """What narrows the answer: a task, years, a period, dates, the first or last part of a period."""

    task: int | None = None  # "nhiệm vụ 3"
    years: tuple[str, ...] = ()  # sorted
    period: tuple[str | None, str | None] | None = None  # ISO bounds of "trong quý IV/2025", "trước 31/12"
    dates: tuple[tuple[int, int, int], ...] = ()  # complete dates stated (day, month, year)
    # months and quarters named (kind, number, year or None): "vào tháng 8/2026" -> ("thang", 8, 2026)
    periods: tuple[tuple[str, int, int | None], ...] = ()
    half: str = ""  # "dau" / "cuoi": "6 tháng đầu năm", "năm cuối"
    # bounded quantities stated (direction, number, unit): "trên 20 năm" -> ("more", "20", "nam")
    bounds: tuple[tuple[str, str, str], ...] = ()
    # roman numerals labelling what is asked about (folded noun, numeral): "hạng II" -> ("hang", "II")
    labels: tuple[tuple[str, str], ...] = ()
    # the case the question restricts itself to, folded: "mức thu đối với tàu bay" -> ("tau bay",)
    qualifiers: tuple[str, ...] = ()
    # numbers labelling a word (folded word, number): "bước 3" -> ("buoc", "3"); a table row the
    # question names by its label
    numbered: tuple[tuple[str, str], ...] = ()
    # occasions counted by an ordinal: "kê khai lần đầu" -> (Ordinal("lan", 1),)
    ordinals: tuple[Ordinal, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation, as the client holds it."""

    question: str
    answer: str = ""
    doc_id: str = ""  # the document the answer cited first (a hint the caller validates)


@dataclass(frozen=True)
class Scope:
    """What a conversation has set so far: the last question as understood, its document, task,
    unit, year and what it asked."""

    question: str = ""  # the last question as understood (what "Còn X thì sao?" varies)
    document: str = ""  # how the user named the document: "kế hoạch của UBND tỉnh"
    doc_id: str = ""
    task: int | None = None
    unit: str = ""
    year: str = ""
    slot: str = ""  # what the last question asked ("lead_unit", "target", …)


@dataclass(frozen=True)
class FollowUp:
    """A question read in a conversation's scope."""

    restated: str = ""  # the question as understood (a Vietnamese sentence), when the history changed it
    clarify: str = ""  # what to ask back when the scope it needs is missing: "document", "task", "unit"
    doc_id: str = ""  # the document it refers to (restrict to it when readable)
    needs_document: bool = False  # ... and has no other way of naming it
    scope: Scope = field(default_factory=Scope)  # the scope it was read in


@dataclass(frozen=True)
class AskedPart:
    """One of several things a question asks ("bao nhiêu X, trong đó bao nhiêu Y"): its own words
    and the kind of value that answers it ("number", "date" or "text")."""

    text: str
    terms: QueryTerms
    value_type: str = "text"  # the ask's label: number, duration, date, person, yes_no, article, text
    question: str = (
        ""  # the part asked on its own, with the subject it shares ("Thủ tục X có mất phí không?")
    )


@dataclass(frozen=True)
class Catalogue:
    """What the reader may know of the corpus: each readable document's id and metadata."""

    documents: tuple[tuple[str, DocumentMeta], ...] = ()
    # What a question may name them by, folded once when the catalogue is made (rag.reading.catalogue),
    # not per question: the distinct places, (id, title's first words), the distinct signers.
    indexed: bool = False
    places: tuple[str, ...] = ()
    title_heads: tuple[tuple[str, str], ...] = ()
    signers: tuple[str, ...] = ()

    def label(self, doc_id: str) -> str:
        return next((m.label() for d, m in self.documents if d == doc_id), "")


@dataclass(frozen=True)
class Question:
    """One question as the reader understood it. Only ``rag/reading`` reads question text; every
    other stage reads these fields.

    ``slot`` is what the question asks for, from the first wording of the slot table that matches
    (lead_unit, coordinating_unit, recipient, signer, person, date, deadline, figure, target,
    document_number, content); ``value_type`` is the kind of value that fills it. ``cues`` are the
    other labelled wordings found: a unit's tasks ("tasks_of_unit"), tasks due in a period
    ("tasks_due"), documents a person signed ("documents_signed"), lineage ("lineage"), an
    article asked for ("which_article"), in effect ("in_effect"), issuing ("issuing"), a clause
    named by its locator ("clause_reference"), the form ("choices", "yes_no"). Strategies claim
    slots and cues.
    """

    text: str  # the turn as typed
    content: str  # what is read: the follow-up resolved, a choice or yes/no question's stem (as typed)
    query: str  # the content with English administrative terms in Vietnamese: retrieved and scored
    folded: str  # the query folded (no marks, lower-case)
    words: frozenset[str] = frozenset()  # the folded query's words
    english: bool = False
    english_known: float = 1.0  # share of an English question's subject words the glossary reads
    form: QuestionForm = field(default_factory=lambda: QuestionForm("plain", ""))
    slot: str = "content"
    value_type: str = "text"
    slot_words: frozenset[str] = frozenset()  # folded words of the wording that read the slot ("muc", "tieu")
    cues: frozenset[str] = frozenset()
    person_title: str | None = None  # "chu tich" when asked "ai là chủ tịch …" (folded)
    list_like: bool = False  # asks for several things ("những gì", "những đơn vị nào")
    asks_count: bool = False  # "bao nhiêu", "số lượng", "mấy năm": the answer must state a quantity
    figure_unit: str = ""  # the unit a figure is asked in: money, percent, measure, month, provision, …
    figure_measure: str = ""  # for "measure": the unit named ("mm", "ha")
    number_slot: tuple[tuple[str, ...], str] | None = (
        None  # "tuyển mới bao nhiêu giáo viên": (("tuyen", "moi"), "giao")
    )
    # The act asked of an unknown actor, first words folded: ("chu", "quan") for "do ai chủ quản"
    act: tuple[str, ...] = ()
    stated_numbers: tuple[str, ...] = ()  # quantities the question states itself
    stated_amounts: tuple[str, ...] = ()  # ... periods too ("6 tháng")
    asked_for: frozenset[str] = frozenset()  # word runs right before "nào" (lower-case): what is asked for
    lineage: tuple[str, str] | None = None  # (relation, "in" | "out"): "văn bản nào triển khai X"
    asked_doc_type: str = ""  # "kế hoạch nào …": the type of the documents asked for (folded)
    document: DocumentReference = field(default_factory=DocumentReference)
    clause: ClauseReference | None = None
    article: str | None = None  # a legal locator named: "Điều 8 khoản 2 điểm a"
    locator_only: bool = False  # nothing but the locator and words asking what it says
    constraints: Constraints = field(default_factory=Constraints)
    terms: QueryTerms = NO_TERMS  # topic terms: the words that are not ways of asking
    target_terms: QueryTerms = NO_TERMS  # … without the words asking for a year's targets
    search: SearchQuery = field(default_factory=lambda: SearchQuery(""))
    follow_up: FollowUp | None = None
    # Two or more things asked at once, each answered ("bao nhiêu …, và … bao lâu"); () for one.
    parts: tuple[AskedPart, ...] = ()

    # Shorthands for the fields most strategies read.
    @property
    def task_number(self) -> int | None:
        return self.constraints.task

    @property
    def years(self) -> tuple[str, ...]:
        return self.constraints.years

    @property
    def references(self) -> tuple[tuple[str, str], ...]:
        return self.document.refs

    @property
    def doc_types(self) -> tuple[str, ...]:
        return self.document.types

    def has(self, label: str) -> bool:
        """The slot, a cue or the form is ``label``."""
        return label == self.slot or label in self.cues or label == self.form.kind
