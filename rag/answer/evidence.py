"""Evidence scoring shared by the strategies: which retrieved clause, and which passage of it,
says what the question asks; lists under headings; the organisation a bullet belongs to."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rag.answer.corpus import CorpusView, Passage, coverage, phrase_coverage
from rag.answer.text import (
    SENTENCE_SPLIT,
    asked_figure,
    counts_asked_noun,
    date_follows_phrase,
    defines_asked,
    figure_follows_phrase,
    fills_number_slot,
    negates_asked,
    period_conflict,
)
from rag.answer.weights import EVIDENCE_WEIGHTS, PASSAGE_WEIGHTS
from rag.matching import TextTerms
from rag.questions import QueryTerms, Question
from rag.records import Clause, Hit
from rag.text import collapse_ws, fold
from rag.values import (
    dates_in,
    mentions_date,
    named_periods,
    ordinals,
    ordinals_conflict,
    periods_agree,
    row_label,
)
from rag.vocabulary import ORGANISATION_HEADS, RESIDUAL_CASE_PHRASES

ORG_HEAD = re.compile(
    # "2.9. Đề nghị Liên đoàn Lao động tỉnh": units outside the issuer's command are asked, not told
    r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))?\s*(?:(?:Đề nghị|Giao|Yêu cầu)\s+)?((?:"
    + "|".join(sorted(map(re.escape, ORGANISATION_HEADS), key=len, reverse=True))
    + r")\b.*)$",
    re.IGNORECASE,
)


DOCUMENT_PARTS = frozenset({"header", "signature", "recipients"})
_DOCUMENT_SLOTS = frozenset({"signer", "recipient", "document_number", "date"})
# What a document says of itself and of the documents it rests on (its number, date, issuer,
# signer, recipients, basis): the only questions its header block and its preamble answer.
_DOCUMENT_FACT_CUES = frozenset({"issuing", "in_effect", "lineage", "asks_basis", "documents_signed"})


def _row_named(intent: Question, clause: Clause, folded: str) -> bool | None:
    """Whether a table row is the one the question names by its label ("bước 3", "nhóm 2"): True
    for that row, False for a row labelled by the same word and another number, None otherwise."""
    if clause.kind != "table" or not intent.constraints.numbered:
        return None
    label = row_label(folded)
    if label is None:
        return None
    asked = {n for w, n in intent.constraints.numbered if w == label[0]}
    return (label[1] in asked) if asked else None


def only_issue_date(view: CorpusView, clause: Clause, question: Question) -> bool:
    """A header whose only dates are its document's own issue date, for a date question that
    does not ask it (not issued, signed or in effect, no document named by its number): "buổi
    tập huấn diễn ra lúc nào" asks the event's day. A header that also narrates ("Hội nghị …
    tổ chức ngày 26/11/2025", a first paragraph read into it) may still answer."""
    if clause.kind != "header" or question.slot != "date" or question.cues & _DOCUMENT_FACT_CUES:
        return False
    if question.document.numbers:
        return False
    doc = view.documents.get(clause.doc_id)
    issued = dates_in(fold(doc.meta.date_text)) if doc else set()
    return bool(issued) and dates_in(view.folded[clause.id]) <= issued


def asks_document_fact(question: Question) -> bool:
    """Whether a header block or a preamble ("Thực hiện …", "Căn cứ …") may answer the question: it
    asks a fact of the document or of a document it cites (named by its number)."""
    return (
        question.slot in _DOCUMENT_SLOTS
        or bool(question.cues & _DOCUMENT_FACT_CUES)
        or bool(question.document.numbers)
    )


_CONTENT_SLOTS = frozenset({"lead_unit", "coordinating_unit", "acting_unit", "deadline", "figure", "target"})
DEADLINE_CUE = re.compile(
    r"\b(truoc|cham nhat|han chot|thoi han|hoan thanh|dinh ky|hang thang|hang nam|hang quy|hang tuan|moi thang)\b"
)
# The verbs that state a unit's role in a task, by the slot that asks for it.
_ROLE_WORDS = {
    "lead_unit": re.compile(r"\b(chu tri|thuc hien|dau moi|chiu trach nhiem)\b"),
    "coordinating_unit": re.compile(r"\bphoi hop\b"),
}


# The role a unit's duty opens with, after its list marker and up to a few words of its name.
_ROLE_OPENING = re.compile(
    r"^(?:[-+•]|\d{1,2}(?:\.\d{1,2})*\.?|[ivxlc]{1,5}\.|[a-zđ]\))?\s*(?:[\w,&-]+\s+){0,10}?(chu tri|phoi hop)\b"
)
_ROLE_OPENS = {"lead_unit": "chu tri", "coordinating_unit": "phoi hop"}


