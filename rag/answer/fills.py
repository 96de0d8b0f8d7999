"""Whether a composed answer fills what the question asks, under the question's constraints.

A passage can share most of a question's words and still not answer it: "trước ngày nào?"
answered by a task with no day, "bao nhiêu lần mức lương cơ sở?" by a definition with no
count of "lần", "ở đâu?" by a sentence naming no place, "trên 20 năm" by a clause about those
with "dưới 20 năm", "hạng II lên hạng I" by one about "hạng III lên hạng II", a figure by the
"Căn cứ …" line that cites another document. Each check reads the slot and constraints the
reader typed (``rag.questions``) and the value grammars of ``rag.text`` / ``rag.answer.text``;
a failed check means the documents do not say it, and the answerer abstains (pointing at the
closest clauses). Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rag.answer.text import NUMBER_WORDS, asked_figure
from rag.questions import Question
from rag.text import fold, has_diacritics
from rag.values import DOCUMENT_NUMBER, bounded_quantities, hours_in, mentions_time, roman_labels
from rag.vocabulary import REFERENCE_RELATIONS


@dataclass(frozen=True)
class FillRules:
    """The reaches of the checks, fitted on the visible sets' answers (per document half, see
    docs/answering.md): how far a counted noun may stand from its number, how far a field
    label's value from the label."""

    noun_after_number: int = 1  # words between "05" and "ngày" ("05 ngày làm việc", "2 đề thi")
    label_reach: int = 60  # characters from a field label to its value ("Kinh phí hỗ trợ …: 191.100")
    # How many next passages may stand in for a best one that leaves the slot empty (4 missed a
    # deadline stated fifth; further down, abstain items found a value of the type by chance).
    alternatives: int = 6


FILL_RULES = FillRules()

# Words after "bao nhiêu"/"mấy" that do not name what is counted ("điều mấy của luật").
_NOT_COUNTED = frozenset({"cua", "trong", "thi", "la", "va", "de", "cho", "o", "tai", "theo", "voi", "khi"})
_MONEY = asked_figure("money")
# A day of a month ("25/4", "ngày 15", "ngày mồng 3"), or the day a text names by an event.
_DAY = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}\b|\bngay\s+(?:mong\s+)?\d{1,2}\b|\bngay\s+(?:ky|ban hanh|cong bo)\b"
)
# The date of a document the answer cites ("số 720/KH-ĐHTĐ ngày 08 tháng 07 năm 2025"): it dates
# that document, it is not the day asked about.
_DOCUMENT_DATE = re.compile(
    r"\b\d+[/-][\w/.&-]*(?:\s+cua\s+[^,;]{0,80}?)?\s+(?:ngay\s+)?"
    r"(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
    # "… ngày 25/8/2025 của Bộ trưởng …": the date of the document that person or body issued.
    r"|(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})\s+cua\b"
)
_TIME_UNITS = frozenset({"nam", "thang", "quy", "tuan", "ngay", "gio", "phut"})
_DURATION = re.compile(
    r"\d[\d.,]*\s+(?:"
    + "|".join(sorted(_TIME_UNITS))
    + r")\b|\b(?:hang|moi|dinh ky)\s+(?:"
    + "|".join(sorted(_TIME_UNITS))
    + r")\b"
)
# A place named: "tại"/"ở" before a name or a place noun, "địa điểm", "trụ sở" (read with marks:
# folded "tai" is also "tài"; and "tồn tại", "hiện tại" name no place).
_PLACE_NOUNS = r"trụ sở|hội trường|nhà|số|địa chỉ|khu|phòng|thành phố|tỉnh|huyện|quận|thị xã|xã|phường|trường"
_PLACE = re.compile(
    rf"(?<![Tt]ồn )(?<![Hh]iện )\b(?:[Tt]ại|[Ởở])\s+(?:[A-ZĐÀ-Ỹ]|(?:{_PLACE_NOUNS})\b)"
    r"|\b(?:[Đđ]ịa điểm|[Đđ]ịa bàn|[Tt]rụ sở)\b"
)
_STRICT_PLACE = re.compile(
    rf"(?<![Tt]ồn )(?<![Hh]iện )\b[Tt]ại\s+(?:[A-ZĐÀ-Ỹ]|(?:{_PLACE_NOUNS})\b)|\b(?:[Đđ]ịa điểm|[Tt]rụ sở)\b"
)
_BASIS = re.compile(r"^(?:" + "|".join(REFERENCE_RELATIONS["based_on"][1]) + r")\b")
_WORDS = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+")
_STATEMENTS = re.compile(r"[;\n]|\.(?:\s|$)")
# Slots a document's own lines ("Căn cứ …" included) may answer.
_DOCUMENT_SLOTS = frozenset({"document_number", "signer", "recipient"})


