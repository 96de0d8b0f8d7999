"""Verdicts: a statement true or false by the clause that states its provision, or a choice
picked among several; none when no clause states it plainly. Pure: plain texts in.

A statement is "true" when a clause has all of it — its facts (numbers, dates, who acts,
negation, bounds, conditions) word for word and nearly all its other words — and no other
clause as close to it says otherwise. It is "false" when the closest clause is the same
provision (its other words aligned) and states one of its facts otherwise. Anything else is
left undecided: the answer then cites the clause and says the documents do not decide it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.text import fold, fold_aligned
from rag.verdicts.compare import ClauseText, Comparison, Conflict, compare
from rag.verdicts.consequence import consequence_verdict
from rag.verdicts.mergers import merger_verdict
from rag.verdicts.polarity import polarity, says
from rag.verdicts.reorder import in_clause_order
from rag.verdicts.tokens import texts, tokens
from rag.verdicts.values import pick_value
from rag.verdicts.words import DENIAL_CUES, DENIAL_REPORTS, LIGHT_WORDS


@dataclass(frozen=True)
class Thresholds:
    """Fitted on the first half of the generated law items (tests/data/verdicts), checked on the other."""

    true_coverage: float = 0.9  # share of a statement a clause must have to call it true
    false_fit: float = 0.8  # share a clause must align with (its differing facts aside) to call it false
    rival: float = 0.06  # a clause this close in fit that decides otherwise leaves the verdict open
    relative_fit: float = 0.75  # choices all this close to one clause are told apart by their own words
    # Choices that are values (rag/verdicts/values.py): the clause stating one speaks about at least
    # this share of the stem's subject, and no clause stating another comes within the margin (of
    # the subject words that tell the clauses apart). The value reading alone on the 53 value-choice
    # items of tests/data/verdicts: fit half 27 items, coverage 0.63, none wrong for any subject
    # share 0.3-0.6 and margin 0.001-0.05 (check half: 0.88, none wrong); a margin of 0 adds only
    # exact ties, picked by retrieval order: left out.
    value_subject: float = 0.4
    value_margin: float = 0.05
    # A statement the alignment leaves undecided, its act negated on one side only
    # (rag/verdicts/polarity.py): false when the clause has this share of its content words.
    polarity_share: float = 0.6
    polarity_margin: float = 0.1  # … and no clause saying the act as the statement does comes this close
    # A statement retelling what a clause calls false information: the clause has this share of it
    # (as polarity_share: one visible item, k127-like reports, too few to fit).
    denial_share: float = 0.6


THRESHOLDS = Thresholds()
_DENIAL_CUE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in DENIAL_CUES) + r")\b")
_DENIAL = re.compile(
    r"\b(?:"
    + "|".join(re.escape(c) for c in DENIAL_CUES)
    + r")\b[^.;]{0,60}?\b(?:"
    + "|".join(re.escape(r) for r in DENIAL_REPORTS)
    + r")\b"
)
LITERAL = 0.99  # a clause with this share of the statement's words states it word for word


@dataclass(frozen=True)
class Verdict:
    value: bool | None  # True "Đúng"/"Có", False "Sai"/"Không", None: the clauses do not decide it
    index: int | None  # the deciding clause (the closest one when undecided), in the order given
    comparison: Comparison | None = None

    @property
    def reason(self) -> str:
        if self.comparison is None:
            return ""
        if self.value is False and self.comparison.conflicts:
            return self.comparison.conflicts[0].kind
        return ""


def _decides(c: Comparison, t: Thresholds) -> bool | None:
    if c.conflicts:
        return False if c.fit >= t.false_fit else None
    if c.coverage >= t.true_coverage and not c.missing:
        return True
    return None


def judge(statement: str, clauses: Sequence[ClauseText], thresholds: Thresholds = THRESHOLDS) -> Verdict:
    """The statement's verdict by the clauses (best retrieved first). One that is a clause's words
    with its two halves swapped is true when, put back in order, that clause states it (read in the
    order written, a negation of the half put last faces the other half: "…, trường hợp hồ sơ chưa
    đầy đủ" for "Trường hợp hồ sơ chưa đầy đủ, …")."""
    verdict = _judge_in_order(statement, clauses, thresholds)
    if verdict.value is not True and clauses:
        swapped = in_clause_order(statement, clauses)
        if swapped is not None:
            again = _judge_in_order(swapped, clauses, thresholds)
            if again.value is True:
                return again
    if verdict.value is None and clauses:
        told = consequence_verdict(
            statement, clauses
        )  # "Nếu <case> thì …": the case told, then its consequence
        if told is not None:
            value, index = told
            conflicts = [] if value else [Conflict("consequence", statement, clauses[index].text)]
            return Verdict(value, index, Comparison(1.0, 1.0, conflicts))
    return verdict


def _judge_in_order(statement: str, clauses: Sequence[ClauseText], thresholds: Thresholds) -> Verdict:
    if not clauses:
        return Verdict(None, None)
    merged = merger_verdict(statement, [c.text for c in clauses])
    if merged is not None:
        value, index = merged
        conflicts = [] if value else [Conflict("merger", statement, clauses[index].text)]
        return Verdict(value, index, Comparison(1.0, 1.0, conflicts))
    comparisons = [compare(statement, c) for c in clauses]
    best_fit = max(c.fit for c in comparisons)
    # The clauses that are the statement's provision as closely as the best one; of those, the one
    # that states most of it word for word decides, unless one as literal decides otherwise.
    close = [i for i, c in enumerate(comparisons) if best_fit - c.fit <= thresholds.rival]
    lead = max(close, key=lambda i: (comparisons[i].coverage, -i))
    # A tie between a text and a part of it (an article and its own sentence) goes to the part:
    # the place that states it, quoted whole rather than cut inside the longer one.
    parts = [
        i
        for i in close
        if comparisons[i].coverage == comparisons[lead].coverage
        and len(clauses[i].text) < len(clauses[lead].text)
        and _squeezed(clauses[i].text) in _squeezed(clauses[lead].text)
    ]
    lead = min(parts, key=lambda i: (len(clauses[i].text), i), default=lead)
    value = _decides(comparisons[lead], thresholds)
    # A clause that has all of the statement is not put in doubt by a twin about another case.
    literal = value is True and comparisons[lead].coverage >= LITERAL
    if value is not None and not literal:
        for i in close:
            other = _decides(comparisons[i], thresholds)
            if (
                other is not None
                and other != value
                and comparisons[lead].coverage - comparisons[i].coverage <= thresholds.rival
            ):
                return Verdict(None, lead, comparisons[lead])
    if value is False and _negated_alike(statement, clauses[lead], comparisons[lead]):
        return Verdict(None, lead, comparisons[lead])
    if value is not None and _reports(statement, clauses[lead]):
        # The clause retells a report it calls false: what it reports is not what it states.
        if value is False:
            return Verdict(None, lead, comparisons[lead])
        return Verdict(False, lead, _denial(statement, clauses[lead], comparisons[lead]))
    if value is None:
        opposed = _opposed(statement, clauses, thresholds) or _denied(
            statement, clauses, comparisons, thresholds
        )
        if opposed is not None:
            return opposed
    return Verdict(value, lead, comparisons[lead])


def _denied(
    statement: str, clauses: Sequence[ClauseText], comparisons: Sequence[Comparison], t: Thresholds
) -> Verdict | None:
    """False by the clause that reports what the statement says as false information ("xuất hiện
    thông tin sai lệch … cả nước sẽ sáp nhập còn 16 tỉnh"): the clause has `denial_share` of the
    statement and every number of it, and calls the report false; the statement itself does not."""
    found = [
        i
        for i, (clause, c) in enumerate(zip(clauses, comparisons, strict=True))
        if c.coverage >= t.denial_share
        and not any(ch.isdigit() for m in c.missing for ch in m)  # every number of it reported
        and _reports(statement, clause)
    ]
    best = max(found, key=lambda i: (comparisons[i].coverage, -i), default=None)
    if best is None or max(c.coverage for c in comparisons) > comparisons[best].coverage:
        return None  # another clause states more of it: that one is its provision
    return Verdict(False, best, _denial(statement, clauses[best], comparisons[best]))


def _reports(statement: str, clause: ClauseText) -> bool:
    """The clause calls what it reports false information, and the statement does not say so."""
    return bool(_DENIAL.search(fold(clause.text))) and not _DENIAL_CUE.search(fold(statement))


def _denial(statement: str, clause: ClauseText, c: Comparison) -> Comparison:
    return Comparison(c.coverage, c.fit, [Conflict("denied", statement, clause.text)])


def _squeezed(text: str) -> str:
    return " ".join(fold(text).split())


def _negated_alike(statement: str, clause: ClauseText, c: Comparison) -> bool:
    """A negation the alignment finds added or dropped where the statement retells the clause in
    another order and negates each act it shares with it as the clause does ("Bên bảo đảm không có
    chỗ ở khác, nếu …" for "Nếu …, bên bảo đảm không có chỗ ở khác")."""
    if not any(x.kind == "negation" for x in c.conflicts):
        return False
    p = polarity(statement, clause.text)
    return p is not None and not p.mixed and not p.opposed


def _opposed(statement: str, clauses: Sequence[ClauseText], t: Thresholds) -> Verdict | None:
    """False by the clause that says most of the statement's words, in whatever order, when it
    negates the act the statement affirms (or affirms what it negates); None when another clause
    says more of it, or one saying nearly as much (within `polarity_margin`) says the act as the
    statement does — that one may be its provision."""
    readings = [(polarity(statement, c.text), i) for i, c in enumerate(clauses)]
    opposed = [(p.share, i) for p, i in readings if p is not None and p.opposed]
    if not opposed:
        return None
    share, index = max(opposed, key=lambda x: (x[0], -x[1]))
    found = readings[index][0]
    assert found is not None
    if share < t.polarity_share or any(p is not None and p.share > share for p, _ in readings):
        return None
    for i, c in enumerate(clauses):
        if i == index:
            continue
        p = readings[i][0]
        alike = p is not None and not p.opposed and p.share >= share - t.polarity_margin
        other = says(statement, c.text, found.act) if not found.said else None
        if alike or (other is not None and other >= share - t.polarity_margin):
            return None
    conflict = Conflict("negation", "không" if found.said else "có", "không" if found.stated else "có")
    return Verdict(False, index, Comparison(share, share, [conflict]))


# --- answer choices -------------------------------------------------------------------------

# "Cả A và B", "Tất cả các đáp án trên": a choice made of other choices (folded).
_ALL_OF = re.compile(
    r"\b(?:tat ca|ca (?:hai|ba|bon|nam)|ca [a-f]\b)|\b(?:cac|nhung|ca) (?:dap an|phuong an|y) (?:tren|deu dung)\b"
)
_NONE_OF = re.compile(r"\bkhong (?:co )?(?:dap an|phuong an|y)\b|\bdeu sai\b")
# The asked slot of a stem, which a choice fills ("bao nhiêu tháng", "cơ quan nào", "ai").
_SLOT = re.compile(
    r"\b(?:bao nhieu|bao lau|may)(?:\s+(?P<unit>phan tram|[a-z%]+))?"
    r"|\b(?:(?:co quan|to chuc|don vi|chu the|nguoi|ai|hanh vi|truong hop|doi tuong|loai|hinh thuc|muc|thoi han"
    r"|thoi diem|ngay)\s+)?(?:nao|gi)\b|\bai\b"
)


@dataclass(frozen=True)
class Pick:
    letter: str | None  # the chosen letter; None when the clauses do not decide between choices
    verdicts: dict[str, Verdict]  # each choice's own verdict (its hypothesis judged)
    named: tuple[str, ...] = ()  # the letters a "Cả A và B" choice stands for, when chosen
    index: int | None = None  # the deciding clause when it is not the chosen choice's own verdict's


def hypothesis(stem: str, choice: str) -> str:
    """The statement a choice makes: the stem with its asked slot filled, or the stem then the choice."""
    body = stem.strip().rstrip(" ?.:")
    words = choice.split()
    if body and len(words) > 1 and words[0][:1].isupper() and words[1][:1].islower():
        choice = choice[0].lower() + choice[1:]  # "Nội dung được …" inside a sentence: not a name
    slots = list(_SLOT.finditer(fold_aligned(body)))
    if not slots:
        return f"{body} {choice}".strip()
    m = slots[-1]  # "… nào sau đây là cơ quan …": the last slot is the asked one
    fill = choice
    if m.group("unit") and not re.search(r"[a-z%]", fold(choice)):
        fill = f"{choice} {body[m.start('unit') : m.end('unit')]}"  # "12" fills "bao nhiêu tháng"
    return f"{body[: m.start()]}{fill}{body[m.end() :]}".strip()


def choose(
    stem: str,
    choices: Sequence[tuple[str, str]],
    clauses: Sequence[ClauseText],
    *,
    pick_false: bool = False,
    thresholds: Thresholds = THRESHOLDS,
) -> Pick:
    """The choice the clauses state (or, `pick_false`, the one they contradict), each choice read
    as the statement it makes; None when two are equally supported or none is plainly stated."""
    plain = [
        (letter, text)
        for letter, text in choices
        if not _ALL_OF.search(fold(text)) and not _NONE_OF.search(fold(text))
    ]
    verdicts = {letter: judge(hypothesis(stem, text), clauses, thresholds) for letter, text in plain}
    true = [letter for letter, v in verdicts.items() if v.value is True]
    false = [letter for letter, v in verdicts.items() if v.value is False]
    if pick_false:
        if len(false) == 1 and true:
            return Pick(false[0], verdicts)
        unstated = [letter for letter in verdicts if letter not in true]
        if not false and len(unstated) == 1 and len(true) >= 2:
            return Pick(unstated[0], verdicts)  # every other choice stated: the one left is the false one
        return Pick(None, verdicts)
    listed = _listed(stem, choices, clauses)
    if listed is not None:
        return Pick(listed[0], verdicts, listed[1])
    for letter, text in choices:
        if not _ALL_OF.search(fold(text)):
            continue
        named = [x.upper() for x in re.findall(r"\b([a-f])\b", fold(text)) if x.upper() in verdicts]
        named = named or list(verdicts)
        if len(named) > 1 and all(n in true for n in named):
            return Pick(letter, verdicts, tuple(named))
        if any(n in false for n in named) or not all(n in true for n in named):
            continue
    valued = pick_value(stem, plain, clauses, margin=thresholds.value_margin, least=thresholds.value_subject)
    # Judged true (or not contradicted) too: the value reading also tells apart choices the
    # statement verdicts cannot ("6,0" where the clause's "06 tuổi" is the stem's own number); a
    # change read ("giảm từ 1,2% xuống 0,9%") outweighs the statement verdict's number in its place.
    if (
        valued is not None
        and (verdicts[valued.letter].value is not False or valued.changed)
        and (not true or valued.letter in true)
    ):
        return Pick(valued.letter, verdicts, index=valued.index)
    if len(true) == 1:
        return Pick(true[0], verdicts)
    if not true and len(plain) >= 3 and len(false) == len(plain) - 1:
        # Every other choice contradicted by its clause, the last one not: it is the answer.
        rest = next(letter for letter, _ in plain if letter not in false)
        return Pick(rest, verdicts)
    if not true:
        return Pick(_distinct_pick(stem, plain, verdicts, clauses, thresholds), verdicts)
    return Pick(None, verdicts)


# A list's intro ("Các chế độ bảo hiểm thất nghiệp bao gồm:") is the stem's subject when this share
# of its words (light words aside) are the stem's, and at least LIST_INTRO_WORDS of them.
LIST_INTRO_SHARE = 0.8
LIST_INTRO_WORDS = 3
_MARKER = re.compile(r"^\s*(?:[a-zđ]\)|\d+[.)]|[-+•])\s*")


# The words that open a list ("… bao gồm:", "… như sau:"), not what it is about.
_LIST_OPENER = re.compile(r"\b(?:bao gom|gom co|gom|nhu sau|sau day|cu the)\b")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", _LIST_OPENER.sub(" ", fold(text))) if w not in LIGHT_WORDS}


def _item(text: str) -> str:
    return fold(_MARKER.sub("", text)).strip(" ;.,:")


def _listed(
    stem: str, choices: Sequence[tuple[str, str]], clauses: Sequence[ClauseText]
) -> tuple[str, tuple[str, ...]] | None:
    """ "Chế độ nào thuộc các chế độ bảo hiểm thất nghiệp? A. Trợ cấp thất nghiệp B. …": the choices
    that are, word for word, items of the list whose intro names the stem's subject. One such
    choice and no choice made of others: it; every choice a "Cả A, B và C" names: that one. None
    when no list decides (the others may be items not retrieved: only a sure pick is made)."""
    asked = _words(stem)
    members: dict[str, set[str]] = {}
    for clause in clauses:
        intro = _words(_MARKER.sub("", clause.lead))
        common = len(intro & asked)
        if not intro or common < LIST_INTRO_WORDS or common / len(intro) < LIST_INTRO_SHARE:
            continue
        item = _item(clause.text)
        for letter, text in choices:
            if item and _item(text) == item:
                members.setdefault(fold(clause.lead), set()).add(letter)
    if not members:
        return None
    found = max(members.values(), key=len)
    whole = [(letter, text) for letter, text in choices if _ALL_OF.search(fold(text))]
    for letter, text in whole:
        named = [x.upper() for x in re.findall(r"\b([a-f])\b", fold(text))]
        named = named or [x for x, t in choices if x != letter and not _ALL_OF.search(fold(t))]
        if len(named) > 1 and set(named) <= found:
            return letter, tuple(named)
    if len(found) == 1 and not whole:
        return next(iter(found)), ()
    return None


def _distinct_pick(
    stem: str,
    plain: list[tuple[str, str]],
    verdicts: dict[str, Verdict],
    clauses: Sequence[ClauseText],
    t: Thresholds,
) -> str | None:
    """The one choice whose own words (those the choices do not share: "10" of "10 năm") are in the
    clause that best states one of them, where no other choice's are, every choice reading as that
    clause's provision; None otherwise."""
    decided = [v for v in verdicts.values() if v.index is not None and v.comparison is not None]
    if len(plain) < 2 or not decided:
        return None
    best = max(decided, key=lambda v: v.comparison.fit if v.comparison else 0.0)
    assert best.index is not None
    clause = clauses[best.index]
    if any(compare(hypothesis(stem, text), clause).fit < t.relative_fit for _, text in plain):
        return None  # the choices are not all read against one clause that is their provision
    words = set(texts(tokens(f"{clause.lead} {clause.text}")))
    own = _own_words(plain)
    present = [letter for letter, _ in plain if own[letter] and own[letter] <= words]
    absent = [letter for letter, _ in plain if own[letter] and not own[letter] & words]
    if len(present) == 1 and len(absent) == len(plain) - 1:
        return present[0]
    return None


def _own_words(plain: list[tuple[str, str]]) -> dict[str, set[str]]:
    bags = {letter: set(texts(tokens(text))) - LIGHT_WORDS for letter, text in plain}
    shared = set.intersection(*bags.values()) if bags else set()
    return {letter: bag - shared for letter, bag in bags.items()}
