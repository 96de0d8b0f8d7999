"""`policyqa show SOURCE`: a document's metadata and clause tree, from a file or the index."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag import messages
from rag.errors import PolicyQAError
from rag.records import Clause, Document
from rag.text import collapse_ws

SNIPPET_CHARS = 90

# Metadata fields as a person names them (the clause tree below keeps the parser's own names:
# this command is for checking the parse).
_META_LABELS = (
    ("doc_type", "loại văn bản"),
    ("number", "số"),
    ("place", "địa danh"),
    ("date", "ngày"),
    ("date_text", "ngày như ghi"),
    ("issuer", "cơ quan ban hành"),
    ("parent_issuer", "cơ quan chủ quản"),
    ("title", "tên văn bản"),
    ("subject", "trích yếu"),
    ("recipients", "kính gửi"),
    ("distribution", "nơi nhận"),
    ("signer_name", "người ký"),
    ("signer_title", "chức vụ người ký"),
    ("is_draft", "dự thảo"),
    ("effective_date", "hiệu lực"),
    ("effective_text", "hiệu lực như ghi"),
    ("cited_documents", "văn bản được dẫn"),
    ("uncertain", "nhận dạng chữ (OCR) chưa chắc"),
)


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = collapse_ws(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_document(doc: Document) -> str:
    """Metadata block, then the clause tree indented by depth."""
    out = [f"{doc.source}  (mã {doc.id}, {len(doc.clauses)} điều khoản, {doc.page_count} trang)"]
    meta = doc.meta.to_dict()
    for key, label in _META_LABELS:
        value = meta.get(key)
        if value in ("", [], None, False):
            continue
        if value is True:
            value = "có"
        elif key in ("date", "effective_date"):
            value = messages.date(str(value))
        elif key == "uncertain":  # field names: said with their labels
            names = dict(_META_LABELS)
            value = [names.get(str(field), str(field)) for field in value]
        if isinstance(value, list):
            out.append(f"  {label}:")
            out.extend(f"    - {item}" for item in value)
        else:
            out.append(f"  {label}: {value}")
    if doc.ocr_pages:
        out.append(f"  trang nhận dạng chữ (OCR): {', '.join(map(str, doc.ocr_pages))}")
    for warning in doc.warnings:
        out.append(f"  cảnh báo: {warning}")
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
        parts.append(f"tr.{','.join(map(str, clause.pages))}")
    if clause.footnotes:
        parts.append(f"({len(clause.footnotes)} chú thích)")
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
        raise PolicyQAError.of("show.missing", target=target)
    return doc


def run_show(args: argparse.Namespace) -> int:
    doc = load_target(args.target, args.index_dir)
    if getattr(args, "json", False):
        json.dump(doc.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_document(doc) + "\n")
    return 0
