"""Turning the working tree into Clause records: ids, titles, breadcrumbs, fields, footnotes."""

from __future__ import annotations

import re
from typing import Any

from rag.normalize import (
    RE_BULLET,
    RE_LEGAL,
    RE_LETTERED,
    RE_NUMBERED,
    RE_ROMAN_HEADING,
    Footnote,
    Line,
    fold_keep,
    strip_markup,
)
from rag.parser.fields import node_fields
from rag.parser.nodes import BREADCRUMB_CHARS, RANK_PARAGRAPH, Node
from rag.parser.tables import row_fields
from rag.records import Clause
from rag.text import collapse_ws


def short(text: str, limit: int = BREADCRUMB_CHARS) -> str:
    text = collapse_ws(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut} …"


def _unmark(text: str) -> str:
    return re.sub(r"(?:\*\*|__)", "", strip_markup(collapse_ws(text)))


def heading_title(node: Node) -> str:
    first = _unmark(node.text())
    f = fold_keep(first)
    if node.style == "appendix":
        rest = [ln.text for ln in node.lines[1:]]
        return collapse_ws(" ".join(rest)) if rest else first
    if node.style == "alpha":
        return first[2:].strip(" .:-*")
    if node.style == "legal:dieu":
        # "Điều 5. Title" then the article's own text: the title is the heading line only.
        own = _unmark(node.lines[0].text)
        m = RE_LEGAL.match(fold_keep(own))
        title = own[m.end() :].strip(" .:-*") if m else own
        if title or len(node.lines) < 2:
            return title
        return _unmark(node.lines[1].text).strip(" .:-*")
    for pattern in (RE_LEGAL, RE_ROMAN_HEADING, RE_NUMBERED, RE_LETTERED, RE_BULLET):
        m = pattern.match(f)
        if m:
            return first[m.end() :].strip(" .:-*")
    return first


def split_heading_paragraphs(root: Node) -> None:
    """A numbered item that has sub-items is a heading: its running text becomes a paragraph child.

    "2. Về công tác tuyên truyền" / "Sở đã thực hiện …" / "- Chuyên mục …": the heading's
    text stays its own line and the paragraph is addressable on its own ("2.đoạn 1").
    """
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if (
            not node.children
            or len(node.lines) < 2
            or node.style not in ("numbered", "letter", "bullet", "plus")
        ):
            continue
        para = Node(
            kind="paragraph", rank=RANK_PARAGRAPH, locator="", style="paragraph", lines=node.lines[1:]
        )
        para.parent = node
        node.lines = node.lines[:1]
        node.children.insert(0, para)
        count = 0
        for child in node.children:
            if child.style == "paragraph":
                count += 1
                child.locator = f"{node.locator}.đoạn {count}"


def emit(
    root: Node,
    doc_id: str,
    source: str,
    access: str,
    footnotes: dict[int, Footnote],
    prefix: list[Clause],
) -> list[Clause]:
    clauses: list[Clause] = list(prefix)
    seen: dict[str, int] = {}
    for c in clauses:
        seen[c.locator] = seen.get(c.locator, 0) + 1

    def make_id(locator: str) -> str:
        seen[locator] = seen.get(locator, 0) + 1
        n = seen[locator]
        return f"{doc_id}:{locator}" if n == 1 else f"{doc_id}:{locator}#{n}"

    def visit(node: Node, parent: Clause | None, crumbs: list[str], inherited: dict[str, str]) -> None:
        kind = node.kind
        if kind == "item" and node.children:
            kind = "heading"
        text = node.text()
        fields = node_fields(node, fold_keep(heading_title(node)), inherited)
        if node.style == "pipe-row":
            title, reading, cells = row_fields(node)
            fields.update(cells)
            if reading:
                text = f"{text}\n{reading}"  # the printed row, then the row read with its headers
        elif node.style == "group" and node.label:
            title = node.label
        elif kind in ("heading", "appendix"):
            title = heading_title(node)
        elif node.style == "field":
            title = node.label
        elif node.style in ("group", "subgroup"):
            title = text
        else:
            title = ""
        pages = sorted({p for ln in node.lines for p in ln.pages})
        refs = [n for ln in node.lines for n in ln.footnotes if n in footnotes]
        clause = Clause(
            id=make_id(node.locator),
            doc_id=doc_id,
            source=source,
            locator=node.locator,
            kind=kind,
            text=text,
            title=title,
            breadcrumb=list(crumbs),
            pages=pages,
            parent_id=parent.id if parent else None,
            order=len(clauses),
            fields=fields,
            footnotes=[footnotes[n].text for n in refs],
            access=access,
        )
        clauses.append(clause)
        if parent:
            parent.children.append(clause.id)
        for n in refs:
            note = footnotes[n]
            locator = f"{node.locator} · chú thích {n}"
            fn = Clause(
                id=make_id(locator),
                doc_id=doc_id,
                source=source,
                locator=locator,
                kind="footnote",
                text=note.text,
                title=f"Chú thích {n}",
                breadcrumb=[*crumbs, short(text)],
                pages=[note.page] if note.page else [],
                parent_id=clause.id,
                order=len(clauses),
                access=access,
            )
            clauses.append(fn)
            clause.children.append(fn.id)
        child_inherit = {k: v for k, v in fields.items() if k == "year"}
        crumb = _unmark(text.split("\n")[0] if kind != "appendix" else text)
        child_crumbs = [*crumbs, short(crumb.rstrip(" |") if node.style == "group" else crumb)]
        for child in node.children:
            visit(child, clause, child_crumbs, child_inherit)

    for top in root.children:
        visit(top, None, [], {})
    _orphan_notes(clauses, footnotes, prefix, make_id)
    return clauses


def _orphan_notes(
    clauses: list[Clause], footnotes: dict[int, Footnote], prefix: list[Clause], make_id: Any
) -> None:
    """Notes whose marker sits in the heading block ("ÁN LỆ SỐ 69/2023/AL¹": who proposed the
    precedent) belong to the header: without this they would be lost to search."""
    cited = {note for c in clauses for note in c.footnotes}
    owner = prefix[0] if prefix else None
    for n, note in sorted(footnotes.items()):
        if note.text in cited:
            continue
        locator = f"{owner.locator} · chú thích {n}" if owner else f"chú thích {n}"
        fn = Clause(
            id=make_id(locator),
            doc_id=owner.doc_id if owner else clauses[0].doc_id if clauses else "",
            source=owner.source if owner else clauses[0].source if clauses else "",
            locator=locator,
            kind="footnote",
            text=note.text,
            title=f"Chú thích {n}",
            pages=[note.page] if note.page else [],
            parent_id=owner.id if owner else None,
            order=len(clauses),
            access=owner.access if owner else clauses[0].access if clauses else "public",
        )
        clauses.append(fn)
        if owner is not None:
            owner.children.append(fn.id)
            owner.footnotes.append(note.text)


def furniture(
    doc_id: str, source: str, access: str, kind: str, locator: str, lines: list[Line], order: int
) -> Clause:
    """A clause outside the tree: the header block, the "Kính gửi" list."""
    return Clause(
        id=f"{doc_id}:{locator}",
        doc_id=doc_id,
        source=source,
        locator=locator,
        kind=kind,
        text="\n".join(ln.text for ln in lines),
        title="",
        pages=sorted({p for ln in lines for p in ln.pages}),
        order=order,
        access=access,
    )
