"""Pure text helpers of the answerer: names, short forms of clause text, what a passage says of
the question (values themselves are read by rag.values)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text import collapse_ws, fold, fold_aligned, has_diacritics
from rag.values import DATE, PERIOD_HALF
from rag.vocabulary import ASKED_UNITS, DOC_TYPES


def spaced(text: str) -> str:
    """Words of a lower-cased text between single spaces, punctuation as spaces: " a b c "."""
    return " " + " ".join(re.split(r"[\W_]+", text)) + " "


MAX_ANSWER_CHARS = 550

# Sentence ends, and bullets: a dash opening a line or following a sentence end (not the dash
# inside a name such as "Tập đoàn Công nghiệp - Năng lượng Quốc gia").
# The last split (a line break before a bullet) takes a whitespace run whole, from its start:
# \s*\n\s* would try every split of a long run at every position (cubic).
SENTENCE_SPLIT = re.compile(
    r"(?<=[.;!?])\s+(?=[^\s])|(?<=[.;:!?])\s+(?=[-+•]\s)|(?<!\s)(?=\s*\n)\s++(?=[-+•]\s)"
)


def short(text: str, limit: int) -> str:
    text = collapse_ws(text)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def trim(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    lines = [collapse_ws(line) for line in text.splitlines() if line.strip()]
    out = "\n".join(lines)
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


PASSAGE_CHARS = 400
WINDOW_WORDS, WINDOW_STRIDE = 80, 40


def split_passages(text: str) -> list[str]:
    """Sentences of a clause; a long sentence becomes overlapping word windows."""
    flat = collapse_ws(text)
    if len(flat) <= PASSAGE_CHARS:
        return [flat] if flat else []
    out: list[str] = []
    for sentence in (collapse_ws(s) for s in SENTENCE_SPLIT.split(text.strip()) if s.strip()):
        if len(sentence) <= PASSAGE_CHARS:
            out.append(sentence)
            continue
        words = sentence.split(" ")
        for i in range(0, max(1, len(words) - WINDOW_STRIDE), WINDOW_STRIDE):
            out.append(" ".join(words[i : i + WINDOW_WORDS]))
    return out


def widened(text: str, passage: str, windows: int) -> str:
    """A window of a long sentence (``split_passages``) read on to ``windows`` windows' length,
    within its sentence: a question asking several things may find them one after another
    ("… từ nguồn X … để Y, Z"). The passage as it is when it is no such window."""
    words = passage.split(" ")
    if windows < 2 or len(words) < WINDOW_WORDS:
        return passage
    for sentence in (collapse_ws(s) for s in SENTENCE_SPLIT.split(text.strip()) if s.strip()):
        at = sentence.find(passage)
        if at < 0:
            continue
        start = len(sentence[:at].split())
        return " ".join(sentence.split(" ")[start : start + windows * WINDOW_WORDS])
    return passage


# A Vietnamese personal name: a common surname (with its marks: "Trịnh" is a name, "Trình"
# a verb) then one to three more capitalised syllables.
_SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lâm Mai "
    "Trịnh Trương Cao Lương Hà Quách Tạ Thái La Chu Châu Kiều Văn Tô Lưu Mạc Hứa".split()
)
_FOLDED_SURNAMES = frozenset(fold(n) for n in _SURNAMES)
_CAPITALISED_RUN = re.compile(r"\b[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]+){1,3}\b")


def names_a_person(text: str, near: str = "") -> bool:
    """Does a text name a person ("Nguyễn Văn An"): capitalised words led by a surname,
    within a few words of `near` (a folded title such as "chu tich") when given?"""
    folded = fold_aligned(text)
    anchors = [m.start() for m in re.finditer(rf"\b{re.escape(near)}\b", folded)] if near else []
    for m in _CAPITALISED_RUN.finditer(text):
        first = m.group(0).split()[0]
        if first not in _SURNAMES and not (
            not has_diacritics(m.group(0)) and fold(first) in _FOLDED_SURNAMES
        ):
            continue
        # The title before the name ("Chủ tịch: Nguyễn Văn An") or after it, as lists of members
        # print it ("Nguyễn Văn An, Chuyên viên Ban Pháp chế - Ủy viên Thư ký").
        if not near or any(-60 <= m.start() - a <= 60 for a in anchors):
            return True
    return False


def period_conflict(half: str, context: str) -> float:
    """1.0 when the question asks about the first part of a period ("dau") and the clause is about
    the last ("cuoi"), or the other way round."""
    if not half:
        return 0.0
    found = {m.group(1) for m in PERIOD_HALF.finditer(context)}
    return 1.0 if found and half not in found else 0.0


def counts_asked_noun(folded: str, fresh: set[str], asked: set[str]) -> float:
    """1.0 when a new number counts a noun the question asks about ("24 dự án", "12 cuộc")."""
    words = folded.split()
    for i, w in enumerate(words):
        if w.strip(",.;:()") in fresh and any(x.strip(",.;:()") in asked for x in words[i + 1 : i + 3]):
            return 1.0
    return 0.0


NUMBER_WORDS = re.compile(
    # not "năm" (also "year") nor "tư" (also "private"): too common to tell a quantity
    # nor "một số" ("some"), "một cách", "một trong": no quantity either
    r"\b(một(?!\s+(?:số|cách|trong|phần)\b)|hai|ba|bốn|sáu|bảy|tám|chín|mười|mươi|lăm|mốt|trăm|nghìn|ngàn|triệu"
    r"|tỷ|tỉ|nửa)\b"
)


def fills_number_slot(folded: str, slot: tuple[tuple[str, ...], str] | None) -> float:
    """1.0 when the text says what the question says with a number for "bao nhiêu".

    "tuyển mới bao nhiêu giáo viên" (slot: the words before it and the noun after it) is answered
    by "tuyển mới 12 giáo viên".
    """
    if slot is None:
        return 0.0
    before, noun = slot
    pattern = r"\b" + r"\s+".join(map(re.escape, before)) + r"\s+\d[\d.,]*\s+" + re.escape(noun) + r"\b"
    return 1.0 if re.search(pattern, folded) else 0.0


def date_follows_phrase(folded: str, asked: tuple[str, ...]) -> float:
    """1.0 when a date comes right after a run of at least 3 of the question's words ("Ngày X (10/10)")."""
    for n in range(len(asked), 2, -1):
        for i in range(len(asked) - n + 1):
            phrase = " ".join(asked[i : i + n])
            at = folded.find(phrase)
            if at >= 0 and DATE.search(folded[at + len(phrase) : at + len(phrase) + 25]):
                return 1.0
    return 0.0