def unfilled(
    question: Question,
    answer: str,
    evidence: Sequence[str] = (),
    *,
    strict: bool = False,
    own_years: Collection[str] = (),
) -> str:
    """Why the answer does not fill what ``question`` asks ("" when it does). ``evidence``: the
    texts the answer is taken from (its cited clauses); constraints are checked against them.
    ``strict``: for a passage taken in place of the best one, the slot must be filled in so many
    words (a count of the asked noun itself, a place after "tại") and each constraint stated.
    ``own_years``: the years of the documents the answer comes from (a bare one says no "when")."""
    folded = fold(answer)
    why = _no_count(question, folded, answer.lower(), strict)
    marked = answer if has_diacritics(answer) else folded
    why = (
        why
        or _no_day(question, folded)
        or _no_hour(question, folded)
        or _no_duration(question, folded, answer.lower())
        or _no_time(question, folded, own_years)
        or _no_place(question, marked, strict)
        or _only_basis(question, folded)
    )
    if why:
        return why
    if question.form.kind in ("yes_no", "choices"):
        return ""  # a bound or label stated otherwise is what the verdict reads ("Sai."), not a gap
    said = fold(" ".join([answer, *evidence]))
    return _bound_contradicted(question, said, strict) or _label_contradicted(
        question, " ".join([answer, *evidence]), strict
    )


def _no_count(question: Question, folded: str, lowered: str, strict: bool = False) -> str:
    """ "bao nhiêu lần", "bao nhiêu học sinh": a number of that noun, or that noun as a field label
    with a figure (a sum of money answers a measured noun: "bao nhiêu vốn"; a percentage is a
    share, not a count: "100% học sinh")."""
    if not question.asks_count or question.number_slot is None or question.figure_unit:
        return ""
    noun = question.number_slot[1]
    if noun in _NOT_COUNTED or (not strict and _MONEY is not None and _MONEY.search(folded)):
        return ""
    if re.search(rf"\b{re.escape(noun)}\b[^.;\d]{{0,{FILL_RULES.label_reach}}}:\s*\d", folded):
        return ""  # the noun as a field label with its figure ("Số học viên: 45")
    words = _WORDS.findall(lowered)
    for i, word in enumerate(words):
        if fold(word) != noun:
            continue
        before = words[max(0, i - 1 - FILL_RULES.noun_after_number) : i]
        # "05 ngày", "2 đề thi", and counts in words as laws write them ("mười ngày", "ba lần")
        if any((w[0].isdigit() and not w.endswith("%")) or NUMBER_WORDS.fullmatch(w) for w in before):
            return ""
    return f"no number of '{noun}'"


def _no_day(question: Question, folded: str) -> str:
    if "asks_day" not in question.cues or question.slot not in ("date", "deadline"):
        return ""
    return "" if _DAY.search(_DOCUMENT_DATE.sub(" ", folded)) else "no day"


def _no_hour(question: Question, folded: str) -> str:
    """ "từ mấy giờ", "trước mấy giờ": an hour of the day ("18h00", "17 giờ")."""
    if "asks_hour" not in question.cues:
        return ""
    return "" if hours_in(folded) else "no hour"


