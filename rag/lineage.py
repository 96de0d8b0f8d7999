"""Document lineage: the references a document makes, typed by the words that introduce them.

Pure functions. "Căn cứ Nghị định số 27/2022/NĐ-CP …" -> based_on; "Thực hiện Quyết định số
1169/QĐ-TTg …", a title "Triển khai thực hiện Chương trình … Nghị quyết số 57-NQ/TW" ->
implements; "(Kèm theo Quyết định số 12/QĐ-UBND …)" -> attached_to; "… thay thế Quyết định số
…" -> replaces; "sửa đổi, bổ sung … Nghị định số …" -> amends. The introducing words are data in
``rag.vocabulary.REFERENCE_RELATIONS``; the last of them before a citation (in the same
sentence) names its relation, and a citation joined to the previous one by "và"/","
shares it. Only where a document states its own lineage is read: its heading block (title,
"Kèm theo") and the opening paragraphs before its first heading, plus any sentence saying
"… này thay thế / sửa đổi …"; a plan's reports of others' work ("đã tham mưu ban hành Kế hoạch
số …") are mentions, not lineage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.normalize import fold_keep
from rag.parser.meta import RE_CITED
from rag.records import Clause
from rag.text import collapse_ws
from rag.vocabulary import DOC_TYPES, REFERENCE_RELATIONS

RELATION_LABELS = {key: label for key, (label, _) in REFERENCE_RELATIONS.items()}
_TRIGGERS = sorted(
    ((words, key) for key, (_, all_words) in REFERENCE_RELATIONS.items() for words in all_words),
    key=lambda t: -len(t[0]),
)
_TRIGGER = re.compile(r"\b(" + "|".join(re.escape(w) for w, _ in _TRIGGERS) + r")\b")
_TRIGGER_KEY = dict(_TRIGGERS)
# "Quyết định này thay thế …", "… sửa đổi, bổ sung một số điều của …": anywhere in the body.
# (An article headed "Sửa đổi, bổ sung … Luật số …" in an amending law counts too.)
_SELF_CHANGE = re.compile(
    r"\b(?:quyet dinh|nghi dinh|thong tu|nghi quyet|luat|chi thi|ke hoach|van ban|quy dinh) nay\b"
    r"[^.;]{0,80}?\b(?:thay the|sua doi)\b|^(?:dieu \d+\.\s*)?(?:sua doi|thay the)\b"
)
# "Luật Tổ chức chính quyền địa phương số 72/2025/QH15": a law is named by its title before its number.
RE_NAMED_LAW = re.compile(
    # Linear on long runs of spaces: the name may borrow at most 4 of the spaces after "luật" (no
    # match ever needs more), and the spaces around "số" are taken whole.
    r"\b(?P<type>luat)\s+(?!\s{5})[^\d;.()]{3,90}?\s++so\s++(?P<num>\d{1,4}/\d{4}/qh\d{1,2})\b(?P<date>)"
)
_CHANGE_WORDS = re.compile(r"thay\s+th|s[ửưu]a\s+[đd][ổôo]i|h[ếe]t\s+hi[ệe]u\s+l[ựu]c", re.IGNORECASE)
# "Thông tư số 40/2020/TT-BTTTT … hết hiệu lực từ ngày Thông tư này có hiệu lực": the document
# takes the cited one's place (its effect article), said after the citation.
_EXPIRES_WITH_THIS = re.compile(
    r"^[^.;]{0,300}?\bhet hieu luc\b[^.;]{0,80}?"
    r"\b(?:quyet dinh|nghi dinh|thong tu|nghi quyet|luat|chi thi|ke hoach|van ban|quy dinh) nay\b"
)
WINDOW = 160  # characters before a citation searched for its introducing words


@dataclass(frozen=True)
class Reference:
    relation: str  # a key of REFERENCE_RELATIONS
    doc_type: str  # "Quyết định"
    number: str  # "1169/QĐ-TTg" as printed
    label: str  # "Quyết định số 1169/QĐ-TTg ngày 16 tháng 6 năm 2025"
    clause_id: str  # the clause that states it
    text: str  # the sentence that states it, as printed (trimmed)


def number_key(number: str) -> str:
    """Comparison form of a document number: folded, no spaces, one dash ("58/kh-ubnd")."""
    return re.sub(r"-{2,}", "-", re.sub(r"\s+", "", fold_keep(number))).strip("-/")


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start), text.rfind(";", 0, start), text.rfind("\n", 0, start)) + 1
    stop = [i for i in (text.find(". ", end), text.find(";", end), text.find("\n", end)) if i >= 0]
    hi = min(stop) if stop else len(text)
    sentence = collapse_ws(text[lo:hi])
    return sentence if len(sentence) <= 400 else sentence[:399].rstrip() + "…"


def _sentence_start(folded: str, at: int) -> str:
    lo = max(folded.rfind(". ", 0, at), folded.rfind(";", 0, at), folded.rfind("\n", 0, at)) + 1
    return folded[lo:at].lstrip(" -+")


def references_in(clause: Clause, own_number: str, *, body: bool) -> list[Reference]:
    """The typed references of one clause; with ``body`` only "này thay thế/sửa đổi" sentences count."""
    text = clause.text
    if body and not _CHANGE_WORDS.search(text):
        return []  # cheap test first: most body clauses state no change
    folded = fold_keep(text)
    change = _SELF_CHANGE.search(folded) if body else None
    expiring = body and "het hieu luc" in folded
    if body and change is None and not expiring:
        return []
    own = number_key(own_number) if own_number and not own_number.startswith("/") else ""
    out: list[Reference] = []
    previous_end, previous_relation = 0, ""
    cited = list(RE_CITED.finditer(folded))
    spans = [(m.start(), m.end()) for m in cited]
    cited += [m for m in RE_NAMED_LAW.finditer(folded) if not any(a <= m.start("num") < b for a, b in spans)]
    for m in sorted(cited, key=lambda m: m.start()):
        window = folded[max(previous_end, m.start() - WINDOW) : m.start()]
        triggers = list(_TRIGGER.finditer(window))
        relation = _TRIGGER_KEY[triggers[-1].group(1)] if triggers else ""
        if not relation and previous_relation and re.fullmatch(r"[^.;:]{0,80}", window):
            joined = re.search(r"(?:,|\bva\b)\s*$", window) or len(window.strip()) <= 3
            relation = previous_relation if joined else ""
        if change is not None:
            # The relation the document states of itself ("Nghị định này thay thế các Nghị định
            # sau: A; B"), for the citations after it in that passage; the rest are mentions.
            inside = m.start() > change.start() and ". " not in folded[change.end() : m.start()]
            relation = ("replaces" if "thay the" in change.group(0) else "amends") if inside else ""
        elif body:
            relation = ""
        if expiring and not relation and _EXPIRES_WITH_THIS.match(folded[m.end() :]):
            relation = "replaces"
        if (
            not body
            and relation in ("replaces", "amends")
            and _sentence_start(folded, m.start()).startswith("can cu")
        ):
            relation = "based_on"  # "Căn cứ Luật … đã được sửa đổi, bổ sung bởi Luật số …": both are bases
        number = re.sub(r"-{2,}", "-", re.sub(r"\s+", "", text[m.start("num") : m.end("num")]))
        previous_end, previous_relation = m.end(), relation
        if not relation or (own and number_key(number) == own):
            continue
        kind = DOC_TYPES[" ".join(m.group("type").split())]
        label = f"{kind} số {number}"
        if m.groupdict().get("date"):
            label += f" ngày {collapse_ws(text[m.start('date') : m.end('date')])}"
        out.append(Reference(relation, kind, number, label, clause.id, _sentence(text, m.start(), m.end())))
    return out


def document_references(clauses: list[Clause], own_number: str) -> list[Reference]:
    """A document's typed references, one per (relation, cited number), in reading order."""
    ordered = sorted(clauses, key=lambda c: c.order)
    first_body = next(
        (i for i, c in enumerate(ordered) if c.kind in ("heading", "item", "table")), len(ordered)
    )
    found: dict[tuple[str, str], Reference] = {}
    for i, clause in enumerate(ordered):
        if clause.kind in ("signature", "recipients", "footnote"):
            continue
        opening = clause.kind == "header" or (i < first_body and clause.kind == "paragraph")
        for ref in references_in(clause, own_number, body=not opening):
            key = (ref.relation, number_key(ref.number))
            if key not in found or (" ngày " in ref.label and " ngày " not in found[key].label):
                found[key] = ref
    return list(found.values())
