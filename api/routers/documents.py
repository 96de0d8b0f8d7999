"""Documents and clauses: list, read, cite (GET), upload and delete (admin key)."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Query, Request, Response, UploadFile, status
from fastapi import Path as PathParam

from api.deps import AccessDep, AdminDep, AssistantDep, DenseDep, SettingsDep
from api.errors import ApiError
from api.schemas import (
    ClauseDetail,
    ClauseOut,
    DeleteResult,
    DocumentDetail,
    DocumentList,
    DocumentRef,
    DocumentSummary,
    EdgeOut,
    ErrorResponse,
    OcrStep,
    RelatedDocuments,
    UploadResult,
)
from api.settings import ACCESS_PUBLIC
from api.uploads import UploadGate, check_content, collision, safe_filename, same_name, store_upload
from rag.answer.phrasing import headers_by_row
from rag.errors import PolicyQAError
from rag.labels import opening_paragraphs
from rag.messages import text

router = APIRouter(prefix="/api", tags=["documents"])

READ_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 404, 503)}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422, 429, 503, 507)
}
ACCESS_LEVEL = r"^[A-Za-z0-9_-]{1,40}$"


@router.get("/documents", responses=READ_ERRORS)
async def list_documents(assistant: AssistantDep, access: AccessDep) -> DocumentList:
    docs = assistant.documents(access=_levels(access))
    return DocumentList(documents=[DocumentSummary.of(d) for d in sorted(docs, key=lambda d: d.source)])


# Before the {doc_id:path} route below, which would take "…/pages/3" as part of the id.
@router.get(
    "/documents/{doc_id:path}/pages/{number}",
    responses={
        **READ_ERRORS,
        422: {"model": ErrorResponse},
        200: {"content": {"image/png": {}}, "description": "the page as PNG"},
    },
    response_class=Response,
)
async def document_page(
    doc_id: str,
    number: Annotated[int, PathParam(ge=1, description="1-based page number")],
    assistant: AssistantDep,
    access: AccessDep,
    settings: SettingsDep,
    clause: Annotated[str | None, Query(description="id of a clause of this document to highlight")] = None,
    dpi: Annotated[int, Query(ge=36, le=200, description="resolution of the image")] = 110,
) -> Response:
    """A page of the original PDF as PNG, with the cited clause's words highlighted
    ("Xem trang gốc"). The same access rules as the document's other endpoints apply."""
    from rag.errors import InputFileError
    from rag.page_view import original_candidates, original_page_view

    levels = _levels(access)
    doc = assistant.document(doc_id, access=levels)
    if not doc.source.lower().endswith(".pdf"):
        raise ApiError(status.HTTP_404_NOT_FOUND, "not_found", "page.not_pdf")
    if number > doc.page_count:
        raise ApiError(status.HTTP_404_NOT_FOUND, "not_found", "page.out_of_range", count=doc.page_count)
    text = ""  # the cited clause's text, to highlight
    if clause:
        cited, _ = assistant.clause(clause, access=levels)
        if cited.doc_id != doc.id:
            raise ApiError(status.HTTP_404_NOT_FOUND, "not_found", "page.clause_elsewhere")
        text = cited.text
    candidates = original_candidates(settings.files_root, doc.source, doc.origin)
    try:
        shown = await anyio.to_thread.run_sync(
            lambda: original_page_view(
                candidates, doc.content_hash, number, text, ocr=number in doc.ocr_pages, dpi=dpi
            )
        )
    except InputFileError as exc:
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "unreadable_file", "page.cannot_show", why=exc
        ) from None
    if shown is None:
        raise ApiError(status.HTTP_404_NOT_FOUND, "not_found", "page.no_original")
    png, lit = shown
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=300", "X-Highlighted-Words": str(lit)},
    )


# Before the {doc_id:path} route below, which would take "…/related" as part of the id.
@router.get("/documents/{doc_id:path}/related", responses=READ_ERRORS)
def related_documents(doc_id: str, assistant: AssistantDep, access: AccessDep) -> RelatedDocuments:
    """The document's typed references (căn cứ, thực hiện, kèm theo, thay thế, sửa đổi) and the
    readable documents that cite it; cited documents outside the corpus are shown by number."""
    from rag.lineage import RELATION_LABELS

    doc = assistant.document(doc_id, access=_levels(access))
    registry = assistant.registry(access)

    def out(e: Any) -> EdgeOut:
        return EdgeOut(
            **{k: v for k, v in e.to_dict().items() if k not in ("target", "target_type")},
            target=e.target or None,
            relation_label=RELATION_LABELS.get(e.relation, e.relation),
            source_label=registry.documents[e.source].meta.label(),
        )

    return RelatedDocuments(
        document=DocumentRef.of(doc),
        outgoing=[out(e) for e in registry.outgoing(doc.id)],
        incoming=[out(e) for e in registry.incoming(doc.id)],
    )


