"""A unit's tasks: "Sở X được giao những nhiệm vụ gì?" -> its tasks grouped by document, each with
its role (chủ trì / phối hợp), deadline and citation, from the snapshot's unit registry."""

from __future__ import annotations

from rag.answer.base import Composed, Context, Strategy
from rag.answer.documents import named_documents
from rag.records import Clause, TaskRef
from rag.registry import Registry, registry_for

ROLE_LABELS = {"lead": "Chủ trì", "coordinating": "Phối hợp"}
MAX_LINES = 12
MAX_CITED = 8


def scoped_docs(ctx: Context) -> set[str]:
    """The documents the caller may read, narrowed to those the question names (if it names any)."""
    named = named_documents(ctx.view, ctx.question, ctx.affinity)
    return named or set(ctx.affinity)


def task_line(task: TaskRef, units: str = "") -> str:
    when = f" (thời hạn: {task.deadline})" if task.deadline else ""
    who = f" — {units}" if units else ""
    return f"- {ROLE_LABELS.get(task.role, task.role) + ': ' if not units else ''}{task.locator} {task.title}{who}{when}"


def grouped(
    ctx: Context, registry: Registry, tasks: list[TaskRef], line: object = task_line
) -> tuple[list[str], list[Clause]]:
    """Lines grouped under each document's label (most tasks first) and the clauses to cite."""
    by_doc: dict[str, list[TaskRef]] = {}
    for t in tasks:
        by_doc.setdefault(t.doc_id, []).append(t)
    lines: list[str] = []
    cited: list[Clause] = []
    shown = 0
    for doc_id in sorted(by_doc, key=lambda d: (-len(by_doc[d]), registry.documents[d].meta.label())):
        doc = registry.documents[doc_id]
        lines.append(f"{doc.meta.label()}{' (' + doc.meta.date[:4] + ')' if doc.meta.date else ''}:")
        for t in by_doc[doc_id]:
            if shown >= MAX_LINES:
                break
            lines.append(line(t))  # type: ignore[operator]
            shown += 1
            clause = ctx.view.clauses.get(t.cite_id) or ctx.view.clauses.get(t.clause_id)
            if clause is not None and len(cited) < MAX_CITED and clause not in cited:
                cited.append(clause)
    if len(tasks) > shown:
        lines.append(f"… và {len(tasks) - shown} nhiệm vụ khác.")
    return lines, cited


def order_key(ctx: Context, t: TaskRef) -> tuple[int, int]:
    clause = ctx.view.clauses.get(t.clause_id)
    return (0 if t.role == "lead" else 1, clause.order if clause else 0)


class UnitTasks(Strategy):
    name = "unit_tasks"
    claims = frozenset({"tasks_of_unit"})

    def compose(self, ctx: Context) -> Composed | None:
        intent = ctx.question
        if intent.task_number is not None:
            return None
        registry = registry_for(ctx.view)
        unit = registry.find_unit(intent.query)
        if unit is None:
            return None
        roles = None
        lead, coordinating = "asks_lead" in intent.cues, "asks_coordinating" in intent.cues
        if lead and not coordinating:
            roles = {"lead"}
        elif coordinating and not lead:
            roles = {"coordinating"}
        tasks = registry.unit_tasks(unit.id, roles=roles, docs=scoped_docs(ctx))
        if not tasks:
            return None
        tasks.sort(key=lambda t: (t.doc_id, *order_key(ctx, t)))
        lead = sum(t.role == "lead" for t in tasks)
        docs = len({t.doc_id for t in tasks})
        head = (
            f"{unit.name} được giao {len(tasks)} nhiệm vụ trong {docs} văn bản "
            f"(chủ trì {lead}, phối hợp {len(tasks) - lead}):"
        )
        lines, cited = grouped(ctx, registry, tasks)
        return Composed(text="\n".join([head, *lines]), cited=cited, support=1.0)
