"""Pure parser: LoadedFile -> Document (metadata + clause tree) for Vietnamese policy texts.

Three zones are read in turn:

* the heading block at the top (``header``): issuer, "Số:", place and date, "V/v", type title,
  title, "Kính gửi", read on physical lines because its layout is columnar;
* the body (``tree``), read on re-joined logical lines with a stack of open headings; task
  fields (``fields``) and tables (``tables``) hang under their task or appendix;
* the closing (``signature``): "Nơi nhận" and the signature block.

``emit`` turns the working tree into Clause records; ``meta`` reads what the heading block
lacked from the body. Markers are matched on a folded copy of each line with OCR-tolerant
alternatives, but the clause text is always the source text: citations must quote it faithfully.
"""

from __future__ import annotations

import hashlib
import re

from rag import messages
from rag.normalize import full_width, join_lines, normalize_pages
from rag.parser.emit import emit, furniture, split_heading_paragraphs
from rag.parser.header import header_cells, ocr_code_letters, scan_header, split_issuers, title_case_body
from rag.parser.meta import cited_documents, effective_date, infer_missing
from rag.parser.provenance import confirm_day, confirm_number
from rag.parser.signature import list_items, signer
from rag.parser.tree import Builder, feed_body
from rag.records import Document, DocumentMeta, LoadedFile
from rag.text import collapse_ws

__all__ = ["document_id", "parse_document", "title_case_body"]


def document_id(source: str) -> str:
    """Stable id from the source path: a short sha1, so re-ingesting keeps ids."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


UNCERTAIN_LABELS = {"number": "số hiệu", "date": "ngày ban hành"}


def uncertain_fields(meta: DocumentMeta, words: list[str]) -> list[str]:
    """Header fields whose digits include a word OCR read with low confidence."""
    runs = {r for w in words for r in re.findall(r"\d+", w)}
    if not runs:
        return []
    out = []
    for name, value in (("number", meta.number), ("date", meta.date_text)):
        if value and runs & set(re.findall(r"\d+", value)):
            out.append(name)
    return out


def parse_document(loaded: LoadedFile, *, access: str = "public") -> Document:
    """Parse a loaded file into metadata and a clause tree. Never raises on odd text."""
    doc_id = document_id(loaded.source)
    norm = normalize_pages(loaded.pages)
    physical = header_cells(norm.lines)
    width = full_width(physical)
    header = scan_header(physical)
    builder = Builder()
    feed_body(builder, physical[header.end :], width)

    prefix = []
    if header.header_lines:
        prefix.append(furniture(doc_id, loaded.source, access, "header", "header", header.header_lines, 0))
    if header.recipient_lines:
        joined = join_lines(header.recipient_lines, width)
        prefix.append(furniture(doc_id, loaded.source, access, "recipients", "kính gửi", joined, len(prefix)))
    split_heading_paragraphs(builder.root)
    clauses = emit(builder.root, doc_id, loaded.source, access, norm.footnotes, prefix)

    body_text = "\n".join(c.text for c in clauses)
    header_pages = {n for ln in header.header_lines for n in ln.pages} or {1}
    header_ocr = any(p.ocr for p in loaded.pages if p.number in header_pages)
    meta = DocumentMeta(
        doc_type=header.doc_type or header.numbered_type,
        number=ocr_code_letters(header.number) if header_ocr else header.number,
        place=header.place,
        date=header.date,
        date_text=header.date_text,
        title=collapse_ws(" ".join(header.title_lines)),
        is_draft=bool(norm.stamps),
    )
    meta.issuer, meta.parent_issuer = split_issuers(header.issuer_lines)
    subject = collapse_ws(" ".join(header.subject_lines))
    meta.subject = subject or meta.title
    # A letter's "V/v …" subject is what it is about: its title where it prints no other, so
    # every clause is indexed with it and questions naming it find the document.
    meta.title = meta.title or subject
    recipients = next((c for c in clauses if c.locator == "kính gửi"), None)
    if recipients is not None:
        meta.recipients = list_items(recipients.text)
    distribution = next((c for c in clauses if c.kind == "recipients" and c.locator == "nơi nhận"), None)
    if distribution is not None:
        meta.distribution = list_items(distribution.text)
    sig = next((c for c in clauses if c.kind == "signature"), None)
    meta.signer_name, meta.signer_title = signer(sig)
    infer_missing(meta, body_text, bool(header.subject_lines), recipients is not None)
    meta.cited_documents = cited_documents(body_text, meta.number)
    effective_date(meta, clauses)
    warnings = list(loaded.warnings)
    # Only doubtful words printed in the header block count: a body line's "18/02/11998" read
    # with low confidence says nothing about the number "02-KH/NBCQ" above it.
    header_text = "\n".join(ln.text for ln in header.header_lines)
    doubtful = [w for p in loaded.pages if p.number in header_pages for w in p.uncertain if w in header_text]
    meta.uncertain = uncertain_fields(meta, doubtful)
    if header_ocr:
        readings = next((p.readings for p in loaded.pages if p.number in header_pages and p.readings), {})
        confirm_number(meta, loaded.source, readings.get("number", ""))
        confirm_day(meta, readings.get("day", ""))
    for name in meta.uncertain:
        value = meta.number if name == "number" else meta.date_text
        warnings.append(messages.text("ocr.uncertain_field", field=UNCERTAIN_LABELS[name], value=value))
    return Document(
        id=doc_id,
        source=loaded.source,
        content_hash=loaded.content_hash,
        meta=meta,
        clauses=clauses,
        page_count=len([p for p in loaded.pages if p.number]),
        ocr_pages=[p.number for p in loaded.pages if p.ocr],
        warnings=warnings,
        access=access,
    )
