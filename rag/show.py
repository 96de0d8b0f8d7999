"""`policyqa show SOURCE`: a document's metadata and clause tree, from a file or the index."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.errors import PolicyQAError
from rag.records import Clause, Document
from rag.text import collapse_ws

SNIPPET_CHARS = 90

_META_LABELS = (
    ("doc_type", "type"),
    ("number", "number"),
    ("place", "place"),
    ("date", "date"),
    ("date_text", "date as written"),
    ("issuer", "issuer"),
    ("parent_issuer", "parent issuer"),
    ("title", "title"),
    ("subject", "subject"),
    ("recipients", "recipients"),
    ("distribution", "distribution"),
    ("signer_name", "signer"),
    ("signer_title", "signer title"),
    ("is_draft", "draft"),
    ("effective_date", "effective"),
    ("effective_text", "effective as written"),
    ("cited_documents", "cites"),
    ("uncertain", "OCR uncertain"),
)


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = collapse_ws(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_document(doc: Document) -> str:
    """Metadata block, then the clause tree indented by depth."""
    out = [f"{doc.source}  (id {doc.id}, {len(doc.clauses)} clauses, {doc.page_count} pages)"]
    meta = doc.meta.to_dict()
    for key, label in _META_LABELS:
        value = meta.get(key)
        if value in ("", [], None, False):
            continue
        if isinstance(value, list):
            out.append(f"  {label}:")
            out.extend(f"    - {item}" for item in value)
        else:
            out.append(f"  {label}: {value}")
    if doc.ocr_pages:
        out.append(f"  OCR pages: {', '.join(map(str, doc.ocr_pages))}")
    for warning in doc.warnings:
        out.append(f"  warning: {warning}")
    out.append("")
    by_id = {c.id: c for c in doc.clauses}
    for clause in doc.clauses:
        out.append(_render_clause(clause, _depth(clause, by_id)))
    return "\n".join(out)


def _depth(clause: Clause, by_id: dict[str, Clause]) -> int:
    depth = 0
    parent = clause.parent_id
    while parent and parent in by_id and depth < 50:
        depth += 1
        parent = by_id[parent].parent_id
    return depth


def _render_clause(clause: Clause, depth: int) -> str:
    pad = "  " * depth
    parts = [f"{pad}{clause.locator} [{clause.kind}]", _snippet(clause.text)]
    if clause.fields:
        parts.append("{" + ", ".join(f"{k}={v}" for k, v in clause.fields.items()) + "}")
    if clause.pages:
        parts.append(f"p.{','.join(map(str, clause.pages))}")
    if clause.footnotes:
        parts.append(f"({len(clause.footnotes)} footnotes)")
    return "  ".join(parts)


def load_target(target: str, index_dir: Path | str) -> Document:
    """A file path is loaded and parsed directly; anything else is looked up in the store (an
    index directory or a Milvus URI)."""
    path = Path(target)
    if path.is_file():
        from rag.loaders import load_file
        from rag.parser import parse_document

        return parse_document(load_file(path))
    from index.stores import location_of, open_reader

    store = open_reader(location_of(index_dir))
    doc = store.document_by_source(target)
    if doc is None:
        raise PolicyQAError(f"no such file or indexed source: {target}")
    return doc


def run_show(args: argparse.Namespace) -> int:
    doc = load_target(args.target, args.index_dir)
    if getattr(args, "json", False):
        json.dump(doc.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_document(doc) + "\n")
    return 0