# A figure said of a phrase: right after it, or after "là" / ":" ("không vượt quá 20%/năm"); a
# count of days or years is a length of time, a figure only when one is asked. Read from where the
# phrase ends: "(?<!\s)" keeps a search from restarting inside a run of spaces (linear time).
_FIGURE_NEXT = re.compile(
    r"(?<!\s)\s*(?:la\s+|:\s*)?(\d+(?:[.,]\d+)*)(?![\d/])(?!\s*(?:ngay|thang|nam|quy|tuan|gio)\b)"
)
_LENGTH_NEXT = re.compile(r"(?<!\s)\s*(?:la\s+|:\s*)?(\d+(?:[.,]\d+)*)(?![\d/])")


def figure_follows_phrase(
    folded: str, asked: tuple[str, ...], stated: set[str], *, lengths: bool = False
) -> float:
    """1.0 when a number the question does not state comes right after the question's last words
    (at least 2, the words before "bao nhiêu"): "… không được vượt quá bao nhiêu" is answered by
    "… không vượt quá 20%/năm", not by "không được vượt quá mức lãi suất giới hạn …". ``lengths``:
    a length of time is asked ("05 ngày" is then the figure)."""
    following = _LENGTH_NEXT if lengths else _FIGURE_NEXT
    for n in range(len(asked), 1, -1):
        phrase = " ".join(asked[-n:])
        for m in re.finditer(rf"\b{re.escape(phrase)}\b", folded):
            after = following.match(folded, m.end())
            if after and after.group(1) not in stated:
                return 1.0
    return 0.0


_NEGATED = re.compile(r"\bkhong\s+(\w+\s+\w+)\b")


def negates_asked(folded: str, question: str, topic: tuple[str, ...]) -> float:
    """1.0 when the text says "không" before a phrase the question asks about without it ("trường
    hợp họ không có lãi" for "lãi suất trong họ có lãi"): it speaks of the opposite case. The
    phrase holds a topic word of the question (not only ways of asking)."""
    for m in _NEGATED.finditer(folded):
        phrase = m.group(1)
        if (
            any(w in topic for w in phrase.split())
            and re.search(rf"\b{phrase}\b", question)
            and not re.search(rf"\bkhong\s+(?:\w+\s+)?{phrase}\b", question)  # "không (được) vượt quá"
        ):
            return 1.0
    return 0.0


