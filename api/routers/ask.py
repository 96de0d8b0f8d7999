"""POST /api/ask and its streaming twin /api/ask/stream (server-sent events)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Hashable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.cache import LRUCache
from api.deps import AccessDep, AnswerCacheDep, AssistantDep, ClientDep, RateLimitDep, RunnerDep, SettingsDep
from api.errors import ApiError, error_body
from api.schemas import AskRequest, AskResponse, CitationOut, CitationsEvent, ErrorResponse, FiltersIn
from rag.errors import PolicyQAError
from rag.messages import text
from rag.pipeline import Assistant
from rag.reading import read
from rag.records import Answer, Citation
from rag.text import collapse_ws, nfc

log = logging.getLogger("policyqa.api")
router = APIRouter(prefix="/api", tags=["ask"], dependencies=[RateLimitDep])

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 413, 422, 429, 503)
}
# The stream's errors before the first event are JSON, not events: FastAPI would document a
# "model" under the route's text/event-stream, so the JSON content is spelled out.
STREAM_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for code in ERRORS
}


def _checked(body: AskRequest, settings: SettingsDep) -> AskRequest:
    if len(body.question) > settings.max_question_chars:
        raise ApiError(
            status.HTTP_413_CONTENT_TOO_LARGE,
            "too_large",
            "api.question_too_long",
            length=len(body.question),
            limit=settings.max_question_chars,
        )
    return body


CheckedAsk = Annotated[AskRequest, Depends(_checked)]


def cache_key(generation: str, body: AskRequest, access: frozenset[str] | None) -> Hashable:
    """Everything an answer depends on: the index generation, the question, its options, the caller's levels,
    and what the history makes of the question (not the history itself: most questions stand alone)."""
    filters = (body.filters or FiltersIn()).model_dump_json()
    levels = tuple(sorted(access)) if access is not None else None
    follow = read(body.question, body.turns()).follow_up if body.history else None
    meaning = (follow.restated, follow.doc_id, follow.clarify, follow.needs_document) if follow else None
    return (generation, collapse_ws(nfc(body.question)), body.top_k, body.mode, filters, levels, meaning)


def cacheable(response: AskResponse) -> bool:
    """A degraded answer (the chat model failed) is not kept: the next ask may get the model's."""
    return "llm_error" not in response.timings


def _citations(items: list[Citation], assistant: Assistant) -> list[CitationOut]:
    return [
        CitationOut.of(c).model_copy(update={"document": c.document or assistant.document_label(c.doc_id)})
        for c in items
    ]


def to_response(answer: Answer, assistant: Assistant) -> AskResponse:
    return AskResponse(
        question=answer.question,
        answer=answer.answer,
        abstained=answer.abstained,
        citations=_citations(answer.citations, assistant),
        related=_citations(answer.related, assistant),
        timings=answer.timings,
        mode=answer.mode,
        generator=answer.generator,
        lexical_only=answer.lexical_only,
        clarify=answer.clarify,
        resolved_question=answer.resolved_question,
        dense_pending=answer.dense_pending,
        strategy=answer.strategy,
        code=answer.code,
    )


@router.post("/ask", responses=ERRORS)
async def ask(
    body: CheckedAsk,
    assistant: AssistantDep,
    access: AccessDep,
    run: RunnerDep,
    cache: AnswerCacheDep,
    client: ClientDep,
) -> AskResponse:
    """Answer a question from the documents the caller may read, with clause citations (or abstain)."""
    filters = (body.filters or FiltersIn()).to_filters(access)

    def answer() -> AskResponse:
        # Reading the question (the cache key resolves a follow-up) is CPU work on the caller's
        # text: in the pool with the rest, never on the event loop.
        key = cache_key(assistant.store.generation, body, access)
        if (hit := cache.get(key)) is not None:
            return hit.model_copy(update={"cached": True})
        response = to_response(
            assistant.ask(
                body.question, top_k=body.top_k, mode=body.mode, filters=filters, history=body.turns()
            ),
            assistant,
        )
        if cacheable(response):
            cache.put(key, response)
        return response

    return await run(answer, client=client)


def _responses(
    events: Iterator[tuple[str, Any]], assistant: Assistant, cache: LRUCache[AskResponse], key: Hashable
) -> Iterator[tuple[str, Any]]:
    """The pipeline's ("answer", Answer) event as ("response", AskResponse), cached on the way out."""
    for kind, value in events:
        if kind == "answer":
            value = to_response(value, assistant)
            if cacheable(value):
                cache.put(key, value)
            kind = "response"
        yield kind, value


async def _primed_events(
    body: CheckedAsk,
    assistant: AssistantDep,
    access: AccessDep,
    run: RunnerDep,
    cache: AnswerCacheDep,
    client: ClientDep,
) -> Iterator[tuple[str, Any]]:
    """Start the answer before the response begins, so failures still get a proper status code."""
    filters = (body.filters or FiltersIn()).to_filters(access)

    def first_events() -> Iterator[tuple[str, Any]]:
        key = cache_key(assistant.store.generation, body, access)  # reads the question: in the pool
        if (hit := cache.get(key)) is not None:
            return iter([("delta", hit.answer), ("response", hit.model_copy(update={"cached": True}))])
        events = _responses(
            assistant.ask_stream(
                body.question, top_k=body.top_k, mode=body.mode, filters=filters, history=body.turns()
            ),
            assistant,
            cache,
            key,
        )
        first = next(events, None)
        return itertools.chain([first] if first is not None else [], events)

    return await run(first_events, client=client)


@router.post("/ask/stream", response_class=EventSourceResponse, responses=STREAM_ERRORS)
def ask_stream(
    events: Annotated[Iterator[tuple[str, Any]], Depends(_primed_events)],
) -> Iterator[ServerSentEvent]:
    """The answer as server-sent events: ``delta`` text pieces, then ``citations``, then ``done``."""
    try:
        for kind, value in events:
            if kind == "delta":
                yield ServerSentEvent(event="delta", data=value)
            elif kind == "response":
                # Everything of the response but the question (the text came as deltas too).
                yield ServerSentEvent(
                    event="citations", data=CitationsEvent.model_validate(value, from_attributes=True)
                )
    except PolicyQAError as exc:
        yield ServerSentEvent(event="error", data=error_body(exc))
    except Exception:
        # The status line is already sent: report in-band, keep the trace in the log.
        log.exception("error while streaming an answer")
        yield ServerSentEvent(event="error", data={"detail": text("api.internal"), "code": "internal"})
    yield ServerSentEvent(event="done", data={})
