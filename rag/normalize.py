"""Pure text clean-up between loading and parsing.

Text extracted from PDFs carries layout debris: lines broken at the right margin, page
numbers and repeated table headers in the middle of sentences, footnotes placed mid-page
with their markers glued to words ("Chính quyền số1;"), "Dự thảo" stamps. This module
turns pages into clean physical lines (each knowing its page and footnote references),
returns footnotes separately, and re-joins broken lines into logical lines.

Nothing here guesses document structure beyond "does this line open a new block", which
the parser shares through ``starts_block``.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from rag.records import Page
from rag.vocabulary import FIELD_LABELS, NAMED_SECTIONS

# --- folding that keeps character positions ---------------------------------------------------


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    base = base.lower()
    return base if len(base) == 1 else ch.lower()[:1] or " "


# One character in, one out: ASCII, Latin-1, Latin Extended and the Vietnamese block.
_FOLD_TABLE = {
    cp: _fold_char(chr(cp))
    for cp in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00))
    if _fold_char(chr(cp)) != chr(cp)
}


def fold_keep(text: str) -> str:
    """Lower-case, diacritic-free copy of ``text`` with the same length and positions.

    Unlike ``rag.text.fold`` it keeps whitespace as is, so a match on the folded copy can
    be sliced out of the original text. Characters outside Latin scripts are left as they are.
    """
    return text.translate(_FOLD_TABLE)


# --- block starts (shared with the parser) ---------------------------------------------------

# Patterns run on the folded line. OCR alternatives: "so" read as s6/s0/sb/sé, "đ" read as p/d.
ROMAN = r"(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xv|xvi{0,3}|xix|xx)"
# Party and older documents mark headings "I-", "1-", "1/-" ("1- Mục đích", "II/- NHIỆM VỤ"); a
# dash must be followed by a space and a letter, so "1-2 ngày" and "vi-rút" stay running text;
# "/-" is a marker of its own, with or without the space ("5/-Chế độ báo cáo" as typed or OCR'd).
_DASH_MARK = r"(?:\s*/\s*-\s*|\s*-\s+)(?=[^\W\d_])"
RE_ROMAN_HEADING = re.compile(rf"^(?P<num>{ROMAN})(?:\s*[.)]|{_DASH_MARK})\s*(?=\S)")
RE_NUMBERED = re.compile(
    rf"^(?P<num>\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})(?:\s*(?:\.|\))(?!\d)|{_DASH_MARK})\s*(?=\S)"
)
RE_LETTERED = re.compile(r"^(?P<num>[a-z¢]|1)\)\s*(?=\S)")
RE_BULLET = re.compile(r"^(?P<num>[-–—−•+*])\s*(?=\S)")
# "Điều 2a.": an article a later act inserted, numbered after the one it follows (consolidated texts);
# "Điều 8[7].": a footnote mark printed on the article's number.
RE_LEGAL = re.compile(
    rf"^(?P<kind>phan|chuong|muc|dieu)\s+(?P<num>\d{{1,3}}[a-z]?|{ROMAN}|thu\s+\w+)(?:\[\d{{1,3}}\])?\s*(?:[.:\-–]|$)(?!\d)"
)
RE_APPENDIX = re.compile(r"^ph[uy]\s*l[uụ]c\b\s*(?P<num>\d{1,2}|[ivxlc]{1,6}|[a-z])?\s*(?:$|[:.\-–]\s*\S)")
# Markdown bold around the label ("__Nơi nhận__:", "**Kính gửi:**") is allowed.
RE_RECIPIENTS = re.compile(r"^(?:kinh\s*g\S{0,4}?\s*(?:\*\*|__)?\s*:|noi\s*nh[a-z]{1,3}\s*(?:\*\*|__)?\s*:)")
# "A. PHẦN MỞ ĐẦU", "B. KẾT QUẢ THỰC HIỆN": a capital letter heading an all-capitals title.
RE_ALPHA_HEADING = re.compile(r"^(?P<num>[A-H])\.\s+(?P<rest>\S.*)$")


def is_alpha_heading(text: str) -> bool:
    m = RE_ALPHA_HEADING.match(text)
    if not m:
        return False
    letters = [c for c in m.group("rest") if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


# "KT. BỘ TRƯỞNG", "TUQ. CHỦ TỊCH"; Party documents write "K/T", "T/M", "T/L".
RE_SIGN_PREFIX = re.compile(r"^(?:(?:kt|tm|tl|q|ktl|ttl|tuq)\s*\.|(?:t/m|k/t|t/l)\b)\s*[a-z]")
_FIELD_ALTS = "|".join(
    re.escape(label).replace(r"\ ", r"\s+")
    for labels in FIELD_LABELS.values()
    for label in sorted(labels, key=len, reverse=True)
)
RE_FIELD = re.compile(
    rf"^(?:[-–—−•+*]\s*)?(?:\*\*|__)?(?P<label>{_FIELD_ALTS})\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<value>.*)$"
)
RE_TERMINAL = re.compile(r"(?:[.!?:]|\./\.)[\s”\"')]*$")


_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s+)?(?:\*\*|__)?")


def strip_markup(text: str) -> str:
    """The line without a leading Markdown heading/quote/bold mark ("## II. MỤC TIÊU" -> "II. MỤC TIÊU")."""
    return text[_MARKUP.match(text).end() :]


def starts_block(text: str) -> bool:
    """Does this (stripped) line open a new block: a heading, an item, a field, a list?"""
    text = strip_markup(text)
    f = fold_keep(text)
    if not f:
        return False
    return bool(
        RE_BULLET.match(f)
        or RE_NUMBERED.match(f)
        or RE_ROMAN_HEADING.match(f)
        or (RE_LETTERED.match(f) and not f.startswith("1)"))
        or RE_LEGAL.match(f)
        or (RE_APPENDIX.match(f) and text[:1] in "Pp")
        or RE_RECIPIENTS.match(f)
        or RE_SIGN_PREFIX.match(f)
        or RE_FIELD.match(f)
        or is_alpha_heading(text)
        or _is_pipe_row(text)
        or is_named_section(text, f)
        or bool(RE_TABLE_HEADER_LINE.match(text))
    )


# A table's header printed on one line ("TT Tên đơn vị Cấp học", "STT Nội dung Thời gian"): the
# table starts there, not inside the caption above it.
RE_TABLE_HEADER_LINE = re.compile(r"^(?:S?TT|Số TT)\s+[A-ZĐÀ-Ỹ][^.;:!?]{0,60}$")


def is_named_section(text: str, folded: str) -> bool:
    """An all-capitals unnumbered section heading of its own ("NHẬN ĐỊNH CỦA TÒA ÁN:")."""
    key = " ".join(folded.strip(" :.").split())
    return key in NAMED_SECTIONS and text.upper() == text


_PIPE_ROW = re.compile(r"\S\s*\|\s*\S|\S\s\|\s*$|^\|\s*\S")


def _is_pipe_row(text: str) -> bool:
    # A table row flattened to one line ("1 | Nhiệm vụ | Sở Tài chính") is a block of its own.
    return "|" in text and bool(_PIPE_ROW.search(text))


# --- records ---------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of clean text with where it came from."""

    text: str
    pages: list[int] = field(default_factory=list)  # 1-based; empty when the format has no pages
    footnotes: list[int] = field(default_factory=list)  # footnote numbers referenced on this line
    gap_before: bool = False  # a blank line precedes it in single-spaced text (paragraph break)


