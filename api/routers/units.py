"""GET /api/units and /api/units/{id}/tasks: units as entities, within the caller's access levels.

Plain ``def`` handlers: building a registry and reading a unit name are CPU work, kept off the
event loop (FastAPI runs them in its threads)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import AccessDep, AssistantDep
from api.schemas import DocumentRef, DocumentTasks, ErrorResponse, TaskOut, UnitList, UnitOut, UnitTasks
from rag.errors import NotFoundError
from rag.records import TaskRef
from rag.registry import Registry

router = APIRouter(prefix="/api", tags=["units"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 404, 422, 503)}


def task_out(registry: Registry, task: TaskRef) -> TaskOut:
    fields = task.to_dict()
    fields.pop("source", None)
    return TaskOut(**fields, document=registry.documents[task.doc_id].meta.label())


def resolve_unit(registry: Registry, unit: str) -> str:
    """A unit id, or a name in any spelling ("Sở KH&CN"); 404 when the caller's documents have none."""
    if unit in registry.units:
        return unit
    found = registry.find_unit(unit)
    if found is None:
        raise NotFoundError.of("unit.missing", unit=repr(unit))
    return found.id


@router.get("/units", responses=ERRORS)
def list_units(
    assistant: AssistantDep,
    access: AccessDep,
    collective: Annotated[bool, Query(description="include names of many bodies (“Các sở, ngành”)")] = True,
) -> UnitList:
    registry = assistant.registry(access)
    units = [u for u in registry.units.values() if collective or not u.collective]
    units.sort(key=lambda u: (-(u.lead + u.coordinating), u.name))
    return UnitList(units=[UnitOut(**u.to_dict()) for u in units])


@router.get("/units/{unit_id}/tasks", responses=ERRORS)
def unit_tasks(
    unit_id: str,
    assistant: AssistantDep,
    access: AccessDep,
    role: Literal["lead", "coordinating"] | None = None,
    document: Annotated[str | None, Query(max_length=200, description="a document id")] = None,
) -> UnitTasks:
    registry = assistant.registry(access)
    uid = resolve_unit(registry, unit_id)
    tasks = registry.unit_tasks(uid, roles={role} if role else None, docs={document} if document else None)
    by_doc: dict[str, list[TaskRef]] = {}
    for t in tasks:
        by_doc.setdefault(t.doc_id, []).append(t)
    order = registry.order
    return UnitTasks(
        unit=UnitOut(**registry.units[uid].to_dict()),
        documents=[
            DocumentTasks(
                document=DocumentRef.of(registry.documents[d]),
                tasks=[
                    task_out(registry, t)
                    for t in sorted(ts, key=lambda t: (t.role != "lead", order.get(t.clause_id, 0)))
                ],
            )
            for d, ts in sorted(by_doc.items(), key=lambda kv: -len(kv[1]))
        ],
    )
