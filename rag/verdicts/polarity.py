"""A statement's act against the clause's, when their words come in another order: "Cơ quan đảng
được thu phí khi chia sẻ dữ liệu" against "Không thu phí dữ liệu chia sẻ giữa các cơ quan đảng".
Pure: plain texts in.

The word-by-word alignment (compare.py) reads a negation in its place; a statement that says the
clause's words in another order leaves it undecided. Here the clause must have the statement's
content words in any order (it speaks about the same thing), and an act both say in the same
words (two content words in a row) must be negated ("không", "chưa", a ban, a stop: "dừng",
"ngừng") on one side only, and the same on every act they share.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.verdicts.tokens import Token, claim, conditions, negations, texts, tokens
from rag.verdicts.words import LIGHT_WORDS, NEGATION_WORDS, STOP_WORDS

REACH = 3  # a cue this many words before an act negates it ("dừng chức năng cấp mã số thuế")


@dataclass(frozen=True)
class Polarity:
    share: float  # the share of the statement's content words the clause has (any order)
    said: bool  # the statement negates the act
    stated: bool  # the clause negates it
    act: str  # the act both say (folded words)
    mixed: bool = False  # acts negated alike and acts negated on one side: not told

    @property
    def opposed(self) -> bool:
        return not self.mixed and self.said != self.stated


def _cues(toks: tuple[Token, ...]) -> list[int]:
    """Negation cues: "không", "chưa"; and stops written with their marks ("dừng", "ngừng"). Not
    bans: "… là hành vi bị nghiêm cấm" frames a list the clause's title bans (compare.py reads it)."""
    stops = [i for i, t in enumerate(toks) if t.marked in STOP_WORDS]
    cues = [i for i in negations(toks) if toks[i].text in NEGATION_WORDS]
    return sorted(set(cues) | set(stops))


def _acts(toks: tuple[Token, ...], cues: list[int]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Two content words in a row (light words and cues between them skipped, no break), where
    each stands."""
    out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    last = None
    skipped = set(cues)
    for i, t in enumerate(toks):
        if t.after_break:
            last = None
        if t.kind != "word":
            last = None
            continue
        if t.text in LIGHT_WORDS or i in skipped:
            continue
        if last is not None:
            out.setdefault((toks[last].text, t.text), []).append((last, i))
        last = i
    return out


def _same(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    """The same words where both are written with their marks ("nâng cấp" is not "năng cấp")."""
    return all(x.marked == y.marked for x, y in zip(a, b, strict=True) if x.marked and y.marked)


def _negated(cues: list[int], at: int) -> bool:
    """An odd number of cues in the words right before position `at`."""
    return sum(1 for c in cues if at - REACH <= c < at) % 2 == 1


def _restates(said: tuple[Token, ...], i: int, stated: tuple[Token, ...]) -> bool:
    """The statement's condition at i has only words of the clause, up to the next break."""
    words = set(texts(stated))
    for t in said[i + 1 :]:
        if t.after_break:
            break
        if t.kind == "word" and t.text not in LIGHT_WORDS and t.text not in words:
            return False
    return True


def says(statement: str, clause: str, act: str) -> float | None:
    """The share of the statement's content words the clause has, when it says the act (folded
    words) with no cue before it; None otherwise."""
    said = tokens(claim(statement))
    stated = tokens(clause)
    cues = _cues(stated)
    found = _acts(stated, cues).get(tuple(act.split()))  # type: ignore[call-overload]
    if not found or any(_negated(cues, a) for a, _ in found):
        return None
    content = {t.text for t in said if t.kind == "word" and t.text not in LIGHT_WORDS}
    return len(content & set(texts(stated))) / len(content) if content else None


def polarity(statement: str, clause: str) -> Polarity | None:
    """The acts statement and clause both say with a negation cue before them on either side:
    negated on one side only (`opposed`), alike on both (the order of the words, not the sense,
    differs), or `mixed`; None when they share no such act or an act stands twice on a side."""
    said = tokens(claim(statement))
    stated = tokens(clause)
    content = {t.text for t in said if t.kind == "word" and t.text not in LIGHT_WORDS}
    if not content:
        return None
    share = len(content & set(texts(stated))) / len(content)
    # "Nếu được khách hàng đồng ý, … được tiết lộ": a condition the clause does not make may be
    # the exception it leaves to other law; no verdict from the act alone ("khi chia sẻ dữ liệu"
    # saying only what the clause says is no such condition).
    if any(not _restates(said, i, stated) for i in conditions(said)):
        return None
    said_cues, stated_cues = _cues(said), _cues(stated)
    said_acts, stated_acts = _acts(said, said_cues), _acts(stated, stated_cues)
    readings = []
    for act, at in said_acts.items():
        there = stated_acts.get(act)
        if not there:
            continue
        if len(at) > 1 or len(there) > 1:
            continue  # the act twice on a side: which one is meant is not told
        (a, b), (x, y) = at[0], there[0]
        if not _same((said[a], said[b]), (stated[x], stated[y])):
            continue
        s, c = _negated(said_cues, a), _negated(stated_cues, x)
        if s or c:
            readings.append((act, s, c))
    if not readings:
        return None
    opposed = {s != c for _, s, c in readings}
    if len(opposed) > 1 or len({s for _, s, _ in readings}) > 1:
        return Polarity(share, False, False, "", mixed=True)  # the acts disagree among themselves
    act, s, c = readings[0]
    return Polarity(share, s, c, " ".join(act))