@dataclass
class Footnote:
    number: int
    text: str  # as printed, with its number: "1 Quyết định số 1702/QĐ-UBND ngày 31/12/2024."
    page: int = 0


@dataclass
class NormalizedText:
    lines: list[Line]
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    stamps: list[str] = field(default_factory=list)  # removed stamp lines, e.g. "Dự thảo"
    removed: dict[str, int] = field(default_factory=dict)  # what was dropped, for diagnostics


# --- steps ------------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# "3", "- 3 -", "Trang 3", "Trang 3/12": a page number printed on its own line.
_LONE_INT = re.compile(
    r"^(?:[-–]\s*([1-9]\d{0,3})\s*[-–]|[Tt]rang\s+([1-9]\d{0,3})(?:\s*/\s*\d{1,4})?|([1-9]\d{0,3}))$"
)
_STAMP = re.compile(r"^[(\[]?\s*du\s*thao(?:\s+(?:lan\s*\d+|\d+))?\s*[)\]]?$")
_TABLE_ROW = " | "  # a row of cells ("2 | Khoa Công nghệ Thông tin"): never a footnote's text
_FOOTNOTE_LINE = re.compile(r"^(?P<n>[1-9]\d{0,2})\s+(?P<text>\S.*)$")
_SEPARATOR_MIN_SPACES = 10
_RULE = re.compile(r"^[-–—_=*.·•~\s]{3,}$")


