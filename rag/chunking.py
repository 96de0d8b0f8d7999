"""Bounded clauses: what one document may cost the index, applied to a parsed Document.

The parser keeps a document's structure, whatever its size: a text without markers becomes one
clause, however long, and a file of nested headings becomes thousands of clauses whose
breadcrumbs grow with the depth. Indexing cost grows with both (segmentation, BM25 context,
embedding), so after parsing

- a clause longer than ``max_clause_chars`` is split at sentence bounds, else at spaces, else
  hard (as any chunker does); the first part keeps the clause's id, the others get ``~n``;
- breadcrumbs keep their last ``MAX_BREADCRUMB`` headings;
- a document whose words are mostly one word repeated, or that would still have more than
  ``max_clauses`` clauses, is refused with the reason (``LimitExceededError``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from rag.errors import LimitExceededError
from rag.records import Clause, Document

ENV_MAX_CLAUSE_CHARS = "POLICYQA_MAX_CLAUSE_CHARS"
ENV_MAX_CLAUSES = "POLICYQA_MAX_CLAUSES"
# Above the corpus's longest clause (≈ 2,600 characters), so real clauses keep their ids;
# the embedder truncates at its window anyway (E5Embedder.max_tokens).
MAX_CLAUSE_CHARS = 3000
MAX_CLAUSES = 5000
MAX_BREADCRUMB = 8
# One word making up more than this share of a long text: a dump, not a document.
MAX_SAME_WORD_SHARE = 0.5
MIN_WORDS_FOR_SHARE = 2000

_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+|\n+")


def split_text(text: str, max_chars: int) -> list[str]:
    """``text`` in pieces of at most ``max_chars``: at sentence ends, else at spaces, else hard."""
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s.strip()):
        for part in _split_long(sentence.strip(), max_chars):
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def _split_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    out: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        cut = rest.rfind(" ", 0, max_chars + 1)
        if cut <= 0:
            cut = max_chars  # one "word" longer than a clause: cut it
        out.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        out.append(rest)
    return [p for p in out if p]


def check_degenerate(doc: Document) -> None:
    """Refuse a long text that is mostly one word repeated (it would index as noise)."""
    counts: Counter[str] = Counter()
    for clause in doc.clauses:
        counts.update(clause.text.casefold().split())
    total = sum(counts.values())
    if total < MIN_WORDS_FOR_SHARE:
        return
    word, n = counts.most_common(1)[0]
    if n > MAX_SAME_WORD_SHARE * total:
        raise LimitExceededError.of(
            "file.one_word", source=doc.source, share=f"{n / total:.0%}", total=total, word=repr(word[:40])
        )


def bound_clauses(
    doc: Document, *, max_clause_chars: int = MAX_CLAUSE_CHARS, max_clauses: int = MAX_CLAUSES
) -> Document:
    """``doc`` with every clause at most ``max_clause_chars`` long (a copy only when something changed)."""
    check_degenerate(doc)
    changed = False
    out: list[Clause] = []
    added: dict[str, list[str]] = {}  # parent id -> ids of the parts that join its children
    for clause in sorted(doc.clauses, key=lambda c: c.order):
        crumbs = clause.breadcrumb[-MAX_BREADCRUMB:]
        if len(crumbs) != len(clause.breadcrumb):
            clause = replace(clause, breadcrumb=list(crumbs))
            changed = True
        parts = split_text(clause.text, max_clause_chars)
        if len(parts) == 1:
            out.append(clause)
            continue
        changed = True
        out.append(replace(clause, text=parts[0]))
        for n, part in enumerate(parts[1:], start=2):
            if clause.parent_id:
                added.setdefault(clause.parent_id, []).append(f"{clause.id}~{n}")
            out.append(
                replace(
                    clause,
                    id=f"{clause.id}~{n}",
                    locator=f"{clause.locator} · đoạn {n}",
                    text=part,
                    children=[],
                    fields={},
                    footnotes=[],
                )
            )
        if len(out) > max_clauses:
            break
    if len(out) > max_clauses:
        raise LimitExceededError.of(
            "file.too_many_clauses", source=doc.source, limit=max_clauses, setting=ENV_MAX_CLAUSES
        )
    if not changed:
        return doc
    for order, clause in enumerate(out):
        clause.order = order
        if clause.id in added:
            clause.children = [*clause.children, *added[clause.id]]
    return replace(doc, clauses=out)
