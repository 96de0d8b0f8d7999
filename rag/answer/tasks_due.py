"""Tasks by deadline: "Nhiệm vụ nào phải hoàn thành trong quý IV năm 2025?", "… trước 31/12/2025"
-> the tasks whose deadline (as dates, rag.deadlines) falls in that period, grouped by document."""

from __future__ import annotations

from rag.answer.base import Composed, Context, Strategy
from rag.answer.unit_tasks import grouped, order_key, scoped_docs
from rag.records import TaskRef
from rag.registry import registry_for


def _day(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def period_text(lo: str | None, hi: str | None) -> str:
    if lo and hi:
        return f"từ {_day(lo)} đến {_day(hi)}"
    return f"đến {_day(hi)}" if hi else f"từ {_day(lo)}" if lo else ""


class TasksDue(Strategy):
    name = "tasks_due"
    claims = frozenset({"tasks_due"})

    def compose(self, ctx: Context) -> Composed | None:
        intent = ctx.question
        if intent.task_number is not None:
            return None
        period = intent.constraints.period
        if period is None:
            return None
        lo, hi = period
        registry = registry_for(ctx.view)
        unit = registry.find_unit(intent.query)
        docs = scoped_docs(ctx)
        tasks = registry.tasks_due(lo, hi, uid=unit.id if unit else None, docs=docs)
        if not tasks:
            # No task falls due then: sure only where the registry knows the documents' dated tasks;
            # where it knows none (duties in prose it does not read as tasks), the text may still say.
            known = any(t.due_to or t.annual for t in registry.tasks_due(None, None, docs=docs))
            return Composed.unanswerable() if known else None
        # One line per task clause: its units with their roles.
        units: dict[str, list[TaskRef]] = {}
        for t in tasks:
            units.setdefault(t.clause_id, []).append(t)
        first = sorted((ts[0] for ts in units.values()), key=lambda t: (t.doc_id, order_key(ctx, t)[1]))

        def line(t: TaskRef) -> str:
            who = "; ".join(
                f"{u.unit} ({'chủ trì' if u.role == 'lead' else 'phối hợp'})" for u in units[t.clause_id]
            )
            due = [d for d in _due_days(t, lo, hi)]
            when = f"thời hạn: {t.deadline}" + (f" → {', '.join(due)}" if due else "")
            return f"- {t.locator} {t.title} — {who}; {when}"

        lines, cited = grouped(ctx, registry, first, line)
        whom = f" của {unit.name}" if unit else ""
        head = f"Các nhiệm vụ{whom} có thời hạn {period_text(lo, hi)}: {len(first)} nhiệm vụ."
        return Composed(text="\n".join([head, *lines]), cited=cited, support=1.0)


def _due_days(t: TaskRef, lo: str | None, hi: str | None) -> list[str]:
    from rag.deadlines import DateRange

    if t.due_to:
        return []
    return [
        _day(d) for d in DateRange(t.due_from, t.due_to, t.recurring, tuple(t.annual)).dates_within(lo, hi)
    ]
