"""Tasks handed to a unit by where they sit: "17. Chi cục Hải quan khu vực V — a) Chủ trì triển
khai các nhiệm vụ tại mục (IV)(3.4)(a)". The question names the task by its words ("nhiệm vụ
phát triển hải quan số"); the best evidence clause is that task (or inside it); the unit whose
section points at its locator (or an enclosing one) leads it."""

from __future__ import annotations

import re
import weakref

from rag.answer.base import Composed, Context, Strategy
from rag.answer.corpus import CorpusView
from rag.answer.task_fields import FIELD_WORDS
from rag.answer.text import short, trim
from rag.reading.clauses import parse_reference
from rag.records import Clause
from rag.references import locator_words
from rag.vocabulary import DELEGATION_CUES

_CUES = {kind: re.compile(cue) for kind, cue in DELEGATION_CUES.items()}
_PAREN = re.compile(r"\(\s*([ivxlc]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*\)")
_ROMAN = re.compile(r"[ivxlc]+")
# Where a reference ends: "…(3.4)(a); b) …", "… mục (IV) (1) của Kế hoạch".
_REFERENCE_END = re.compile(r"[;]|\s(?:cua|thuoc)\s(?:ke hoach|quyet dinh|van ban)")
# Candidates (best first) whose tasks are looked up: the first few, scored close to the best.
CANDIDATES = 5
CLOSE_TO_BEST = 0.9


def referenced_locators(reference: str) -> list[str]:
    """Parser locators a reference names: "mục (IV)(3.4)(a)" -> ["IV.3.4.a"]; "(IV) (4.1) (4.2)"
    -> ["IV.4.1", "IV.4.2"]; "điểm a mục 3.4 phần IV" -> ["IV.3.4.a"] (folded input)."""
    tokens = _PAREN.findall(reference)
    if tokens:
        head = tokens[0].upper() if _ROMAN.fullmatch(tokens[0]) else ""
        out: list[str] = []
        for token in tokens[1:] if head else tokens:
            if re.fullmatch(r"[a-zđ]", token) and out:
                out[-1] += f".{token}"  # a point under the item before it
            else:
                out.append(".".join(p for p in (head, token) if p))
        return out or ([head] if head else [])
    ref = parse_reference(reference)
    return ref.locators() if ref is not None else []


def delegations(view: CorpusView, doc_id: str, kind: str) -> list[tuple[Clause, list[str]]]:
    """The clauses of one document that hand tasks by locator, with the locators they name."""
    cue = _CUES.get(kind)
    if cue is None:
        return []
    out = []
    handed = _handed(view)
    for c in view.by_doc.get(doc_id, []):
        folded = view.folded[c.id]
        found = handed.get((folded, kind))
        if found is None:
            found = handed[(folded, kind)] = [
                locators
                for m in cue.finditer(folded)
                if (locators := referenced_locators(_REFERENCE_END.split(folded[m.end() :])[0][:120]))
            ]
        out.extend((c, list(locators)) for locators in found)
    return out


# Per view, what each clause text hands by locator, kept by the text: a question reads the
# clauses of its hits' documents, and their texts recur (the same plan issued again, a copy).
_HANDED: weakref.WeakKeyDictionary[CorpusView, dict[tuple[str, str], list[list[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _handed(view: CorpusView) -> dict[tuple[str, str], list[list[str]]]:
    found = _HANDED.get(view)
    if found is None:
        found = _HANDED.setdefault(view, {})
    return found


class DelegatedTask(Strategy):
    name = "delegated_task"
    claims = frozenset(DELEGATION_CUES)  # the roles a handing clause states: "lead_unit"

    def compose(self, ctx: Context) -> Composed | None:
        kind = ctx.question.slot
        if ctx.question.task_number is not None:
            return None
        # Candidates come from the hits' documents: none of them hands tasks by place, no answer.
        handed_by_doc = {
            d: delegations(ctx.view, d, kind) for d in dict.fromkeys(h.clause.doc_id for h in ctx.hits)
        }
        if not any(handed_by_doc.values()):
            return None
        # The task is found by what it is about, not by the role words every duty repeats; the
        # handing clauses themselves are pointers, not tasks.
        candidates = ctx.evidence.candidates(
            ctx.question, ctx.hits, ctx.affinity, drop_terms=FIELD_WORDS, skip_kinds=frozenset({"field"})
        )
        pool = []
        for cand in candidates:
            if all(a.id != cand.clause.id for a, _ in handed_by_doc[cand.clause.doc_id]):
                pool.append(cand)
            if len(pool) >= CANDIDATES:
                break
        pool = [c for c in pool if c.score >= CLOSE_TO_BEST * pool[0].score] if pool else []
        for cand in pool:
            handed = handed_by_doc[cand.clause.doc_id]
            for task in [cand.clause, *ctx.view.ancestors(cand.clause)]:
                for assignment, locators in handed:
                    if task.locator in locators:
                        return self._answer(ctx, task, assignment, cand.support)
        return None

    def _answer(self, ctx: Context, task: Clause, assignment: Clause, support: float) -> Composed | None:
        found = ctx.evidence.entity(assignment)
        if found is None:
            return None  # the handing clause names no unit it belongs to
        unit, owner = found
        said = assignment.text.strip()
        if owner.id == assignment.id:  # "5. Sở Công Thương\nChủ trì triển khai …": the duty after the name
            said = said.split("\n", 1)[-1]
        said = short(said, 200)
        where = locator_words(task.locator, task.kind) or task.locator
        text = f"{unit}: {said} ({where}: {short(task.text.strip(), 160)})"
        cited = [assignment, *([owner] if owner.id != assignment.id else []), task]
        return Composed(text=trim(text, 700), cited=cited, support=support)
