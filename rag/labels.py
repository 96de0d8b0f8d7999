"""A clause's place named for people: "Phần đầu văn bản", "Nơi nhận", "mục 4 phần II", never
the parser's internal locator ("header", "IV.8.-1").

Pure functions over `rag.records`. The formal words of a position come from
`rag.references.locator_words`; this module adds the names of the parts that have no number
(heading block, recipients, signature, the opening paragraph) and the short reference a
citation chip leads with: the position, then the document as people name it ("mục 4 phần II
Kế hoạch số 58/KH-UBND").
"""

from __future__ import annotations

from rag.records import Clause, Document, DocumentMeta
from rag.references import locator_words

# Parts of a document without a number, by the parser's locator (docs/parser.md).
UNNUMBERED: dict[str, str] = {
    "header": "Phần đầu văn bản",
    "kính gửi": "Kính gửi",
    "nơi nhận": "Nơi nhận",
    "chữ ký": "Chữ ký",
}
OPENING = "Đoạn mở đầu"
# Parts that name units and documents without saying anything of them: the heading block, the
# "Kính gửi" and "Nơi nhận" lists, the signature.
LISTING_KINDS = frozenset({"header", "recipients", "signature"})
# Clauses that frame a document rather than say something in it: they do not end its opening.
_FRAME_KINDS = frozenset({"header", "recipients", "paragraph", "footnote"})


def opening_paragraphs(clauses: list[Clause]) -> frozenset[str]:
    """Ids of the top-level paragraphs before the document's first part ("Thực hiện Kế hoạch số …")."""
    ids = []
    for clause in sorted(clauses, key=lambda c: c.order):
        if clause.kind not in _FRAME_KINDS:
            break
        if clause.kind == "paragraph" and not clause.parent_id:
            ids.append(clause.id)
    return frozenset(ids[:1])  # a letter's body is paragraphs too: only the first one opens it


def place(clause: Clause, *, opening: bool = False) -> str:
    """The clause's place in words: "Phần đầu văn bản", "Đoạn mở đầu", "điểm a khoản 1 Điều 3"."""
    base = clause.locator.split("#")[0].partition(" · ")[0].strip()
    if base in UNNUMBERED:
        return UNNUMBERED[base]
    if opening:
        return OPENING
    words = locator_words(clause.locator, clause.kind)
    if not words:
        return clause.locator
    extra = clause.locator.split("#")[0].partition(" · ")[2]
    if clause.kind == "field" and extra:  # "Mục 1 phần II · Cơ quan chủ trì"
        words += f" · {extra}"
    return words[:1].upper() + words[1:]


def tree_label(clause: Clause, *, opening: bool = False) -> str:
    """What a clause tree shows for a node: the printed numbering ("II.4.b", "Điều 3 khoản 1"),
    or the name of an unnumbered part."""
    base = clause.locator.split("#")[0].partition(" · ")[0].strip()
    if base in UNNUMBERED:
        return UNNUMBERED[base]
    if opening:
        return OPENING
    return clause.locator


def short_reference(clause: Clause, meta: DocumentMeta, *, opening: bool = False) -> str:
    """The reference a citation chip leads with: the position, then the document's short name
    ("gạch đầu dòng thứ 1 mục 8 phần IV Kế hoạch số 58/KH-UBND", "Chữ ký · Kế hoạch số …")."""
    base = clause.locator.split("#")[0].partition(" · ")[0].strip()
    document = meta.label()
    if base in UNNUMBERED or opening:
        return f"{place(clause, opening=opening)} · {document}"
    words = locator_words(clause.locator, clause.kind)
    return f"{words} {document}" if words else document


def citation_label(clause: Clause, doc: Document | None) -> str:
    """`short_reference` for a clause cited from ``doc`` (its clauses tell the opening paragraph;
    a document loaded without them, on a Milvus store, names it by number)."""
    if doc is None:
        return place(clause)
    opening = clause.kind == "paragraph" and clause.id in opening_paragraphs(doc.clauses)
    return short_reference(clause, doc.meta, opening=opening)