# A body named in a text: an organisation's head word and a capitalised name after it ("Sở Tài
# chính", "Ban quản lý Khu Kinh tế", "UBND tỉnh"); "các cơ quan" names none.
_BODY_NAMED = re.compile(
    r"\b(?:"
    + "|".join(sorted((re.escape(h) for h in ORGANISATION_HEADS if h != "Các"), key=len, reverse=True))
    + r")(?:\s+[a-zđà-ỹ]+){0,3}\s+(?:[A-ZĐ]|tỉnh\b|thành phố\b|huyện\b|xã\b|phường\b)"
)
# A heading closing on the bodies it stands for: "Các cơ quan đăng ký đầu tư (Sở …, Ban quản lý …):".
_BODIES_LISTED = re.compile(r"\(([^()]{10,400})\)\s*:?\s*$")


def _lists_bodies(head: str) -> bool:
    """Whether a long heading names the bodies it stands for in brackets at its end: its points
    are their duties, however long the list of names."""
    m = _BODIES_LISTED.search(head)
    return bool(m) and len(head) <= 500 and bool(_BODY_NAMED.search(m.group(1)))


# A statement of what the text is for: "để …", "nhằm …", "mục tiêu: …", opening the passage (after
# a marker) or a statement of it ("Căn cứ …; để khẩn trương …, bảo đảm …, Thủ tướng yêu cầu:"),
# not "để" inside an act ("triển khai ngay … để huy động …").
_PURPOSE_OPENS = re.compile(
    r"(?:^|[;:]\s*)(?:[-+•]|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\))?\s*(?:de|nham|voi muc tieu|muc tieu|muc dich)\s"
)


# A rule's residual case ("b) 10 năm đối với hành vi vi phạm không thuộc trường hợp quy định tại
# điểm a"): what "the other cases" of a question are (rag.vocabulary.RESIDUAL_CASE_PHRASES).
_RESIDUAL_CASE = re.compile(r"\b(?:" + "|".join(RESIDUAL_CASE_PHRASES) + r")")


@dataclass
class Candidate:
    clause: Clause
    score: float
    support: float
    passage: str = ""  # the clause's best passage for the question
    features: dict[str, float] = field(default_factory=dict)  # named evidence features (EVIDENCE_WEIGHTS)


def best_docs(affinity: Mapping[str, float], candidates: Iterable[str]) -> list[str]:
    """The candidate documents the question matches best (ties kept)."""
    cands = [d for d in candidates if d in affinity]
    if not cands:
        return []
    top = max(affinity[d] for d in cands)
    return [d for d in cands if affinity[d] >= top - 1e-9]


