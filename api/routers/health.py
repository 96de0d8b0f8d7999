"""GET /healthz: liveness plus what the live index holds (answers even without an index)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import AssistantProvider
from api.schemas import Health
from rag.errors import PolicyQAError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> Health:
    provider: AssistantProvider = request.app.state.assistants
    try:
        assistant = provider.get()
    except PolicyQAError:
        return Health(status="no_index", generation=None, documents=0, clauses=0)
    docs = assistant.documents()
    return Health(
        status="ok",
        generation=assistant.store.generation,
        documents=len(docs),
        clauses=sum(d.clause_count for d in docs),
    )
