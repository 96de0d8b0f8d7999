"""Plain-text rendering of answers and hits for the terminal."""

from __future__ import annotations

from collections.abc import Callable

from rag.records import Answer, Citation, Hit
from rag.text import collapse_ws


def _snippet(text: str, limit: int = 220) -> str:
    text = collapse_ws(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(c: Citation) -> str:
    page = f", trang {c.page}" if c.page else ""
    doc = f"{c.document} — " if c.document else ""
    return f"{doc}{c.source} {c.locator}{page}"


def format_answer(answer: Answer) -> str:
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Nguồn trích dẫn:")
        for i, c in enumerate(answer.citations, 1):
            lines.append(f"  [{i}] {_where(c)}")
            if c.reference:
                lines.append(f"      ({c.reference})")
            lines.append(f"      {_snippet(c.text)}")
    if answer.abstained and answer.related:
        lines.append("Các điều khoản gần nhất (không đủ để trả lời):")
        for i, c in enumerate(answer.related, 1):
            lines.append(f"  ({i}) {_where(c)}")
            lines.append(f"      {_snippet(c.text)}")
    if answer.dense_pending:
        lines.append(
            "Lưu ý: văn bản vừa tải lên, mới được tìm theo từ ngữ (phần tìm theo ngữ nghĩa đang được tính): "
            + ", ".join(answer.dense_pending)
        )
    total = answer.timings.get("total_ms")
    if total is not None:
        lines.append(f"({total:.0f} ms, {answer.generator})")
    return "\n".join(lines).rstrip()


def format_hits(hits: list[Hit], document_label: Callable[[str], str] | None = None) -> str:
    if not hits:
        return "Không có kết quả."
    lines = []
    for h in hits:
        c = h.clause
        label = document_label(c.doc_id) if document_label else ""
        page = f", trang {c.page}" if c.page else ""
        head = f"{h.rank}. [{h.score:.3f}] {label + ' — ' if label else ''}{c.source} {c.locator}{page}"
        lines.append(head)
        if c.breadcrumb:
            lines.append("   " + " › ".join(_snippet(b, 60) for b in c.breadcrumb))
        lines.append("   " + _snippet(c.text, 300))
    return "\n".join(lines)