class Evidence:
    """Scores retrieved clauses as evidence for a question, over one corpus view."""

    def __init__(self, view: CorpusView) -> None:
        self.view = view
        self._section_owners: dict[str, set[str]] = {}  # doc id -> organisations heading its sections
        self._units: dict[str, set[str]] = {}  # doc id -> those and the units clauses open with

    def candidates(
        self,
        intent: Question,
        hits: list[Hit],
        affinity: Mapping[str, float],
        *,
        drop_terms: frozenset[str] = frozenset(),
        skip_kinds: frozenset[str] = frozenset(),
    ) -> list[Candidate]:
        """Retrieved clauses (and the items under retrieved headings), scored as evidence."""
        q_terms = intent.terms.without(drop_terms)
        q_numbers = set(intent.stated_numbers)
        # A length of time asked ("bao nhiêu ngày", "bao lâu") is answered by one: it counts as a figure.
        duration = "asks_duration" in intent.cues
        figure = intent.slot == "figure" or duration
        if duration:
            q_numbers = set(intent.stated_amounts)

        def values(p: Passage) -> frozenset[str]:
            return p.amounts if duration else p.numbers

        def values_of_durations(p: Passage) -> frozenset[str]:
            return p.amounts - p.numbers

        document_fact = asks_document_fact(intent)
        unit_figure = asked_figure(intent.figure_unit, intent.figure_measure)

        def barred(c: Clause) -> bool:
            # A header, signature or recipient list, or a preamble naming the documents this
            # one rests on, names no unit's task, deadline or figure (and an English question's
            # number matches the header only): it answers only what the document is.
            return c.kind in skip_kinds or (
                (c.kind in DOCUMENT_PARTS or c.id in self.view.preambles)
                and (
                    intent.english
                    or intent.slot in _CONTENT_SLOTS
                    or not document_fact
                    or only_issue_date(self.view, c, intent)
                )
            )

        # Ranks and the best score are taken among the clauses that may answer: a header that
        # tops the ranking on the document's own name (its title is the question's topic) would
        # otherwise push every body clause down a rank it never lost to an answer.
        admitted = [h for h in hits if not barred(h.clause)]
        top_score = max((h.score for h in admitted), default=0.0) or 1.0
        if intent.english:
            # Its words barely reach Vietnamese BM25: the dense ranking alone says which clause it is.
            by_dense = sorted(admitted, key=lambda h: -h.scores.get("dense", -1.0))
            dense_rank = {h.clause.id: i for i, h in enumerate(by_dense)}
        pool: list[tuple[Clause, float, int]] = []
        seen: set[str] = set()
        for rank, h in enumerate(admitted):
            if h.clause.id not in seen:
                retrieval = (
                    max(0.0, 1.0 - 0.1 * dense_rank[h.clause.id]) if intent.english else h.score / top_score
                )
                pool.append((h.clause, retrieval, rank))
                seen.add(h.clause.id)
            for child in self.view.children.get(h.clause.id, []):
                if child.id not in seen:
                    pool.append((child, 0.5 * h.score / top_score, rank + 1))
                    seen.add(child.id)
        # An organisation that heads its own section is the subject of every bullet there:
        # its name picks the section (below), so a sentence is not scored on repeating it.
        owners = {
            o for doc_id in {c.doc_id for c, _, _ in pool} for o in self.section_owners_named(intent, doc_id)
        }
        q_own = q_terms.without({w for o in owners for w in o.split()}) if owners else q_terms
        q_own = q_own or q_terms
        # "Ai là Ủy viên Thư ký …": the passage holding the title asked (a list names roles per line).
        title = re.compile(rf"\b{re.escape(intent.person_title)}\b") if intent.person_title else None
        out: list[Candidate] = []
        for c, retrieval, rank in pool:
            if barred(c):
                continue
            head = self.view.head_terms(c)

            def passage_score(p: Passage) -> float:
                w = PASSAGE_WEIGHTS
                value = w["own"] * coverage(self.view, q_own, p.terms) + w["phrase"] * phrase_coverage(
                    self.view, q_own, p.terms
                )
                if figure and values(p) - q_numbers:
                    value += w["figure"]
                if intent.slot in ("date", "deadline") and p.has_date:
                    value += w["date"]
                if title is not None and title.search(p.folded):
                    value += w["title"]  # "Ai là Ủy viên Thư ký": the line holding that title
                return value + w["defines"] * defines_asked(p.folded, intent.words)

            passages = self.view.passages(c)
            if not passages:
                continue
            best_passage = max(passages, key=passage_score)
            text, terms_ = best_passage.text, best_passage.terms
            support = coverage(self.view, q_terms, head, terms_)
            own = coverage(self.view, q_own, terms_)
            phrase = phrase_coverage(self.view, q_own, terms_)
            f: dict[str, float] = {
                # An English question matches Vietnamese text through the dense ranking, not its words.
                ("retrieval_english" if intent.english else "retrieval"): retrieval,
                "support": support,
                "own": own,
                "phrase": phrase,
                "affinity": affinity.get(c.doc_id, 0.0),
                "rank": 1 / (1 + rank),
            }
            if unit_figure is not None and any(
                m.group(0) not in intent.folded for m in unit_figure.finditer(best_passage.folded)
            ):
                f["unit_figure"] = 1.0  # a figure in the unit asked for ("rộng 54mm" for "… bao nhiêu mm")
            if figure:
                fresh = values(best_passage) - q_numbers
                f["figure_fresh" if fresh else "figure_stale"] = 1.0
            if intent.slot == "figure":
                # A length of time counts days or months, not a noun of the question ("ngày làm việc").
                counted = fresh - values_of_durations(best_passage) if duration else fresh
                f["counts_noun"] = counts_asked_noun(best_passage.folded, counted, set(q_terms.folded))
                f["number_slot"] = fills_number_slot(best_passage.folded, intent.number_slot)
                f["figure_after_phrase"] = figure_follows_phrase(
                    best_passage.folded, q_terms.folded, q_numbers, lengths=duration
                )
                if c.kind == "heading" and self.view.children.get(c.id):
                    f["figure_heading"] = 1.0
            # A deadline is a date said to be one ("trước ngày …", "chậm nhất", "hằng tháng"), not the
            # date of a cited document nor a header's issue date.
            if best_passage.has_date and (
                intent.slot == "date"
                or (
                    intent.slot == "deadline"
                    and c.kind != "header"
                    and DEADLINE_CUE.search(best_passage.folded)
                )
            ):
                f["date"] = 1.0
                f["date_after_phrase"] = date_follows_phrase(best_passage.folded, q_terms.folded)
            f["defines"] = defines_asked(best_passage.folded, intent.words)
            if intent.form.kind == "plain":  # a yes/no question's answer may well say "không"
                f["negates_asked"] = negates_asked(best_passage.folded, intent.folded, q_terms.folded)
            f["period_conflict"] = period_conflict(intent.constraints.half, self.view.context(c))
            if intent.constraints.periods and periods_agree(
                intent.constraints.periods, named_periods(best_passage.folded)
            ):
                f["period_match"] = 1.0  # "vào tháng 8/2026": the row that prints that month
            # A bullet under a heading that names the organisation the question names; a bullet
            # under another organisation's heading, when the question's has its own section,
            # is that other organisation's duty (it may mention the asked one in passing).
            entity = self.entity_heading(c)
            if entity and fold(entity) in intent.folded:
                f["entity_named"] = 1.0
            elif entity and self.units_named(intent, c.doc_id):
                f["entity_other"] = 1.0
            if intent.list_like and c.text.rstrip().endswith(":"):
                f["list_intro"] = 1.0
            role = _ROLE_WORDS.get(intent.slot)
            if role is not None:
                # "Which unit leads X": a duty under a unit's heading that says it leads answers.
                f["role_entity"] = 1.0 if entity else 0.0
                f["role_words"] = 1.0 if role.search(best_passage.folded) else 0.0
                # A duty opens with the unit's role in it ("Chủ trì, phối hợp …" leads it, "Phối hợp
                # với …" works with whoever leads): the role asked for, or the other one.
                # A hit outside a working set's documents (Milvus) is not in the view: fold its text.
                opened = _ROLE_OPENING.match(self.view.folded.get(c.id) or fold(c.text))
                if opened:
                    asked_role = opened.group(1) == _ROLE_OPENS[intent.slot]
                    f["role_opening" if asked_role else "role_opening_other"] = 1.0
            if intent.slot == "target" and _PURPOSE_OPENS.search(best_passage.folded):
                # "đặt mục tiêu gì": the passage saying what it is all for ("để …, bảo đảm …", "nhằm …").
                f["states_purpose"] = 1.0
            if "asks_residual" in intent.cues and _RESIDUAL_CASE.search(best_passage.folded):
                f["residual_case"] = 1.0  # "các hành vi vi phạm khác": the item for every other case
            if c.kind == "field" and intent.slot == "content":
                f["field_for_content"] = 1.0  # "Đơn vị thực hiện: X" names X; it does not say what X does
            if c.kind in DOCUMENT_PARTS and intent.slot not in _DOCUMENT_SLOTS:
                f["document_part"] = 1.0
            if intent.constraints.ordinals:
                # "kê khai lần đầu": a clause (with its headings) about "lần thứ 2 trở đi" only is
                # about another occasion; one about "lần đầu" is about the asked one.
                conflict = ordinals_conflict(intent.constraints.ordinals, ordinals(self.view.context(c)))
                if conflict is not None:
                    f["ordinal_other" if conflict else "ordinal_named"] = 1.0
            named_row = _row_named(intent, c, self.view.folded.get(c.id) or fold(c.text))
            if named_row is not None:
                # "bước 3 do ai làm": the row labelled so, not the row of another step.
                f["row_named" if named_row else "row_other"] = 1.0
            score = sum(EVIDENCE_WEIGHTS[name] * value for name, value in f.items())
            out.append(Candidate(c, score, support, passage=text, features=f))
        out.sort(key=lambda x: -x.score)
        return out

    def list_items(self, clause: Clause) -> list[Clause]:
        """Children of a heading, or the items right after a clause that ends with ':'."""
        kids = [c for c in self.view.children.get(clause.id, []) if c.kind != "footnote"]
        if clause.kind == "heading" and kids:
            return kids[:8]
        if clause.text.rstrip().endswith(":"):
            ordered = self.view.by_doc[clause.doc_id]
            idx = next(i for i, c in enumerate(ordered) if c.id == clause.id)
            out = []
            for c in ordered[idx + 1 : idx + 12]:
                if c.kind not in ("item", "field", "paragraph"):
                    break
                out.append(c)
                if len(out) >= 6:
                    break
            return kids[:8] or out
        return []

    def section_owners_named(self, intent: Question, doc_id: str) -> set[str]:
        """Organisations heading sections of the document that the question names (folded)."""
        owners = self._section_owners.get(doc_id)
        if owners is None:
            owners = self._section_owners[doc_id] = {
                fold(entity)
                for c in self.view.by_doc.get(doc_id, [])
                if c.kind == "heading" and (entity := self.entity_heading(c))
            }
        return {owner for owner in owners if owner in intent.folded}

    def units_named(self, intent: Question, doc_id: str) -> set[str]:
        """Units of the document with duties of their own that the question names (folded): those
        heading sections, and those a clause opens with over its duties ("2. Văn phòng Sở")."""
        units = self._units.get(doc_id)
        if units is None:
            units = self._units[doc_id] = {
                fold(found[0])
                for c in self.view.by_doc.get(doc_id, [])
                if c.kind not in DOCUMENT_PARTS  # the issuer in the header has no duties here
                and (found := self.entity(c))
                and (c.kind == "heading" or found[1].id == c.id)
            }
        return {unit for unit in units if unit in intent.folded}

    def entity_heading(self, clause: Clause) -> str | None:
        """The organisation a bullet belongs to ("1. Sở Khoa học và Công nghệ" → that name)."""
        found = self.entity(clause)
        return found[0] if found else None

    def entity(self, clause: Clause) -> tuple[str, Clause] | None:
        """The organisation a bullet belongs to and the clause that names it (itself or a heading above)."""
        heads = [((a.title or a.text).strip(), a) for a in self.view.ancestors(clause)[:2]]
        intro = self.list_intro(clause)
        if intro is not None:
            # "Bộ Tài chính chỉ đạo Bảo hiểm xã hội Việt Nam:" over "a) Thực hiện …": the sentence
            # opening the list says whose the points are, before the section's heading does.
            heads = [(intro.text.strip(), intro), *heads]
        if clause.kind != "field":
            # Its own title, or a short first line standing alone ("3. Phòng Tổ chức" over its duties).
            first, newline, _ = clause.text.strip().partition("\n")
            own = clause.title or (first.strip() if newline and len(first) <= 80 else "")
            heads = [(own, clause), *heads] if own else heads
        for head, owner in heads:
            m = ORG_HEAD.match(head)
            if m and (len(m.group(1)) <= 120 or _lists_bodies(m.group(1))):
                return m.group(1).strip().rstrip(":"), owner
        return None

    def list_intro(self, clause: Clause) -> Clause | None:
        """The paragraph ending with ":" that opens the list a point belongs to (its nearest
        earlier sibling of another kind, only points of its own list between them)."""
        if clause.kind in ("paragraph", "heading", "field") or not clause.parent_id:
            return None
        siblings = self.view.children.get(clause.parent_id, [])
        # (Siblings are in document order: only those before the point are read, nearest first.)
        before = bisect_left(siblings, clause.order, key=lambda s: s.order)
        for i in range(before - 1, -1, -1):
            sibling = siblings[i]
            if sibling.kind == clause.kind:
                continue
            if sibling.kind == "paragraph" and sibling.text.rstrip().endswith(":"):
                return sibling
            return None
        return None

    def best_window(self, intent: Question, q_terms: QueryTerms, clause: Clause) -> str:
        text = collapse_ws(clause.text)
        marks = self.view.has_marks(clause)
        if len(text) <= 320:
            return text
        sentences = [s for s in SENTENCE_SPLIT.split(text) if s.strip()]

        def score(s: str) -> float:
            f = fold(s)
            value = coverage(self.view, q_terms, TextTerms.of(s, has_marks=marks))
            if intent.slot == "figure" and re.search(r"\d", s):
                value += 0.15
            if intent.slot in ("date", "deadline") and mentions_date(f):
                value += 0.2
            return value

        best = max(sentences, key=score)
        if len(best) <= 400:
            return best
        # A long sentence: the window of words with the most evidence.
        words = best.split(" ")
        width = 70
        best_i, best_v = 0, -1.0
        for i in range(0, max(1, len(words) - width + 1), 3):
            v = score(" ".join(words[i : i + width]))
            if v > best_v:
                best_i, best_v = i, v
        window = " ".join(words[best_i : best_i + width])
        return ("… " if best_i else "") + window + (" …" if best_i + width < len(words) else "")