@lru_cache(maxsize=64)
def asked_figure(kind: str, measure: str = "") -> re.Pattern[str] | None:
    """What a figure of the kind a question asks for looks like (rag.vocabulary.ASKED_UNITS: money
    in đồng, a percentage, "… mm" for measure "mm"), if it asks for one."""
    if kind not in ASKED_UNITS:
        return None
    answer = ASKED_UNITS[kind][1]
    return re.compile(answer.format(unit=re.escape(measure)) if measure else answer)


def lacks_asked_figure(kind: str, measure: str, folded_answer: str) -> bool:
    """ "… bao nhiêu đồng?" answered with no sum in đồng ("được bồi dưỡng bằng tiền …")."""
    figure = asked_figure(kind, measure)
    return figure is not None and not figure.search(folded_answer)


_COPULA = re.compile(r"\bla\b")
# The longest subject read as defined: every one of its words must be the question's, so a long
# one ("Mức chuẩn trợ giúp xã hội của thành phố Hà Nội là …") is the more certain.
DEFINED_WORDS = 12
_WORD = re.compile(r"\w+")


def defines_asked(folded: str, asked: frozenset[str]) -> float:
    """A sentence "<subject> là …" whose whole subject the question names: it defines what is
    asked ("Thời điểm hưởng trợ cấp thất nghiệp là …" for "… hưởng trợ cấp thất nghiệp từ thời
    điểm nào?", "…: Trưởng Ban Chỉ đạo là …" for "ai giữ chức Trưởng Ban Chỉ đạo?"). The subject
    runs from the last stop (".", ";", ":", ",", a list marker) to "là"; 1.0 from four words."""
    best = 0
    for m in _COPULA.finditer(folded):
        head = re.split(r"[.;:,()“”\"]|\s-\s|\n", folded[max(0, m.start() - 90) : m.start()])[-1]
        subject = [w for w in _WORD.findall(head) if not re.fullmatch(r"\d+|[a-z]", w)]
        if 2 <= len(subject) <= DEFINED_WORDS and all(w in asked for w in subject):
            best = max(best, len(subject))
    return min(best, 4) / 4 if best else 0.0


def strip_marker(text: str) -> str:
    """A line without its list marker ("2.", "a)", "-") or a table row's number ("6 |")."""
    return re.sub(r"^\s*(?:[-+•]|\d+(?:\.\d+)*\.|[a-zđ]\)|\d+\s*\|)\s*", "", text)


def squash_numbers(folded: str) -> str:
    """'57- nq/tw' and '22 / 12 / 2024' as written by PDF extraction -> compact forms."""
    return re.sub(r"(?<=[\d\w])\s*([/-])\s*(?=[\w\d])", r"\1", folded)


def original_span(original: str, folded_fragment: str) -> str:
    """The original-text span whose folded form equals a folded fragment (best effort)."""
    target = folded_fragment.replace(" ", "")
    text = collapse_ws(original)
    folded_chars = [fold(ch) or " " for ch in text]
    flat = "".join(ch if ch != " " else "" for ch in folded_chars)
    pos = squash_numbers(flat).find(target) if target else -1
    if pos < 0:
        pos = flat.find(target)
    if pos < 0:
        return folded_fragment
    # Map back from the space-free position to the original index.
    count, start, end = 0, None, None
    for i, ch in enumerate(folded_chars):
        if ch == " ":
            continue
        if count == pos and start is None:
            start = i
        count += len(ch)
        if count >= pos + len(target):
            end = i + 1
            break
    return text[start:end] if start is not None and end is not None else folded_fragment


_TYPE_NAMES = "|".join(sorted(set(DOC_TYPES.values()), key=len, reverse=True))


def reference_text(original: str, number: str) -> str | None:
    """'Quyết định số 12/QĐ-UBND' as written, for the number the question named."""
    head = re.match(r"\d+", number)
    if not head:
        return None
    m = re.search(
        rf"((?:{_TYPE_NAMES})\s+(?:số\s+)?{head.group(0)}\s*[-/]?\s*[\wĐđ&/\-]*)",
        collapse_ws(original),
        re.IGNORECASE,
    )
    return collapse_ws(m.group(1)) if m else None
