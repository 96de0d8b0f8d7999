"""GET /api/search: ranked clauses for a query, within the caller's access levels."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.deps import AccessDep, AssistantDep, ClientDep, RateLimitDep, RunnerDep, SettingsDep
from api.schemas import (
    MAX_FILTER_VALUES,
    ErrorResponse,
    FiltersIn,
    FilterText,
    IsoDate,
    Mode,
    SearchHit,
    SearchResponse,
)

router = APIRouter(prefix="/api", tags=["search"], dependencies=[RateLimitDep])  # the ask budget

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 413, 422, 429, 503)
}


@router.get("/search", responses=ERRORS)
async def search(
    assistant: AssistantDep,
    access: AccessDep,
    settings: SettingsDep,
    run: RunnerDep,
    client: ClientDep,
    q: Annotated[str, Query(min_length=1, description="the query text")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    mode: Mode = "hybrid",
    doc_type: Annotated[FilterText | None, Query()] = None,
    source: Annotated[list[str] | None, Query(description=f"at most {MAX_FILTER_VALUES}")] = None,
    issuer: Annotated[FilterText | None, Query()] = None,
    date_from: Annotated[IsoDate | None, Query()] = None,
    date_to: Annotated[IsoDate | None, Query()] = None,
    unit: Annotated[
        FilterText | None, Query(description="only clauses of tasks this unit leads or coordinates")
    ] = None,
) -> SearchResponse:
    query = q.strip()
    if not query:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "q: the query is empty")
    if len(query) > settings.max_question_chars:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the query is too long ({len(query)} characters; at most {settings.max_question_chars})",
        )
    try:  # the body's checks for the same fields (list lengths, control characters): 422, not 500
        wanted = FiltersIn(
            doc_type=doc_type, sources=source, issuer=issuer, date_from=date_from, date_to=date_to
        )
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from None
    filters = wanted.to_filters(access)
    hits = await run(
        lambda: assistant.search(query, k=k, mode=mode, filters=filters, unit=unit or None), client=client
    )
    return SearchResponse(
        query=query,
        mode=mode,
        hits=[
            SearchHit.of(h, assistant.document_label(h.clause.doc_id), assistant.reference(h.clause))
            for h in hits
        ],
    )