def clean_line(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


@dataclass
class _Raw:
    text: str
    page: int
    gap_before: bool
    separator_before: bool  # a long run of spaces precedes it (the footnote rule in pypdf text)
    drop: bool = False
    footnotes: list[int] = field(default_factory=list)


def _raw_lines(pages: list[Page]) -> list[_Raw]:
    physical: list[tuple[int, str]] = []
    for page in pages:
        text = page.text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        physical.extend((page.number, line) for line in text.split("\n"))
    blank = sum(1 for _, line in physical if not line.strip())
    # PDF extractions often put an empty line after every line: then blanks mean nothing.
    double_spaced = bool(physical) and blank / len(physical) > 0.35
    out: list[_Raw] = []
    gap = sep = False
    for number, line in physical:
        if not line.strip():
            gap = True
            sep = sep or len(line) - len(line.lstrip(" ")) >= _SEPARATOR_MIN_SPACES
            continue
        out.append(_Raw(clean_line(line), number, gap and not double_spaced, sep))
        gap = sep = False
    return out


def _drop_page_numbers(lines: list[_Raw]) -> int:
    """Lone integers equal to their page's number (Vietnamese documents print it at the top)."""
    dropped = 0
    expected = 2
    since = 0
    for ln in lines:
        m = _LONE_INT.match(ln.text)
        if m:
            value = int(next(g for g in m.groups() if g))
            if ln.page and value == ln.page:
                ln.drop = True
                dropped += 1
                continue
            # Pages unknown: accept the running sequence only when far apart (not table values).
            if not ln.page and value == expected and since > 1500:
                ln.drop = True
                dropped += 1
                expected += 1
                since = 0
                continue
        since += len(ln.text)
    return dropped


def _drop_stamps(lines: list[_Raw]) -> list[str]:
    stamps = []
    for ln in lines:
        if not ln.drop and len(ln.text) <= 20 and _STAMP.match(fold_keep(ln.text)):
            ln.drop = True
            stamps.append(ln.text)
    return stamps


def _drop_rules(lines: list[_Raw]) -> int:
    """Lines drawn with dashes or underscores ("-------" under the issuer) are layout, not bullets."""
    dropped = 0
    for ln in lines:
        if not ln.drop and _RULE.match(ln.text):
            ln.drop = True
            dropped += 1
    return dropped


def _key(text: str) -> str:
    return " ".join(fold_keep(text).split())


def _drop_running_lines(lines: list[_Raw]) -> int:
    """Lines repeated at the top (or bottom) of several pages: running headers, table headers.

    The first occurrence in the document stays (it is the table's own header); repeats at
    page tops are layout, and removing them re-joins table rows split across pages.
    """
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, ln in enumerate(lines):
        if ln.page and not ln.drop:
            by_page[ln.page].append(i)
    if len(by_page) < 2:
        return 0
    keys = [_key(ln.text) for ln in lines]
    dropped = 0
    for from_end in (False, True):
        groups: dict[str, list[int]] = defaultdict(list)
        for page, idxs in by_page.items():
            edge = idxs[-1] if from_end else idxs[0]
            if len(lines[edge].text) <= 120:
                groups[keys[edge]].append(page)
        for group_pages in groups.values():
            if len(group_pages) < 2:
                continue
            seqs = [by_page[p][::-1] if from_end else by_page[p] for p in sorted(group_pages)]
            length = 0
            while length < 40 and all(len(s) > length for s in seqs):
                if len({keys[s[length]] for s in seqs}) != 1:
                    break
                length += 1
            if not (len(group_pages) >= 3 or length >= 2):
                continue
            head = [keys[seqs[0][j]] for j in range(min(length, 3))]
            first_page_start = min(by_page[p][0] for p in group_pages)
            seen_before = not from_end and _find_run(lines, keys, head, stop=first_page_start)
            victims = seqs if seen_before else seqs[1:]
            for seq in victims:
                for j in range(length):
                    if not lines[seq[j]].drop:
                        lines[seq[j]].drop = True
                        dropped += 1
    return dropped


def _find_run(lines: list[_Raw], keys: list[str], head: list[str], stop: int) -> bool:
    """Do the lines ``head`` occur consecutively (ignoring dropped lines) before index ``stop``?"""
    kept = [keys[i] for i in range(stop) if not lines[i].drop]
    return any(kept[pos : pos + len(head)] == head for pos in range(len(kept) - len(head) + 1))


def _marker_pattern(n: int) -> re.Pattern[str]:
    # Marker glued to a word ("số1;", "Sở Y tế7,") or to a year ("năm 20252;").
    return re.compile(rf"(?:(?<=[^\W\d_])|(?<=(?:19|20)\d\d)){n}(?=[\s,.;:)”\"'…]|$)")


def _extract_footnotes(lines: list[_Raw]) -> dict[int, Footnote]:
    """Footnote lines "N text" whose marker N is glued to a word shortly before them."""
    footnotes: dict[int, Footnote] = {}
    expected = 1
    i = 0
    n_lines = len(lines)
    while i < n_lines:
        ln = lines[i]
        m = _FOOTNOTE_LINE.match(ln.text) if not ln.drop else None
        if not m or int(m.group("n")) not in (expected, expected + 1) or _TABLE_ROW in ln.text:
            i += 1
            continue
        number = int(m.group("n"))
        target = _find_marker(lines, i, number)
        if target is None:
            i += 1
            continue
        ref_line, span = target
        parts = [ln.text]
        ln.drop = True
        j = i + 1
        while j < n_lines:
            nxt = lines[j]
            if nxt.drop:
                j += 1
                continue
            if nxt.page != ln.page or (not ln.page and (starts_block(nxt.text) or j - i > 6)):
                break
            if _TABLE_ROW in nxt.text:
                break
            m2 = _FOOTNOTE_LINE.match(nxt.text)
            if m2 and int(m2.group("n")) == number + 1 and _find_marker(lines, j, number + 1):
                break
            if nxt.gap_before or (ln.page and not ln.separator_before and starts_block(nxt.text)):
                break
            parts.append(nxt.text)
            nxt.drop = True
            j += 1
        ref = lines[ref_line]
        ref.text = (ref.text[: span[0]] + ref.text[span[1] :]).rstrip()
        ref.footnotes.append(number)
        footnotes[number] = Footnote(number, " ".join(parts), ln.page)
        expected = number + 1
        i = j
    return footnotes


_MD_NOTE_DEF = re.compile(r"^\[\^(?P<n>[1-9]\d{0,2})\]:\s*(?P<text>\S.*)$")
_MD_NOTE_REF = re.compile(r"\[\^(?P<n>[1-9]\d{0,2})\]")
# Web pages and some converters print notes as "[1] text" below the signature, referenced as
# "…liên quan[1];" in the body.
_BRACKET_NOTE_DEF = re.compile(r"^\[(?P<n>[1-9]\d{0,2})\]\s*(?P<text>\S.*)$")
# A space before the mark only when the mark ends the sentence ("… 16/4/2018) [1].").
_BRACKET_NOTE_REF = re.compile(r"(?<=\S)(?: (?=\[\d{1,3}\](?:[.,;:]|$)))?\[(?P<n>[1-9]\d{0,2})\]")


def _extract_markdown_footnotes(lines: list[_Raw]) -> dict[int, Footnote]:
    """Markdown footnotes: "[^1]" where the note is referenced, "[^1]: text" lines anywhere.

    The DOCX loader writes Word footnotes this way; unlike printed markers they are exact.
    """
    return _extract_marked_footnotes(lines, _MD_NOTE_DEF, _MD_NOTE_REF, "[^", "{n} {text}")


def _extract_bracket_footnotes(lines: list[_Raw]) -> dict[int, Footnote]:
    """ "[1] text" notes: only a number the body references ("…[1];") before the note is a footnote.

    A judgment numbers its paragraphs "[1]" … "[12]" and may quote "[8]" later: a "[8]" line
    before any reference to it is a paragraph, not a note.
    """
    first_ref: dict[int, int] = {}
    for i, ln in enumerate(lines):
        if ln.drop or _BRACKET_NOTE_DEF.match(ln.text):
            continue
        for m in _BRACKET_NOTE_REF.finditer(ln.text):
            first_ref.setdefault(int(m.group("n")), i)
    referenced = {
        int(m.group("n"))
        for i, ln in enumerate(lines)
        if not ln.drop
        and (m := _BRACKET_NOTE_DEF.match(ln.text))
        and first_ref.get(int(m.group("n")), len(lines)) < i
    }
    if not referenced:
        return {}
    return _extract_marked_footnotes(
        lines, _BRACKET_NOTE_DEF, _BRACKET_NOTE_REF, "[", "[{n}] {text}", referenced, keep_marks=True
    )


def _extract_marked_footnotes(
    lines: list[_Raw],
    definition: re.Pattern[str],
    reference: re.Pattern[str],
    cue: str,
    printed: str,
    only: set[int] | None = None,
    *,
    keep_marks: bool = False,
) -> dict[int, Footnote]:
    """Notes defined by ``definition`` lines and referenced by ``reference`` marks (lines holding
    ``cue``); each note's text as ``printed`` shows it. A printed "[6]" stays where it is read
    ("Bộ Nội vụ[6]", as quoted from the page) when ``keep_marks``; a converter's "[^6]" goes."""
    footnotes: dict[int, Footnote] = {}
    for ln in lines:
        m = definition.match(ln.text) if not ln.drop else None
        if m and (only is None or int(m.group("n")) in only):
            number = int(m.group("n"))
            footnotes[number] = Footnote(number, printed.format(n=number, text=m.group("text")), ln.page)
            ln.drop = True
    if not footnotes:
        return footnotes
    for ln in lines:
        if ln.drop or cue not in ln.text:
            continue
        refs = [int(m.group("n")) for m in reference.finditer(ln.text)]
        ln.footnotes.extend(n for n in refs if n in footnotes)
        if keep_marks:
            continue
        ln.text = reference.sub(lambda m: "" if int(m.group("n")) in footnotes else m.group(), ln.text)
    return footnotes


def _find_marker(lines: list[_Raw], at: int, number: int) -> tuple[int, tuple[int, int]] | None:
    pattern = _marker_pattern(number)
    for k in range(at - 1, max(-1, at - 200), -1):
        cand = lines[k]
        if cand.drop:
            continue
        found = None
        for found in pattern.finditer(cand.text):  # noqa: B007 - keep the last match on the line
            pass
        if found:
            return k, found.span()
    return None


def normalize_pages(pages: list[Page]) -> NormalizedText:
    """Clean physical lines: NFC, no page numbers, running headers, stamps or footnotes."""
    raw = _raw_lines(pages)
    removed = {"page_numbers": _drop_page_numbers(raw)}
    stamps = _drop_stamps(raw)
    removed["rules"] = _drop_rules(raw)
    removed["running_lines"] = _drop_running_lines(raw)
    footnotes = _extract_markdown_footnotes(raw) or _extract_bracket_footnotes(raw) or _extract_footnotes(raw)
    removed["footnote_lines"] = sum(1 for _ in footnotes)
    lines = [
        Line(
            text=r.text,
            pages=[r.page] if r.page else [],
            footnotes=list(r.footnotes),
            gap_before=r.gap_before,
        )
        for r in raw
        if not r.drop and r.text
    ]
    return NormalizedText(lines=lines, footnotes=footnotes, stamps=stamps, removed=removed)


# --- re-joining -------------------------------------------------------------------------------

_HYPHEN_END = re.compile(r"\S-$")
_OPENS_SENTENCE = re.compile(r"^[\"“‘'(\[]?[A-ZÀ-ỸĐ0-9]")


def full_width(lines: list[Line]) -> float:
    """Typical length of a full-width line (what a line that was broken at the margin measures)."""
    lengths = sorted(len(ln.text) for ln in lines if len(ln.text) >= 20)
    if len(lengths) < 5:
        return 80.0
    return float(statistics.quantiles(lengths, n=4)[2])


def should_join(prev: str, cur: Line, width: float) -> bool:
    """Is ``cur`` the continuation of the physical line ``prev``?"""
    if cur.gap_before or starts_block(cur.text):
        return False
    if is_named_section(prev.strip(), fold_keep(prev)) or RE_TABLE_HEADER_LINE.match(prev.strip()):
        return (
            False  # "NỘI DUNG ÁN LỆ", "TT Tên đơn vị Cấp học": a heading or table header is a line of its own
        )
    opens = bool(_OPENS_SENTENCE.match(cur.text))
    if opens and RE_TERMINAL.search(prev):
        return False
    # A short line ended before the margin: heading, last line of a paragraph, table cell.
    return not (opens and len(prev) < 0.55 * width)


def separator(prev: str, cur: str) -> str:
    """What goes between two re-joined lines: "57-" + "NQ/TW" -> "57-NQ/TW"; "kinh tế -" + "xã hội" keeps its space."""
    return "" if _HYPHEN_END.search(prev[-2:]) and cur[:1].isalnum() else " "


def join_pair(prev: str, cur: str) -> str:
    return prev + separator(prev, cur) + cur


class Rejoiner:
    """Accumulates physical lines into logical lines (parts are joined once, so long runs stay linear)."""

    def __init__(self, width: float) -> None:
        self.width = width
        self._line: Line | None = None
        self._parts: list[str] = []
        self._prev = ""

    def push(self, ln: Line) -> Line | None:
        """Add a physical line; returns the finished logical line when ``ln`` starts a new one."""
        done = None
        if self._line is not None and should_join(self._prev, ln, self.width):
            self._parts += [separator(self._prev, ln.text), ln.text]
            self._line.pages.extend(p for p in ln.pages if p not in self._line.pages)
            self._line.footnotes.extend(ln.footnotes)
        else:
            done = self.flush()
            self._line = Line(ln.text, list(ln.pages), list(ln.footnotes), ln.gap_before)
            self._parts = [ln.text]
        self._prev = ln.text
        return done

    def flush(self) -> Line | None:
        line, self._line = self._line, None
        if line is not None:
            line.text = "".join(self._parts)
        self._parts = []
        return line


def join_lines(lines: list[Line], width: float | None = None) -> list[Line]:
    """Re-join lines broken by extraction into logical lines (pages and footnotes merged)."""
    joiner = Rejoiner(width if width is not None else full_width(lines))
    out = [done for ln in lines if (done := joiner.push(ln)) is not None]
    last = joiner.flush()
    return [*out, last] if last is not None else out