def _no_time(question: Question, folded: str, own_years: Collection[str] = ()) -> str:
    """ "khi nào", "thời hạn …": the answer says when (a date, a period, a recurrence, an event
    it is tied to); a day or a length of time asked is checked by its own rule."""
    if question.slot not in ("deadline", "date") or {"asks_day", "asks_duration"} & question.cues:
        return ""
    # A document's number ("14/2022/tt-btttt", "số 12/kh-ubnd"): its year dates the document.
    undated = DOCUMENT_NUMBER.sub(" ", _DOCUMENT_DATE.sub(" ", folded))
    return "" if mentions_time(_without_stated_years(question, undated), own_years) else "no time"


def _without_stated_years(question: Question, folded: str) -> str:
    """The text without the years the question itself states ("năm học 2025–2026", "năm 2025"):
    restating the period the question is about does not say when within it."""
    years = question.constraints.years
    if not years:
        return folded
    year = "|".join(re.escape(y) for y in years)
    stated = rf"\b(?:nam(?: hoc)?\s+)?(?:{year})(?:\s*[-–]\s*(?:{year}))?\b"
    return re.sub(stated, " ", folded)


def _no_duration(question: Question, folded: str, lowered: str) -> str:
    """ "bao lâu": a length of time ("05 năm", "mười hai tháng"), a recurrence ("hằng năm") or a day."""
    if "asks_duration" not in question.cues:
        return ""
    if _DURATION.search(folded) or _DAY.search(folded):
        return ""
    words = _WORDS.findall(lowered)
    for i, word in enumerate(words[1:], 1):
        if fold(word) in _TIME_UNITS and NUMBER_WORDS.fullmatch(words[i - 1]):
            return ""
    return "no length of time"


def _no_place(question: Question, marked: str, strict: bool = False) -> str:
    if "asks_place" not in question.cues:
        return ""
    if marked == fold(marked):  # a text without marks: its folded words are all there is
        return "" if re.search(r"\b(?:tai|dia diem|tru so)\b", marked) else "no place"
    return "" if (_STRICT_PLACE if strict else _PLACE).search(marked) else "no place"


def _only_basis(question: Question, folded: str) -> str:
    """An answer made only of "Căn cứ …" statements cites the documents this one rests on: it
    answers what the document rests on, or a fact of the document itself, nothing else."""
    if (
        question.slot in _DOCUMENT_SLOTS
        or question.figure_unit in ("document_number", "provision")
        or "asks_basis" in question.cues
        or "lineage" in question.cues
    ):
        return ""
    statements = [s.strip(" ,…-¬") for s in _STATEMENTS.split(folded) if s.strip(" ,…-¬")]
    if statements and all(_BASIS.search(s) for s in statements):
        return "only the basis"
    return ""


def _bound_contradicted(question: Question, said: str, strict: bool = False) -> str:
    """ "trên 20 năm" asked, and the evidence bounds the same quantity the other way only ("dưới
    20 năm"); ``strict``: or does not state it at all."""
    if not question.constraints.bounds:
        return ""
    stated = bounded_quantities(said)
    for direction, number, unit in question.constraints.bounds:
        same = [d for d, n, u in stated if n == number and u == unit]
        if (same or strict) and direction not in same:
            return f"bound {direction} {number} {unit} contradicted"
    return ""


def _label_contradicted(question: Question, said: str, strict: bool = False) -> str:
    """ "hạng I" asked, and the evidence labels the same noun with other numerals only (``strict``:
    or not with this one)."""
    if not question.constraints.labels:
        return ""
    stated: dict[str, set[str]] = {}
    for noun, numeral in roman_labels(said):
        stated.setdefault(noun, set()).add(numeral)
    for noun, numeral in question.constraints.labels:
        if (noun in stated or strict) and numeral not in stated.get(noun, set()):
            return f"{noun} {numeral} not in the evidence"
    return ""
