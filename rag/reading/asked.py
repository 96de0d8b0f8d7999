"""The things a question asks at once ("bao nhiêu tham luận và có bao nhiêu người phát biểu",
"… đúng không? Nếu không thì … là gì?"): where it breaks between two asks, what each part asks
(its value type: the label of the ask wording, rag.reading.wordings.ASKS) and each part as a
question of its own, so that the answerer can put it through the normal answering path.

A part after the first carries the first part's subject: the words before the first ask ("Thủ
tục X giải quyết [trong bao lâu] và [có mất phí không]" -> "Thủ tục X có mất phí không"); a
first part that names nothing of its own ("Ai chủ trì và …") carries the next part's words.
"""

from __future__ import annotations

import re

from rag.questions import AskedPart
from rag.reading.matcher import Matcher
from rag.reading.terms import topic_terms
from rag.reading.wordings import ASKS, MACROS, PART_BREAK, PART_LEAD_TAIL, PART_OPENING, PART_PARTICLE
from rag.text import collapse_ws, fold_aligned, has_diacritics

_ASKS = Matcher(ASKS, MACROS)
_PART_BREAK = re.compile(PART_BREAK)
_OPENING = re.compile(PART_OPENING)
_LEAD_TAIL = re.compile(PART_LEAD_TAIL)
_PARTICLE = re.compile(PART_PARTICLE)
_SENTENCE_END = re.compile(r"[?.]")
_CON = re.compile(r"\bcon\b")
_MARKED_CON = re.compile(r"\b[Cc]òn\b")
# A part with fewer topic words than this names nothing of its own: it borrows a neighbour's.
OWN_WORDS = 2
# A later part with this many topic words names its own subject ("Phần đánh giá công chức có áp
# dụng ngay không"): it is asked as it is; one with fewer ("có bao nhiêu người phát biểu", "được
# bao nhiêu thời gian") asks of the first part's subject.
OWN_SUBJECT = 4


def asked_parts(query: str, english: bool = False) -> tuple[AskedPart, ...]:
    """The parts of a question that asks two or more things, split where a break ("," "và"
    "đồng thời" "?" "nếu không thì") stands between two asks; () for a question asking one thing
    (or several with no break between: "từ mấy giờ ngày nào")."""
    if english:
        return ()
    aligned = fold_aligned(query)  # same length as the query: spans index it
    asks = _ASKS.spans(aligned)
    marked = has_diacritics(query)
    cuts: list[int] = []
    for (_, _, end), (_, start, _) in zip(asks, asks[1:], strict=False):
        # "con dấu" is no "còn": with marks typed, the joining word must be written so.
        breaks = [
            m
            for m in _PART_BREAK.finditer(aligned, end, start)
            if not (marked and _CON.search(m.group(0)) and not _MARKED_CON.search(query[m.start() : m.end()]))
        ]
        # A question's end ("?" or ".") is the break; else the one nearest the next ask (the
        # commas of a list the first part names come before it).
        sentence = [m for m in breaks if _SENTENCE_END.search(m.group(0))]
        if breaks:
            cuts.append((sentence or breaks[::-1])[0].start())
    if not cuts:
        return ()
    bounds = [0, *cuts, len(query)]
    spans = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    texts = [query[a:b].strip(" ,;.?") for a, b in spans]
    firsts = [next((label, s, e) for label, s, e in asks if a <= s < b) for a, b in spans]
    if sum(1 for t in texts if t) < 2:
        return ()
    own = [_without_opening(t) for t in texts]
    lead = _lead(query, spans[0][0], firsts[0])
    questions = []
    for i, text in enumerate(own):
        if i and lead and len(topic_terms(text).folded) < OWN_SUBJECT:
            text = f"{lead} {text}"
        elif i == 0 and len(own) > 1 and len(topic_terms(text).folded) < OWN_WORDS:
            text = f"{text} {own[1]}"  # "Ai chủ trì và thời hạn của nhiệm vụ X là khi nào?"
        questions.append(_without_particle(collapse_ws(text).rstrip(" ,;.?")) + "?")
    return tuple(
        AskedPart(text=t, terms=topic_terms(t), value_type=label, question=q)
        for t, (label, _, _), q in zip(texts, firsts, questions, strict=True)
        if t
    )


def _without_particle(text: str) -> str:
    """A part without the polite word closing it ("…, đúng không ạ"): the question it asks."""
    m = _PARTICLE.search(fold_aligned(text))
    return text[: m.start()] if m else text


def _without_opening(text: str) -> str:
    """A part without the words that join it to the one before ("và", "nếu không thì")."""
    m = _OPENING.match(fold_aligned(text))
    return text[m.end() :] if m else text


def _lead(query: str, start: int, first_ask: tuple[str, int, int]) -> str:
    """The first part's subject, carried to the later parts: its words before its ask, without
    the words leading into the ask; none when the first part is a statement to verify (its
    words are a claim, not the subject of the next ask)."""
    label, ask_start, _ = first_ask
    if label == "yes_no":
        return ""
    head = query[start:ask_start].rstrip(" ,;(")
    tail = _LEAD_TAIL.search(fold_aligned(head))
    head = head[: tail.start()] if tail else head
    return collapse_ws(head) if len(topic_terms(head).folded) >= OWN_WORDS else ""
