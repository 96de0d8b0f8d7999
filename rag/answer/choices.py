"""Questions with a form: answer choices ("… A. … B. …") and yes/no ("…, đúng hay sai?").

The answerer analyses and retrieves with the stem (`rag.question_form`); this strategy then
reads the evidence clauses for each choice, or for the statement to verify, and answers with
the letter or verdict the deciding clause states — or, when none is plainly stated, with the
relevant clause itself. It abstains only when nothing relevant was retrieved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from rag.answer.base import Composed, Context, Strategy
from rag.answer.corpus import CorpusView, Passage, coverage, phrase_coverage
from rag.answer.evidence import Candidate
from rag.answer.statements import contradicts_amounts, negations, quantities, same_subject, states_amounts
from rag.answer.text import short, trim
from rag.intent import Intent, analyze
from rag.matching import QueryTerms, query_terms
from rag.question_form import Choice, QuestionForm, parse_form
from rag.records import Clause, Hit
from rag.text import fold

POOL = 48  # evidence clauses (retrieved, and the items under them) each choice is read against
# The answerer's SUPPORT_THRESHOLD: a relevant clause found for the stem is an answer, not an abstention.
ANSWERED = 0.5
RELEVANT = 0.35  # below this share of the stem's words in any clause, nothing relevant was found
CHOSEN = 0.6  # a choice this well covered by a passage is stated there
MARGIN = 0.15  # … and must beat every other choice by this much
DECISIVE = 0.75  # share of a statement's words one passage must have for a verdict
OPPOSITE = 0.6  # a choice read against a passage of the opposite polarity counts this much
# Retrieval sees the stem, fused with the stem plus the choices (BM25 finds the clause naming the
# right choice; see tests/rag/test_question_form_law.py).
CHOICES_IN_QUERY = True

UNCLEAR = "Các điều khoản trích dẫn không nêu rõ lựa chọn nào; điều khoản liên quan: "

# "Cả A và B", "Tất cả các đáp án trên": a choice made of other choices.
_ALL_OF = re.compile(
    r"\b(?:tat ca|ca (?:hai|ba|bon|nam)|ca [a-f]\b)|\b(?:cac|nhung|ca) (?:dap an|phuong an|y) (?:tren|deu dung)\b"
)
_NONE_OF = re.compile(r"\bkhong (?:co )?(?:dap an|phuong an|y)\b|\bdeu sai\b")
# "… tối đa là bao nhiêu tháng": the words right before the slot a number fills (tried from a
# word's start only: from inside a long word every start re-scans it, quadratic).
_SLOT = re.compile(r"((?<!\w)(?:\w+\s+){1,2})(?:la\s+)?(?:bao nhieu|may|thu may)\b")


# --- the hook the answerer calls --------------------------------------------------------


class _ChoiceRetriever:
    """The answerer's retriever, its query fused with the query plus the choice texts."""

    def __init__(self, inner: Any, choices: tuple[Choice, ...]) -> None:
        self.inner = inner
        self.extra = " ".join(c.text for c in choices)

    def run(self, query: str, **kwargs: Any) -> list[Hit]:
        stem = self.inner.run(query, **kwargs) if query.strip() else []
        more = self.inner.run(f"{query} {self.extra}", **kwargs)
        out: dict[str, tuple[int, int, Hit]] = {}
        top = max((h.score for h in stem), default=1.0) or 1.0
        for origin, ranking in enumerate((stem, more)):
            scale = top / (max((h.score for h in ranking), default=1.0) or 1.0)
            for rank, h in enumerate(ranking):
                # Interleaved by rank (scores of different queries do not compare), stem first.
                if h.clause.id not in out:
                    out[h.clause.id] = (rank, origin, replace(h, score=h.score * scale, rank=rank))
        return [hit for _, _, hit in sorted(out.values(), key=lambda x: x[:2])]


def read_form(question: str, retriever: Any) -> tuple[Intent, Any]:
    """The intent of a question's stem (choices and yes/no frame set apart) and the retriever to use."""
    form = parse_form(question)
    if form.kind == "plain":
        return analyze(question), retriever
    intent = analyze(form.stem)
    intent.form = form
    if form.kind == "choices" and (CHOICES_IN_QUERY or not form.stem):
        retriever = _ChoiceRetriever(retriever, form.choices)
    return intent, retriever


# --- the strategy -------------------------------------------------------------------------


@dataclass
class _Reading:
    """How well one passage of one clause states one hypothesis."""

    clause: Clause
    passage: Passage
    score: float


