"""Tasks by deadline: "Nhiệm vụ nào phải hoàn thành trong quý IV năm 2025?", "… trước 31/12/2025"
-> the tasks whose deadline (as dates, rag.deadlines) falls in that period, grouped by document."""

from __future__ import annotations

from rag.answer.base import Composed, Context, Strategy
from rag.answer.documents import named_documents
from rag.answer.text import short, strip_marker
from rag.answer.unit_tasks import grouped, order_key, scoped_docs
from rag.records import Clause, TaskRef
from rag.registry import dated_parts

MAX_PROSE = 8


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
        registry = ctx.units()
        unit = registry.find_unit(intent.query)
        docs = scoped_docs(ctx)
        tasks = registry.tasks_due(lo, hi, uid=unit.id if unit else None, docs=docs)
        named = bool(named_documents(ctx.view, ctx.question, ctx.affinity))
        # In a named document, duties the registry does not read as a unit's tasks (given to a
        # person, "Giao Phó Thủ tướng …", or in prose) are dated in their text all the same.
        prose = _dated_in_text(ctx, docs, lo, hi, {t.clause_id for t in tasks}) if named and not unit else []
        if not tasks and not prose:
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

        lines, cited = grouped(ctx, registry, first, line) if first else ([], [])
        for clause, part, deadline in prose:
            lines.append(f"- {clause.locator} {short(strip_marker(part), 200)}; thời hạn: {deadline}")
            if clause not in cited:
                cited.append(clause)
        whom = f" của {unit.name}" if unit else ""
        count = len(first) + len(prose)
        head = f"Các nhiệm vụ{whom} có thời hạn {period_text(lo, hi)}: {count} nhiệm vụ."
        return Composed(text="\n".join([head, *lines]), cited=cited[:8], support=1.0)


def _dated_in_text(
    ctx: Context, docs: set[str], lo: str | None, hi: str | None, known: set[str]
) -> list[tuple[Clause, str, str]]:
    """(clause, the duty's words, its deadline) for each duty of these documents' items and
    paragraphs whose stated deadline falls in [lo, hi], besides the clauses already listed."""
    out: list[tuple[Clause, str, str]] = []
    for doc_id in sorted(docs):
        year = _year(ctx.view.documents[doc_id].meta.date)
        for clause in ctx.view.by_doc.get(doc_id, []):
            if (
                clause.kind not in ("item", "paragraph")
                or clause.id in known
                or clause.id in ctx.view.preambles
            ):
                continue
            for part, deadline, found in dated_parts(clause.text, year):
                if found is not None and found.ends_within(lo, hi):
                    out.append((clause, part or clause.text, deadline))
    return out[:MAX_PROSE]


def _year(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


def _due_days(t: TaskRef, lo: str | None, hi: str | None) -> list[str]:
    from rag.deadlines import DateRange

    if t.due_to:
        return []
    return [
        _day(d) for d in DateRange(t.due_from, t.due_to, t.recurring, tuple(t.annual)).dates_within(lo, hi)
    ]
