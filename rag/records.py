"""The typed records that flow between pipeline stages.

Document (parsed file, with metadata and its clause tree)
  -> Clause (one addressable node of the tree; also the unit that gets indexed)
  -> Hit (a clause found by retrieval, with scores)
  -> Answer (answer text, citations, related clauses, timings)

Every record round-trips through plain dicts (``to_dict``/``from_dict``) so the
index files stay inspectable JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


# Clause kinds. Headings carry a title; items are numbered/lettered/dashed body text;
# fields are "Đơn vị thực hiện: …"-style lines; the rest are document furniture.
CLAUSE_KINDS = (
    "header",  # the document's heading block (issuer, number, date, title, V/v)
    "heading",  # I./II., Chương, Mục, Phần, Điều; numbered items that have children
    "item",  # 1., 1.1., a), -, + leaf items and paragraphs under a heading
    "field",  # structured field inside a task: lead unit, coordinating units, deadline …
    "paragraph",  # free text not introduced by a marker
    "table",  # table rows kept together
    "footnote",
    "recipients",  # Kính gửi / Nơi nhận
    "signature",  # KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / name
    "appendix",  # Phụ lục heading
)


@dataclass
class Clause:
    """One addressable node of a document's clause tree.

    ``id`` is stable across re-ingests of the same content: ``{doc_id}:{locator}``
    (with a numeric suffix when a locator repeats).
    """

    id: str
    doc_id: str
    source: str  # path relative to the ingested folder, e.g. "ke-hoach/58-KH-UBND.pdf"
    locator: str  # human address: "II.2", "III.1.b", "Điều 32 khoản 2 điểm a", "Phụ lục 1", "header"
    kind: str  # one of CLAUSE_KINDS
    text: str  # exact clause text as stored (normalised, lines re-joined)
    title: str = ""  # heading title for headings; field name for fields
    breadcrumb: list[str] = field(default_factory=list)  # headings from the root, excluding this clause
    pages: list[int] = field(default_factory=list)  # 1-based pages the clause spans (empty for .txt)
    parent_id: str | None = None
    children: list[str] = field(default_factory=list)
    order: int = 0  # position in the document, for neighbours and stable sorting
    fields: dict[str, str] = field(default_factory=dict)  # lead_unit, coordinating_units, deadline, year, …
    footnotes: list[str] = field(default_factory=list)
    access: str = "public"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clause:
        return _from_dict(cls, data)

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None


@dataclass
class DocumentMeta:
    doc_type: str = ""  # "Kế hoạch", "Báo cáo", "Công văn", "Quyết định", "Nghị quyết", "Luật", …
    number: str = ""  # số/ký hiệu, e.g. "819/SKHCN-BCVT&CĐS" (may be "/KH-UBND" in drafts)
    place: str = ""  # "Quảng Ngãi"
    date: str = ""  # ISO date when complete ("2026-03-04"); else the date text as written
    date_text: str = ""  # "ngày      tháng 8 năm 2025" as written
    issuer: str = ""  # issuing body, e.g. "Sở Khoa học và Công nghệ"
    parent_issuer: str = ""  # the body above it in the header, e.g. "UBND tỉnh Quảng Ngãi"
    title: str = ""  # the document's title line(s) under its type
    subject: str = ""  # "V/v …" or the title
    recipients: list[str] = field(default_factory=list)  # Kính gửi
    distribution: list[str] = field(default_factory=list)  # Nơi nhận
    signer_name: str = ""
    signer_title: str = ""  # "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
    is_draft: bool = False
    cited_documents: list[str] = field(default_factory=list)  # "Kế hoạch số 58/KH-UBND ngày 10/10/2025"
    # "… này có hiệu lực (thi hành) kể từ ngày …": ISO when complete, else as written ("ngày ký")
    effective_date: str = ""
    effective_text: str = ""  # the words as printed: "có hiệu lực thi hành kể từ ngày 01 tháng 01 năm 2026"
    effective_clause: str = ""  # id of the clause that says so (to cite)
    # Header fields whose digits OCR read with low confidence ("number", "date"): shown as uncertain.
    uncertain: list[str] = field(default_factory=list)
    # Where a header value came from when it is not only the page: {"number": "tên tệp"} (rag/parser/provenance.py).
    provenance: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentMeta:
        return _from_dict(cls, data)

    def label(self) -> str:
        """How a person names the document: "Kế hoạch số 58/KH-UBND" or "Kế hoạch (Sở …)"."""
        kind = self.doc_type or "Văn bản"
        number = self.number.strip()
        if number and not number.startswith("/"):
            return f"{kind} số {number}"
        if self.issuer:
            return f"{kind} của {self.issuer}"
        return kind


@dataclass
class Document:
    id: str  # stable id derived from the source path
    source: str  # path relative to the ingested folder
    content_hash: str  # sha256 of the raw file bytes
    meta: DocumentMeta
    clauses: list[Clause] = field(default_factory=list)
    page_count: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    access: str = "public"
    ingested_at: str = ""
    # Set by stores that load a document's metadata without its clauses (Milvus): how many it has.
    stored_clauses: int = 0
    # The absolute path a CLI ingest read the file from ("" for uploads, kept by the server): the
    # page viewer shows its pages only while that file still has ``content_hash`` (docs/security.md).
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return data

    @property
    def clause_count(self) -> int:
        return len(self.clauses) or self.stored_clauses

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        data["meta"] = DocumentMeta.from_dict(data.get("meta", {}))
        data["clauses"] = [Clause.from_dict(c) for c in data.get("clauses", [])]
        return _from_dict(cls, data)


@dataclass
class Page:
    """One page of extracted text, before parsing (loaders -> parser)."""

    number: int  # 1-based; 0 for formats without pages
    text: str
    ocr: bool = False
    # Words with digits OCR read with low confidence ("753" that may be "758"): shown as uncertain.
    uncertain: list[str] = field(default_factory=list)
    # A second recogniser's reading of the header's handwritten digits: {"number": "753", "day": "23"}.
    readings: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadedFile:
    """What a loader returns: raw pages plus facts about the file."""

    source: str
    content_hash: str
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Hit:
    clause: Clause
    score: float
    rank: int = 0
    scores: dict[str, float] = field(default_factory=dict)  # per-retriever scores: {"dense": .., "bm25": ..}

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause_id": self.clause.id,
            "source": self.clause.source,
            "locator": self.clause.locator,
            "breadcrumb": self.clause.breadcrumb,
            "page": self.clause.page,
            "text": self.clause.text,
            "score": round(float(self.score), 6),
            "rank": self.rank,
            "scores": {k: round(float(v), 6) for k, v in self.scores.items()},
        }


@dataclass
class Citation:
    clause_id: str
    doc_id: str
    source: str
    locator: str
    breadcrumb: list[str]
    page: int | None
    text: str  # the cited clause as stored
    score: float
    document: str = ""  # human label of the document, e.g. "Kế hoạch số 58/KH-UBND"
    # every page the clause is printed on (a PDF's; empty for formats without pages): the page
    # view /api/documents/{doc_id}/pages/{n}?clause={clause_id} shows it highlighted
    pages: list[int] = field(default_factory=list)
    # formal reference: "mục 2 phần II Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi"
    reference: str = ""
    # what a citation chip leads with: "mục 2 phần II Kế hoạch số 58/KH-UBND", "Chữ ký · Kế hoạch số …"
    short_reference: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(
        cls,
        clause: Clause,
        score: float,
        document_label: str = "",
        reference: str = "",
        short_reference: str = "",
    ) -> Citation:
        return cls(
            clause_id=clause.id,
            doc_id=clause.doc_id,
            source=clause.source,
            locator=clause.locator,
            breadcrumb=list(clause.breadcrumb),
            page=clause.page,
            pages=list(clause.pages),
            text=clause.text,
            score=round(float(score), 6),
            document=document_label,
            reference=reference,
            short_reference=short_reference,
        )


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)  # closest clauses, shown on abstention
    timings: dict[str, float] = field(default_factory=dict)  # ms per stage: retrieve, answer, total
    mode: str = "hybrid"
    generator: str = "extractive"  # or the chat model's name
    lexical_only: bool = False  # hybrid answered from the BM25 clauses alone (dense search not needed)
    clarify: bool = False  # a follow-up without the scope it needs: the answer asks which document is meant
    resolved_question: str = ""  # a follow-up as it was understood ("Còn nhiệm vụ 3 …" -> the full question)
    # Sources of cited or related documents only searched lexically so far (their dense vectors follow).
    dense_pending: list[str] = field(default_factory=list)
    # Which strategy composed the answer ("task_field", "passage", …; an abstention: the one whose
    # answer fell short, or "none"; "clarify" when the answer asks which document is meant).
    strategy: str = ""
    # Why an answer is what it is, when a client may act on it: "document_not_found" (the question
    # names a document none of the readable ones is; the answer names the closest).
    code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "timings": self.timings,
            "mode": self.mode,
            "generator": self.generator,
            "lexical_only": self.lexical_only,
            "clarify": self.clarify,
            "resolved_question": self.resolved_question,
            "dense_pending": self.dense_pending,
            "strategy": self.strategy,
            "code": self.code,
        }


@dataclass
class Filters:
    """Metadata filters applied by retrieval (all optional; empty means no restriction)."""

    doc_type: str | None = None  # compared folded: "ke hoach" matches "Kế hoạch"
    sources: list[str] | None = None
    issuer: str | None = None  # substring, folded
    date_from: str | None = None  # ISO YYYY-MM-DD, inclusive
    date_to: str | None = None
    access: set[str] | None = None  # access levels the caller may see; None = all

    def is_empty(self) -> bool:
        return not any([self.doc_type, self.sources, self.issuer, self.date_from, self.date_to, self.access])


# --- units, tasks and lineage (built per index snapshot by rag/registry.py) -------------------


@dataclass
class TaskRef:
    """A task a document gives a unit: its clause, the unit's role and the deadline as dates."""

    clause_id: str  # the task clause (a heading with fields, a table row, a duty under a unit's heading)
    doc_id: str
    locator: str
    title: str  # the task's heading or first words
    unit_id: str
    unit: str  # the unit's name as printed in this task
    role: str  # "lead" (chủ trì / thực hiện) or "coordinating" (phối hợp)
    deadline: str = ""  # as printed: "Quý IV/2025", "Thường xuyên"
    due_from: str | None = None  # ISO, from rag.deadlines
    due_to: str | None = None
    recurring: str | None = None  # "thường xuyên", "hằng năm", …
    annual: list[str] = field(default_factory=list)  # "12-20": a day that recurs every year
    cite_id: str = ""  # the clause that states the unit (a field line) or the task itself
    source: str = "fields"  # "fields" (field lines, table columns) or "section" (a unit's heading)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Unit:
    """One body across documents: "Sở KH&CN" and "Sở Khoa học và Công nghệ" are one unit."""

    id: str  # "so-khoa-hoc-cong-nghe"
    name: str  # the most used spelling: "Sở Khoa học và Công nghệ"
    variants: list[str] = field(default_factory=list)  # other spellings seen
    collective: bool = False  # names many bodies: "Các sở, ban, ngành có liên quan"
    lead: int = 0  # tasks it leads
    coordinating: int = 0  # tasks it coordinates
    documents: list[str] = field(default_factory=list)  # ids of documents giving it tasks

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Edge:
    """A typed reference from one document to another (which may not be in the corpus)."""

    source: str  # the citing document's id
    relation: (
        str  # based_on | implements | attached_to | replaces | amends (rag.vocabulary.REFERENCE_RELATIONS)
    )
    target: str  # the cited document's id when it is in the corpus, else ""
    target_label: str  # "Quyết định số 1169/QĐ-TTg ngày 16 tháng 6 năm 2025"
    target_number: str  # "1169/QĐ-TTg"
    target_type: str  # "Quyết định"
    clause_id: str  # the clause that states it
    text: str = ""  # the sentence that states it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
