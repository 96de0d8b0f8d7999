"""A statement compared with one clause: how much of it the clause states, and which of its
facts the clause states otherwise (a negation, a quantity, a date, who acts, a bound or an
exception). Pure: plain texts in, a `Comparison` out.

The statement is aligned with the clause word by word (difflib): the words the clause has in the
same order are the statement's provision; where the two differ, the differing words are read by
type. One fact changed in an otherwise aligned sentence is what makes a statement false.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rag.verdicts.bounds import bound_reading
from rag.verdicts.tokens import (
    Token,
    actors,
    claim,
    conditions,
    negations,
    opposite,
    quantity_unit,
    relations,
    texts,
    tokens,
    weight,
)
from rag.verdicts.words import EXCEPTION_FRAME, LIGHT_WORDS

UNORDERED = (
    0.6  # a statement word the clause has, not in the aligned order (or only its heading), counts this much
)
ELSEWHERE = 0.3  # … and one the clause has outside the place the statement aligns with
GAP = 8  # clause words between two matching runs that still make one place
CONDITION_REACH = 3  # words a condition's opening phrase may start before the window
SKIPPED = 30  # … or that a statement reading straight on leaves out
NEGATION_REACH = 2  # a clause's "không" this many words before the aligned part still negates it


@dataclass(frozen=True)
class ClauseText:
    """A clause (or a sentence of one) to judge against: `lead` reads right before it (the list
    intro "… bao gồm:" or the article's title), `heading` is further off (the document's name and
    title, the headings over it): a statement's word found only there counts for less."""

    text: str
    heading: str = ""
    lead: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: str  # "negation", "quantity", "date", "actor", "condition"
    said: str  # what the statement says
    stated: str  # what the clause says instead


