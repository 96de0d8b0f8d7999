"""Year targets: what a plan sets out to reach by a year ("Mục tiêu đến năm 2030")."""

from __future__ import annotations

from rag.answer.base import CITATIONS, Composed, Context, Strategy
from rag.answer.corpus import coverage, phrase_coverage
from rag.answer.evidence import best_docs
from rag.answer.text import short, strip_marker, trim


class YearTargets(Strategy):
    name = "targets"
    claims = frozenset({"target"})

    def compose(self, ctx: Context) -> Composed | None:
        if not ctx.question.years:
            return None
        intent, affinity = ctx.question, ctx.affinity
        year = intent.years[0]
        items = [
            c for c in ctx.view.with_field_value("year", year) if c.doc_id in affinity and c.kind != "heading"
        ]
        if not items:
            return None
        docs = best_docs(affinity, {c.doc_id for c in items})
        items = [c for c in items if c.doc_id in docs]
        # The words that asked for targets of a year locate nothing (the reader drops them).
        q_terms = intent.target_terms
        # Words naming the document ("của Sở", "kế hoạch", its title) pick the document, not a target.
        metas = [ctx.view.documents[d].meta for d in docs]
        naming = {
            w
            for m in metas
            for w in ctx.view.meta_terms(f"{m.issuer} {m.doc_type} {m.title} {m.subject}").folded
        }
        q_terms = q_terms.without(naming)
        items.sort(key=lambda c: (c.doc_id, c.order))
        scored = [
            (
                coverage(ctx.view, q_terms, ctx.view.text_terms(c))
                + 0.5 * phrase_coverage(ctx.view, q_terms, ctx.view.text_terms(c)),
                -i,
                c,
            )
            for i, c in enumerate(items)
        ]
        scored.sort(key=lambda x: (-x[0], -x[1]))
        if q_terms and scored[0][0] >= 0.5 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.08):
            best = scored[0][2]
            return Composed(text=trim(best.text), cited=[best], support=1.0)
        heading = ctx.view.clauses.get(items[0].parent_id or "")
        lead = f"Mục tiêu {heading.title or heading.text}".strip() if heading else f"Mục tiêu năm {year}"
        # Most relevant first (document order when the question names no subject), the first one whole.
        ordered = [c for _, _, c in scored] if q_terms else items
        lines = [
            f"- {short(strip_marker(c.text), 400 if i == 0 and q_terms else 240)}"
            for i, c in enumerate(ordered)
        ]
        text = lead.rstrip(":") + ":\n" + "\n".join(lines)
        return Composed(text=trim(text, 900), cited=ordered[:CITATIONS], support=1.0)
