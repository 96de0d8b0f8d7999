"""A unit's tasks: "Sở X được giao những nhiệm vụ gì?" -> its tasks grouped by document, each with
its role (chủ trì / phối hợp), deadline and citation, from the snapshot's unit registry."""

from __future__ import annotations

from dataclasses import replace

from rag.answer.base import Composed, Context, Strategy
from rag.answer.documents import named_documents
from rag.answer.text import short
from rag.records import Clause, TaskRef
from rag.registry import Registry

ROLE_LABELS = {"lead": "Chủ trì", "coordinating": "Phối hợp"}
MAX_LINES = 12
MAX_CITED = 8
# Characters of task words the listing holds (the answer's own limit is rag.pipeline's): a few
# tasks are shown with more of their words, many with fewer, never under TITLE_FLOOR each.
LIST_CHARS = 1500
TITLE_FLOOR = 110


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
    # Each document an equal share of the room, split among its tasks: a document's one task is
    # not cut to the width of another's twelve.
    share = LIST_CHARS // max(1, len(by_doc))
    for doc_id, items in by_doc.items():
        width = max(TITLE_FLOOR, share // max(1, min(len(items), MAX_LINES)))
        by_doc[doc_id] = [
            replace(t, title=short(t.title, width)) if len(t.title) > width else t for t in items
        ]
    lines: list[str] = []
    per_doc: list[list[Clause]] = []
    shown = 0
    # The documents closest to the question first (its topic words), then those with most tasks.
    order = sorted(
        by_doc,
        key=lambda d: (-ctx.affinity.get(d, 0.0), -len(by_doc[d]), registry.documents[d].meta.label()),
    )
    for doc_id in order:
        doc = registry.documents[doc_id]
        lines.append(f"{doc.meta.label()}{' (' + doc.meta.date[:4] + ')' if doc.meta.date else ''}:")
        clauses: list[Clause] = []
        for t in by_doc[doc_id]:
            if shown >= MAX_LINES:
                break
            lines.append(line(t))  # type: ignore[operator]
            shown += 1
            clause = ctx.view.clauses.get(t.cite_id) or ctx.view.clauses.get(t.clause_id)
            if clause is not None and clause not in clauses:
                clauses.append(clause)
        per_doc.append(clauses)
    if len(tasks) > shown:
        lines.append(f"… và {len(tasks) - shown} nhiệm vụ khác.")
    # Every document listed has a citation: its first task first, then the others in turn.
    cited: list[Clause] = []
    for rank in range(max((len(c) for c in per_doc), default=0)):
        cited += [c[rank] for c in per_doc if rank < len(c) and c[rank] not in cited]
    return lines, cited[:MAX_CITED]


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
        registry = ctx.units()
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