class FormAnswer(Strategy):
    name = "form"

    def compose(self, ctx: Context) -> Composed | None:
        form: QuestionForm | None = getattr(ctx.intent, "form", None)
        if form is None or form.kind == "plain":
            return None
        candidates = ctx.ranked()[:POOL]
        if not candidates:
            return None
        if form.kind == "choices":
            return self._choices(ctx, form, candidates)
        return self._verdict(ctx, form, candidates)

    # --- choices ----------------------------------------------------------------------------
    def _choices(self, ctx: Context, form: QuestionForm, candidates: list[Candidate]) -> Composed:
        view, intent = ctx.view, ctx.intent
        stem_terms = query_terms(intent)
        negated_stem = negations(form.stem) % 2
        m = _SLOT.search(intent.folded)
        slot = [w for w in m.group(1).split() if w != "la"] if m else []
        plain = [
            c for c in form.choices if not _ALL_OF.search(fold(c.text)) and not _NONE_OF.search(fold(c.text))
        ]
        terms = {c.letter: query_terms(intent, text=c.text) for c in plain}
        top = max(c.score for c in candidates) or 1.0
        best: dict[str, _Reading] = {}
        for choice in plain:
            readings = [
                _Reading(
                    cand.clause,
                    p,
                    self._read_choice(
                        view,
                        choice,
                        terms[choice.letter],
                        stem_terms,
                        intent.query,
                        slot,
                        negated_stem,
                        cand,
                        p,
                        top,
                    ),
                )
                for cand in candidates
                for p in view.passages(cand.clause)
            ]
            if readings:
                best[choice.letter] = max(readings, key=lambda r: r.score)
        scores = {letter: r.score for letter, r in best.items()}
        picked = _pick(form.choices, scores, form.pick_false)
        stem_support = max((c.support for c in candidates), default=0.0)
        if picked is None:
            return self._related(ctx, candidates, stem_support, UNCLEAR)
        chosen, deciding = picked
        readings = sorted((best[letter] for letter in deciding), key=lambda r: -r.score)
        cited = list({r.clause.id: r.clause for r in readings}.values())
        quotes = [_quote(r.clause, r.passage) for r in readings]
        if deciding == [chosen.letter]:
            body = quotes[0]
        else:
            # "Cả A và B": each named choice's passage; "… sai?": where the other choices are stated.
            lead = ""
            if form.pick_false:
                lead = "Các lựa chọn còn lại được nêu tại " + ", ".join(c.locator for c in cited) + ":\n"
            body = lead + "\n".join(f"- {q}" for q in dict.fromkeys(quotes))
        text = f"Đáp án {chosen.letter}: {chosen.text.rstrip('.')}.\n{body}"
        said = " ".join(next(c.text for c in form.choices if c.letter == letter) for letter in deciding)
        hypothesis = query_terms(intent, text=f"{intent.query} {said}")
        top_reading = readings[0]
        support = max(
            stem_support,
            coverage(
                view, hypothesis, view.head_terms(top_reading.clause, title=False), top_reading.passage.terms
            ),
        )
        return Composed(text=trim(text, 700), cited=cited, support=_lift(support))

    def _read_choice(
        self,
        view: CorpusView,
        choice: Choice,
        terms: QueryTerms,
        stem_terms: QueryTerms,
        stem_text: str,
        slot: list[str],
        negated_stem: int,
        cand: Candidate,
        passage: Passage,
        top: float,
    ) -> float:
        wanted = quantities(choice.text)
        if wanted and not states_amounts(choice.text, wanted, passage.text):
            return 0.0  # a choice's number (with its unit: "2%", "12 tháng") must be in the clause
        words = _without_numbers(terms)  # numbers were checked above, with their units
        if words:
            found = coverage(view, words, passage.terms)
            if len(words.folded) > 1:
                found = (found + 0.5 * phrase_coverage(view, words, passage.terms)) / 1.5
        else:
            found = 1.0 if wanted else 0.0  # a choice that is only a number or a date
        if wanted and slot:
            # "tối đa là bao nhiêu tháng": "tối đa 12 tháng", not "từ 12 đến 36 tháng"
            found = 0.75 * found + 0.25 * _fills_slot(passage.folded, slot, wanted)
        if (negated_stem + negations(choice.text)) % 2 != _polarity(view, cand.clause, passage):
            found *= OPPOSITE
        stem = 0.0
        if stem_terms:
            # The stem's words around the choice ("người lao động đóng", not "người sử dụng lao động đóng").
            stem = 0.65 * coverage(view, stem_terms, view.head_terms(cand.clause, title=False), passage.terms)
            # … as phrases, in the passage or in the headings over it ("Các chế độ bảo hiểm thất nghiệp")
            head = view.head_terms(cand.clause, title=False)
            stem += 0.2 * max(
                phrase_coverage(view, stem_terms, passage.terms), phrase_coverage(view, stem_terms, head)
            )
            stem += 0.15 * same_subject(stem_text, passage.text)
        # A passage that says just the choice ("c) Trợ cấp thất nghiệp;" under the heading the stem
        # names) states it more plainly than one that mentions it among other things.
        tight = _share_said(words, passage) if words else 0.0
        return found * (0.45 + 0.3 * stem + 0.15 * max(cand.score, 0.0) / top + 0.1 * tight)

    # --- yes/no ------------------------------------------------------------------------------
    def _verdict(self, ctx: Context, form: QuestionForm, candidates: list[Candidate]) -> Composed:
        view, intent = ctx.view, ctx.intent
        q_terms = query_terms(intent)
        content = _without_numbers(q_terms)
        stem_support = max((c.support for c in candidates), default=0.0)
        stated_quantities = quantities(form.statement)
        readings = []
        for cand in candidates[:5]:
            for p in view.passages(cand.clause):
                head = view.head_terms(cand.clause, title=False)
                readings.append(_Reading(cand.clause, p, coverage(view, content, head, p.terms)))
        if not readings or not content:
            return self._related(ctx, candidates, stem_support, "")

        def rank(r: _Reading) -> float:
            # Ties on words go to the passage with the statement's phrases and its numbers.
            value = r.score + 0.2 * phrase_coverage(view, content, r.passage.terms)
            value += 0.1 * same_subject(form.statement, r.passage.text)
            return value + (
                0.2 if stated_quantities and stated_quantities <= quantities(r.passage.text) else 0.0
            )

        reading = max(readings, key=rank)
        passage = _quote(reading.clause, reading.passage)
        yes, no = form.verdicts
        support = max(stem_support, reading.score)
        if reading.score < DECISIVE:
            return self._related(ctx, candidates, stem_support, "", reading)
        stated = negations(form.statement) % 2
        opposite = stated != _polarity(view, reading.clause, reading.passage)
        verdict = no if opposite or contradicts_amounts(form.statement, reading.passage.text) else yes
        return Composed(
            text=trim(f"{verdict}. {passage}", 700), cited=[reading.clause], support=_lift(support)
        )

    def _related(
        self,
        ctx: Context,
        candidates: list[Candidate],
        support: float,
        lead: str,
        reading: _Reading | None = None,
    ) -> Composed:
        """No choice or verdict is plainly stated: the most relevant clause, introduced neutrally."""
        clause = reading.clause if reading else candidates[0].clause
        passage = (
            _quote(clause, reading.passage) if reading else short(candidates[0].passage or clause.text, 450)
        )
        text = f"{lead}{clause.locator}: {passage}" if lead else f"Theo {clause.locator}: {passage}"
        return Composed(text=trim(text, 700), cited=[clause], support=_lift(support))


