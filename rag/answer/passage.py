"""The extractive answer: the best passage of the best clause, a heading with its items, or
the article a question names ("Điều 8 khoản 2 quy định gì?")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from rag.answer.base import ANY, Composed, Context, Strategy
from rag.answer.evidence import Candidate, best_docs
from rag.answer.fills import FILL_RULES, unfilled
from rag.answer.parts import every_part
from rag.answer.phrasing import row_sentence
from rag.answer.text import (
    MAX_ANSWER_CHARS,
    PASSAGE_CHARS,
    SENTENCE_SPLIT,
    names_a_person,
    short,
    strip_marker,
    trim,
    widened,
)
from rag.questions import Question
from rag.records import Clause, Hit
from rag.text import collapse_ws, fold
from rag.values import PRINTED_DOCUMENT_NUMBER


def article_scope(ctx: Context, intent: Question, affinity: Mapping[str, float]) -> list[Clause] | None:
    """The clauses under the legal locator the question names ("Điều 8 khoản 2"), in the best documents."""
    if not intent.article:
        return None
    target = intent.article
    scope = [c for c in ctx.view.under_locator(target) if c.doc_id in affinity]
    docs = best_docs(affinity, {c.doc_id for c in scope})
    return [c for c in scope if c.doc_id in docs]


# Another document's passage this close to the best one, in a document the question names just as
# well, is a second answer (plans of two provinces for the same programme).
AMBIGUITY_RATIO = 0.88
NAMED_ALIKE = 0.05
RIVALS = 4
ALTERNATIVES = 4
SUPPORTED = 0.5


def _inside_heading(ctx: Context, clause: Clause) -> set[str]:
    """The ids of the clauses a heading clause heads (none for another kind of clause)."""
    return _under(ctx, clause) if clause.kind == "heading" else set()


def _under(ctx: Context, clause: Clause) -> set[str]:
    """The ids of the clauses under a clause (its points, their items)."""
    out: set[str] = set()
    stack = [clause.id]
    while stack:
        for child in ctx.view.children.get(stack.pop(), []):
            out.add(child.id)
            stack.append(child.id)
    return out


# How long an answer listing the documents a sentence names may run (a replaced list is one
# sentence of three or four numbers, each with its date, issuer and title).
LISTED_CHARS = 900


def _documents_listed(text: str, passage: str) -> str | None:
    """ "thay thế những quyết định nào": the sentence holding the best passage, from its start to
    the last document number it names, when it names several (a word window would cut the list)."""
    head = collapse_ws(passage)[:60]
    for sentence in (collapse_ws(s) for s in SENTENCE_SPLIT.split(text)):
        if head not in sentence:
            continue
        numbers = list(PRINTED_DOCUMENT_NUMBER.finditer(sentence))
        if len(numbers) < 2 or len(sentence) <= len(collapse_ws(passage)):
            return None
        return sentence
    return None


# A sentence that obliges someone to act.
_OBLIGES = re.compile(r"\b(?:phai|can phai|bat buoc|co trach nhiem|co nghia vu)\b")
# Passages scored within this share of the best are alike: the one stating the asked act answers.
ACT_TIE = 0.95
# How many of the act's first words a passage must state in a row.
ACT_WORDS = 3


def _says(text: str, act: tuple[str, ...]) -> bool:
    """Does a text state the act's first words in a row (folded, punctuation aside)?"""
    words = re.findall(r"\w+", fold(text))
    head = list(act[:ACT_WORDS])
    return any(words[i : i + len(head)] == head for i in range(len(words) - len(head) + 1))


# Questions whose answer is a unit or its duty: the unit heading over a bullet is named.
_NAMES_ITS_UNIT = frozenset({"lead_unit", "coordinating_unit", "acting_unit", "content"})


