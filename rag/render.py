"""Plain-text rendering of answers and hits for the terminal (texts from rag/messages.py)."""

from __future__ import annotations

from collections.abc import Callable

from rag.labels import place
from rag.messages import text
from rag.records import Answer, Citation, Hit
from rag.text import collapse_ws


def _snippet(value: str, limit: int = 220) -> str:
    value = collapse_ws(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _where(c: Citation) -> str:
    """What a citation leads with (its short reference), then the file it is in."""
    page = text("render.page", page=c.page) if c.page else ""
    lead = c.short_reference or " ".join(p for p in (c.document, c.locator) if p)
    return f"{lead} ({c.source}{page})" if lead else f"{c.source}{page}"


def _generator(name: str) -> str:
    return text("render.extractive") if name == "extractive" else name


def format_answer(answer: Answer) -> str:
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append(text("render.sources"))
        for i, c in enumerate(answer.citations, 1):
            lines.append(f"  [{i}] {_where(c)}")
            if c.reference:
                lines.append(f"      ({c.reference})")
            lines.append(f"      {_snippet(c.text)}")
    if answer.abstained and answer.related:
        lines.append(text("render.related"))
        for i, c in enumerate(answer.related, 1):
            lines.append(f"  ({i}) {_where(c)}")
            lines.append(f"      {_snippet(c.text)}")
    if answer.dense_pending:
        lines.append(text("render.dense_pending", sources=", ".join(answer.dense_pending)))
    total = answer.timings.get("total_ms")
    if total is not None:
        lines.append(text("render.timing", ms=round(total), generator=_generator(answer.generator)))
    return "\n".join(lines).rstrip()


def format_hits(hits: list[Hit], document_label: Callable[[str], str] | None = None) -> str:
    if not hits:
        return text("render.no_hits")
    lines = []
    for h in hits:
        c = h.clause
        label = document_label(c.doc_id) if document_label else ""
        page = text("render.page", page=c.page) if c.page else ""
        where = " ".join(p for p in (place(c), label) if p)
        lines.append(f"{h.rank}. [{h.score:.3f}] {where} ({c.source}{page})")
        if c.breadcrumb:
            lines.append("   " + " › ".join(_snippet(b, 60) for b in c.breadcrumb))
        lines.append("   " + _snippet(c.text, 300))
    return "\n".join(lines)
