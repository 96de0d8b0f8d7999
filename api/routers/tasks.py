"""GET /api/tasks?unit=&due_from=&due_to=&document=: tasks by unit, deadline and document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AccessDep, AssistantDep
from api.routers.units import resolve_unit, task_out
from api.schemas import ErrorResponse, FilterText, IsoDate, TaskList

router = APIRouter(prefix="/api", tags=["units"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 404, 422, 503)}


@router.get("/tasks", responses=ERRORS)
def list_tasks(
    assistant: AssistantDep,
    access: AccessDep,
    unit: Annotated[FilterText | None, Query(description="a unit id or name (any spelling)")] = None,
    due_from: Annotated[IsoDate | None, Query(description="deadline on or after")] = None,
    due_to: Annotated[IsoDate | None, Query(description="deadline on or before")] = None,
    document: Annotated[FilterText | None, Query(description="a document id")] = None,
) -> TaskList:
    """Tasks whose deadline falls in [due_from, due_to] (a yearly deadline counts in every year);
    with neither bound, every task, recurring ones included."""
    registry = assistant.registry(access)
    uid = resolve_unit(registry, unit) if unit else None
    tasks = registry.tasks_due(due_from, due_to, uid=uid, docs={document} if document else None)
    order = registry.order
    tasks.sort(key=lambda t: (t.doc_id, order.get(t.clause_id, 0), t.role != "lead"))
    return TaskList(tasks=[task_out(registry, t) for t in tasks])
