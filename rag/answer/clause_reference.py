"""A clause named by its reference ("khoản 2 Điều 9 Nghị định 13/2023/NĐ-CP", "mục II.2 Kế hoạch
số 58/KH-UBND") is the answer: its formal reference, where it sits, its text and its items.

Claims only a question that names both a clause and its document and asks nothing else; a
question about something inside the clause ("Đơn vị nào thực hiện mục II.2 …") and a locator
without a document ("Điều 8 khoản 2 quy định gì?", `passage.article_scope`) are left to the
other strategies, so their answers do not change.
"""

from __future__ import annotations

import re

from index.query import expand_aliases
from rag.answer.base import Composed, Context, Strategy
from rag.answer.corpus import CorpusView
from rag.answer.documents import named_documents
from rag.answer.task_fields import SLOT_FIELD
from rag.answer.text import short, strip_marker
from rag.questions import ClauseReference
from rag.records import Clause, Document
from rag.references import formal_reference, names_number
from rag.text import fold, folded_words

ANSWER_CHARS = 3000
ITEM_CHARS = 240


def asks_only_for_clause(ref: ClauseReference, docs: list[Document]) -> bool:
    """Nothing is left of the question once the reference, the documents' names and the asking
    words go (a question about something inside the clause is not a request for the clause);
    the reader keeps in ``ref.rest`` the words besides the reference and the asking words."""
    own: set[str] = set()
    for doc in docs:
        m = doc.meta
        named = " ".join([m.number, m.title, m.issuer, m.parent_issuer, m.place, m.date, m.date_text])
        own |= set(folded_words(expand_aliases(fold(named))))
    own |= {p for t in list(own) for p in re.split(r"[/.-]", t)}
    return all(w in own for w in ref.rest)


def _has(view: CorpusView, doc_id: str, locator: str) -> Clause | None:
    """The clause of the document at this locator: exactly, else compared folded ("điểm d")."""
    clauses = view.by_doc.get(doc_id, [])
    for c in clauses:
        if c.locator == locator:
            return c
    target = fold(locator)
    if locator.startswith("· "):  # a footnote named by its number alone: numbered per document
        return next((c for c in clauses if c.kind == "footnote" and fold(c.locator).endswith(target)), None)
    return next((c for c in clauses if fold(c.locator) == target), None)


def _by_suffix(view: CorpusView, doc_id: str, locator: str) -> Clause | None:
    """ "mục 2" of a plan whose only "2" sits under one part ("I.2" alone): that one; else none."""
    if not locator or locator.startswith(("Điều", "Chương", "Phụ lục")):
        return None
    found = [
        c
        for c in view.by_doc.get(doc_id, [])
        if c.kind in ("heading", "item") and c.locator.endswith("." + locator)
    ]
    return found[0] if len(found) == 1 else None