@dataclass
class Comparison:
    coverage: float  # weighted share of the statement's tokens the clause (or its heading) has
    fit: float  # the same, the conflicting facts counted as aligned: is it the same provision?
    conflicts: list[Conflict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # facts of the statement the clause lacks


@dataclass
class _Alignment:
    said: tuple[Token, ...]
    clause: tuple[Token, ...]
    heading: tuple[Token, ...]
    aligned: dict[int, int]  # statement position -> clause position
    lo: int  # the clause's aligned window
    hi: int

    @property
    def window(self) -> tuple[Token, ...]:
        return self.clause[self.lo : self.hi]


def _align(
    said: tuple[Token, ...], clause: tuple[Token, ...], heading: tuple[Token, ...]
) -> _Alignment | None:
    matcher = SequenceMatcher(None, texts(said), texts(clause), autojunk=False)
    # Matching runs, grouped where they sit close together in the clause: the statement is one
    # place of the clause, not words gathered from all over a long article.
    blocks = [
        (a, b, n)
        for a, b, n in matcher.get_matching_blocks()
        if n >= 2 or (n == 1 and weight(said[a]) >= 1.0)  # a lone "của" far away is no anchor
    ]
    if not blocks:
        return None
    groups: list[list[tuple[int, int, int]]] = [[blocks[0]]]
    for block in blocks[1:]:
        prev = groups[-1][-1]
        clause_gap, said_gap = block[1] - (prev[1] + prev[2]), block[0] - (prev[0] + prev[2])
        # Close in the clause, or the statement reading straight on over a part of the clause it
        # leaves out ("… chủ yếu [đã được xác nhận … Điều 5 Nghị định này,] bên nhận bảo đảm trích …").
        if clause_gap <= GAP or (said_gap <= 2 and clause_gap <= SKIPPED):
            groups[-1].append(block)
        else:
            groups.append([block])
    group = max(groups, key=lambda g: sum(weight(said[a + k]) for a, _, n in g for k in range(n)))
    aligned = {a + k: b + k for a, b, n in group for k in range(n)}
    # The statement's words before its first aligned word and after its last one face the clause's
    # words just outside the aligned part ("… từ ngày 01/01/2025" against "… từ ngày 01/7/2025").
    first, last = min(aligned), max(aligned)
    lo = max(0, group[0][1] - first)
    hi = min(len(clause), group[-1][1] + group[-1][2] + len(said) - 1 - last)
    return _Alignment(said, clause, heading, aligned, lo, hi)


def compare(statement: str, clause: ClauseText) -> Comparison:
    said = tokens(claim(statement))
    if not clause.lead:
        return _compare(said, clause.text, clause.heading)
    # The lead read before the clause ("Nguồn vốn … bao gồm: a) …") or after it, as a statement may
    # put it ("Giả mạo chữ ký … là hành vi bị nghiêm cấm").
    before = _compare(said, f"{clause.lead} {clause.text}", clause.heading)
    after = _compare(said, f"{clause.text} {clause.lead}", clause.heading)
    return max((before, after), key=lambda c: (c.fit, c.coverage))


def _compare(said: tuple[Token, ...], text: str, heading: str) -> Comparison:
    found = _align(said, tokens(text), tokens(heading))
    if not said or found is None:
        return Comparison(0.0, 0.0)
    window_words = set(texts(found.window))
    clause_words = set(texts(found.clause))
    heading_words = set(texts(found.heading))
    named = _runs_in(said, found.heading)
    # "Nếu …" retold from "Trường hợp …": a condition's opening word is said by any other one.
    # (A phrase's first word may sit just before the window: "Trường hợp" over the window's "hợp".)
    near = found.clause[max(0, found.lo - CONDITION_REACH) : found.hi]
    opened = set(conditions(said)) if conditions(near) else set()
    credit = []
    for i, tok in enumerate(said):
        if i in found.aligned or i in named:
            credit.append(1.0)
        elif i in opened or tok.text in window_words or (tok.kind == "word" and tok.text in heading_words):
            credit.append(UNORDERED)
        elif tok.text in clause_words:
            credit.append(ELSEWHERE)
        else:
            credit.append(0.0)
    conflicts, spans, missing = _differences(found, credit)
    total = sum(weight(t) for t in said)
    coverage = sum(weight(t) * c for t, c in zip(said, credit, strict=True)) / total
    explained = sum(weight(said[i]) * (1.0 - credit[i]) for i in spans)
    return Comparison(coverage, min(1.0, coverage + explained / total), conflicts, missing)


NAME_RUN = 3  # words in a row of a heading that a statement repeats: it names the law, the article


def _runs_in(said: tuple[Token, ...], heading: tuple[Token, ...]) -> set[int]:
    """Statement positions of runs it shares with the headings ("Luật giao dịch điện tử mẫu",
    "bảo hiểm thất nghiệp"): what it says of them is said in full, scattered words are not."""
    if not heading:
        return set()
    matcher = SequenceMatcher(None, texts(said), texts(heading), autojunk=False)
    return {a + k for a, _, n in matcher.get_matching_blocks() if n >= NAME_RUN for k in range(n)}


def _differences(found: _Alignment, credit: list[float]) -> tuple[list[Conflict], set[int], list[str]]:
    """The statement's facts the clause states otherwise (and the statement positions they cover),
    and the facts it does not state at all."""
    conflicts: list[Conflict] = []
    spans: set[int] = set()
    missing: list[str] = []
    for check in (_negation, _amounts, _actors, _relations, _exceptions):
        c, s, m = check(found, credit)
        conflicts += c
        spans |= s
        missing += m
    said = found.said
    if not conditions(found.window) and not conditions(found.heading):
        # "nếu …" where the clause makes no condition ("khi" for "nếu" is the same condition)
        missing += [said[i].text for i in conditions(said) if credit[i] == 0.0]
    first, last = min(found.aligned), max(found.aligned)
    conditional = set(conditions(said))  # read above: "khi" for "nếu" is the same condition
    for i, tok in enumerate(said):
        if i in found.aligned or i in spans or i in conditional:
            continue
        if tok.capital and i > 0 and credit[i] == 0.0:
            missing.append(tok.text)  # a name the clause does not have
        elif first < i < last and weight(tok) >= 1.0 and tok.kind == "word" and _replaces(found, i):
            # A word of its own inside the provision ("đánh giá" for "ban hành"), though its
            # syllables may be elsewhere in the clause ("danh mục").
            missing.append(tok.text)
    return conflicts, spans, missing


def _replaces(found: _Alignment, i: int) -> bool:
    """The clause has words of its own where statement word i is (a substitution, not an insertion:
    "đóng [bảo hiểm thất nghiệp] tối đa" adds what the article is about)."""
    aligned_to = set(found.aligned.values())
    before = max((found.aligned[k] for k in found.aligned if k < i), default=None)
    after = min((found.aligned[k] for k in found.aligned if k > i), default=None)
    if before is None or after is None:
        return False
    return any(j not in aligned_to and weight(found.clause[j]) >= 1.0 for j in range(before + 1, after))


def _negation(found: _Alignment, credit: list[float]) -> tuple[list[Conflict], set[int], list[str]]:
    """A negation the statement adds or drops where it aligns with the clause ("nhiệm vụ không được
    giao" against "nhiệm vụ được giao"); the clause's other negations are about other things."""
    said = negations(found.said)
    clause_neg = negations(found.clause)
    lo = max(0, found.lo - NEGATION_REACH)
    # A negation agrees with the clause's when the word it negates aligns with the one the clause's
    # negates: "không có cha" is not "không xác định được cha" though both "không" align.
    aligned_to = set(found.aligned.values())
    agreed = {i for i in said if i in found.aligned and _same_next(found, i, aligned_to)}
    agreed_to = {found.aligned[i] for i in agreed}
    added = [i for i in said if i not in agreed]
    # A clause's negation the statement's aligns with, though each negates another word, counts
    # only where the word it negates is part of the provision the statement states.
    dropped = [
        j
        for j in clause_neg
        if lo <= j < found.hi and j not in agreed_to and (j not in aligned_to or (j + 1) in aligned_to)
    ]
    if (len(added) + len(dropped)) % 2 == 0:
        return [], set(), []
    # "… là hành vi bị nghiêm cấm" stated by the article's title ("Những hành vi bị nghiêm cấm"):
    # the statement's negation frames what the clause says, outside the words aligned with it.
    first, last = min(found.aligned), max(found.aligned)
    framing = all(i < first or i > last for i in added)
    if added and framing and not dropped and len(negations(found.heading)) % 2 == 1:
        return [], set(), []
    return [Conflict("negation", "không" if added else "có", "có" if added else "không")], set(added), []


def _same_next(found: _Alignment, i: int, aligned_to: set[int]) -> bool:
    """Statement word i and the clause word aligned with it are followed by the same word, or
    neither next word is aligned anywhere (the end of a title: "… bị nghiêm cấm")."""
    j = found.aligned[i]
    nxt = found.aligned.get(i + 1)
    if nxt is not None:
        return nxt == j + 1
    return j + 1 not in aligned_to


def _amounts(found: _Alignment, credit: list[float]) -> tuple[list[Conflict], set[int], list[str]]:
    """Numbers and dates of the statement against the clause's, unit by unit."""
    conflicts: list[Conflict] = []
    spans: set[int] = set()
    missing: list[str] = []
    window = found.window
    stated_by_unit: dict[str, set[str]] = {}
    stated_dates = {t.text for t in window if t.kind == "date"}
    for j, tok in enumerate(window):
        if tok.kind == "number":
            unit = quantity_unit(window, j)
            if unit is not None:
                stated_by_unit.setdefault(unit, set()).add(tok.text)
    stated_pairs = {(t.text, quantity_unit(window, j)) for j, t in enumerate(window) if t.kind == "number"}
    clause_pairs = {
        (t.text, quantity_unit(found.clause, j)) for j, t in enumerate(found.clause) if t.kind == "number"
    }
    for i, tok in enumerate(found.said):
        if (tok.text, quantity_unit(found.said, i)) not in stated_pairs and (
            read := bound_reading(
                found.said,
                i,
                found.clause,
                (found.lo, found.hi),
                _place_at(found, i, i + 1),
                frozenset(found.aligned.values()),
            )
        ):
            # "4 tháng" read against the clause's "dưới 6 tháng": inside it is stated, outside it
            # is the statement's fact stated otherwise.
            if read.inside:
                credit[i] = 1.0
            else:
                conflicts.append(
                    Conflict("quantity", f"{tok.text} {quantity_unit(found.said, i)}", read.stated)
                )
            spans.add(i)
            continue
        if tok.kind == "date" and tok.text not in stated_dates:
            if stated_dates:
                conflicts.append(Conflict("date", tok.text, ", ".join(sorted(stated_dates))))
                spans.add(i)
            else:
                missing.append(tok.text)
            continue
        if tok.kind != "number":
            continue
        unit = quantity_unit(found.said, i)
        if unit is None:
            continue  # "Điều 5": a locator, checked by retrieval, not a fact of the claim
        same_place = _same_place(found, i, unit)
        if same_place is not None and same_place.text != tok.text:
            # "tối đa 12 tháng" where the statement says "tối đa 36 tháng", though 36 is elsewhere
            conflicts.append(Conflict("quantity", f"{tok.text} {unit}".strip(), same_place.text))
            spans.add(i)
        elif (tok.text, unit) in stated_pairs or (not unit and any(v == tok.text for v, _ in stated_pairs)):
            continue  # the same number of the same thing ("02 biên chế" is not "02 cấp phó")
        elif (tok.text, unit) in clause_pairs:
            continue  # stated a little further on in the clause ("vượt quá 04 (bốn) giờ")
        elif unit and _other_in_place(found, i, unit, tok.text):
            conflicts.append(Conflict("quantity", f"{tok.text} {unit}", "another number"))
            spans |= {i, i + 1} & set(range(len(found.said)))  # the unit word, when there is one
        elif (counterpart := _counterpart(found, i)) is not None and counterpart.kind == "number":
            conflicts.append(Conflict("quantity", tok.text, counterpart.text))
            spans.add(i)
        else:
            missing.append(tok.text)
    return conflicts, spans, missing


PLACE_WORDS = 3  # the content words before a number that say which quantity it is ("thời gian … tối đa")
PLACE_MATCH = 2  # … of which the clause's number must share this many to be the statement's slot


def _before(toks: tuple[Token, ...], i: int) -> set[str]:
    words: list[str] = []
    for tok in reversed(toks[:i]):
        if len(words) == PLACE_WORDS or tok.kind != "word":
            break
        if weight(tok) >= 1.0:
            words.append(tok.text)
    return set(words)


def _same_place(found: _Alignment, i: int, unit: str) -> Token | None:
    """The clause's number in the statement number's place: same unit, same words before it; None
    when no number of the clause is plainly there, or two different ones are."""
    context = _before(found.said, i)
    if len(context) < PLACE_MATCH:
        return None
    best, best_shared = [], PLACE_MATCH - 1
    for j, tok in enumerate(found.clause):
        if tok.kind != "number" or quantity_unit(found.clause, j) != unit:
            continue
        shared = len(context & _before(found.clause, j))
        if shared > best_shared:
            best, best_shared = [tok], shared
        elif shared == best_shared and best:
            best.append(tok)
    values = {t.text for t in best}
    return best[0] if len(values) == 1 else None


def _other_in_place(found: _Alignment, i: int, unit: str, value: str) -> bool:
    """Another number of the same unit where the statement's number is ("từ 05 đến 07 biên chế")."""
    place = _place(found, i, i + 1)
    return any(
        t.kind == "number" and t.text != value and quantity_unit(place, j) == unit
        for j, t in enumerate(place)
    )


def _counterpart(found: _Alignment, i: int) -> Token | None:
    """The clause token where statement token i would be: between the aligned neighbours."""
    before = max((found.aligned[k] for k in found.aligned if k < i), default=None)
    after = min((found.aligned[k] for k in found.aligned if k > i), default=None)
    if before is None or after is None or after - before != 2:
        return None  # only a one-for-one substitution is read as the same slot
    return found.clause[before + 1]


def _actors(found: _Alignment, credit: list[float]) -> tuple[list[Conflict], set[int], list[str]]:
    """Who acts: each actor the statement names must be the one the clause names in its place."""
    said = actors(found.said)
    if not said:
        return [], set(), []
    clause = actors(found.clause)
    window = [a for a in clause if a[0] < found.hi and a[1] > found.lo]
    said_keys = {key for _, _, key in said}
    stated = {key for _, _, key in window}
    others = [key for _, _, key in window if key not in said_keys]
    conflicts: list[Conflict] = []
    spans: set[int] = set()
    missing: list[str] = []
    # The clause's mentions each aligned statement actor faces: a mention faced once is used up
    # ("Chính phủ là cơ quan … giúp Chính phủ" has one "Chính phủ" more than the clause it retells).
    faced = {
        (s0, e0)
        for start, end, _ in said
        for s0, e0, _ in clause
        if any(s0 <= found.aligned.get(k, -1) < e0 for k in range(start, end))
    }
    for start, end, key in said:
        facing = {found.aligned[k] for k in range(start, end) if k in found.aligned}
        there = [k for s0, e0, k in clause if any(s0 <= j < e0 for j in facing)]
        if there and all(k == key for k in there) and len(facing) == end - start:
            continue  # aligned word for word with the same actor
        rival = next((k for k in there if k != key), None)
        free = any(k == key and (s0, e0) not in faced for s0, e0, k in clause)
        # An actor aligned nowhere is stated by a mention no other one of its faces.
        available = key in stated if facing else free
        if rival is None and not available and others:
            rival = others[0]
        if rival is not None:
            conflicts.append(Conflict("actor", key, rival))
            spans |= set(range(start, end))
        elif key not in stated and key not in {k for _, _, k in actors(found.heading)}:
            missing.append(key)
    return conflicts, spans, missing


def _place(found: _Alignment, start: int, end: int) -> tuple[Token, ...]:
    """The clause's words where statement words start..end would be: between their aligned
    neighbours, one word more on each side."""
    return found.clause[slice(*_place_at(found, start, end))]


def _place_at(found: _Alignment, start: int, end: int) -> tuple[int, int]:
    before = max((found.aligned[k] for k in found.aligned if k < start), default=found.lo)
    after = min((found.aligned[k] for k in found.aligned if k >= end), default=found.hi)
    return max(0, before - 1), after + 2


def _relations(found: _Alignment, credit: list[float]) -> tuple[list[Conflict], set[int], list[str]]:
    """Bounds, order and exception words ("tối đa", "trở lên", "trừ") in their place in the clause."""
    conflicts: list[Conflict] = []
    spans: set[int] = set()
    missing: list[str] = []
    said = relations(found.said)
    said_words = {words for _, _, words in said}
    for start, end, words in said:
        if all(k in found.aligned for k in range(start, end)):
            continue
        place = {w for _, _, w in relations(_place(found, start, end))}
        against = [w for w in place if opposite(words, w) and w not in said_words]
        if against:
            conflicts.append(Conflict("condition", " ".join(words), " ".join(against[0])))
            spans |= set(range(start, end))
        elif words not in place:
            missing.append(" ".join(words))
    return conflicts, spans, missing


def _exceptions(found: _Alignment, credit: list[float]) -> tuple[list[Conflict], set[int], list[str]]:
    """The statement claims what the clause excepts: "được quyết định … buộc thôi việc" where the
    clause gives the power "trừ hình thức buộc thôi việc"."""
    said_words = texts(found.said)
    if any(found.said[i].text == "tru" for i in range(len(said_words))) or negations(found.said):
        return [], set(), []
    lo, hi = max(0, found.lo - GAP), min(len(found.clause), found.hi + GAP)
    for j in range(lo, hi):
        if not _is_except(found.clause, j):
            continue
        end = j + 1
        while (
            end < len(found.clause)
            and not found.clause[end].after_break
            and not _is_except(found.clause, end)
        ):
            end += 1
        excepted = [t.text for t in found.clause[j + 1 : end]]
        claimed = _run_in(said_words, excepted)
        if claimed is not None:
            start, stop = claimed
            return (
                [Conflict("condition", " ".join(said_words[start:stop]), "trừ " + " ".join(excepted))],
                set(range(start, stop)),
                [],
            )
    return [], set(), []


def _is_except(toks: tuple[Token, ...], j: int) -> bool:
    return toks[j].text == "tru" and toks[j].marked in ("", "trừ")


def _run_in(words: list[str], excepted: list[str]) -> tuple[int, int] | None:
    """Where the statement says two or more content words of the excepted phrase in a row."""
    if len(excepted) < 2:
        return None
    matcher = SequenceMatcher(None, words, excepted, autojunk=False)
    a, _, n = matcher.find_longest_match(0, len(words), 0, len(excepted))
    content = [w for w in words[a : a + n] if w not in LIGHT_WORDS and w not in EXCEPTION_FRAME]
    return (a, a + n) if n >= 2 and content else None
