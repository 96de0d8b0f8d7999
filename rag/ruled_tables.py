"""Ruled tables on a page image: the rules found, erased before OCR, and words put in their cells.

Tesseract reads the text of a bordered table badly or not at all: on the Bộ GDĐT scan (file 08)
its "Phụ lục 1" (six rows, three columns) came out as "Lẻ Jaomaeanemo [mem" with every page
segmentation mode tried, because the frame makes the whole table one image-like region. With
the rules painted white the same page reads row by row. The rules also say where the cells are:
each word is put in the cell its centre falls in, and a table is written one row per line with
" | " between cells, the form the parser reads as a table (rag/parser/tables.py: pipe rows),
so a row's cells stay together and the columns stay apart.

Pure (numpy arrays and word boxes in, rules, grids and lines out). Rules are long straight runs of
dark pixels: horizontal ones at least ``MIN_H_RULE`` of the page width, vertical ones at least
``MIN_V_RULE`` of its height (longer than any letter's stroke), followed across a slight skew by
looking at a few rows at once. A grid is kept only when it has at least two rows and two columns
whose rules span most of it; a framed note or an underline is erased but not taken for a table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

DARK = 140  # grey level below which a pixel is ink
ERASE = 220  # a rule's grey fringe is erased too: Tesseract reads it as "|"
MIN_H_RULE = 0.12  # share of the page width
MIN_V_RULE = 0.05  # share of the page height
SKEW_BAND = 3  # pixels: a rule drifting this much between rows is still one run
SPAN = 0.6  # share of a grid's width (height) a row (column) rule must cover
ALIGN = 0.02  # share of the page: rules this close belong to one edge
CHAIN_DRIFT = 0.005  # pieces of one rule: this far apart across it (a skew) ...
CHAIN_GAP = 0.05  # ... and this far apart along it (a faint stretch)
EDGE = 0.02  # rules this close to the page's edge are the scanner's border
NUMBER_COLUMN = 0.1  # share of the page width: a first column this narrow holds row numbers


@dataclass(frozen=True)
class Rule:
    at: float  # y of a horizontal rule, x of a vertical one (0..1 of the page)
    start: float  # where it begins along its length (0..1)
    end: float
    width: float = 0.0  # across (0..1): its thickness and the drift of a skewed rule

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Grid:
    rows: tuple[float, ...]  # y of every row rule, top to bottom (0..1)
    cols: tuple[float, ...]  # x of each column rule, left to right (0..1)
    # Per column, the row rules that cross it: a cell merged over rows has none between them.
    crossing: tuple[tuple[float, ...], ...] = ()

    def contains(self, x: float, y: float) -> bool:
        return self.cols[0] <= x <= self.cols[-1] and self.rows[0] <= y <= self.rows[-1]

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """(row where the cell holding (x, y) starts, column)."""
        col = sum(1 for c in self.cols[1:-1] if x > c)
        rules = self.crossing[col] if self.crossing else self.rows
        top = max((r for r in rules if r < y), default=self.rows[0])
        return sum(1 for r in self.rows[1:-1] if r <= top + ALIGN / 2), col


def _runs(dark: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of horizontal runs of ink at least ``min_len`` long."""
    import numpy as np

    banded = dark.copy()
    for shift in range(1, SKEW_BAND):
        banded[shift:] |= dark[:-shift]
    padded = np.zeros((banded.shape[0], banded.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = banded
    diff = np.diff(padded, axis=1)
    rows, starts = np.nonzero(diff == 1)
    _, ends = np.nonzero(diff == -1)
    keep = (ends - starts) >= min_len
    return list(zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _merge(runs: list[tuple[int, int, int]], size: int, along: int) -> list[Rule]:
    """Runs on neighbouring rows that overlap are one rule: (rule, first row, last row)."""
    open_: list[list[int]] = []  # [first row, last row, start, end]
    done: list[list[int]] = []
    for row, start, end in sorted(runs):
        for r in open_:
            if row - r[1] <= SKEW_BAND and start < r[3] and r[2] < end:
                r[1], r[2], r[3] = row, min(r[2], start), max(r[3], end)
                break
        else:
            open_.append([row, row, start, end])
        done.extend(r for r in open_ if row - r[1] > SKEW_BAND)
        open_ = [r for r in open_ if row - r[1] <= SKEW_BAND]
    done.extend(open_)
    rules = [Rule((a + b) / 2 / size, s / along, e / along, (b - a + 1) / size) for a, b, s, e in done]
    return _chain(rules)


def _chain(rules: list[Rule]) -> list[Rule]:
    """Pieces of one rule broken by a faint scan or a skew (end to end, nearly in line) joined."""
    out: list[Rule] = []
    for r in sorted(rules, key=lambda r: (r.start, r.at)):
        for i, o in enumerate(out):
            if abs(o.at - r.at) <= CHAIN_DRIFT and 0 <= r.start - o.end <= CHAIN_GAP:
                out[i] = Rule((o.at + r.at) / 2, o.start, r.end, max(o.width, r.width) + abs(o.at - r.at))
                break
        else:
            out.append(r)
    return out


def find_rules(grey: np.ndarray) -> tuple[list[Rule], list[Rule]]:
    """(horizontal rules, vertical rules) of a grey page image."""
    dark = grey < DARK
    height, width = dark.shape
    horizontal = _merge(_runs(dark, max(8, int(MIN_H_RULE * width))), height, width)
    vertical = _merge(_runs(dark.T, max(8, int(MIN_V_RULE * height))), width, height)
    # A scanner's dark border along the page's edge is no table's rule.
    horizontal = [r for r in horizontal if EDGE < r.at < 1 - EDGE]
    vertical = [r for r in vertical if EDGE < r.at < 1 - EDGE]
    return horizontal, vertical


def erase_grids(
    grey: np.ndarray, grids: list[Grid], horizontal: list[Rule], vertical: list[Rule]
) -> np.ndarray:
    """The image with the rules of ``grids`` painted white (other rules, underlines, stay).

    Each rule is erased along its own length only: a row rule that stops at a cell merged over
    rows must not wipe the band of text that runs through that cell.
    """
    out = grey.copy()
    height, width = grey.shape
    pad_x, pad_y = SKEW_BAND / width, SKEW_BAND / height
    for g in grids:
        edges = [(y, horizontal, (g.cols[0] - pad_x, g.cols[-1] + pad_x)) for y in g.rows]
        edges += [(x, vertical, (g.rows[0] - pad_y, g.rows[-1] + pad_y)) for x in g.cols]
        for at, rules, (lo_along, hi_along) in edges:
            across_size, along_size = (height, width) if rules is horizontal else (width, height)
            for r in rules:
                if abs(r.at - at) >= ALIGN or r.end < lo_along or r.start > hi_along:
                    continue
                half = r.width / 2 * across_size + SKEW_BAND
                a0, a1 = max(0, int(r.at * across_size - half)), int(r.at * across_size + half) + 1
                s0 = max(0, int(max(r.start, lo_along) * along_size) - SKEW_BAND)
                s1 = int(min(r.end, hi_along) * along_size) + SKEW_BAND + 1
                band = out[a0:a1, s0:s1] if rules is horizontal else out[s0:s1, a0:a1]
                band[band < ERASE] = 255
    return out


def _edges(values: Iterable[float]) -> list[float]:
    """Positions closer than ``ALIGN`` merged into one (a thick rule seen twice)."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] < ALIGN:
            continue
        out.append(v)
    return out


def find_grids(horizontal: list[Rule], vertical: list[Rule]) -> list[Grid]:
    """Tables: the longest vertical rule with the verticals mostly beside it (the columns), and
    the horizontal rules within that cross at least one column (the rows); at least 2 × 2 cells."""
    grids: list[Grid] = []
    left_over = sorted(vertical, key=lambda r: -r.length)
    while left_over:
        anchor = left_over[0]
        peers = [
            w for w in left_over if _overlap(w, anchor) >= w.length / 2 and w.length >= anchor.length / 3
        ]
        left_over = [w for w in left_over if w not in peers]
        cols = _edges(w.at for w in peers)
        if len(cols) < 3:
            continue
        top = min(w.start for w in peers) - ALIGN
        bottom = max(w.end for w in peers) + ALIGN
        spans = list(zip(cols, cols[1:], strict=False))
        crossing: list[list[float]] = [[] for _ in spans]
        for h in horizontal:
            if not top <= h.at <= bottom:
                continue
            for i, (a, b) in enumerate(spans):
                if h.start <= a + ALIGN and h.end >= b - ALIGN:
                    crossing[i].append(h.at)
        rows = _edges(y for ys in crossing for y in ys)
        if len(rows) < 3:
            continue
        # A bottom rule too faint or too warped to be found: the columns' ends close the table.
        end = max(w.end for w in peers)
        if end - rows[-1] > 2 * ALIGN:
            rows.append(end)
            crossing = [[*ys, end] for ys in crossing]
        grids.append(Grid(tuple(rows), tuple(cols), tuple(tuple(_edges(ys)) for ys in crossing)))
    return grids


def _overlap(a: Rule, b: Rule) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def is_number_column(grid: Grid) -> bool:
    """The first column is narrow enough to hold only row numbers ("STT", "1", "IV")."""
    return grid.cols[1] - grid.cols[0] <= NUMBER_COLUMN


def mend_row_numbers(cells: list[str]) -> list[str]:
    """A row-number column's cells with misread numbers mended where the rows count 1, 2, 3 ….

    Read alone, a one-digit cell is often lost or misread ("1" as "", "3" as "." or "B"). When
    at least half the body cells agree that row i holds i + k, every other body cell is given that number;
    header cells ("STT", "TT") stay, and a column that does not count (roman groups, "1.1"
    sub-rows, a single number) is left as read.
    """
    first = 0  # header rows on top: words other than numbers
    while first < len(cells) and re.search(r"[^\W\dIVXivxl]", cells[first]):
        first += 1
    body = list(range(first, len(cells)))
    numbers = {i: int(m.group(1)) for i in body if (m := re.fullmatch(r"(\d{1,3})\.?", cells[i].strip()))}
    if any(len(cells[i].strip()) > 1 and set(cells[i].strip()) <= set("IVX") for i in body):
        return cells  # roman group numbers: not a plain count
    votes = Counter(n - body.index(i) for i, n in numbers.items())
    if not votes:
        return cells
    offset, agree = votes.most_common(1)[0]
    if agree < 2 or agree * 2 < len(body):
        return cells
    out = list(cells)
    for k, i in enumerate(body):
        out[i] = str(k + offset)
    return out


def table_lines(grid: Grid, words: list[Any]) -> list[str]:
    """The grid's rows as " | "-joined lines of their cells' words (in reading order per cell).

    ``words`` carry ``text``, ``x0``…``y1`` (0..1) and ``line`` (the OCR line index);
    """
    cells: dict[tuple[int, int], list[Any]] = {}
    for w in words:
        cells.setdefault(grid.cell((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2), []).append(w)
    out = []
    for row in range(len(grid.rows) - 1):
        texts = []
        for col in range(len(grid.cols) - 1):
            ws = sorted(cells.get((row, col), []), key=lambda w: (w.line, w.x0))
            # A bar is a rule's remnant read as a glyph; inside a cell it would split the row.
            texts.append(" ".join(t for w in ws if (t := w.text.replace("|", "").strip())))
        while texts and not texts[-1]:
            texts.pop()  # empty trailing cells (a merged cell's later rows), as the DOCX rows drop them
        if any(texts):
            out.append(" | ".join(texts))
    return out
