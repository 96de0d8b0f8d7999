"""One grammar per value type, read from folded text (``rag.text.fold``): dates, periods, hours
and durations; numbers with their units, percentages and ranges.

The question reader (stated numbers, dates), the answer extraction (what a passage holds, the
figure or date an answer gives) and the deadline and registry code (``rag.deadlines``) read
values with these patterns and nothing else, so a way of writing a value learnt once is read
everywhere. The document header's date line, which OCR garbles, has its own tolerant reader in
``rag.parser.header``.

- dates: "ngày 05/12/2025", "05-12-2025", "5 tháng 12 năm 2025", "ngày 20/12", "ngày 15 hằng
  tháng", "tháng 11/2025", "quý II/2025";
- hours: "17 giờ", "17h", "18h00", "8 giờ 30";
- durations: "30 ngày", "05 ngày làm việc", "6 tháng", "trong thời hạn 30 ngày kể từ …";
- numbers: "1.234,5" (dots group thousands, a comma marks the decimals), "15%", "03 người",
  "2.615 tỷ đồng", ranges "từ 20 đến 30", "70 - 84,5".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rag.text import fold, nfc

# --- dates -------------------------------------------------------------------------------------

YEAR = r"((?:19|20)\d\d)"
# A complete date: day, month and year, with "/", "." or "-" between them, or in words.
FULL_DATE = re.compile(
    rf"\b(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*{YEAR}\b"
    rf"|\b(?:ngay\s+)?(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s*(?:,\s*)?nam\s+{YEAR}\b"
)
# A day of a month with no year: "20/12" (not the "20/12/2025" of a full date), "ngày 30 tháng 11".
DAY_MONTH = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\b(?!\s*/)")
DAY_MONTH_WORDS = re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\b(?!\s*(?:/|-|,?\s*nam\s+\d))")
MONTH = re.compile(rf"\bthang\s+(\d{{1,2}})(?:\s*(?:/|-|–|\.|,?\s*nam)\s*{YEAR}\b)?")
QUARTER = re.compile(rf"\bqu[yi]\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|-|–|\.|,?\s*nam)\s*{YEAR}\b)?")
HALF_YEAR = re.compile(rf"\b6\s+thang\s+(dau|cuoi)\s+nam(?:\s+{YEAR}\b)?")
YEAR_SPAN = re.compile(rf"\b{YEAR}\s*(?:-|–|den(?:\s+nam)?)\s*{YEAR}\b")
YEAR_ALONE = re.compile(rf"\b{YEAR}\b")
# The first or the last part of a period ("6 tháng đầu năm", "quý cuối", "kỳ đầu"): "dau" / "cuoi".
PERIOD_HALF = re.compile(r"\b(?:thang|nam|quy|ky)\s+(dau|cuoi)\b")
QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Any mention of a date or a dated period, as a deadline or a date question is answered with.
DATE = re.compile(
    "|".join(
        (
            FULL_DATE.pattern,
            r"\b\d{1,2}\s*/\s*\d{1,2}\b",
            r"\bngay\s+\d{1,2}\s+thang\s+\d{1,2}\b",
            r"\bngay\s+\d{1,2}\s+(?:hang|moi)\s+thang",
            r"\bthang\s+\d{1,2}\s*(?:/|-|nam)\s*\d{4}",
            r"\bqu[yi]\s+[iv]{1,3}\b",
        )
    )
)

# An hour of the day: "17 giờ", "17h", "18h00", "8 giờ 30 phút".
HOUR = re.compile(r"\b([01]?\d|2[0-3])\s*(?:h|gio)(?:\s*([0-5]\d)(?:\s*phut)?)?(?![\w/])")


@dataclass(frozen=True)
class Day:
    """A complete date read from text."""

    day: int
    month: int
    year: int


def full_dates(folded: str) -> list[Day]:
    """The complete dates of a folded text, in order: "01/12/2025" = "01 tháng 12 năm 2025"."""
    out = []
    for m in FULL_DATE.finditer(folded):
        g = m.groups()
        d, mo, y = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
        out.append(Day(int(d), int(mo), int(y)))
    return out


def dates_in(folded: str) -> set[tuple[int, int, int]]:
    """Complete dates of a folded text as (day, month, year)."""
    return {(d.day, d.month, d.year) for d in full_dates(folded)}


def mentions_date(folded: str) -> bool:
    """Does a folded text name a date or a dated period?"""
    return DATE.search(folded) is not None


_DAY_BEFORE = re.compile(r"\b\d{1,2}\s*$")


def named_periods(folded: str) -> set[tuple[str, int, int | None]]:
    """The months and quarters a folded text names, as (kind, number, year or None): "tháng
    8/2026" -> ("thang", 8, 2026), "quý II" -> ("quy", 2, None). The month of a full date
    ("ngày 15 tháng 8 năm 2026", most often a cited document's) names a day, not the month."""
    out: set[tuple[str, int, int | None]] = set()
    for m in MONTH.finditer(folded):
        if 1 <= int(m.group(1)) <= 12 and not _DAY_BEFORE.search(folded, 0, m.start()):
            out.add(("thang", int(m.group(1)), int(m.group(2)) if m.group(2) else None))
    for m in QUARTER.finditer(folded):
        out.add(("quy", QUARTERS[m.group(1)], int(m.group(2)) if m.group(2) else None))
    return out


def periods_agree(
    asked: Iterable[tuple[str, int, int | None]], named: Iterable[tuple[str, int, int | None]]
) -> bool:
    """Whether a text names one of the asked months or quarters (a year either leaves out agrees)."""
    return any(
        a[:2] == n[:2] and (a[2] is None or n[2] is None or a[2] == n[2]) for a in asked for n in named
    )


# When something is done, said without a date: a recurrence, a standing duty, a point relative to
# an event ("hằng quý", "thường xuyên", "ngay sau khi", "khi có yêu cầu", "trước khi …").
WHEN_WORDS = re.compile(
    r"\b(?:hang|moi|dinh ky)\s+(?:nam|thang|quy|tuan|ngay|ky)\b|\bdinh ky\b|\bthuong xuyen\b"
    r"|\blien tuc\b|\bdot xuat\b|\bkip thoi\b|\b(?:truoc|sau|ngay|ngay sau|khi)\s+khi\b"
    r"|\bkhi co yeu cau\b|\bngay sau\b|\bden het\b|\bket thuc\b|\bnam hoc\b|\bgiai doan\b"
    r"|\b(?:ke )?tu ngay\b|\bngay (?:ky|ban hanh|cong bo|thong qua)\b"
)


def mentions_time(folded: str, own_years: Collection[str] = ()) -> bool:
    """Does a folded text say when: a date or dated period, a month, quarter or year, an hour, a
    length of time, or a recurrence or event the time is stated by (``WHEN_WORDS``)?

    ``own_years``: the years of the documents the text comes from. Such a year standing alone
    ("Giải thưởng … năm 2025" in a report of 2025) names what the text is about, not when
    something is due: only a day, a month, a period or a relative time in it says when."""
    if any(
        pattern.search(folded) is not None
        for pattern in (DATE, MONTH, QUARTER, HALF_YEAR, YEAR_SPAN, HOUR, DURATION, WHEN_WORDS)
    ):
        return True
    return any(m.group(1) not in own_years for m in YEAR_ALONE.finditer(folded))


def hours_in(folded: str) -> list[tuple[int, int]]:
    """The hours of the day a folded text names, as (hour, minute): "trước 17 giờ ngày …" -> (17, 0)."""
    return [(int(m.group(1)), int(m.group(2) or 0)) for m in HOUR.finditer(folded)]


# --- durations ------------------------------------------------------------------------------

# Units of time a count of them is a duration of ("30 ngày", "05 ngày làm việc", "6 tháng").
TIME_UNITS = r"ngay lam viec|ngay|thang|nam|quy|tuan|gio"
DURATION = re.compile(rf"\b(\d+(?:[.,]\d+)?)\s+({TIME_UNITS})\b")
_PERIOD_COUNT = re.compile(r"\b\d+(?:[.,]\d+)*\s+(?:thang|nam|quy|tuan|ngay)\b")


@dataclass(frozen=True)
class Duration:
    """A length of time ("05 ngày làm việc"): ``count`` of ``unit`` (folded), and what it runs
    from when the text says ("kể từ ngày nhận được …")."""

    count: float
    unit: str
    since: str = ""


_SINCE = re.compile(r"^\W*(?:tinh\s+)?ke\s+tu\s+([^.,;:()]{0,80})")


def durations(folded: str) -> list[Duration]:
    """The lengths of time a folded text names, with what each runs from: "trong thời hạn 30
    ngày kể từ ngày nhận đủ hồ sơ" -> Duration(30, "ngay", "ngay nhan du ho so")."""
    out = []
    for m in DURATION.finditer(folded):
        since = _SINCE.match(folded[m.end() :])
        out.append(
            Duration(number_value(m.group(1)) or 0.0, m.group(2), since.group(1).strip(" ,") if since else "")
        )
    return out


# --- numbers ---------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\d/])\d+(?:[.,]\d+)*(?![\d/])")


def document_number_pattern(code: str) -> re.Pattern[str]:
    """The one grammar of a document's number: its digits, a year for some ("14/2022/TT-BTTTT"),
    then its code after "/" ("58/KH-UBND", "819 /SKHCN-BCVT&CĐS" as OCR spaces it) or, for a party
    document, after "-" ("57-NQ/TW"). ``code``: the letters a code may open with, which is how the
    text is written (folded, as documents print it, or as a question types it)."""
    return re.compile(rf"\b\d+(?:/\d{{4}})?\s*(?:/|-)\s*{code}[\w/&.-]*")


# In folded text ("58/kh-ubnd"); as documents print it, the code in capitals ("3526/QĐ-UBND": not
# "01 lần/năm"); as a question may type it, in either case ("303/2025/nđ-cp").
DOCUMENT_NUMBER = document_number_pattern("[a-z]")
PRINTED_DOCUMENT_NUMBER = document_number_pattern("[A-ZĐ]")
TYPED_DOCUMENT_NUMBER = document_number_pattern("[A-Za-zĐđ]")
_YEAR_NUMBER = re.compile(r"(19|20)\d\d")
# Numbers that name a place in a text or a series ("khoản 1 Điều 33", "nhiệm vụ 2", "Tiểu dự án 1"),
# not a quantity the question already states.
_NAMING_NUMBER = re.compile(
    r"\b(?:dieu|khoan|diem|muc|phan|chuong|phu luc|nhiem vu|du an|tieu du an|giai doan|dot|so)\s+[0-9]+[a-z]?\b"
)


def numbers(folded: str, *, periods: bool = False) -> list[str]:
    """Quantities in a text: not dates (d/m/y), not years, not document numbers, and not periods
    ("6 tháng") unless `periods` (they answer "how often", "how long")."""
    cleaned = DATE.sub(" ", folded)
    cleaned = DOCUMENT_NUMBER.sub(" ", cleaned)  # a document's number is no quantity
    if not periods:
        cleaned = _PERIOD_COUNT.sub(" ", cleaned)
    return [n for n in NUMBER.findall(cleaned) if not _YEAR_NUMBER.fullmatch(n)]


def question_numbers(folded: str, *, periods: bool = False) -> list[str]:
    """Quantities, not the numbers that name an article, a task or a series: those a question states
    itself, and those an answer to "bao nhiêu" must add ("Điều 20" in it is no amount)."""
    return numbers(_NAMING_NUMBER.sub(" ", folded), periods=periods)


def number_value(written: str) -> float | None:
    """A number as Vietnamese documents print it: "1.234,5" -> 1234.5, "650.000" -> 650000,
    "8,4" -> 8.4, "03" -> 3; None when it is no number."""
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", written):
        return None
    if "," in written:
        whole, _, decimals = written.rpartition(",")
        if "," in whole or not re.fullmatch(r"\d+(?:\.\d{3})*", whole):
            return None
        return float(whole.replace(".", "") + "." + decimals)
    groups = written.split(".")
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    return float(written) if len(groups) <= 2 else None


def canonical_number(written: str) -> str:
    """One spelling of a number for comparing two texts: "05" -> "5", "10.000.000" -> "10000000",
    "0,70" -> "0.7", "1.234,5" -> "1234.5"; a text that is no number as it is."""
    value = number_value(written)
    if value is None:
        return written
    return str(int(value)) if value.is_integer() else repr(value)


# Units of money, shares and people a count is given in, longest first.
MEASURE_UNITS = r"%|phan tram|(?:ty|trieu|nghin|ngan)\s+dong|dong|ty|trieu|nghin|ngan|nguoi|lan"
# The unit a quantity is counted in: money in its scales, percentages, then any noun.
_UNIT = re.compile(
    rf"\s*({MEASURE_UNITS}|ngay lam viec"
    r"|(?!(?:va|hoac|den|tu|tren|duoi|cua|la|thi|trong|cho)\b)[a-z]+)"
)


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts: ``value``, ``unit`` (folded: "ty dong", "%", "nguoi"),
    and its place in the text."""

    value: float
    unit: str
    start: int
    end: int


def quantities(folded: str) -> list[Quantity]:
    """The quantities of a folded text (dates, years and document numbers left out):
    "2.615 tỷ đồng", "15%", "03 người"."""
    cleaned = DOCUMENT_NUMBER.sub(
        lambda m: " " * len(m.group(0)), DATE.sub(lambda m: " " * len(m.group(0)), folded)
    )
    out = []
    for m in NUMBER.finditer(cleaned):
        value = number_value(m.group(0))
        if value is None or _YEAR_NUMBER.fullmatch(m.group(0)):
            continue
        unit = _UNIT.match(cleaned, m.end())
        out.append(
            Quantity(
                value,
                " ".join(unit.group(1).split()) if unit else "",
                m.start(),
                unit.end() if unit else m.end(),
            )
        )
    return out


_RANGE = re.compile(r"\b(?:tu\s+)?(\d+(?:[.,]\d+)*)\s*(?:den|-|–|toi)\s*(?:duoi\s+)?(\d+(?:[.,]\d+)*)")


def ranges(folded: str) -> list[tuple[float, float]]:
    """The ranges of numbers a folded text names: "từ 20 đến 30" -> (20, 30), "70 - 84,5"."""
    cleaned = DATE.sub(" ", folded)
    out = []
    for m in _RANGE.finditer(cleaned):
        lo, hi = number_value(m.group(1)), number_value(m.group(2))
        if lo is not None and hi is not None and lo < hi:
            out.append((lo, hi))
    return out


# --- bounds and labels: one grammar for questions and clauses ---------------------------------
def _bound_pattern() -> re.Pattern[str]:
    from rag.vocabulary import BOUNDS_AFTER, BOUNDS_BEFORE

    before = "|".join(sorted(map(re.escape, BOUNDS_BEFORE), key=len, reverse=True))
    after = "|".join(sorted(map(re.escape, BOUNDS_AFTER), key=len, reverse=True))
    return re.compile(
        rf"\b(?P<before>{before})\s+(?P<n1>\d[\d.,]*)\s+(?P<u1>\w+)"
        rf"|\b(?P<n2>\d[\d.,]*)\s+(?P<u2>\w+)(?:\s+\w+){{0,3}}?\s+(?P<after>{after})\b"
    )


_BOUND = _bound_pattern()


@dataclass(frozen=True)
class Bound:
    """A bounded quantity of a folded text: "dưới 6 tháng" -> Bound("less", "6", "thang", …),
    its place in the text (``start``, ``end``: the bound's words with the number and its unit)."""

    direction: str  # "more" or "less"
    number: str  # as written, leading zeros dropped
    unit: str
    start: int
    end: int

    def admits(self, value: float, unit: str) -> bool | None:
        """Whether a quantity falls inside the bound ("4 tháng" inside "dưới 6 tháng", "2 năm"
        outside "không quá 12 tháng"); None when it is counted in another measure or sits on
        the bound itself (whether the bound's own number is in depends on its word)."""
        own, measure = in_base_unit(number_value(self.number), self.unit)
        other, other_measure = in_base_unit(value, unit)
        if own is None or other is None or measure != other_measure or own == other:
            return None
        return other > own if self.direction == "more" else other < own


def bounds(folded: str) -> list[Bound]:
    """Each bounded quantity of a folded text with its place: "trên 20 năm", "từ 18 tuổi trở
    lên", "không quá 05 ngày", "đủ 6 tháng trở lên"."""
    from rag.vocabulary import BOUNDS_AFTER, BOUNDS_BEFORE

    out = []
    for m in _BOUND.finditer(folded):
        if m.group("before"):
            direction, number, unit = BOUNDS_BEFORE[m.group("before")], m.group("n1"), m.group("u1")
        else:
            direction, number, unit = BOUNDS_AFTER[m.group("after")], m.group("n2"), m.group("u2")
        out.append(Bound(direction, number.lstrip("0") or "0", unit, m.start(), m.end()))
    return out


def bounded_quantities(folded: str) -> list[tuple[str, str, str]]:
    """(direction, number, unit) of each bounded quantity of a folded text: "trên 20 năm" ->
    ("more", "20", "nam"), "từ 18 tuổi trở lên" -> ("more", "18", "tuoi"), "không quá 05 ngày"
    -> ("less", "5", "ngay"). Numbers lose leading zeros, so "05" and "5" meet."""
    return [(b.direction, b.number, b.unit) for b in bounds(folded)]


# Lengths of time counted in another unit, folded: a year is 12 months, a week 7 days.
TIME_MEASURES: dict[str, tuple[float, str]] = {
    "nam": (12.0, "thang"),
    "quy": (3.0, "thang"),
    "thang": (1.0, "thang"),
    "tuan": (7.0, "ngay"),
    "ngay": (1.0, "ngay"),
}


# Amounts written as words where a number would be ("nửa năm" = 0.5 năm), folded.
SPELLED_AMOUNTS: dict[str, float] = {"nua": 0.5}


def in_base_unit(value: float | None, unit: str) -> tuple[float | None, str]:
    """A quantity in the unit its measure is compared in: (2, "nam") -> (24.0, "thang"),
    (1, "tuan") -> (7.0, "ngay"); other units as they are."""
    if value is None:
        return None, unit
    scale, base = TIME_MEASURES.get(unit, (1.0, unit))
    return value * scale, base


# A roman numeral labelling the noun before it ("hạng II", "nhóm I"); not "V/v", not "II." of a heading.
_ROMAN_LABEL = re.compile(r"(?<![\w/])([^\W\d_]+)\s+(X{0,1}(?:IX|IV|V?I{0,3}))(?![\w/.])")


def roman_labels(text: str) -> list[tuple[str, str]]:
    """(folded noun, numeral) of each roman numeral labelling a noun in a text as written (the
    numeral upper-case): "từ hạng III lên hạng II" -> [("hang", "III"), ("hang", "II")]. Nouns
    that place a numeral in a document ("mục II", "quý IV") are left out."""
    from rag.vocabulary import LOCATING_NOUNS

    out = []
    for m in _ROMAN_LABEL.finditer(nfc(text)):
        noun, numeral = fold(m.group(1)), m.group(2)
        if numeral and noun not in LOCATING_NOUNS:
            out.append((noun, numeral))
    return out


def _ordinal_pattern() -> re.Pattern[str]:
    from rag.vocabulary import OCCASION_NOUNS, ORDINAL_WORDS

    nouns = "|".join(sorted(map(re.escape, OCCASION_NOUNS), key=len, reverse=True))
    # "mỗi lần đầu tư" invests: "đầu" opening "đầu tư" counts nothing
    words = "|".join(
        re.escape(w) + (r"(?!\s+tu\b)" if w == "dau" else "")
        for w in sorted(ORDINAL_WORDS, key=len, reverse=True)
    )
    return re.compile(rf"\b({nouns})\s+(?:({words})|thu\s+(\d{{1,2}}))\b(\s+tro\s+di)?")


_ORDINAL: list[re.Pattern[str]] = []


@dataclass(frozen=True)
class Ordinal:
    """An occasion counted by an ordinal: "lần đầu" -> Ordinal("lan", 1); "từ lần thứ 2 trở đi"
    -> Ordinal("lan", 2, onwards=True)."""

    noun: str
    number: int
    onwards: bool = False

    def agrees(self, other: Ordinal) -> bool:
        """Whether two ordinals of one noun may name the same occasion."""
        if self.noun != other.noun:
            return False
        if self.onwards or other.onwards:
            lo, n = (self, other) if self.onwards else (other, self)
            return n.number >= lo.number if not n.onwards else True
        return self.number == other.number


def ordinals(folded: str) -> list[Ordinal]:
    """The occasions a folded text counts by an ordinal: "ke khai lan dau" -> [Ordinal("lan", 1)],
    "tu lan thu 2 tro di" -> [Ordinal("lan", 2, onwards=True)]. The noun is one of an occasion
    that repeats (rag.vocabulary.OCCASION_NOUNS): "đầu" after any other word ("đầu tư", "ban
    đầu") is no ordinal."""
    from rag.vocabulary import ORDINAL_WORDS

    if not _ORDINAL:
        _ORDINAL.append(_ordinal_pattern())
    out = []
    for m in _ORDINAL[0].finditer(folded):
        number = ORDINAL_WORDS[m.group(2)] if m.group(2) else int(m.group(3))
        out.append(Ordinal(m.group(1), number, onwards=bool(m.group(4))))
    return out


def ordinals_conflict(asked: Iterable[Ordinal], stated: Iterable[Ordinal]) -> bool | None:
    """None when the text counts none of the asked occasions' nouns; True when it counts them
    only as other occasions ("lần thứ 2 trở đi" for "lần đầu"); False when one agrees."""
    stated = list(stated)
    verdict: bool | None = None
    for a in asked:
        same = [s for s in stated if s.noun == a.noun]
        if not same:
            continue
        if any(a.agrees(s) for s in same):
            return False
        verdict = True
    return verdict


# A number labelling the word before it ("bước 3", "nhóm 2", "(đợt 1)"): not a year, not a
# number with a unit after it ("3 ngày" is a quantity, "bước 3" a label).
_NUMBER_LABEL = re.compile(r"\b([a-z]+)\s+(\d{1,3})\b(?![.,/]\d)")


def number_labels(folded: str) -> list[tuple[str, str]]:
    """(word, number) of each number labelling the word before it in a folded text: "bước
    thẩm định (bước 3)" -> [("buoc", "3")]. Leading zeros dropped, so "03" and "3" meet."""
    return [(m.group(1), m.group(2).lstrip("0") or "0") for m in _NUMBER_LABEL.finditer(folded)]


def row_label(folded_row: str) -> tuple[str, str] | None:
    """The label a table row opens with, when its first cell is a word and a number ("Bước 4 |
    …" -> ("buoc", "4")); None for any other row."""
    first = folded_row.split("\n", 1)[0].split("|", 1)[0].strip(" .:")
    m = re.fullmatch(r"(?:[a-z]+\s+)*([a-z]+)\s+(\d{1,3})", first)
    return (m.group(1), m.group(2).lstrip("0") or "0") if m else None
