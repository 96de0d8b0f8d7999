"""A statement's quantity read against a bound the clause states on the same measure: "4 tháng"
is inside "dưới 6 tháng" and outside "đủ 6 tháng trở lên"; "2 năm" is outside "không quá 12
tháng". Pure: tokens in. The bounds are read by the one grammar of `rag/values.py`.

A clause may bound one measure several ways, each with what holds within it ("đủ 6 tháng trở
lên được tính tròn một năm, dưới 6 tháng được tính nửa năm"): the bound whose words up to the
next one share most of what the statement says after its quantity is the one it is read against;
two sharing as much leave it unread.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rag.values import SPELLED_AMOUNTS, Bound, bounds, in_base_unit
from rag.verdicts.tokens import Token, quantity_unit, weight
from rag.vocabulary import BOUNDS_AFTER, BOUNDS_BEFORE

REACH = 8  # clause words around the aligned place whose bounds a statement's quantity is read against
BOUND_WORDS = 3  # a bound word this many words from a statement's quantity bounds it ("tối đa là 06 tháng")
SCOPE = 12  # words after a bound that say what holds within it, when no other bound comes first


@dataclass(frozen=True)
class BoundReading:
    inside: bool  # the statement's quantity falls within the clause's bound
    stated: str  # the clause's bound, folded ("duoi 6 thang")


def measure(toks: tuple[Token, ...], i: int) -> tuple[float, str] | None:
    """The quantity token i starts ("4 tháng" -> (4.0, "thang"), "nửa năm" -> (0.5, "nam")),
    None when it is none or counts nothing."""
    tok = toks[i]
    unit = quantity_unit(toks, i)
    if tok.kind == "number" and unit:
        try:
            return float(tok.text), unit
        except ValueError:
            return None
    if tok.kind == "word" and tok.text in SPELLED_AMOUNTS and unit:
        return SPELLED_AMOUNTS[tok.text], unit
    return None


def _bounded_by(said: tuple[Token, ...], i: int) -> bool:
    """The statement bounds quantity i itself: "không quá 5 ngày", "tối đa là 06 tháng", "từ 18
    tuổi trở lên"."""
    if any(a <= i < b for a, b, _ in _bounds_at(said)):
        return True
    before = " ".join(t.text for t in said[max(0, i - BOUND_WORDS) : i])
    after = " ".join(t.text for t in said[i + 2 : i + 2 + BOUND_WORDS])
    return any(f" {w} " in f" {before} " for w in BOUNDS_BEFORE) or any(
        f" {w} " in f" {after} " for w in BOUNDS_AFTER
    )


def _bound_words(toks: tuple[Token, ...], a: int, b: int) -> list[int]:
    """The positions of a bound's own words ("tối đa", "trở lên"), its number and unit aside."""
    return [k for k in range(a, b) if toks[k].kind == "word" and not (k > 0 and toks[k - 1].kind == "number")]


def _bounds_at(toks: tuple[Token, ...]) -> list[tuple[int, int, Bound]]:
    """Each bound of the tokens with the token positions it spans (first, past its last)."""
    starts, pos = [], 0
    for t in toks:
        starts.append(pos)
        pos += len(t.text) + 1
    folded = " ".join(t.text for t in toks)
    return [(bisect_right(starts, b.start) - 1, bisect_left(starts, b.end), b) for b in bounds(folded)]


def bound_reading(
    said: tuple[Token, ...],
    i: int,
    clause: tuple[Token, ...],
    window: tuple[int, int],
    place: tuple[int, int],
    aligned_to: frozenset[int] = frozenset(),
) -> BoundReading | None:
    """Statement quantity i against the bounds the clause states on its measure near the words
    the statement aligns with (`window`, clause positions); None when the statement bounds it
    itself, the clause has a plain quantity of that measure where the statement's stands
    (`place`: "gia hạn thêm 3 tháng" is no bound), no bound near counts its measure, the
    quantity sits on a bound, or the bounds it could be read against are not told apart. A bound
    whose words the statement repeats (`aligned_to`: "tối đa là 06 tháng" against "tối đa 12
    tháng") is the one it states, compared word for word elsewhere."""
    quantity = measure(said, i)
    if quantity is None or _bounded_by(said, i):
        return None
    value, unit = quantity
    base = in_base_unit(value, unit)[1]
    spans = _bounds_at(clause)
    bounded = {k for a, b, _ in spans for k in range(a, b)}
    for j in range(place[0], min(place[1], len(clause))):
        other = measure(clause, j)
        if other is not None and j not in bounded and in_base_unit(*other)[1] == base:
            return None
    lo, hi = window
    found = [
        (a, b, bound)
        for a, b, bound in spans
        if lo - REACH <= a < hi + REACH
        and bound.admits(value, unit) is not None
        and not any(k in aligned_to for k in _bound_words(clause, a, b))
    ]
    if not found:
        return None
    verdicts = {bound.admits(value, unit) for _, _, bound in found}
    if len(verdicts) > 1:
        chosen = _scoped(said, i, clause, found)
        if chosen is None:
            return None
        found = [chosen]
    a, b, bound = found[0]
    return BoundReading(bool(bound.admits(value, unit)), " ".join(t.text for t in clause[a:b]))


def _scoped(
    said: tuple[Token, ...], i: int, clause: tuple[Token, ...], found: list[tuple[int, int, Bound]]
) -> tuple[int, int, Bound] | None:
    """The bound whose words up to the next one share most of the statement's content words after
    its quantity (its unit aside); None on a tie."""
    after = {t.text for t in said[i + 2 :] if t.kind == "word" and weight(t) >= 1.0}
    scores = []
    for k, (_, b, _) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else min(len(clause), b + SCOPE)
        scope = {t.text for t in clause[b:end] if t.kind == "word"}
        scores.append((len(after & scope), k))
    scores.sort(reverse=True)
    if scores[0][0] == 0 or scores[0][0] == scores[1][0]:
        return None
    return found[scores[0][1]]