class ExtractivePassage(Strategy):
    name = "passage"
    claims = frozenset({ANY})

    def compose(self, ctx: Context) -> Composed | None:
        intent, hits, affinity = ctx.question, ctx.hits, ctx.affinity
        scope = article_scope(ctx, intent, affinity)
        if scope is not None:
            if not scope:
                return None  # an article the documents do not have
            # Evidence comes from inside the named article; the article itself answers "quy định gì".
            inside = {c.id for c in scope}
            hits = [h for h in hits if h.clause.id in inside] or [Hit(clause=c, score=1.0) for c in scope]
            head = min(scope, key=lambda c: (len(c.locator), c.order))
            if intent.locator_only:
                items = ctx.evidence.list_items(head)
                body = "\n".join(f"- {short(strip_marker(i.text), 200)}" for i in items)
                text = f"{short(head.text, 300)}" + (f"\n{body}" if body else "")
                return Composed(text=trim(text, 700), cited=[head, *items[:3]], support=1.0)
        candidates = ctx.ranked() if hits is ctx.hits else ctx.evidence.candidates(intent, hits, affinity)
        if intent.slot == "person":
            # "Who is the chairman?" is answered only by a passage that names someone.
            title = intent.person_title or ""
            candidates = [c for c in candidates if names_a_person(c.passage, near=title)]
        if not candidates:
            return None
        # The best passage, unless it answers something else and one of the next few, from a
        # document the question names better (its province, its number) or under the best when it
        # is a heading, does not. (Tried on the visible sets: also passing over a merely weak best
        # passage, or taking the next passage of the same document, answers questions the documents
        # cannot: abstentions fell on every set.)
        best, composed = candidates[0], self._answer_from(ctx, candidates[0])
        if ctx.support is not None and ctx.support.answers_something_else(intent, composed):
            named = ctx.affinity.get(best.clause.doc_id, 0.0)
            inside = _inside_heading(ctx, best.clause)
            # A passage that leaves the asked slot empty (no day for "ngày nào", no count of the
            # asked noun) or contradicts a constraint: a next well-supported one that fills it may answer.
            empty = bool(unfilled(intent, composed.text, [c.text for c in composed.cited]))
            inner = self._filling_passage(ctx, best) if empty else None
            if inner is not None:
                best, composed = inner
                candidates = [best, *candidates[1:]]
                empty = False
            for other in candidates[1 : FILL_RULES.alternatives if empty else ALTERNATIVES]:
                better_named = ctx.affinity.get(other.clause.doc_id, 0.0) > named
                # A heading ("Điều 1. Sắp xếp …") that answers something else: what it heads may.
                if not (better_named or empty or other.clause.id in inside) or other.support < SUPPORTED:
                    continue
                if empty and ctx.affinity.get(other.clause.doc_id, 0.0) < named - NAMED_ALIKE:
                    continue  # a document the question describes worse fills the slot by chance
                tried = self._answer_from(ctx, other)
                if empty and unfilled(intent, tried.text, [c.text for c in tried.cited], strict=True):
                    continue
                if not ctx.support.answers_something_else(intent, tried):
                    best, composed = other, tried
                    candidates = [other, *(c for c in candidates if c is not other)]
                    break
        if "asks_obligation" in intent.cues and not _OBLIGES.search(fold(composed.text)):
            obliging = self._obliging_passage(ctx, best)
            if obliging is not None:
                best, composed = obliging
                candidates = [best, *candidates[1:]]
        acting = self._states_the_act(ctx, candidates, composed)
        if acting is not None:
            best, composed = acting
            candidates = [best, *(c for c in candidates if c is not best)]
        weak = self._weakly_supported(ctx, candidates, composed)
        if weak is not None:
            best, composed = weak
            candidates = [best, *(c for c in candidates if c is not best)]
        rival = self._rival(ctx, candidates)
        if rival is None:
            return every_part(ctx, best, candidates, composed) if intent.parts else composed
        # Two documents answer the question equally well and it names neither: both answers.
        other = self._answer_from(ctx, rival)
        labels = [ctx.view.documents[c.clause.doc_id].meta.label() for c in (best, rival)]
        text = f"Câu hỏi khớp với nhiều văn bản:\n{labels[0]}: {composed.text}\n{labels[1]}: {other.text}"
        cited = [composed.cited[0], other.cited[0], *composed.cited[1:], *other.cited[1:]]
        return Composed(text=trim(text, 900), cited=cited, support=min(composed.support, other.support))

    def _obliging_passage(self, ctx: Context, best: Candidate) -> tuple[Candidate, Composed] | None:
        """ "… thì phải làm gì": the sentence of the best clause that obliges ("Trường hợp … thì
        phải lấy ý kiến …"), when the best passage is another one that states no duty."""
        for passage in ctx.view.passages(best.clause):
            if passage.text == best.passage or not _OBLIGES.search(fold(passage.text)):
                continue
            tried = self._answer_from(ctx, replace(best, passage=passage.text))
            if ctx.support is None or not ctx.support.answers_something_else(ctx.question, tried):
                return replace(best, passage=passage.text), tried
        return None

    def _states_the_act(
        self, ctx: Context, candidates: list[Candidate], composed: Composed
    ) -> tuple[Candidate, Composed] | None:
        """ "Ai được giao quản lý, sử dụng X?": of passages scored alike, the one stating that act
        ("giao cho Văn thư quản lý, sử dụng X") names its actor; one stating another act done to X
        ("thu hồi X") does not."""
        intent = ctx.question
        if not intent.act or _says(composed.text, intent.act):
            return None
        floor = ACT_TIE * candidates[0].score
        for other in candidates[1:ALTERNATIVES]:
            if other.score < floor or other.support < SUPPORTED:
                continue
            tried = self._answer_from(ctx, other)
            if _says(tried.text, intent.act):
                return other, tried
        return None

    def _weakly_supported(
        self, ctx: Context, candidates: list[Candidate], composed: Composed
    ) -> tuple[Candidate, Composed] | None:
        """A best clause too weakly supported to answer a question asking a typed value (a day, a
        length of time, a count): one of its own points that is well supported and states that
        value answers ("1. Thời hiệu … được tính …: a) 05 năm đối với … khiển trách" for "khiển
        trách thì thời hiệu là bao lâu")."""
        intent = ctx.question
        if ctx.support is None or composed.support >= SUPPORTED or not unfilled(intent, ""):
            return None
        inside = _under(ctx, candidates[0].clause)
        for other in candidates[1 : FILL_RULES.alternatives]:
            if other.clause.id not in inside or other.support < SUPPORTED:
                continue
            tried = self._answer_from(ctx, other)
            if not unfilled(intent, tried.text, [c.text for c in tried.cited], strict=True) and not (
                ctx.support.answers_something_else(intent, tried)
            ):
                return other, tried
        return None

    def _filling_passage(self, ctx: Context, best: Candidate) -> tuple[Candidate, Composed] | None:
        """Another sentence of the best clause that fills the slot its best passage leaves empty
        ("… giải quyết các kiến nghị. Thời gian hoàn thành trước ngày 30/12/2025." for "xong
        trước ngày nào"), when the support check takes it."""
        assert ctx.support is not None
        intent = ctx.question
        for passage in ctx.view.passages(best.clause):
            if passage.text == best.passage or unfilled(
                intent, passage.text, [best.clause.text], strict=True
            ):
                continue
            other = replace(best, passage=passage.text)
            tried = self._answer_from(ctx, other)
            if unfilled(intent, tried.text, [c.text for c in tried.cited], strict=True):
                continue  # the answer shows another window of a long sentence
            if not ctx.support.answers_something_else(intent, tried):
                return other, tried
        return None

    def _rival(self, ctx: Context, candidates: list[Candidate]) -> Candidate | None:
        best = candidates[0]
        for c in candidates[1:RIVALS]:
            if c.clause.doc_id == best.clause.doc_id:
                continue
            gap = abs(ctx.affinity.get(best.clause.doc_id, 0.0) - ctx.affinity.get(c.clause.doc_id, 0.0))
            same_words = fold(c.passage) == fold(best.passage)  # the same sentence in two documents
            if (
                gap <= NAMED_ALIKE
                and not same_words
                and c.score >= AMBIGUITY_RATIO * best.score
                and c.support >= SUPPORTED
            ):
                return c
            return None
        return None

    def _answer_from(self, ctx: Context, best: Candidate) -> Composed:
        intent = ctx.question
        clause = best.clause
        q_terms = intent.terms
        # A heading or a list intro answers with its items.
        items = ctx.evidence.list_items(clause) if intent.slot not in ("figure", "date") else []
        if items:
            # A long paragraph ending in the list's intro ("… Đồng chí X đã phát biểu kết luận như
            # sau:"): the intro the question's words picked leads, not the paragraph's first words.
            intro = best.passage if best.passage.rstrip().endswith(":") else clause.text
            lead = short(intro, 160).rstrip(":")
            body = "\n".join(f"- {short(strip_marker(i.text), 200)}" for i in items)
            return Composed(
                text=trim(f"{lead}:\n{body}", 700), cited=[clause, *items[:3]], support=best.support
            )
        sentence = (
            best.passage
            if len(best.passage) <= PASSAGE_CHARS + 80
            else ctx.evidence.best_window(intent, q_terms, clause)
        )
        if len(intent.parts) > 1 and sentence == best.passage:
            # Each part asks its own value: a window of a long sentence reads on for the others.
            sentence = best.passage = widened(clause.text, best.passage, len(intent.parts))
        listed = _documents_listed(clause.text, best.passage) if "lineage" in intent.cues else None
        if listed is not None:
            best.passage = sentence = listed
        if intent.english:
            # Its words do not locate a sentence in Vietnamese text: the clause is the answer.
            best.passage = sentence = short(clause.text, PASSAGE_CHARS + 80)
        if best.passage and best.passage != collapse_ws(clause.text):
            starts = collapse_ws(clause.text).startswith(best.passage)
            ends = collapse_ws(clause.text).endswith(best.passage)
            sentence = (
                ("" if starts else "… ") + sentence + ("" if ends or sentence.endswith((".", ";")) else " …")
            )
        # A table row reads as "<cột>: <ô>; …" once, not as "a | b | c" beside its indexed form.
        reading = row_sentence(clause, ctx.view.by_doc.get(clause.doc_id, []), passage=best.passage)
        if reading is not None and (clause.kind == "table" or " | " in sentence):
            sentence = reading
        found = ctx.evidence.entity(clause) if intent.slot in _NAMES_ITS_UNIT else None
        if found is None or fold(found[0]) in fold(sentence):
            limit = LISTED_CHARS if listed is not None else MAX_ANSWER_CHARS
            return Composed(text=trim(sentence, limit), cited=[clause], support=best.support)
        # The unit heading the section says whose duty this is: name it, and cite it too.
        entity, owner = found
        cited = [clause] if owner.id == clause.id else [clause, owner]
        return Composed(text=trim(f"{entity}: {sentence}"), cited=cited, support=best.support)
