"""A statement "Nếu <case> thì <consequence>" against a case a clause tells in a sentence or two
and the consequence it gives in the next sentence, which points back at it ("Một cơn lốc xoáy …
cuốn mái nhà của A vào người đi đường. Trường hợp này … nên A không phải chịu trách nhiệm bồi
thường"). Pure: plain texts in.

The case must have nearly all the statement's case words (and every number) in the sentences
before, negated alike; the consequence's act (its last two content words) must stand in the
pointing sentence: negated there as in the statement, true; negated on one side only, false.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import fold, nfc
from rag.verdicts.compare import ClauseText
from rag.verdicts.polarity import polarity
from rag.verdicts.tokens import Token, claim, tokens
from rag.verdicts.words import BACK_REFERENCES, CASE_OPENERS, LIGHT_WORDS, NEGATION_WORDS

CASE_SHARE = 0.9  # share of the statement's case words the sentences before must have
CONSEQUENCE_SHARE = 0.5  # … and of its consequence words the pointing sentence
CASE_SENTENCES = 2  # sentences before the pointing one that tell the case
REACH = 6  # a "không" this many words before the act negates it ("không phải chịu trách nhiệm bồi")
LEAST_CASE_WORDS = 4

_SENTENCE = re.compile(r"(?<=[.;])\s+(?=\S)")
_BACK = re.compile(r"^(?:" + "|".join(re.escape(b) for b in BACK_REFERENCES) + r")(?!\w)")
_OPENER = re.compile(r"^(?:" + "|".join(re.escape(o) for o in CASE_OPENERS) + r")\b")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def windows(passages: Sequence[str]) -> list[str]:
    """A passage pointing back at a case ("Trường hợp này …") with the passages before it that tell
    the case: one text to judge a "Nếu … thì …" statement against."""
    return [
        " ".join(passages[max(0, i - CASE_SENTENCES) : i + 1])
        for i in range(1, len(passages))
        if _points_back(passages[i])
    ]


def _points_back(sentence: str) -> bool:
    return bool(_BACK.match(nfc(sentence).strip().lower()))


def consequence_verdict(statement: str, clauses: Sequence[ClauseText]) -> tuple[bool, int] | None:
    """(verdict, clause index) by the first clause telling the statement's case and its
    consequence; None when none does or two disagree."""
    parts = _case_and_consequence(statement)
    if parts is None:
        return None
    case, result = parts
    found: list[tuple[bool, int]] = []
    for index, clause in enumerate(clauses):
        told = sentences(clause.text)
        for j in range(1, len(told)):
            if not _points_back(told[j]):
                continue
            value = _reads(case, result, " ".join(told[max(0, j - CASE_SENTENCES) : j]), told[j])
            if value is not None:
                found.append((value, index))
    if not found or len({v for v, _ in found}) > 1:
        return None
    return found[0]


def _case_and_consequence(statement: str) -> tuple[str, str] | None:
    body = claim(statement).strip().rstrip(" ?.")
    folded = fold(body)
    opener = _OPENER.match(folded)
    then = re.search(r"\bthi\b", folded)
    if opener is None or then is None or then.start() <= opener.end():
        return None
    words = body.split()
    # fold() keeps one word for one word: split the written text where the folded one has "thì"
    at = len(folded[: then.start()].split())
    case = " ".join(words[len(folded[: opener.end()].split()) : at])
    # "… thì chủ nhà có phải bồi thường": "có" asks, "phải" is the act's own word
    result = re.sub(r"(?<!\w)có\s+(?=(?:phải|được|bị)(?!\w))", "", " ".join(words[at + 1 :]))
    return (case, result) if case and result else None


def _content(toks: tuple[Token, ...]) -> list[Token]:
    return [t for t in toks if t.kind != "word" or t.text not in LIGHT_WORDS]


def _reads(case: str, result: str, told: str, pointing: str) -> bool | None:
    said_case = _content(tokens(case))
    words = {t.text for t in tokens(told)}
    if len(said_case) < LEAST_CASE_WORDS:
        return None
    if any(t.kind != "word" and t.text not in words for t in said_case):
        return None  # a number of the case the sentences do not have
    if sum(t.text in words for t in said_case) / len(said_case) < CASE_SHARE:
        return None
    p = polarity(case, told)
    if p is not None and (p.opposed or p.mixed):
        return None  # the case itself told otherwise
    said = _content(tokens(result))
    stated = tokens(pointing)
    stated_words = [t.text for t in stated]
    if len(said) < 2 or sum(t.text in set(stated_words) for t in said) / len(said) < CONSEQUENCE_SHARE:
        return None
    # The acts: two words in a row of the consequence the pointing sentence also has in a row
    # ("bồi thường" of "chủ nhà phải bồi thường cho khách"), each said there once; true when each is
    # negated as there, false when one is not ("… là sự kiện bất khả kháng nên A phải bồi thường").
    written = tokens(result)
    pairs = [(stated_words[i], stated_words[i + 1]) for i in range(len(stated_words) - 1)]
    agree = []
    for k in range(len(written) - 1):
        pair = (written[k].text, written[k + 1].text)
        if written[k].kind != "word" or all(w in LIGHT_WORDS for w in pair) or pairs.count(pair) != 1:
            continue
        agree.append(_negated(written, k) == _negated(stated, pairs.index(pair)))
    return all(agree) if agree else None


def _negated(toks: tuple[Token, ...], at: int) -> bool:
    """An odd number of cues in the words right before `at`, none past a comma."""
    cues = 0
    for i in range(at - 1, max(-1, at - REACH - 1), -1):
        cues += toks[i].text in NEGATION_WORDS
        if toks[i].after_break:
            break
    return cues % 2 == 1
