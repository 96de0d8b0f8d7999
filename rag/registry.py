"""Units, tasks and document lineage of one index snapshot, as seen by one set of access levels.

Derived from what the parser already keeps (task fields, table columns, unit-headed sections, the
opening paragraphs). What each document contributes (``DocumentEntries``: its tasks, its typed
references, the order of its task clauses) depends on that document alone, so ingest computes it
once and keeps it with the index (``registry.json`` in an embedded generation, the ``registry``
collection on Milvus); a registry is then assembled from the entries of the documents a view may
read plus their metadata, without reading a clause. Entries of an older ``ENTRIES_VERSION`` (or
missing ones) are recomputed from the document, so a better rule applies without re-ingest.

A registry is built from the documents a view may read: a caller never sees a unit, task or edge
of a document above their level, and a cited document they may not read stays a bare number.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from rag.deadlines import deadline_in_text, parse_deadline
from rag.lineage import Reference, document_references, number_key
from rag.records import Clause, Document, Edge, TaskRef, Unit
from rag.text import collapse_ws, fold
from rag.units import expand_abbreviations, is_collective, section_unit, split_units, unit_id, unit_key
from rag.vocabulary import LEGAL_DOC_TYPES

ROLE_FIELDS = (("lead_unit", "lead"), ("coordinating_units", "coordinating"))
# Reports tell what was done, not what is assigned: their unit sections are not tasks.
NO_SECTION_TYPES = frozenset({"Báo cáo"})
# A task's words as listed: long enough to hold what the duty is about past its opening verb.
TITLE_CHARS = 200
_PERIOD_HEADING = re.compile(r"^(?:thang|quy|nam)\s+[\divx]+\b")
_MARKER = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?\)?|[a-zđ]\)|[-+•*–])\s*")


def _year(doc: Document) -> int | None:
    m = re.match(r"((?:19|20)\d\d)", doc.meta.date or "")
    return int(m.group(1)) if m else None


def _title(clause: Clause) -> str:
    text = clause.title or clause.text
    if clause.kind == "table" and ": " in text:
        text = text.split(": ", 1)[0]  # "Rà soát …: Đơn vị chủ trì: …" -> the row's label
    text = _MARKER.sub("", collapse_ws(text))
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _short(text: str) -> str:
    text = _MARKER.sub("", collapse_ws(text))
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def dated_parts(text: str, year: int | None) -> list[tuple[str | None, str, Any]]:
    """(part, deadline words, range) per duty: "… sửa chữa nhà, hoàn thành trước ngày 31/12/2025; xây
    dựng lại nhà …, chậm nhất trước ngày 31/01/2026" is two duties with a deadline each (part None:
    the whole text is one duty)."""
    parts = [p for p in re.split(r";\s+", text) if p.strip()]
    dated = [(p, deadline_in_text(p, year)) for p in parts]
    if sum(d is not None for _, d in dated) >= 2:
        return [(p, *d) for p, d in dated if d is not None]
    stated = deadline_in_text(text, year)
    return [(None, *stated)] if stated else [(None, "", None)]


def _document_tasks(doc: Document) -> list[TaskRef]:
    year = _year(doc)
    by_id = {c.id: c for c in doc.clauses}
    children: dict[str, list[Clause]] = defaultdict(list)
    for c in sorted(doc.clauses, key=lambda c: c.order):
        if c.parent_id:
            children[c.parent_id].append(c)
    out: list[TaskRef] = []
    fielded: set[str] = set()
    for c in sorted(doc.clauses, key=lambda c: c.order):
        if c.kind == "field" or not any(k in c.fields for k, _ in ROLE_FIELDS):
            continue
        fielded.add(c.id)
        deadline = c.fields.get("deadline", "")
        found = parse_deadline(deadline, year) if deadline else None
        seen: set[str] = set()
        for key, role in ROLE_FIELDS:
            field_clause = next(
                (f for f in children.get(c.id, []) if f.kind == "field" and key in f.fields), c
            )
            for name in split_units(c.fields.get(key, "")):
                uid = unit_id(name)
                if uid and uid not in seen:
                    seen.add(uid)
                    out.append(_task(c, uid, name, role, deadline, found, field_clause.id, "fields"))
    if doc.meta.doc_type in NO_SECTION_TYPES | LEGAL_DOC_TYPES:
        return out
    for c in sorted(doc.clauses, key=lambda c: c.order):
        if c.kind not in ("heading", "item") or c.id in fielded:
            continue
        if any(a in fielded for a in _chain(c, by_id)):
            continue  # inside a task that has its own fields
        first = c.title or c.text.split("\n", 1)[0]
        found_unit = section_unit(first if c.title else c.text)
        if found_unit is None:
            continue
        name, rest = found_unit
        duties = [
            k
            for k in children.get(c.id, [])
            if k.kind in ("item", "heading", "paragraph")
            and not _PERIOD_HEADING.match(fold(k.title or k.text))
        ]
        if not duties and len(rest) < 15:
            continue
        for duty in duties or [c]:
            text = duty.text if duties else rest
            role = "coordinating" if re.match(r"^(?:[-+•]\s*)?phoi hop\b", fold(text)) else "lead"
            for part, deadline, found in dated_parts(text, year):
                # "Trung tâm Truyền thông, các cơ quan báo chí": each unit of the heading has the duty.
                for unit in split_units(name) or [name]:
                    task = _task(duty, unit_id(unit), unit, role, deadline, found, duty.id, "section")
                    if part is not None:
                        task.title = _short(part)
                    elif not duties:
                        task.title = _short(rest)
                    out.append(task)
    return out


def _chain(clause: Clause, by_id: dict[str, Clause]) -> list[str]:
    out, parent = [], by_id.get(clause.parent_id or "")
    while parent is not None:
        out.append(parent.id)
        parent = by_id.get(parent.parent_id or "")
    return out


def _task(
    c: Clause, uid: str, name: str, role: str, deadline: str, found: Any, cite: str, source: str
) -> TaskRef:
    return TaskRef(
        clause_id=c.id,
        doc_id=c.doc_id,
        locator=c.locator,
        title=_title(c),
        unit_id=uid,
        unit=name,
        role=role,
        deadline=deadline,
        due_from=found.start if found else None,
        due_to=found.end if found else None,
        recurring=found.recurring if found else None,
        annual=list(found.annual) if found else [],
        cite_id=cite,
        source=source,
    )


# Bump when what a document contributes changes (a new task rule): kept entries are recomputed.
ENTRIES_VERSION = 2


@dataclass
class DocumentEntries:
    """What one document contributes to a registry, from its own clauses alone."""

    content_hash: str  # of the document these entries were computed from
    tasks: list[TaskRef] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)  # task clause id -> its place in the document
    version: int = ENTRIES_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentEntries:
        return cls(
            content_hash=data.get("content_hash", ""),
            tasks=[TaskRef(**t) for t in data.get("tasks", [])],
            references=[Reference(**r) for r in data.get("references", [])],
            order={k: int(v) for k, v in data.get("order", {}).items()},
            version=int(data.get("version", 0)),
        )

    def fits(self, doc: Document) -> bool:
        """Computed by these rules from this very document (else recompute it)."""
        return self.version == ENTRIES_VERSION and self.content_hash == doc.content_hash


def document_entries(doc: Document) -> DocumentEntries:
    """A document's tasks, typed references and task clause order (pure; what ingest keeps)."""
    tasks = _document_tasks(doc)
    wanted = {t.clause_id for t in tasks}
    return DocumentEntries(
        content_hash=doc.content_hash,
        tasks=tasks,
        references=document_references(doc.clauses, doc.meta.number),
        order={c.id: c.order for c in doc.clauses if c.id in wanted},
    )


