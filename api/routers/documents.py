"""Documents and clauses: list, read, cite (GET), upload and delete (admin key)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, HTTPException, Request, UploadFile, status

from api.deps import AccessDep, AdminDep, AssistantDep, SettingsDep
from api.schemas import (
    ClauseDetail,
    ClauseOut,
    DeleteResult,
    DocumentDetail,
    DocumentList,
    DocumentRef,
    DocumentSummary,
    ErrorResponse,
    UploadResult,
)
from api.uploads import check_content, safe_filename, saved
from rag.errors import InputFileError
from rag.ingest import IngestReport

router = APIRouter(prefix="/api", tags=["documents"])

READ_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 404, 503)}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422, 503)
}
ACCESS_LEVEL = r"^[A-Za-z0-9_-]{1,40}$"


@router.get("/documents", responses=READ_ERRORS)
async def list_documents(assistant: AssistantDep, access: AccessDep) -> DocumentList:
    docs = assistant.documents(access=_levels(access))
    return DocumentList(documents=[DocumentSummary.of(d) for d in sorted(docs, key=lambda d: d.source)])


@router.get("/documents/{doc_id:path}", responses=READ_ERRORS)
async def get_document(doc_id: str, assistant: AssistantDep, access: AccessDep) -> DocumentDetail:
    return DocumentDetail.of(assistant.document(doc_id, access=_levels(access)))


@router.get("/clauses/{clause_id:path}", responses=READ_ERRORS)
async def get_clause(clause_id: str, assistant: AssistantDep, access: AccessDep) -> ClauseDetail:
    """A cited clause in context: its document, breadcrumb and neighbours (what a citation links to)."""
    clause, neighbours = assistant.clause(clause_id, access=_levels(access))
    doc = assistant.document(clause.doc_id, access=_levels(access))
    return ClauseDetail(
        clause=ClauseOut.of(clause),
        breadcrumb=list(clause.breadcrumb),
        document=DocumentRef.of(doc),
        # Neighbours the caller may not read stay hidden even inside a readable document.
        neighbours=[ClauseOut.of(c) for c in neighbours if access is None or c.access in access],
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
    access: Annotated[str, Form(pattern=ACCESS_LEVEL, description="access level of the document")] = "public",
) -> UploadResult:
    """Add a PDF/TXT/MD/DOCX file to the live index; queries keep being answered while it is ingested."""
    filename = safe_filename(file.filename or "")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"{filename} is larger than the upload limit ({settings.max_upload_bytes:,} bytes)",
        )
    check_content(filename, data)
    folder = settings.uploads_dir
    source = f"{folder.relative_to(settings.index).as_posix()}/{filename}"

    def ingest() -> IngestReport:
        with saved(folder, filename, data) as path:
            report = assistant.ingest([path], access=access, root=settings.index)
            if report.failed:  # raising inside `saved` puts the folder back as it was
                raise InputFileError("; ".join(report.errors) or f"{filename} could not be ingested")
            return report

    with _writing(request):
        # No timeout: a large scanned PDF may need minutes of OCR; the lock keeps writers serial.
        report = await anyio.to_thread.run_sync(ingest)
    docs = [d for d in assistant.documents() if d.source == source]
    return UploadResult(
        source=source,
        filename=filename,
        access=access,
        documents=[DocumentSummary.of(d) for d in docs],
        warnings=report.warnings,
    )


@router.delete("/documents/{doc_id:path}", dependencies=[AdminDep], responses=WRITE_ERRORS)
async def delete_document(
    request: Request, doc_id: str, assistant: AssistantDep, settings: SettingsDep
) -> DeleteResult:
    doc = assistant.document(doc_id)
    with _writing(request):
        removed = await anyio.to_thread.run_sync(lambda: assistant.remove([doc.source]))
    uploaded = settings.index / doc.source
    if uploaded.parent == settings.uploads_dir and uploaded.is_file():
        uploaded.unlink()  # an uploaded file has no other home: keep the folder in step with the index
    return DeleteResult(id=doc_id, removed=list(removed))


def _levels(access: frozenset[str] | None) -> set[str] | None:
    return set(access) if access is not None else None


@contextmanager
def _writing(request: Request) -> Iterator[None]:
    lock: threading.Lock = request.app.state.write_lock
    if not lock.acquire(blocking=False):
        raise HTTPException(
            status.HTTP_409_CONFLICT, "another upload or deletion is in progress; try again when it finishes"
        )
    try:
        yield
    finally:
        lock.release()