def _lift(support: float) -> float:
    """A relevant clause answers a question with a form (the letter or verdict may stay open)."""
    return max(support, ANSWERED) if support >= RELEVANT else support


def _without_numbers(terms: QueryTerms) -> QueryTerms:
    return terms.without({t for t in terms.folded if t[:1].isdigit()})


def _fills_slot(folded: str, slot: list[str], wanted: set[str]) -> bool:
    """A number of the choice follows the word just before the question's slot ("tối đa" 12)."""
    if not slot:
        return False
    word = re.escape(slot[-1])
    return any(
        re.search(rf"\b{word}\b(?:\s+(?:la|bang|du|tu))?\s+0*{re.escape(n)}\b", folded)
        for n in wanted
        if "/" not in n
    )


def _polarity(view: CorpusView, clause: Clause, passage: Passage) -> int:
    """1 when the passage negates (or its article forbids: "Những hành vi bị nghiêm cấm"), else 0."""
    own = negations(passage.text)
    if own:
        return own % 2
    heads = [clause.title, *clause.breadcrumb[-1:]]
    return negations(" ".join(h for h in heads if h)) % 2


def _share_said(words: QueryTerms, passage: Passage) -> float:
    """Share of the passage's words that are the choice's words."""
    asked, said, seq, _ = words.pick(passage.terms)
    return len(set(seq) & set(asked)) / len(set(seq)) if seq else 0.0


def _pick(
    choices: tuple[Choice, ...], scores: dict[str, float], pick_false: bool
) -> tuple[Choice, list[str]] | None:
    """The choice the clauses state clearly, with the letters whose passages decide it (the others,
    when asked for the false one; the named ones for "Cả A và B"); None when none is clear."""
    by_letter = {c.letter: c for c in choices}
    ranked = sorted(scores, key=lambda letter: -scores[letter])
    if not ranked:
        return None
    stated = [letter for letter in ranked if scores[letter] >= CHOSEN]
    if pick_false:
        unstated = [letter for letter in ranked if scores[letter] < CHOSEN - MARGIN]
        if len(unstated) == 1 and len(stated) == len(ranked) - 1:
            return by_letter[unstated[0]], stated
        return None
    for c in choices:
        if not _ALL_OF.search(fold(c.text)):
            continue
        # "Cả A và B" / "Tất cả các đáp án trên": chosen when every choice it names is stated.
        named = [x.upper() for x in re.findall(r"\b([a-f])\b", fold(c.text)) if x.upper() in scores]
        named = named or list(scores)
        if len(named) > 1 and all(letter in stated for letter in named):
            return c, named
    best = ranked[0]
    second = scores[ranked[1]] if len(ranked) > 1 else 0.0
    if scores[best] >= CHOSEN and scores[best] - second >= MARGIN:
        return by_letter[best], [best]
    return None


def _quote(clause: Clause, passage: Passage) -> str:
    """The passage as quoted from its clause ("…" where it is cut)."""
    whole = " ".join(clause.text.split())
    text = short(passage.text, 450)
    if text == whole:
        return text
    return ("" if whole.startswith(text) else "… ") + text
