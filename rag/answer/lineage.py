"""Document lineage from the reference graph: "Những văn bản nào triển khai X?" (the documents
citing X as what they implement) and "Kế hoạch này căn cứ vào văn bản nào?" (what a document
names as its bases, else what it implements)."""

from __future__ import annotations

from rag.answer.base import Composed, Context, Strategy
from rag.answer.documents import named_documents
from rag.answer.evidence import best_docs
from rag.answer.resolution import TITLE_WORDS, title_words_met
from rag.lineage import RELATION_LABELS
from rag.records import Clause, Edge
from rag.registry import Registry
from rag.text import fold

MAX_ITEMS = 12


def _doc_line(registry: Registry, doc_id: str) -> str:
    doc = registry.documents[doc_id]
    title = doc.meta.title or doc.meta.subject
    short = title if len(title) <= 100 else title[:99].rstrip() + "…"
    return f"{doc.meta.label()}" + (f" ({short})" if short else "")


class Lineage(Strategy):
    name = "lineage"
    claims = frozenset({"lineage"})

    def compose(self, ctx: Context) -> Composed | None:
        asked = ctx.question.lineage
        if asked is None:
            return None
        relation, direction = asked
        registry = ctx.units()
        allowed = set(ctx.affinity)
        if direction == "in":
            return self._incoming(ctx, registry, relation, allowed)
        return self._outgoing(ctx, registry, relation, allowed)

    def _cite(self, ctx: Context, edges: list[Edge]) -> list[Clause]:
        out: list[Clause] = []
        for e in edges:
            c = ctx.view.clauses.get(e.clause_id)
            if c is not None and c not in out:
                out.append(c)
        return out[:8]

    def _incoming(
        self, ctx: Context, registry: Registry, relation: str, allowed: set[str]
    ) -> Composed | None:
        targets: list[tuple[str, list[Edge]]] = []
        for ref_type, number in ctx.question.references:
            edges = [e for e in registry.citing(ref_type, number) if e.relation == relation]
            label = edges[0].target_label if edges else f"{ref_type} {number}"
            targets.append((label, edges))
        if not targets:
            named = named_documents(ctx.view, ctx.question, ctx.affinity)
            for doc_id in sorted(named):
                edges = [e for e in registry.incoming(doc_id) if e.relation == relation]
                targets.append((registry.documents[doc_id].meta.label(), edges))
        if not targets:
            return None
        asked_type = ctx.question.asked_doc_type
        kind = asked_type if asked_type != "van ban" else ""
        lines: list[str] = []
        cited: list[Edge] = []
        verb = {"implements": "triển khai", "based_on": "căn cứ vào", "replaces": "thay thế"}.get(
            relation, RELATION_LABELS[relation].lower()
        )
        for label, edges in targets:
            edges = [
                e
                for e in edges
                if e.source in allowed
                and (not kind or fold(registry.documents[e.source].meta.doc_type) == kind)
            ]
            sources = list(dict.fromkeys(e.source for e in edges))
            if not sources:
                continue
            lines.append(f"Các văn bản {verb} {label}: {len(sources)} văn bản.")
            lines += [f"- {_doc_line(registry, s)}" for s in sources[:MAX_ITEMS]]
            cited += [next(e for e in edges if e.source == s) for s in sources[:MAX_ITEMS]]
        if not lines:
            return Composed.unanswerable()
        return Composed(text="\n".join(lines), cited=self._cite(ctx, cited), support=1.0)

    @staticmethod
    def _described(ctx: Context, doc_id: str) -> bool:
        """A question describing a document in words of its own ("nghị quyết mới về tiêu chuẩn
        của đơn vị hành chính") describes this one only if it has words of its title ("Quyết
        định này thay thế văn bản nào?" describes none: any may answer)."""
        met, said = title_words_met(ctx.question, ctx.view.documents[doc_id].meta)
        return met >= TITLE_WORDS or said < TITLE_WORDS

    def _outgoing(
        self, ctx: Context, registry: Registry, relation: str, allowed: set[str]
    ) -> Composed | None:
        # "căn cứ": a plan names its bases with "Căn cứ" or, as most plans do, "Thực hiện".
        relations = ("based_on", "implements") if relation == "based_on" else (relation,)
        with_edges = {e.source for e in registry.edges if e.relation in relations and e.source in allowed}
        named_any = named_documents(ctx.view, ctx.question, ctx.affinity)
        named = named_any & with_edges
        if named_any and not named:
            return None  # the named document states no such reference: its text may still say
        # Named by its words alone: the document the question describes best must be the one that
        # states the relation; a worse-described one that states it answers another question.
        docs = sorted(named) or [
            d for d in best_docs(ctx.affinity, ctx.affinity) if d in with_edges and self._described(ctx, d)
        ]
        if not docs or len(docs) > 3:
            return None
        lines: list[str] = []
        cited: list[Edge] = []
        for doc_id in docs:
            edges = [e for e in registry.outgoing(doc_id) if e.relation in relations]
            lines.append(f"{_doc_line(registry, doc_id)}:")
            for rel in relations:
                labels = [e for e in edges if e.relation == rel]
                if labels:
                    lines.append(
                        f"- {RELATION_LABELS[rel]}: " + "; ".join(e.target_label for e in labels[:MAX_ITEMS])
                    )
                    cited += labels
        return Composed(text="\n".join(lines), cited=self._cite(ctx, cited), support=1.0)
