"""A question asking two or more things, answered part by part ("bao nhiêu tham luận và có bao
nhiêu người phát biểu", "giải quyết trong bao lâu và có mất phí không", "… đúng không? Nếu không
thì … là gì?").

The whole question is answered first. A part its answer already fills — a value of the part's
type (a count of the asked noun, a length of time, a day or an hour, a verdict), or for a part
asking words, most of the part's own words — stands on it; every other part is put through the
normal answering path as the question of its own the reader made of it (``AskedPart.question``).
The answer says each part's answer in the question's order and cites each one's clause; a part
the documents do not answer is said to be so. Pure: the answers come in, one answer goes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rag.answer.base import CITATIONS, NOT_FOUND
from rag.answer.fills import unfilled
from rag.answer.text import MAX_ANSWER_CHARS
from rag.questions import AskedPart, Question
from rag.records import Answer, Citation
from rag.text import fold, folded_words
from rag.values import (
    canonical_number,
    durations,
    full_dates,
    hours_in,
    mentions_date,
    quantities,
    question_numbers,
)

# What an answer says of a part the documents do not answer.
PART_NOT_FOUND = "không tìm thấy thông tin này trong các văn bản"
# Share of a part's own words an answer must hold to answer a part that asks for words.
TEXT_COVERAGE = 0.6
# ... and of a part asking a typed value (a number, a length of time, a date) about them.
VALUE_COVERAGE = 0.5
# The parts' answers share this many characters (what a person reads of an answer first): a
# heading's list under the first part does not push the second part's answer out of sight.
ANSWER_CHARS = MAX_ANSWER_CHARS
# The strategy an answer composed of its parts' answers records.
PARTS_STRATEGY = "parts"
# Verdict words a yes/no part is answered with (rag.reading.form's frames).
_VERDICTS = ("dung", "sai", "co", "khong")


def fills(part: AskedPart, asked: Question, answer: Answer) -> bool:
    """Does ``answer`` (to the whole question) answer this part (``asked``: the part as read)?"""
    if answer.abstained:
        return False
    cited = [c.text for c in answer.citations[:1]]
    # A value's subject may be in the clause the answer quotes; words asked for must be said.
    quoted = cited if part.value_type != "text" else []
    return holds(part, answer.answer, quoted) and not unfilled(asked, answer.answer, cited)


def holds(part: AskedPart, text: str, quoted: Sequence[str] = ()) -> bool:
    """Does ``text`` answer the part: a value of the type it asks (rag.values' grammars: a
    verdict, a quantity the part does not state itself, a length of time, a day or an hour), about
    what the part names (most of its own words in the text or in the clauses it quotes, ``quoted``:
    "Bước 3 | …" read as "Nội dung công việc: …")? "02 ngày làm việc" of another step does not
    answer "thủ tục giải quyết trong bao lâu"."""
    folded = fold(text)
    kind = part.value_type
    if kind == "yes_no":
        return folded.split(" ", 1)[0].strip(".,:") in _VERDICTS
    if kind == "article":
        return True  # the cited clause's locator answers "điều nào"
    if kind == "number":
        stated = {canonical_number(n) for n in question_numbers(fold(part.text))}
        valued = any(canonical_number(_written(q.value)) not in stated for q in quantities(folded))
    elif kind == "duration":
        valued = bool(durations(folded))
    elif kind == "date":
        valued = bool(full_dates(folded) or hours_in(folded) or mentions_date(folded))
    else:
        valued = True
    return valued and _about(part, " ".join([folded, *(fold(q) for q in quoted)]), kind)


def _about(part: AskedPart, folded: str, kind: str) -> bool:
    """Most of the part's own words are in the folded text (fewer for a part whose value is typed)."""
    own = part.terms.folded
    if not own:
        return True
    words = set(folded_words(folded))
    held = sum(1 for w in own if all(p in words for p in w.split("_")))
    return held / len(own) >= (TEXT_COVERAGE if kind == "text" else VALUE_COVERAGE)


def _written(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def compose(question: Question, whole: Answer, answers: Sequence[tuple[AskedPart, Answer | None]]) -> Answer:
    """One answer from the parts' answers (None: the whole answer fills that part), in the
    question's order; the whole answer when no part needed its own."""
    if all(a is None for _, a in answers):
        return whole
    answered = [(p, a) for p, a in answers if a is not None and not a.abstained]
    if whole.abstained and not answered:
        return whole
    lines: list[str] = []
    first: list[Citation] = []
    rest: list[Citation] = []
    used_whole = False
    kept: int | None = None  # the line of the whole question's answer
    for part, answer in answers:
        if answer is None:
            if not used_whole and not any(whole.answer in line for line in lines):
                kept = len(lines)
                lines.append(whole.answer)
                first.extend(whole.citations[:1])
                rest.extend(whole.citations[1:])
                used_whole = True
            continue
        if answer.abstained:
            lines.append(not_found_line(part))
            continue
        if any(answer.answer in line for line in lines):
            continue  # the same passage answers two parts
        lines.append(answer.answer)
        first.extend(answer.citations[:1])
        rest.extend(answer.citations[1:])
    citations = list({c.clause_id: c for c in [*first, *rest]}.values())
    timings = dict(whole.timings)
    for _, answer in answers:
        for key, ms in (answer.timings if answer is not None else {}).items():
            timings[key] = round(timings.get(key, 0.0) + ms, 2)
    return replace(
        whole,
        answer="\n".join(_fitted(lines, ANSWER_CHARS, kept)),
        abstained=False,
        citations=citations[: max(CITATIONS, len(first))],
        related=[] if citations else whole.related,
        timings=timings,
        strategy=PARTS_STRATEGY,
        code="",
    )


def _fitted(lines: list[str], budget: int, kept: int | None) -> list[str]:
    """The lines cut so that together they fit ``budget`` characters: line ``kept`` (the whole
    question's answer) first, whole; of the others, a short line keeps all of itself and the
    longer ones share what is left."""
    limits: dict[int, int] = {}
    left = budget - (len(lines) - 1)  # the line breaks
    if kept is not None:
        limits[kept] = min(len(lines[kept]), left)
        left -= limits[kept]
    others = sorted((i for i in range(len(lines)) if i != kept), key=lambda i: len(lines[i]))
    for n, i in enumerate(others):
        limits[i] = min(len(lines[i]), max(1, left // (len(others) - n)))
        left -= limits[i]
    return [_cut(line, limits[i]) for i, line in enumerate(lines)]


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a space (line breaks kept)."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def not_found_line(part: AskedPart) -> str:
    """The line a part the documents do not answer gets (the whole abstention's words otherwise)."""
    return f"{part.text}: {PART_NOT_FOUND}." if part.text else NOT_FOUND