class ClauseReferenceAnswer(Strategy):
    name = "clause_reference"
    claims = frozenset({"clause_reference"})

    def compose(self, ctx: Context) -> Composed | None:
        ref = ctx.question.clause
        if ref is None or not ref.locators():
            return None
        docs = self._named(ctx)
        if docs is None:
            return None  # no document named: "Điều 8 khoản 2 quy định gì?" is article_scope's
        if not docs:
            # A number no readable document carries: abstain rather than quote another document.
            everyone = list(ctx.view.documents.values())
            return Composed.unanswerable() if asks_only_for_clause(ref, everyone) else None
        found: list[Clause] = []
        for doc_id in docs:
            for locator in ref.locators():
                clause = _has(ctx.view, doc_id, locator) or _by_suffix(ctx.view, doc_id, locator)
                if clause is not None:
                    found.append(clause)
                    break
        named = [ctx.view.documents[d] for d in docs]
        if not found:
            # The named documents have no such clause: say so rather than quote another one.
            return Composed.unanswerable() if asks_only_for_clause(ref, named) else None
        if len(found) > 1:
            best = max(ctx.affinity.get(c.doc_id, 0.0) for c in found)
            found = [c for c in found if ctx.affinity.get(c.doc_id, 0.0) == best]
            if len(found) > 1:
                return None  # two documents named alike have this clause: the others decide
        clause = found[0]
        doc = ctx.view.documents[clause.doc_id]
        if clause.kind == "footnote" or asks_only_for_clause(ref, [doc]):
            # A footnote is short and says one thing: whatever is asked of it, it is the answer.
            return self._answer(ctx.view, clause, doc)
        return self._field(ctx, clause, doc)

    def _field(self, ctx: Context, clause: Clause, doc: Document) -> Composed | None:
        """ "Đơn vị nào chủ trì mục II.2 Kế hoạch 58?": the named task's own field line answers."""
        key = SLOT_FIELD.get(ctx.question.slot)
        if key is None:
            return None
        for task in (clause, *ctx.view.ancestors(clause)):
            for c in ctx.view.children.get(task.id, []):
                if c.kind == "field" and c.fields.get(key):
                    where = formal_reference(task, doc.meta)
                    text = f"{where[:1].upper()}{where[1:]}: {c.text.strip().lstrip('-+• ')}"
                    return Composed(text=text, cited=[c, task], support=1.0)
        return None

    def _named(self, ctx: Context) -> list[str] | None:
        """Readable documents the question names (by number, else by type and author or title);
        None when it names none, [] when it names a number none of them carries."""
        allowed = sorted(ctx.affinity)
        numbers = list(ctx.question.document.numbers)
        if numbers:
            return [d for d in allowed if names_number(numbers, ctx.view.documents[d].meta)]
        named = named_documents(ctx.view, ctx.question, ctx.affinity)
        if named:
            return sorted(named)
        types = {fold(t) for t in ctx.question.doc_types}
        if not types:
            return None
        of_type = [d for d in allowed if fold(ctx.view.documents[d].meta.doc_type) in types]
        if len(of_type) <= 1:
            return of_type or None
        # Several documents of the type: those whose title the question quotes, else the best named.
        quoted = set(ctx.question.document.titled)
        titled = [d for d in of_type if d in quoted]
        if titled:
            return titled
        top = max(ctx.affinity.get(d, 0.0) for d in of_type)
        return [d for d in of_type if ctx.affinity.get(d, 0.0) == top]

    def _answer(self, view: CorpusView, clause: Clause, doc: Document) -> Composed:
        reference = formal_reference(clause, doc.meta)
        lines = [f"{reference[:1].upper()}{reference[1:]}:"]
        if clause.breadcrumb:
            lines.append("(" + " › ".join(short(b, 90) for b in clause.breadcrumb) + ")")
        lines.append(clause.text.strip())
        items = _subtree(view, clause)
        # Whole items when they fit: a reader asked for the clause, and a cut item may drop the very
        # figure or act it states; shortened only when the clause would not fit otherwise.
        for limit in (None, ITEM_CHARS):
            body = [f"{'  ' * (depth - 1)}- {_cut(strip_marker(item.text), limit)}" for item, depth in items]
            text = "\n".join(lines + body)
            if len(text) <= ANSWER_CHARS:
                break
        if len(text) > ANSWER_CHARS:
            text = text[: ANSWER_CHARS - 1].rsplit(" ", 1)[0] + "…"
        return Composed(text=text, cited=[clause, *(c for c, _ in items[:4])], support=1.0)


def _cut(text: str, limit: int | None) -> str:
    return short(text, limit) if limit else text.strip()


def _subtree(view: CorpusView, clause: Clause) -> list[tuple[Clause, int]]:
    """The clause's items and theirs, in document order, with their depth under it; a task's
    field lines (who, with whom, by when) first among their siblings: long items must not push
    them out."""
    out: list[tuple[Clause, int]] = []

    def walk(parent: Clause, depth: int) -> None:
        children = [c for c in view.children.get(parent.id, []) if c.kind != "footnote"]
        children.sort(key=lambda c: c.kind != "field")
        for child in children:
            out.append((child, depth))
            walk(child, depth + 1)

    walk(clause, 1)
    return out
