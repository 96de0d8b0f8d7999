"""Task fields: the lead unit, coordinating units or deadline of task N, or of the task the
best evidence clause belongs to ("who carries out the task about X")."""

from __future__ import annotations

from rag.answer.base import Composed, Context, Strategy
from rag.answer.evidence import best_docs
from rag.answer.text import short, trim
from rag.records import Clause
from rag.text import fold

FIELD_LABELS = {
    "lead_unit": "Đơn vị thực hiện",
    "coordinating_units": "Đơn vị phối hợp",
    "deadline": "Thời gian thực hiện",
}
# Words of the field labels themselves: they match every task, so they locate none.
FIELD_WORDS = frozenset(
    {"thoi", "gian", "thuc", "hien", "don", "phoi", "hop", "chu", "tri", "nhiem", "vu", "han"}
)
# The field key of each slot a task's field line answers.
SLOT_FIELD = {"lead_unit": "lead_unit", "coordinating_unit": "coordinating_units", "deadline": "deadline"}
# What else a task-field question may ask for beside its main field: the reader's cue, per field.
_ASKS_FIELD = {
    "lead_unit": "asks_lead",
    "coordinating_units": "asks_coordinating",
    "deadline": "asks_deadline",
}
# Document affinity of a question that cites the document's number (rag.answer.documents).
NAMED_BY_NUMBER = 3.0


class TaskFields(Strategy):
    name = "task_field"
    claims = frozenset(SLOT_FIELD)

    def compose(self, ctx: Context) -> Composed | None:
        composed = self._task_field(ctx)
        if composed is None and ctx.question.task_number is not None:
            return Composed.unanswerable()  # a task the documents do not have
        return composed

    def _task_field(self, ctx: Context) -> Composed | None:
        intent, hits, affinity = ctx.question, ctx.hits, ctx.affinity
        key = SLOT_FIELD[intent.slot]
        if intent.task_number is not None:
            numbered = [
                t
                for t in ctx.view.numbered_with_field(key, intent.task_number)
                if t.kind != "field" and t.doc_id in affinity
            ]
            if not numbered:
                return None
            # A document named by its number that has no such task: another document's task 7
            # is not the answer.
            top = max(affinity.values(), default=0.0)
            named = {d for d, a in affinity.items() if a >= NAMED_BY_NUMBER and a >= top - 1e-9}
            if named and not named & {t.doc_id for t in numbered}:
                return None
            docs = best_docs(affinity, {t.doc_id for t in numbered})
            chosen = [t for t in numbered if t.doc_id in docs]
            support = 1.0
        else:
            # No number: the task that the best evidence clause belongs to, if it belongs to one
            # ("who carries out the task about X" -> the clause about X -> its task's lead unit).
            tasks = (c for c in ctx.view.with_field(key) if c.kind != "field" and c.doc_id in affinity)
            if next(tasks, None) is None:
                return None
            generic = ctx.evidence.candidates(
                intent, hits, affinity, drop_terms=FIELD_WORDS, skip_kinds=frozenset({"field"})
            )
            if not generic:
                return None

            def task_of(clause: Clause) -> Clause | None:
                chain = [clause, *ctx.view.ancestors(clause)]
                return next((a for a in chain if a.kind != "field" and key in a.fields), None)

            # A question that names a task ("nhiệm vụ …") is about a task: take the best clause
            # inside one. Otherwise only when the best clause overall belongs to a task.
            names_task = "names_task" in intent.cues
            pool = generic if names_task else generic[:1]
            top = next((c for c in pool if task_of(c.clause) is not None), None)
            if top is None:
                return None
            task = task_of(top.clause)
            assert task is not None
            chosen, support = [task], top.support
        parts, cited = [], []
        for task in sorted(chosen, key=lambda c: (c.doc_id, c.order)):
            doc = ctx.view.documents[task.doc_id]
            field_clause = next(
                (c for c in ctx.view.children.get(task.id, []) if c.kind == "field" and key in c.fields),
                task,
            )
            title = short(task.title or task.text, 90)
            value = task.fields[key].rstrip(" .;")
            prefix = (
                f"{doc.meta.label()}, nhiệm vụ {task.locator} ({title})"
                if len(chosen) > 1
                else f"Nhiệm vụ {task.locator} ({title})"
            )
            lead = task.fields.get("lead_unit", "").rstrip(" .;")
            if key == "coordinating_units" and lead and fold(value) in intent.folded:
                # "Who works with Y on X?" where Y is the listed partner: the lead unit works with Y.
                shown = ["lead_unit", key]
            else:
                # "… do sở nào chủ trì và thực hiện giai đoạn nào?": every field the question asks for.
                shown = [
                    key,
                    *(k for k, cue in _ASKS_FIELD.items() if k != key and cue in intent.cues),
                ]
            values = [(k, task.fields[k].rstrip(" .;")) for k in shown if task.fields.get(k, "").strip()]
            parts.append(f"{prefix}: " + "; ".join(f"{FIELD_LABELS[k]}: {v}" for k, v in values) + ".")
            cited.append(field_clause)
        text = "\n".join(parts) if len(parts) > 1 else parts[0]
        if len(parts) > 1:
            text = "Câu hỏi khớp với nhiều văn bản:\n" + text
        return Composed(text=trim(text, 900), cited=cited, support=support)
