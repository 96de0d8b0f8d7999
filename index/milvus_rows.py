"""Pure: what a document becomes in Milvus (clause rows) and what it adds to the statistics."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from index.corpus_stats import document_counts, field_lengths
from index.embedders import embedding_text
from index.lexical import BM25Params, text_hash
from index.milvus_base import DUMMY_DIM, clause_access
from index.sparse import document_vector, field_bags, term_id
from index.store import document_label, indexable, iso_date, lexical_parts
from rag.records import Clause, Document
from rag.text import fold

# Milvus wants one non-zero weight in a sparse vector; no query term has this key.
EMPTY_TERM = term_id("\x00empty")
# Characters of registry JSON per row: ASCII (non-ASCII escaped), so bytes = characters, under
# the 65,535 bytes of the row's VARCHAR.
REGISTRY_PART = 60_000


def registry_rows(doc_id: str, version: str, entries: dict[str, Any]) -> list[dict[str, Any]]:
    """A document's registry entries as rows of at most ``REGISTRY_PART`` characters of JSON."""
    text = json.dumps(entries, ensure_ascii=True, separators=(",", ":"))
    pieces = [text[i : i + REGISTRY_PART] for i in range(0, len(text), REGISTRY_PART)] or [""]
    return [
        {
            "pk": f"{doc_id}|{n}",
            "doc_id": doc_id,
            "version": version,
            "part": n,
            "parts": len(pieces),
            "text": piece,
            "vec": [0.0] * DUMMY_DIM,
        }
        for n, piece in enumerate(pieces)
    ]


def registry_entries(rows: list[dict[str, Any]], live: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Registry entries by document id from its rows of the live version, all parts present
    (anything else: a row of a version that never went live, or of a replaced one, is skipped)."""
    grouped: dict[str, dict[int, str]] = {}
    wanted: dict[str, int] = {}
    for r in rows:
        if r["version"] == live.get(r["doc_id"]):
            grouped.setdefault(r["doc_id"], {})[int(r["part"])] = r["text"]
            wanted[r["doc_id"]] = int(r["parts"])
    out = {}
    for doc_id, parts in grouped.items():
        if sorted(parts) == list(range(wanted[doc_id])):
            try:
                out[doc_id] = json.loads("".join(parts[n] for n in sorted(parts)))
            except ValueError:
                continue  # recomputed from the clauses
    return out


def contribution(doc: Document, clauses: list[Clause]) -> tuple[Counter[str], dict[str, int], Counter[str]]:
    """(statistics per level and key, BM25 field lengths, clause and text counts per level)."""
    label = document_label(doc)
    parts = [(c, lexical_parts(c, label)) for c in clauses if indexable(c)]
    lengths: Counter[str] = Counter()
    for _, lex in parts:
        lengths.update(field_lengths(lex))
    sized: Counter[str] = Counter()
    for c in clauses:
        level = clause_access(c, doc)
        sized[f"{level}|clauses"] += 1
        sized[f"{level}|texts"] += int(indexable(c))
    sized[f"{doc.access}|documents"] += 1
    counts = document_counts(doc, parts, lambda c: clause_access(c, doc))
    return counts, dict(lengths), sized


def text_hashes(doc: Document, ordered: list[Clause]) -> dict[str, str]:
    """Per indexable clause, the hash of the text it is embedded from (vectors are reused by it)."""
    label = document_label(doc)
    return {c.id: text_hash(embedding_text(c, label)) for c in ordered if indexable(c)}


def clause_rows(
    doc: Document,
    ordered: list[Clause],
    version: str,
    params: BM25Params,
    avgdl: dict[str, float],
    shas: dict[str, str],
    vectors: dict[str, list[float]],
    reuse: dict[str, list[float]],
    placeholder: list[float],
) -> list[dict[str, Any]]:
    """The clauses collection's rows of one document version: a clause without a vector yet (in
    ``vectors`` by id or ``reuse`` by its text hash in ``shas``) gets the placeholder and
    ``dense_ready`` false."""
    label = document_label(doc)
    meta = doc.meta
    rows = []
    for pos, c in enumerate(ordered):
        if not indexable(c):
            continue
        text, context = lexical_parts(c, label)
        sparse = document_vector(field_bags(text, context), avgdl, params) or {EMPTY_TERM: 1e-6}
        vector = vectors.get(c.id) or reuse.get(shas[c.id])
        rows.append(
            {
                "pk": f"{version}|{c.id}",
                "clause_id": c.id,
                "doc_id": doc.id,
                "version": version,
                "pos": pos,
                "access": clause_access(c, doc),
                "doc_type": fold(meta.doc_type),
                "source": doc.source,
                "issuer": fold(f"{meta.issuer} {meta.parent_issuer}"),
                "date": meta.date,
                "iso_date": iso_date(meta.date),
                "text_sha": shas[c.id],
                "dense": vector or placeholder,
                "dense_ready": vector is not None,
                "sparse": sparse,
                "data": c.to_dict(),
            }
        )
    return rows
