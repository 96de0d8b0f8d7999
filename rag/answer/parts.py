"""Every part of a question that asks several things at once ("bao nhiêu nhiệm vụ, và đã hoàn
thành bao nhiêu"): each part gets the passage, among the best clauses of the answering document,
that its own words and its value type pick; the answer joins them in the document's order."""

from __future__ import annotations

from rag.answer.asked_parts import holds
from rag.answer.base import Composed, Context
from rag.answer.corpus import CorpusView, Passage, coverage
from rag.answer.evidence import DOCUMENT_PARTS, Candidate, asks_document_fact
from rag.answer.text import NUMBER_WORDS, trim
from rag.answer.weights import PART_WEIGHTS
from rag.matching import TextTerms
from rag.questions import AskedPart
from rag.values import question_numbers

# Clauses of the answering document, best first, whose passages may answer a part.
PART_CLAUSES = 5
PART_CHARS = 280
FOCUS_WORDS, FOCUS_STRIDE = 40, 5


def _fits(part: AskedPart, passage: Passage, stated: set[str]) -> bool:
    """The passage holds a value of the type the part asks: a fresh quantity (a length of time,
    "90 ngày", only when one is asked), a date."""
    if part.value_type in ("number", "duration"):
        fresh = set(question_numbers(passage.folded, periods=part.value_type == "duration")) - stated
        return bool(fresh) or bool(NUMBER_WORDS.search(passage.text.lower()))
    if part.value_type == "date":
        return passage.has_date
    return True


def every_part(ctx: Context, best: Candidate, candidates: list[Candidate], composed: Composed) -> Composed:
    """The composed answer, widened by the passage each part of the question picks when the best
    passage does not already answer that part."""
    intent, view = ctx.question, ctx.view
    stated = set(intent.stated_amounts)
    pool: list[tuple[int, int, Passage, Candidate]] = []
    same_doc = [c for c in candidates if c.clause.doc_id == best.clause.doc_id][:PART_CLAUSES]
    # A header or a preamble ("Căn cứ …") answers only what the document is (see evidence).
    facts = asks_document_fact(intent)
    for rank, cand in enumerate(same_doc):
        if not facts and (cand.clause.kind in DOCUMENT_PARTS or cand.clause.id in view.preambles):
            continue
        for i, passage in enumerate(view.passages(cand.clause)):
            pool.append((rank, i, passage, cand))
    if not pool:
        return composed
    chosen: list[tuple[int, int, Passage, Candidate]] = []
    picks: list[tuple[AskedPart, tuple[int, int, Passage, Candidate]]] = []
    # A table row is one record: when it holds a value of each part's type (the step's person
    # and its time), it answers every part and no other passage is joined to it. (Any passage
    # holding values of the parts' types is not enough: "giao 30 nhiệm vụ" holds a number for
    # "đã hoàn thành bao nhiêu" too.)
    if best.clause.kind == "table" and all(holds(p, composed.text, [best.clause.text]) for p in intent.parts):
        return composed
    for part in intent.parts:
        if not part.terms or part.value_type == "article":
            continue  # an article asked for is the cited clause's locator, not another passage

        def score(entry: tuple[int, int, Passage, Candidate], part: AskedPart = part) -> float:
            rank, _, passage, _ = entry
            return (
                PART_WEIGHTS["coverage"] * coverage(view, part.terms, passage.terms)
                + PART_WEIGHTS["value_type"] * _fits(part, passage, stated)
                + PART_WEIGHTS["rank"] / (1 + rank)
            )

        pick = max(pool, key=score)
        # A part asking for words (no number, no date to anchor it) whose own words no passage
        # holds well is left to the best passage.
        if not _fits(part, pick[2], stated) or (
            part.value_type == "text"
            and coverage(view, part.terms, pick[2].terms) < PART_WEIGHTS["least_text_coverage"]
        ):
            continue
        picks.append((part, pick))
        if all(pick[2] is not c[2] for c in chosen):
            chosen.append(pick)
    if len(chosen) < 2 or all(fits_in(c[2].text, composed.text) for c in chosen):
        return composed
    order = {c.clause.id: c.clause.order for _, _, _, c in chosen}
    chosen.sort(key=lambda e: (order[e[3].clause.id], e[1]))
    parts_of = {id(e[2]): p for p, e in picks}
    text = " … ".join(_focus(view, parts_of[id(e[2])], e[2], stated) for e in chosen)
    cited = list({c.id: c for c in [*(e[3].clause for e in chosen), *composed.cited]}.values())
    support = max(composed.support, min(e[3].support for e in chosen))
    return Composed(text=trim(text), cited=cited, support=support)


def _focus(view: CorpusView, part: AskedPart, passage: Passage, stated: set[str]) -> str:
    """A passage short enough to sit beside the others: a long one is cut to the window of words
    that holds the value the part asks (when one does) and most of the part's words."""
    if len(passage.text) <= PART_CHARS:
        return passage.text
    words = passage.text.split(" ")
    best, best_score = 0, (False, -1.0)
    last = max(0, len(words) - FOCUS_WORDS)
    # Every stride's window, and the last one (the passage's end is not skipped by the stride).
    for start in sorted({*range(0, last + 1, FOCUS_STRIDE), last}):
        window = " ".join(words[start : start + FOCUS_WORDS])
        value = (
            _fits(part, Passage.of(window, True), stated),
            coverage(view, part.terms, TextTerms.of(window, has_marks=True)),
        )
        if value > best_score:
            best, best_score = start, value
    window = " ".join(words[best : best + FOCUS_WORDS])
    return ("… " if best else "") + window + (" …" if best + FOCUS_WORDS < len(words) else "")


def fits_in(passage: str, text: str) -> bool:
    """The passage is already in the answer text (whitespace aside)."""
    return " ".join(passage.split()) in " ".join(text.split())
