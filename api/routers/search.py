"""GET /api/search: ranked clauses for a query, within the caller's access levels."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.deps import AccessDep, AssistantDep, ClientDep, RateLimitDep, RunnerDep, SettingsDep
from api.errors import ApiError
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
from rag.answer.phrasing import row_sentence
from rag.errors import UnsupportedError
from rag.lookup import UNIT_DEPTH, duty_clauses, rank_for_unit
from rag.records import Hit

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
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid_request", "api.query_empty")
    if len(query) > settings.max_question_chars:
        raise ApiError(
            status.HTTP_413_CONTENT_TOO_LARGE,
            "too_large",
            "api.query_too_long",
            length=len(query),
            limit=settings.max_question_chars,
        )
    try:  # the body's checks for the same fields (list lengths, control characters): 422, not 500
        wanted = FiltersIn(
            doc_type=doc_type, sources=source, issuer=issuer, date_from=date_from, date_to=date_to
        )
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from None
    filters = wanted.to_filters(access)

    def ranked() -> list[SearchHit]:
        # Reading the query for a unit's name is CPU work on the caller's text: in the pool too.
        duties = _named_unit_duties(assistant, access, query)
        depth = k * UNIT_DEPTH if duties is not None else k
        hits = assistant.search(query, k=depth, mode=mode, filters=filters, unit=unit or None)
        if duties is not None:  # "Sở Tài chính": its duties before the lists that only name it
            hits = rank_for_unit(hits, duties, k)
        return [_hit(assistant, h) for h in hits]

    return SearchResponse(query=query, mode=mode, hits=await run(ranked, client=client))


def _named_unit_duties(assistant: Any, access: frozenset[str] | None, query: str) -> frozenset[str] | None:
    """The clauses giving a duty to the unit the query names, or None when it names none (or the
    store keeps no registry)."""
    try:
        registry = assistant.registry(access)
    except UnsupportedError:
        return None
    found = registry.find_unit(query)
    return duty_clauses(registry, found.id) if found is not None else None


def _hit(assistant: Any, hit: Hit) -> SearchHit:
    out = SearchHit.of(hit, assistant.document_label(hit.clause.doc_id), assistant.reference(hit.clause))
    if hit.clause.kind == "table":  # a row once, as "<cột>: <ô>; …" (its document tells the columns)
        doc = assistant.document(hit.clause.doc_id)
        out.display = row_sentence(hit.clause, doc.clauses) or ""
    return out
