"""Deadlines as dates: a task's deadline text -> the date range it names.

Pure functions. "Quý IV/2025", "Quí IV-2025", "quý IV năm 2025" -> 2025-10-01 … 2025-12-31;
"tháng 12/2025" -> the month; "trước ngày 15/12/2025" -> open start … 2025-12-15; "năm 2026",
"2026-2030", "6 tháng đầu năm 2025" -> years and halves; "Quý IV/2025 - Quý II/2026" -> both
ends. "Thường xuyên", "hằng năm" are kept as recurring; "trước ngày 20/12 hằng năm" also keeps
its day (``annual``), so it falls inside every year's fourth quarter. A month or day without a
year takes the document's year when one is given. The same parser reads a question's period
("trong quý IV năm 2025", "trước 31/12/2025").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from rag.text import fold
from rag.values import (
    DAY_MONTH,
    DAY_MONTH_WORDS,
    FULL_DATE,
    HALF_YEAR,
    HOUR,
    MONTH,
    QUARTER,
    QUARTERS,
    YEAR_ALONE,
    YEAR_SPAN,
)
from rag.vocabulary import RECURRING_DEADLINES

_OPEN_START = re.compile(r"\b(truoc|cham nhat|han chot|den han|den)\b")
# Words that introduce a deadline inside running text ("… báo cáo trước ngày 15/12 hằng năm").
_TRIGGER = re.compile(
    r"\b(?:truoc ngay|truoc|cham nhat(?: la| vao)?(?: ngay)?|hoan thanh(?: trong| truoc| vao| xong)?|han chot|thoi han)\s+"
    r"(?=(?:ngay\s+)?\d|quy\s|thang\s|nam\s+\d)"
)


@dataclass(frozen=True)
class DateRange:
    """Where a deadline falls: ISO ``start``/``end`` (None when open or unknown), ``recurring``
    ("thường xuyên", "hằng năm" …) and ``annual`` days ("12-20") that recur every year."""

    start: str | None = None
    end: str | None = None
    recurring: str | None = None
    annual: tuple[str, ...] = ()

    def ends_within(self, lo: str | None, hi: str | None) -> bool:
        """The deadline (its end, or a yearly day) falls inside [lo, hi] (ISO, either open)."""
        if self.end is not None:
            return (lo is None or self.end >= lo) and (hi is None or self.end <= hi)
        return bool(self.dates_within(lo, hi))

    def dates_within(self, lo: str | None, hi: str | None) -> list[str]:
        """The yearly days that fall inside [lo, hi], as ISO dates (a closed range is needed)."""
        if not self.annual or lo is None and hi is None:
            return []
        first = int((lo or hi or "")[:4])
        last = int((hi or lo or "")[:4])
        return [
            f"{y}-{md}"
            for y in range(first, min(last, first + 10) + 1)
            for md in self.annual
            if (lo is None or f"{y}-{md}" >= lo) and (hi is None or f"{y}-{md}" <= hi)
        ]


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _month_end(y: int, m: int) -> str | None:
    return _iso(y, m, calendar.monthrange(y, m)[1]) if 1 <= m <= 12 else None


def _blank(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]


def parse_deadline(text: str, default_year: int | None = None) -> DateRange | None:
    """The date range a deadline names, or None when it names no date and no recurrence."""
    f = re.sub(r"\bqui\b", "quy", fold(text))
    # "ngày 30 tháng 11" without a year reads as the day "30/11" (yearly, or in the document's year).
    f = DAY_MONTH_WORDS.sub(r"\1/\2", f)
    recurring = next(
        (shown for key, shown in RECURRING_DEADLINES.items() if re.search(rf"\b{key}\b", f)), None
    )
    spans: list[tuple[str | None, str | None]] = []
    annual: list[str] = []
    work = f
    for pattern in (FULL_DATE, YEAR_SPAN, QUARTER, HALF_YEAR, MONTH):
        for m in list(pattern.finditer(work)):
            g = [x for x in m.groups()]
            if pattern is FULL_DATE:
                d, mo, y = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
                iso = _iso(int(y), int(mo), int(d))
                spans.append((iso, iso))
            elif pattern is YEAR_SPAN:
                spans.append((f"{g[0]}-01-01", f"{g[1]}-12-31"))
            elif pattern is QUARTER:
                y = int(g[1]) if g[1] else default_year
                if y is None:
                    continue
                q = QUARTERS[g[0]]
                spans.append((_iso(y, 3 * q - 2, 1), _month_end(y, 3 * q)))
            elif pattern is HALF_YEAR:
                y = int(g[1]) if g[1] else default_year
                if y is None:
                    continue
                spans.append((f"{y}-01-01", f"{y}-06-30") if g[0] == "dau" else (f"{y}-07-01", f"{y}-12-31"))
            else:
                mo = int(g[0])
                y = int(g[1]) if g[1] else default_year
                if y is None or not 1 <= mo <= 12:
                    continue
                spans.append((_iso(y, mo, 1), _month_end(y, mo)))
            work = _blank(work, m)
    for m in DAY_MONTH.finditer(work):
        d, mo = int(m.group(1)), int(m.group(2))
        if _iso(2000, mo, d) is None:
            continue
        if recurring == "hằng năm" or default_year is None:
            annual.append(f"{mo:02d}-{d:02d}")
        else:
            iso = _iso(default_year, mo, d)
            spans.append((iso, iso))
        work = _blank(work, m)
    for m in YEAR_ALONE.finditer(work):
        spans.append((f"{m.group(1)}-01-01", f"{m.group(1)}-12-31"))
    spans = [(s, e) for s, e in spans if s or e]
    if not spans and not recurring and not annual:
        return None
    if annual and recurring is None:
        recurring = "hằng năm"
    starts = [s for s, _ in spans if s]
    ends = [e for _, e in spans if e]
    first = re.search(r"\d|\bquy\b|\bthang\b", f)
    open_start = bool(_OPEN_START.search(f[: first.start() if first else 0]))
    return DateRange(
        start=None if open_start or not starts else min(starts),
        end=max(ends) if ends else None,
        recurring=recurring,
        annual=tuple(dict.fromkeys(annual)),
    )


def deadline_in_text(text: str, default_year: int | None = None) -> tuple[str, DateRange] | None:
    """A deadline stated inside a duty ("… báo cáo trước ngày 20/6 và trước ngày 20/12 hằng năm"):
    the words as printed and their range; None when the text sets no dated deadline."""
    f = fold(text)
    hits = list(_TRIGGER.finditer(f))
    if not hits:
        return None
    start = hits[0].start()
    last = hits[-1].end()
    tail = re.match(r"[^;.:()]{0,60}", f[last:])
    end = last + (tail.end() if tail else 0)
    # Up to the date words (an hour before the day: "trước 17 giờ ngày …") and a recurrence right
    # after them, not the rest of the sentence.
    words = re.match(
        rf"(?:(?:{HOUR.pattern}|ngay|quy|thang|nam|va|hoac|den|[ivx]+|\d+)[\s/.\-–]*)+(?:\s*hang (?:nam|quy|thang))?",
        f[last:end],
    )
    end = last + (words.end() if words else 0)
    phrase = text[start:end].strip(" ,;")
    found = parse_deadline(phrase, default_year)
    return (phrase, found) if found is not None and (found.end or found.annual) else None


def period_of(question: str) -> tuple[str | None, str | None] | None:
    """The period a question asks about ("trong quý IV năm 2025", "trước 31/12/2025"), as ISO bounds."""
    found = parse_deadline(question)
    if found is None or (found.start is None and found.end is None):
        return None
    return found.start, found.end