class Registry:
    """Units, their tasks and the documents' typed references, over some documents."""

    def __init__(
        self, documents: Iterable[Document], entries: Mapping[str, DocumentEntries] | None = None
    ) -> None:
        """Over ``documents``; ``entries`` (by document id) as kept at ingest. A document without
        fitting entries is read from its clauses: a store handing over documents without their
        clauses hands over fitting entries for every one of them (``Store.registry``)."""
        self.documents: dict[str, Document] = {d.id: d for d in documents}
        self.tasks: list[TaskRef] = []
        self.edges: list[Edge] = []
        self.order: dict[str, int] = {}  # task clause id -> its place in its document
        found = entries or {}
        per_doc: dict[str, DocumentEntries] = {}
        for doc in self.documents.values():
            kept = found.get(doc.id)
            per_doc[doc.id] = kept if kept is not None and kept.fits(doc) else document_entries(doc)
        names: dict[str, Counter[str]] = defaultdict(Counter)
        for entry in per_doc.values():
            self.order.update(entry.order)
            for task in entry.tasks:
                names[task.unit_id][task.unit] += 1
                self.tasks.append(task)
        self.units: dict[str, Unit] = {}
        self.by_unit: dict[str, list[TaskRef]] = defaultdict(list)
        for task in self.tasks:
            self.by_unit[task.unit_id].append(task)
        for uid, counts in names.items():
            ordered = [n for n, _ in counts.most_common()]
            tasks = self.by_unit[uid]
            self.units[uid] = Unit(
                id=uid,
                name=ordered[0],
                variants=ordered[1:],
                collective=is_collective(ordered[0]),
                lead=sum(t.role == "lead" for t in tasks),
                coordinating=sum(t.role == "coordinating" for t in tasks),
                documents=list(dict.fromkeys(t.doc_id for t in tasks)),
            )
        self._unit_keys = sorted(
            ((unit_key(n), uid) for uid, u in self.units.items() for n in [u.name, *u.variants]),
            key=lambda t: -len(t[0]),
        )
        self._build_edges({doc_id: e.references for doc_id, e in per_doc.items()})

    # --- queries -----------------------------------------------------------------------------
    def find_unit(self, text: str) -> Unit | None:
        """The unit a question names (longest name wins; abbreviations expanded)."""
        key = f" {unit_key(expand_abbreviations(text))} "
        for k, uid in self._unit_keys:
            if k and f" {k} " in key:
                return self.units[uid]
        return None

    def unit_tasks(
        self, uid: str, *, roles: set[str] | None = None, docs: set[str] | None = None
    ) -> list[TaskRef]:
        return [
            t
            for t in self.by_unit.get(uid, [])
            if (roles is None or t.role in roles) and (docs is None or t.doc_id in docs)
        ]

    def tasks_due(
        self,
        due_from: str | None,
        due_to: str | None,
        *,
        uid: str | None = None,
        docs: set[str] | None = None,
    ) -> list[TaskRef]:
        """Tasks whose deadline (its end, or a yearly day) falls in [due_from, due_to]; both None: all."""
        from rag.deadlines import DateRange

        out = []
        for t in self.by_unit.get(uid, []) if uid else self.tasks:
            if docs is not None and t.doc_id not in docs:
                continue
            if due_from is None and due_to is None:
                out.append(t)
                continue
            if DateRange(t.due_from, t.due_to, t.recurring, tuple(t.annual)).ends_within(due_from, due_to):
                out.append(t)
        return out

    # --- lineage -----------------------------------------------------------------------------
    def _build_edges(self, references: dict[str, list[Reference]]) -> None:
        by_number = {
            number_key(d.meta.number): d.id
            for d in self.documents.values()
            if d.meta.number and not d.meta.number.startswith("/")
        }
        for doc_id, refs in references.items():
            for ref in refs:
                target = by_number.get(number_key(ref.number), "")
                self.edges.append(
                    Edge(
                        source=doc_id,
                        relation=ref.relation,
                        target=target if target != doc_id else "",
                        target_label=ref.label,
                        target_number=ref.number,
                        target_type=ref.doc_type,
                        clause_id=ref.clause_id,
                        text=ref.text,
                    )
                )

    def outgoing(self, doc_id: str) -> list[Edge]:
        return [e for e in self.edges if e.source == doc_id]

    def incoming(self, doc_id: str) -> list[Edge]:
        return [e for e in self.edges if e.target == doc_id]

    def citing(self, doc_type: str, number: str) -> list[Edge]:
        """Edges to a document named by type and number ("nghi quyet", "57-nq/tw"), in the corpus or not."""
        key = number_key(number)
        head = re.match(r"\d+", key)
        out = []
        for e in self.edges:
            ekey = number_key(e.target_number)
            if ekey == key or (
                head is not None
                and re.match(r"\d+", ekey)
                and re.match(r"\d+", ekey).group(0) == head.group(0)  # type: ignore[union-attr]
                and fold(e.target_type) == fold(doc_type)
                and ("/" not in key or ekey.split("/", 1)[-1] == key.split("/", 1)[-1])
            ):
                out.append(e)
        return out