@router.get("/documents/{doc_id:path}", responses=READ_ERRORS)
async def get_document(doc_id: str, assistant: AssistantDep, access: AccessDep) -> DocumentDetail:
    return DocumentDetail.of(assistant.document(doc_id, access=_levels(access)))


@router.get("/clauses/{clause_id:path}", responses=READ_ERRORS)
async def get_clause(clause_id: str, assistant: AssistantDep, access: AccessDep) -> ClauseDetail:
    """A cited clause in context: its document, breadcrumb and neighbours (what a citation links to)."""
    clause, neighbours = assistant.clause(clause_id, access=_levels(access))
    doc = assistant.document(clause.doc_id, access=_levels(access))
    opening = opening_paragraphs(doc.clauses)
    headers = headers_by_row(doc.clauses)
    return ClauseDetail(
        clause=ClauseOut.of(clause, doc.meta, opening, headers),
        breadcrumb=list(clause.breadcrumb),
        document=DocumentRef.of(doc),
        # Neighbours the caller may not read stay hidden even inside a readable document.
        neighbours=[
            ClauseOut.of(c, doc.meta, opening, headers)
            for c in neighbours
            if access is None or c.access in access
        ],
    )


@router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    dependencies=[AdminDep],
    responses=WRITE_ERRORS,
)
async def upload_document(
    request: Request,
    file: UploadFile,
    assistant: AssistantDep,
    settings: SettingsDep,
    dense: DenseDep,
    access: Annotated[
        str | None,
        Form(
            pattern=ACCESS_LEVEL,
            description="access level of the document; required when read keys are configured, "
            "else public; a replaced document keeps its level unless this is given",
        ),
    ] = None,
    replace: Annotated[
        bool, Form(description="replace the document already stored under this name (else 409)")
    ] = False,
) -> UploadResult:
    """Add a PDF/TXT/MD/DOCX file to the live index; queries keep being answered while it is ingested."""
    filename = safe_filename(file.filename or "")
    uploads = settings.uploads_folder
    prefix = uploads.prefix
    existing = same_name(assistant.documents(), prefix, filename)
    if existing is not None and not replace:
        raise collision(existing)  # early and cheap; checked again under the write lock
    if existing is not None:
        # A look-alike spelling replaces the document under its own name (links and citations
        # keep it); only a name stored before today's rules takes the canonical spelling.
        stored = existing.source.rpartition("/")[2]
        with contextlib.suppress(PolicyQAError):
            if safe_filename(stored) == stored:
                filename = stored
    defaulted = access is None and existing is None
    if defaulted and settings.read_keys:
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid_request", "upload.access_required")
    level = access or (existing.access if existing is not None else ACCESS_PUBLIC)
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ApiError(
            status.HTTP_413_CONTENT_TOO_LARGE,
            "too_large",
            "upload.too_large",
            filename=filename,
            limit=settings.max_upload_bytes,
        )
    check_content(filename, data)
    gate: UploadGate = request.app.state.upload_gate

    def store() -> tuple[Any, Any]:
        # No timeout: a large scanned PDF may need minutes of OCR. The gate bounds how many parse
        # and embed at once (the rest wait their turn, or get 503 at once when the line is full);
        # the write lock is held only to stage and swap the generation.
        with gate.slot():
            return store_upload(
                assistant,
                uploads,
                filename,
                data,
                access=level,
                keep_access=access is None,
                replace=replace,
                dense_later=settings.uploads_lexical_first,
            )

    report, replaced = await anyio.to_thread.run_sync(store)
    if report.dense_pending:
        dense.kick()  # searchable by its words now; its vectors follow in the background
    source = f"{prefix}/{filename}"
    docs = [d for d in assistant.documents() if d.source == source]
    warnings = list(report.warnings)
    if defaulted:
        warnings.insert(0, text("upload.defaulted_public", filename=filename, level=ACCESS_PUBLIC))
    return UploadResult(
        source=source,
        filename=filename,
        access=docs[0].access if docs else level,
        access_defaulted=defaulted,
        replaced=replaced.source if replaced is not None else None,
        documents=[DocumentSummary.of(d) for d in docs],
        warnings=warnings,
        ocr_progress=[
            OcrStep(**{k: step[k] for k in ("page", "done", "total", "seconds")})
            for step in report.ocr_progress
        ],
    )


@router.delete("/documents/{doc_id:path}", dependencies=[AdminDep], responses=WRITE_ERRORS)
async def delete_document(doc_id: str, assistant: AssistantDep, settings: SettingsDep) -> DeleteResult:
    doc = assistant.document(doc_id)
    removed = await anyio.to_thread.run_sync(lambda: assistant.remove([doc.source]))
    uploaded = settings.files_root / doc.source
    if uploaded.parent == settings.uploads_dir:
        # An uploaded file has no other home; a crash before this line leaves an orphan that
        # api.upload_folder.reconcile removes at the next start (which may also have come first).
        uploaded.unlink(missing_ok=True)
    return DeleteResult(id=doc_id, removed=list(removed))


def _levels(access: frozenset[str] | None) -> set[str] | None:
    return set(access) if access is not None else None
