"""Questions with a form: answer choices ("… A. … B. …") and yes/no ("…, đúng hay sai?").

The reader sets the form apart (`rag.reading.form`); the answerer reads and retrieves with the
stem and, for choices, the stem with each choice; this strategy hands the evidence clauses' texts to
`rag.verdicts`, which compares the statement (or each choice's statement) with the clause that
states its provision, and answers with the letter or verdict that clause states plainly — or,
when none is, cites the closest clause and says the documents do not decide it. It abstains
only when nothing relevant was retrieved.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rag.answer.base import Composed, Context, Strategy
from rag.answer.corpus import CorpusView
from rag.answer.evidence import Candidate
from rag.answer.phrasing import row_sentence
from rag.answer.text import short, trim
from rag.questions import Choice, Question, QuestionForm, SearchQuery
from rag.reading import search_query
from rag.records import Clause, Hit
from rag.verdicts import ClauseText, Pick, choose, judge
from rag.verdicts.consequence import windows

POOL = 48  # evidence clauses ranked for the question
JUDGED = 10  # … of which the first are read as the clause that may decide the statement or choice
WHOLE_CLAUSE_CHARS = 700  # a clause up to this long is also judged whole (a statement may span its sentences)
# The answerer's SUPPORT_THRESHOLD: a relevant clause found for the stem is an answer, not an abstention.
ANSWERED = 0.5
RELEVANT = 0.35  # below this share of the stem's words in any clause, nothing relevant was found

# No verdict word ("đúng", "sai", a letter) in what is said when the documents do not decide.
UNCLEAR = "Các điều khoản tìm được không chỉ rõ lựa chọn nào; điều khoản liên quan, "
UNDECIDED = "Các điều khoản tìm được không khẳng định hay bác bỏ nhận định này; điều khoản liên quan, "


# --- the hook the answerer calls --------------------------------------------------------


class _ChoiceRetriever:
    """The answerer's retriever, its query's ranking interleaved with those of the query plus
    each choice: the clause that states a choice is found with that choice's words, not
    drowned by the words of the other choices."""

    def __init__(self, inner: Any, choices: tuple[Choice, ...]) -> None:
        self.inner = inner
        self.choices = choices

    def run(self, query: SearchQuery, **kwargs: Any) -> list[Hit]:
        rankings = [self.inner.run(query, **kwargs)] if query.text.strip() else []
        rankings += [self.inner.run(search_query(f"{query.text} {c.text}"), **kwargs) for c in self.choices]
        top = max((h.score for h in rankings[0]), default=1.0) if rankings else 1.0
        out: dict[str, tuple[int, int, Hit]] = {}
        for origin, ranking in enumerate(rankings):
            scale = (top or 1.0) / (max((h.score for h in ranking), default=1.0) or 1.0)
            for rank, h in enumerate(ranking):
                # Interleaved by rank (scores of different queries do not compare), stem first.
                if h.clause.id not in out:
                    out[h.clause.id] = (rank, origin, replace(h, score=h.score * scale, rank=rank))
        return [hit for _, _, hit in sorted(out.values(), key=lambda x: x[:2])]


def retriever_for(question: Question, retriever: Any) -> Any:
    """The retriever to use: for a choice question, one that also searches with each choice."""
    if question.form.kind == "choices":
        return _ChoiceRetriever(retriever, question.form.choices)
    return retriever


# --- the strategy -------------------------------------------------------------------------


class FormAnswer(Strategy):
    """Reads the evidence clauses with `rag.verdicts`: the letter or verdict the deciding clause
    states, or that clause cited with no verdict when it does not state it plainly."""

    name = "form"
    claims = frozenset({"choices", "yes_no"})

    def compose(self, ctx: Context) -> Composed | None:
        form = ctx.question.form
        candidates = ctx.ranked()[:POOL]
        if not candidates:
            return None
        # The evidence ranking reads the stem; the retrieval order also has what each choice's words
        # found (the stem of "Phát biểu nào sau đây đúng?" says nothing of the clause that decides).
        judged = list({c.clause.id: c.clause for c in candidates[:JUDGED]}.values())
        seen = {c.id for c in judged}
        judged += [
            h.clause for h in ctx.hits[: 2 * JUDGED] if h.clause.id not in seen and not seen.add(h.clause.id)
        ]
        evidence = _evidence(ctx.view, judged)
        texts = [text for _, text in evidence]
        support = _lift(max((c.support for c in candidates), default=0.0))
        if form.kind == "choices":
            choices = [(c.letter, c.text) for c in form.choices]
            pick = choose(form.stem, choices, texts, pick_false=form.pick_false)
            return self._picked(form, pick, evidence, candidates, support)
        verdict = judge(form.statement, texts)
        if verdict.value is None or verdict.index is None:
            return _related(evidence, verdict.index, candidates, support, UNDECIDED)
        clause, text = evidence[verdict.index][0], evidence[verdict.index][1].text
        word = form.verdicts[0] if verdict.value else form.verdicts[1]
        # The clause that decides has the statement's words: it supports the answer that much.
        support = max(support, verdict.comparison.fit if verdict.comparison else 0.0)
        return Composed(text=trim(f"{word}. {_quote(clause, text)}", 700), cited=[clause], support=support)

    def _picked(
        self,
        form: QuestionForm,
        pick: Pick,
        evidence: list[tuple[Clause, ClauseText]],
        candidates: list[Candidate],
        support: float,
    ) -> Composed:
        if pick.letter is None:
            closest = max(
                pick.verdicts.values(), key=lambda v: v.comparison.fit if v.comparison else 0.0, default=None
            )
            return _related(evidence, closest.index if closest else None, candidates, support, UNCLEAR)
        chosen = next(c for c in form.choices if c.letter == pick.letter)
        if pick.index is not None:
            deciding = []  # the clause stating the chosen value
        elif pick.named:
            deciding = list(pick.named)  # "Cả A và B": where each named choice is stated
        elif form.pick_false:
            deciding = [letter for letter, v in pick.verdicts.items() if v.value is True]
        else:
            deciding = [pick.letter]
        indices = (
            [pick.index] if pick.index is not None else [pick.verdicts[letter].index for letter in deciding]
        )
        if form.pick_false and pick.verdicts[pick.letter].value is False:
            indices = [pick.verdicts[pick.letter].index, *indices]  # the clause that contradicts it first
        picked = [evidence[i] for i in dict.fromkeys(i for i in indices if i is not None)]
        quotes = [_quote(clause, text.text) for clause, text in picked]
        body = quotes[0] if len(quotes) == 1 else "\n".join(f"- {q}" for q in quotes)
        text = f"Đáp án {chosen.letter}: {chosen.text.rstrip('.')}.\n{body}"
        cited = list({clause.id: clause for clause, _ in picked}.values())
        deciding = pick.verdicts.get(pick.letter)
        if deciding is not None and deciding.comparison is not None:
            support = max(support, deciding.comparison.fit)
        return Composed(text=trim(text, 700), cited=cited, support=support)


def _evidence(view: CorpusView, clauses: list[Clause]) -> list[tuple[Clause, ClauseText]]:
    """What to judge against: each clause whole, and each sentence of a longer one; read after its
    list intro or title (`lead`), under its document's name and title and the headings above."""
    out = []
    for clause in clauses:
        doc = view.documents.get(clause.doc_id)
        # A statement names its law ("Luật … có hiệu lực …") where the clause says "Luật này".
        named = [doc.meta.label(), doc.meta.title] if doc else []
        lead = clause.breadcrumb[-1] if clause.breadcrumb else ""
        heading = " ".join(h for h in [*named, *clause.breadcrumb[-2:]] if h)
        whole = " ".join(clause.text.split())
        passages = [p.text for p in view.passages(clause)]
        if len(whole) <= WHOLE_CLAUSE_CHARS or len(passages) <= 1:
            out.append((clause, ClauseText(whole, heading, lead)))
        if len(passages) > 1:
            out += [(clause, ClauseText(p, heading, lead)) for p in passages]
        if len(whole) > WHOLE_CLAUSE_CHARS:
            # A case told over sentences and its consequence in the next ("Trường hợp này …").
            out += [(clause, ClauseText(w, heading, lead)) for w in windows(passages)]
    return out


def _related(
    evidence: list[tuple[Clause, ClauseText]],
    index: int | None,
    candidates: list[Candidate],
    support: float,
    lead: str,
) -> Composed:
    """No verdict or choice is plainly stated: the closest clause, cited, and said so."""
    if index is not None and evidence:
        clause, text = evidence[index]
        quote = _quote(clause, text.text)
    else:
        clause = candidates[0].clause
        quote = short(candidates[0].passage or clause.text, 450)
    return Composed(text=trim(f"{lead}{clause.locator}: {quote}", 700), cited=[clause], support=support)


def _lift(support: float) -> float:
    """A relevant clause answers a question with a form (the letter or verdict may stay open)."""
    return max(support, ANSWERED) if support >= RELEVANT else support


def _quote(clause: Clause, text: str) -> str:
    """The passage as quoted from its clause ("…" where it is cut)."""
    whole = " ".join(clause.text.split())
    text = short(text, 450)
    if text == whole:
        # A table row reads as its cells with their column names, not as "a | b | c".
        return row_sentence(clause) or text
    return ("" if whole.startswith(text) else "… ") + text
