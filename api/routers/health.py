"""GET /healthz: liveness plus what the live index holds (answers even without an index)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request

from api.deps import AssistantProvider
from api.schemas import Health
from index.stores import is_remote
from rag.errors import PolicyQAError

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> Health:
    """On the event loop when the index is open (no thread to wait for while the pipeline is busy);
    opening it, the first time, in a thread."""
    provider: AssistantProvider = request.app.state.assistants
    try:
        assistant = provider.opened()
        if assistant is None:
            assistant = await anyio.to_thread.run_sync(provider.get)
        elif provider.due() and (is_remote(provider.index_dir) or provider.moved()):
            # Another process moved the index (on a directory, reading CURRENT here is cheap): the
            # swap itself in a thread, as any request would.
            assistant = await anyio.to_thread.run_sync(provider.get)
    except PolicyQAError:
        return Health(status="no_index", generation=None, documents=0, clauses=0)
    docs = assistant.documents()
    return Health(
        status="ok",
        generation=assistant.store.generation,
        documents=len(docs),
        clauses=sum(d.clause_count for d in docs),
    )
