"""Request and response bodies of the HTTP API (separate from the pipeline's internal records)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from rag import messages
from rag.answer.phrasing import headers_by_row, row_sentence
from rag.labels import opening_paragraphs, place, tree_label
from rag.questions import Turn
from rag.reading.followup import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS
from rag.records import Citation, Clause, Document, DocumentMeta, Filters, Hit
from rag.references import formal_reference

Mode = Literal["hybrid", "dense", "bm25"]
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
MAX_HISTORY = 20  # turns a request may carry (the answerer reads the last rag.reading.followup.MAX_TURNS)


def real_date(value: str | None) -> str | None:
    """An ISO date that exists: 2031-02-30 matches the pattern but is no day of any calendar."""
    if value is not None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(messages.text("api.no_such_date", value=value)) from None
    return value


def no_controls(value: str | None) -> str | None:
    """Filter values are names and labels: a control character is never part of one (and reaches a
    store's query language only to break it)."""
    if value is not None and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise ValueError(messages.text("api.filter_control"))
    return value


# Query and body types shared by the routers: the pattern, then the checks a pattern cannot make.
IsoDate = Annotated[str, Field(pattern=ISO_DATE), AfterValidator(real_date)]
FilterText = Annotated[str, Field(max_length=200), AfterValidator(no_controls)]
MAX_FILTER_VALUES = 100


class ErrorResponse(BaseModel):
    detail: str  # for a person: Vietnamese (rag/messages.py)
    code: str  # for the client's program: stable (rag.messages.ERROR_CODES), e.g. "rate_limited"


class FiltersIn(BaseModel):
    """Metadata filters a caller may set (access levels come from the API key, never the body)."""

    doc_type: FilterText | None = Field(default=None, examples=["Kế hoạch"])
    sources: list[Annotated[str, Field(max_length=1000), AfterValidator(no_controls)]] | None = Field(
        default=None, max_length=MAX_FILTER_VALUES
    )
    issuer: FilterText | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None

    def to_filters(self, access: frozenset[str] | None) -> Filters:
        return Filters(
            doc_type=self.doc_type or None,
            sources=self.sources or None,
            issuer=self.issuer or None,
            date_from=self.date_from,
            date_to=self.date_to,
            access=set(access) if access is not None else None,
        )


class TurnIn(BaseModel):
    """One earlier turn of the asker's conversation (client-held; bounded, and only a hint)."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    answer: str = Field(default="", max_length=MAX_ANSWER_CHARS)
    doc_id: str = Field(default="", max_length=200, description="the document the answer cited first")

    def to_turn(self) -> Turn:
        return Turn(self.question, self.answer, self.doc_id)


class AskRequest(BaseModel):
    # The upper bound is a setting (max_question_chars), checked by the router (413).
    question: str = Field(min_length=1, examples=["Đơn vị nào chủ trì nhiệm vụ số 5 của kế hoạch?"])
    filters: FiltersIn | None = None
    top_k: int | None = Field(default=None, ge=1, le=50)
    mode: Mode = "hybrid"
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="earlier turns, oldest first; a follow-up inherits their document, task and unit",
    )

    def turns(self) -> list[Turn]:
        return [t.to_turn() for t in self.history]

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(messages.text("api.question_empty"))
        return value


class CitationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # built straight from rag.records.Citation

    clause_id: str
    doc_id: str
    source: str
    document: str  # human label, e.g. "Kế hoạch số 58/KH-UBND"
    locator: str
    breadcrumb: list[str]
    page: int | None
    pages: list[int] = []  # every page the clause is printed on; GET /api/documents/{doc_id}/pages/{n}
    text: str
    score: float
    reference: str = (
        ""  # formal reference: "khoản 2 Điều 9 Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ"
    )
    short_reference: str = ""  # what a chip shows: "khoản 2 Điều 9 Nghị định số 13/2023/NĐ-CP"

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls.model_validate(citation)


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[CitationOut]
    related: list[CitationOut]
    timings: dict[str, float]
    mode: str
    generator: str
    lexical_only: bool = False  # hybrid answered from BM25 clauses alone; no dense search was needed
    cached: bool = False  # served from the answer cache (same index generation, question and options)
    clarify: bool = False  # a follow-up without the scope it needs: the answer asks which document
    resolved_question: str = ""  # how a follow-up was understood, when it was rewritten
    # Cited or related documents just uploaded: searched by their words only so far, their dense
    # (meaning-based) vectors are still being computed.
    dense_pending: list[str] = []
    # The answering strategy that composed the answer ("task_field", "passage", "document_field", …);
    # "clarify" for a question asked back, "none" when nothing was composed.
    strategy: str = ""
    # "document_not_found": the question names a document none of the readable ones is (the answer
    # says so and names the closest documents; abstained is true). "" otherwise.
    code: str = ""


class CitationsEvent(BaseModel):
    """Payload of the stream's final ``citations`` event: everything but the streamed text."""

    answer: str
    abstained: bool
    citations: list[CitationOut]
    related: list[CitationOut]
    timings: dict[str, float]
    cached: bool = False
    clarify: bool = False
    resolved_question: str = ""
    dense_pending: list[str] = []  # as in AskResponse
    strategy: str = ""  # as in AskResponse
    code: str = ""  # as in AskResponse


class SearchHit(BaseModel):
    rank: int
    clause_id: str
    doc_id: str
    source: str
    document: str
    locator: str
    kind: str
    breadcrumb: list[str]
    page: int | None
    text: str
    score: float
    scores: dict[str, float]
    reference: str = ""  # formal reference of the clause
    display: str = ""  # a table row as a person reads it, once (ClauseOut.display)

    @classmethod
    def of(cls, hit: Hit, document: str, reference: str = "") -> SearchHit:
        c = hit.clause
        return cls(
            rank=hit.rank,
            clause_id=c.id,
            doc_id=c.doc_id,
            source=c.source,
            document=document,
            locator=c.locator,
            kind=c.kind,
            breadcrumb=list(c.breadcrumb),
            page=c.page,
            text=c.text,
            score=round(float(hit.score), 6),
            scores={k: round(float(v), 6) for k, v in hit.scores.items()},
            reference=reference,
        )


class SearchResponse(BaseModel):
    query: str
    mode: Mode
    hits: list[SearchHit]


class DocumentRef(BaseModel):
    id: str
    source: str
    label: str
    doc_type: str
    number: str
    title: str
    date: str
    issuer: str

    @classmethod
    def of(cls, doc: Document) -> Self:
        return cls(**cls.fields_of(doc))

    @classmethod
    def fields_of(cls, doc: Document) -> dict[str, Any]:
        """The document's identity and metadata, as far as this schema declares them."""
        m = doc.meta
        values = {
            "id": doc.id,
            "source": doc.source,
            "label": m.label(),
            "doc_type": m.doc_type,
            "number": m.number,
            "title": m.title,
            "date": m.date,
            "issuer": m.issuer,
            "subject": m.subject,
            "access": doc.access,
            "is_draft": m.is_draft,
            "clause_count": doc.clause_count,
            "page_count": doc.page_count,
            "ingested_at": doc.ingested_at,
        }
        return {name: value for name, value in values.items() if name in cls.model_fields}


class DocumentSummary(DocumentRef):
    subject: str
    access: str
    is_draft: bool
    clause_count: int
    page_count: int
    ingested_at: str


class ClauseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # built straight from rag.records.Clause

    id: str
    doc_id: str
    locator: str
    kind: str
    title: str
    text: str
    breadcrumb: list[str]
    pages: list[int]
    fields: dict[str, str]
    footnotes: list[str]
    parent_id: str | None
    reference: str = ""  # formal reference: "điểm a khoản 1 Điều 3 Luật … số 20/2023/QH15"
    label: str = ""  # its place for people: "Phần đầu văn bản", "Điểm a khoản 1 Điều 3"
    display: str = ""  # a table row as a person reads it, once: "<cột>: <ô>; …" ("": the text)

    @classmethod
    def of(
        cls,
        clause: Clause,
        meta: DocumentMeta | None = None,
        opening: frozenset[str] = frozenset(),
        headers: dict[str, list[str]] | None = None,
    ) -> ClauseOut:
        update = {"label": place(clause, opening=clause.id in opening)}
        if meta is not None:
            update["reference"] = formal_reference(clause, meta)
        update["display"] = row_sentence(clause, header=(headers or {}).get(clause.id, [])) or ""
        return cls.model_validate(clause).model_copy(update=update)


class ClauseNode(BaseModel):
    """A clause in the document's tree, its children nested."""

    id: str
    locator: str
    kind: str
    title: str
    text: str
    pages: list[int]
    fields: dict[str, str]
    children: list[ClauseNode]
    reference: str = ""
    label: str = ""  # what the tree shows: the printed numbering, or "Phần đầu văn bản", "Nơi nhận" …
    display: str = ""  # as in ClauseOut


class DocumentMetaOut(BaseModel):
    doc_type: str
    number: str
    place: str
    date: str
    date_text: str
    issuer: str
    parent_issuer: str
    title: str
    subject: str
    recipients: list[str]
    distribution: list[str]
    signer_name: str
    signer_title: str
    is_draft: bool
    cited_documents: list[str]
    uncertain: list[str] = []  # header fields OCR read with low confidence ("number", "date")


class DocumentDetail(DocumentSummary):
    meta: DocumentMetaOut
    warnings: list[str]
    ocr_pages: list[int]
    clauses: list[ClauseNode]

    @classmethod
    def of(cls, doc: Document) -> Self:
        return cls(
            **cls.fields_of(doc),
            meta=DocumentMetaOut(**doc.meta.to_dict()),
            warnings=list(doc.warnings),
            ocr_pages=list(doc.ocr_pages),
            clauses=clause_tree(doc.clauses, doc.meta),
        )


def clause_tree(clauses: list[Clause], meta: DocumentMeta | None = None) -> list[ClauseNode]:
    """Nest clauses by parent_id, each level in document order (orphans become roots)."""
    by_id = {c.id: c for c in clauses}
    opening = opening_paragraphs(clauses)
    headers = headers_by_row(clauses)
    children: dict[str | None, list[Clause]] = {}
    for c in sorted(clauses, key=lambda c: c.order):
        parent = c.parent_id if c.parent_id in by_id else None
        children.setdefault(parent, []).append(c)

    def build(c: Clause) -> ClauseNode:
        return ClauseNode(
            id=c.id,
            locator=c.locator,
            kind=c.kind,
            title=c.title,
            text=c.text,
            pages=list(c.pages),
            fields=dict(c.fields),
            children=[build(child) for child in children.get(c.id, [])],
            reference=formal_reference(c, meta) if meta else "",
            label=tree_label(c, opening=c.id in opening),
            display=row_sentence(c, header=headers.get(c.id, [])) or "",
        )

    return [build(c) for c in children.get(None, [])]


class ClauseDetail(BaseModel):
    clause: ClauseOut
    breadcrumb: list[str]
    document: DocumentRef
    neighbours: list[ClauseOut]  # in document order, the clause itself included


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class OcrStep(BaseModel):
    page: int
    done: int
    total: int
    seconds: float


class UploadResult(BaseModel):
    source: str  # where the file now lives, relative to the index folder
    filename: str  # the sanitised name it was saved under
    access: str
    # True when the request gave no access level and the server's default was used.
    access_defaulted: bool = False
    replaced: str | None = None  # the source of the document this upload replaced (replace=true)
    documents: list[DocumentSummary]
    warnings: list[str]
    # A scanned PDF's pages in the order OCR finished them (page 0: pages found in the OCR cache).
    ocr_progress: list[OcrStep] = []


class DeleteResult(BaseModel):
    id: str
    removed: list[str]  # sources dropped from the index


class Health(BaseModel):
    status: Literal["ok", "no_index"]
    generation: str | None
    documents: int
    clauses: int


# --- units, tasks and lineage (api/routers/units.py, tasks.py, documents.py …/related) --------


class UnitOut(BaseModel):
    id: str  # "so-khoa-hoc-cong-nghe"
    name: str  # "Sở Khoa học và Công nghệ"
    variants: list[str]  # other spellings seen ("Sở KH&CN" is expanded, so it is not one)
    collective: bool  # names many bodies ("Các sở, ban, ngành có liên quan")
    lead: int  # tasks it leads (chủ trì / thực hiện)
    coordinating: int  # tasks it coordinates (phối hợp)
    documents: list[str]  # ids of the documents giving it tasks


class UnitList(BaseModel):
    units: list[UnitOut]


class TaskOut(BaseModel):
    clause_id: str
    doc_id: str
    document: str  # the document's label
    locator: str
    title: str
    unit_id: str
    unit: str  # the unit's name as printed in this task
    role: Literal["lead", "coordinating"]
    deadline: str  # as printed
    due_from: str | None  # ISO; None when open or unknown
    due_to: str | None
    recurring: str | None  # "thường xuyên", "hằng năm", …
    annual: list[str]  # "12-20": a day that recurs every year
    cite_id: str  # the clause to cite (a field line, or the task)


class TaskList(BaseModel):
    tasks: list[TaskOut]


class DocumentTasks(BaseModel):
    document: DocumentRef
    tasks: list[TaskOut]


class UnitTasks(BaseModel):
    unit: UnitOut
    documents: list[DocumentTasks]  # most tasks first; lead before coordinating inside each


class EdgeOut(BaseModel):
    relation: str  # based_on | implements | attached_to | replaces | amends
    relation_label: str  # "Căn cứ", "Thực hiện", …
    source: str  # the citing document's id
    source_label: str
    target: str | None  # the cited document's id when the caller may read it in the corpus
    target_label: str  # "Quyết định số 1169/QĐ-TTg ngày 16 tháng 6 năm 2025"
    target_number: str
    clause_id: str  # the clause stating the reference
    text: str


class RelatedDocuments(BaseModel):
    document: DocumentRef
    outgoing: list[EdgeOut]  # what it is based on, implements, replaces, amends, is attached to
    incoming: list[EdgeOut]  # the readable documents that cite it so ("Văn bản triển khai": implements)
