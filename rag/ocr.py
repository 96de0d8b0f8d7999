"""OCR of PDF pages: Tesseract (vie) on pages rendered by pdftoppm, in parallel, cached.

- Resolution per page: the page's own scan resolution when it is fine enough (no resampling
  of a 300–400 dpi scan), else 300 dpi (phone and 150–200 dpi scans read better upsampled),
  never above ``MAX_DPI`` (cost grows with the square).
- The page is rendered in colour and read in its red channel (``drop_red_ink``): red seals and
  copy stamps vanish, so the signer's title and name printed under a seal are read.
- Tesseract runs with ``--psm 1`` (page segmentation with orientation and script detection):
  a page scanned sideways or upside down is turned, columns are kept apart as blocks, and
  small skews are followed by its line finder. Its TSV output gives every word's box and
  confidence: the page text is rebuilt block by block, and words with digits read with low
  confidence are listed as uncertain (a handwritten "753" read as "758" is shown as doubtful,
  not silently trusted).
- Pages run in parallel, one Tesseract thread each (``OMP_THREAD_LIMIT=1``), up to the cores.
- Results are cached by the page's content hash (its content stream and images, the
  resolution, language and engine settings): a re-ingest of an unchanged scan costs nothing.
  ``$POLICYQA_OCR_CACHE`` sets the folder (default ``~/.cache/policyqa/ocr``; "off" disables).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import InputFileError
from rag.pdf_text import Word
from rag.ruled_tables import (
    SKEW_BAND,
    Grid,
    erase_grids,
    find_grids,
    find_rules,
    is_number_column,
    mend_row_numbers,
    table_lines,
)

if TYPE_CHECKING:
    from PIL import Image

OCR_TIMEOUT_S = 180
DEFAULT_DPI = 300
MAX_DPI = 400
LANG = "vie"
PSM = "1"
# A row-number column is read again with only what row numbers are written with.
NUMBER_CHARS = "tessedit_char_whitelist=0123456789IVXivx.-STT"
ENGINE_VERSION = "tsv-psm1-red-v8-tables"  # part of the cache key: change it when the reading changes
# A word with a digit read below this confidence is reported as uncertain.
UNCERTAIN_DIGIT_CONF = 75.0
# A page with less ink than this share inside its margins is blank (text pages: ≥ 2 %).
BLANK_INK_SHARE = 0.001
BLANK_MARGIN = 0.08
ENV_CACHE = "POLICYQA_OCR_CACHE"
ENV_WORKERS = "POLICYQA_OCR_WORKERS"

Progress = Callable[[int, int, int], None]  # (pages done, pages to OCR, page number just done)


@dataclass
class OcrPage:
    number: int
    text: str
    words: list[Word] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # words with digits read with low confidence
    dpi: int = DEFAULT_DPI
    cached: bool = False
    readings: dict[str, str] = field(default_factory=dict)  # header digits read again (rag/header_digits.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "words": [w.to_list() + [round(w.conf, 1)] for w in self.words],
            "uncertain": self.uncertain,
            "dpi": self.dpi,
        }

    @classmethod
    def from_dict(cls, number: int, data: dict[str, Any]) -> OcrPage:
        words = [Word.from_list(row) for row in data.get("words", [])]
        text = join_broken_paragraphs(data["text"])
        return cls(number, text, words, list(data.get("uncertain", [])), int(data.get("dpi", 0)), True)


@functools.cache
def ocr_available(lang: str = LANG) -> bool:
    """Tesseract and pdftoppm on PATH, and the language data installed."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        return False
    try:
        out = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return lang in (out.stdout + out.stderr).split()


def cache_dir() -> Path | None:
    value = os.environ.get(ENV_CACHE, "").strip()
    if value.lower() in ("off", "0", "none"):
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policyqa" / "ocr"


def default_workers() -> int:
    try:
        return max(1, int(os.environ.get(ENV_WORKERS, "")))
    except ValueError:
        return max(
            1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        )


def choose_dpi(native_dpi: float | None) -> int:
    """The render resolution for a page whose images were scanned at ``native_dpi``."""
    if native_dpi and native_dpi >= DEFAULT_DPI * 0.95:
        return int(min(MAX_DPI, round(native_dpi)))
    return DEFAULT_DPI


def page_key(content: bytes, dpi: int, lang: str = LANG) -> str:
    digest = hashlib.sha256(content)
    digest.update(f"|{dpi}|{lang}|{PSM}|{ENGINE_VERSION}".encode())
    return digest.hexdigest()


def _cache_get(key: str) -> dict[str, Any] | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / key[:2] / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _cache_put(key: str, data: dict[str, Any]) -> None:
    folder = cache_dir()
    if folder is None:
        return
    target = folder / key[:2] / f"{key}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only or full cache only costs time


@dataclass(frozen=True)
class PageJob:
    number: int
    content: bytes  # what identifies the page's look: content stream and images
    native_dpi: float | None = None


def ocr_pages(
    path: Path,
    jobs: list[PageJob],
    *,
    lang: str = LANG,
    workers: int | None = None,
    progress: Progress | None = None,
    timeout: float = OCR_TIMEOUT_S,
) -> dict[int, OcrPage | InputFileError]:
    """OCR the pages of one PDF, in parallel; a page that fails maps to its error."""
    results: dict[int, OcrPage | InputFileError] = {}
    todo: list[tuple[PageJob, int, str]] = []
    for job in jobs:
        dpi = choose_dpi(job.native_dpi)
        key = page_key(job.content, dpi, lang)
        hit = _cache_get(key)
        if hit is not None:
            results[job.number] = OcrPage.from_dict(job.number, hit)
        else:
            todo.append((job, dpi, key))
    done = len(results)
    total = len(jobs)
    if progress and done:
        progress(done, total, 0)

    def run(item: tuple[PageJob, int, str]) -> tuple[int, OcrPage | InputFileError]:
        job, dpi, key = item
        try:
            page = ocr_pdf_page(path, job.number, dpi=dpi, lang=lang, timeout=timeout)
        except InputFileError as exc:
            return job.number, exc
        _cache_put(key, page.to_dict())
        return job.number, page

    n = min(workers or default_workers(), len(todo)) or 1
    with ThreadPoolExecutor(max_workers=n) as pool:
        for number, result in pool.map(run, todo):
            results[number] = result
            done += 1
            if progress:
                progress(done, total, number)
    first = results.get(1)
    if isinstance(first, OcrPage):
        job = next(j for j in jobs if j.number == 1)
        first.readings = header_readings(path, first, page_key(job.content, first.dpi, lang), timeout)
    return results


def header_readings(path: Path, page: OcrPage, key: str, timeout: float = OCR_TIMEOUT_S) -> dict[str, str]:
    """The first page's handwritten header digits read again by a second recogniser, cached beside its OCR."""
    from rag import header_digits

    if not header_digits.available() or not header_digits.slots(page.words):
        return {}
    rkey = hashlib.sha256(f"{key}|{header_digits.VERSION}".encode()).hexdigest()
    hit = _cache_get(rkey)
    if hit is None:
        try:
            image = render_page(path, page.number, page.dpi or DEFAULT_DPI, timeout=timeout)
        except InputFileError:
            return {}
        hit = {"readings": header_digits.read_header(image, page.words)}
        _cache_put(rkey, hit)
    return dict(hit.get("readings", {}))


def ocr_pdf_page(
    path: Path, number: int, *, dpi: int = DEFAULT_DPI, lang: str = LANG, timeout: float = OCR_TIMEOUT_S
) -> OcrPage:
    """Render one PDF page with pdftoppm and read it with Tesseract (TSV: words, boxes, confidences).

    The page travels as raw pixels (PPM from pdftoppm, PGM to Tesseract, both through pipes):
    PNG at 400 dpi costs more CPU to compress and decompress than Tesseract spends reading the
    page (3.3 s of pdftoppm's 3.6 s, measured in docs/parser.md).
    """
    import numpy as np
    from PIL import Image

    image = drop_red_ink(render_page(path, number, dpi, timeout=timeout))
    if is_blank(image):
        return OcrPage(number, "", [], [], dpi)  # a blank back side: nothing to read
    grey = np.asarray(image)
    horizontal, vertical = find_rules(grey)
    grids = find_grids(horizontal, vertical)
    if not grids:
        return read_tsv(number, _tesseract(image, lang, ["--psm", PSM], timeout), dpi)
    # A ruled table: read without its frame, column by column; the page is read around it.
    erased = erase_grids(grey, grids, horizontal, vertical)
    around = erased.copy()
    height, width = around.shape
    for g in grids:
        around[
            int(g.rows[0] * height) : int(g.rows[-1] * height) + 1,
            int(g.cols[0] * width) : int(g.cols[-1] * width) + 1,
        ] = 255
    tsv = _tesseract(Image.fromarray(around), lang, ["--psm", PSM], timeout)
    tables = {i: _read_columns(Image.fromarray(erased), g, lang, timeout) for i, g in enumerate(grids)}
    return read_tsv(number, tsv, dpi, grids, tables)


def _tesseract(image: Image.Image, lang: str, options: list[str], timeout: float) -> str:
    """Tesseract's TSV of a grey image (PGM on its stdin, one thread)."""
    pgm = io.BytesIO()
    image.save(pgm, "PPM")  # an "L" image is written as PGM
    try:
        out = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", lang, *options, "tsv"],
            input=pgm.getvalue(),
            capture_output=True,
            timeout=timeout,
            check=True,
            env=dict(os.environ, OMP_THREAD_LIMIT="1"),
        )
    except subprocess.TimeoutExpired:
        raise InputFileError.of("ocr.timeout", seconds=round(timeout)) from None
    except (subprocess.CalledProcessError, OSError) as exc:
        raise InputFileError.of("ocr.failed", why=exc) from None
    return out.stdout.decode("utf-8", errors="replace")


def _read_columns(image: Image.Image, grid: Grid, lang: str, timeout: float) -> list[Word]:
    """A ruled table's words read column by column (each column a block of its own).

    Read with the page, the lines of neighbouring cells whose baselines differ (a cell merged
    over rows beside single-row cells) are taken for one line and garbled, and a cell holding one
    short number has no words around it to steer the recogniser ("1" read "l" or "Ị", "3" read
    "B"). A column alone is a uniform block; a row-number column is read with only the signs
    row numbers are written with, cell by cell.
    """
    width, height = image.size
    y0, y1 = int(grid.rows[0] * height), int(grid.rows[-1] * height)
    words: list[Word] = []
    for col, (left_at, right_at) in enumerate(zip(grid.cols, grid.cols[1:], strict=False)):
        x0, x1 = int(left_at * width) + 2 * SKEW_BAND, int(right_at * width) - 2 * SKEW_BAND
        if col == 0 and is_number_column(grid):  # each cell a line of its own, numbers only
            tops = [int(r * height) for r in grid.crossing[0]] if grid.crossing else [y0, y1]
            cells = [
                (x0, a + 2 * SKEW_BAND, x1, b - 2 * SKEW_BAND) for a, b in zip(tops, tops[1:], strict=False)
            ]
            options = ["--psm", "7", "-c", NUMBER_CHARS]
        else:
            cells, options = [(x0, y0, x1, y1)], ["--psm", "6"]
        column: list[Word] = []
        for i, box in enumerate(cells):
            if box[2] - box[0] < 8 or box[3] - box[1] < 8:
                continue
            page = read_tsv(0, _tesseract(image.crop(box), lang, options, timeout))
            column += [_placed(w, box, (width, height), 1000 * i) for w in page.words]
        words.extend(_counted(column, cells, (width, height)) if len(cells) > 1 else column)
    return words


def _counted(words: list[Word], cells: list[tuple[int, int, int, int]], size: tuple[int, int]) -> list[Word]:
    """A row-number column's cells, one word each, their numbers mended where the rows count
    (``rag.ruled_tables.mend_row_numbers``)."""
    texts = [" ".join(w.text for w in words if w.line // 1000 == i) for i in range(len(cells))]
    mended = mend_row_numbers(texts)
    if mended == texts:
        return words
    return [
        _placed(Word(text, 0.0, 0.0, 1.0, 1.0), box, size, 1000 * i)
        for i, (text, box) in enumerate(zip(mended, cells, strict=True))
        if text
    ]


def _placed(word: Word, box: tuple[int, int, int, int], size: tuple[int, int], line: int) -> Word:
    """A word read in a crop of the page, with its box on the page (0..1)."""
    x0, y0, x1, y1 = box
    width, height = size
    return Word(
        word.text,
        (x0 + word.x0 * (x1 - x0)) / width,
        (y0 + word.y0 * (y1 - y0)) / height,
        (x0 + word.x1 * (x1 - x0)) / width,
        (y0 + word.y1 * (y1 - y0)) / height,
        line=line + word.line,
        conf=word.conf,
    )


def render_page(path: Path, number: int, dpi: int, *, timeout: float = OCR_TIMEOUT_S) -> Image.Image:
    """Page ``number`` of the PDF as an RGB image drawn by pdftoppm (raw PPM through a pipe)."""
    from PIL import Image

    try:
        out = subprocess.run(
            ["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-singlefile"] + [str(path)],
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        raise InputFileError.of("ocr.timeout", seconds=round(timeout)) from None
    except (subprocess.CalledProcessError, OSError) as exc:
        raise InputFileError.of("ocr.failed", why=exc) from None
    if not out.stdout:
        raise InputFileError.of("ocr.not_rendered")
    try:
        image = Image.open(io.BytesIO(out.stdout))
        image.load()
    except (OSError, ValueError):
        raise InputFileError.of("ocr.not_rendered") from None
    return image


def drop_red_ink(image: Image.Image) -> Image.Image:
    """The page's red channel as a grey image: red seals and stamps turn white, black text stays.

    A red seal over "THỨ TRƯỞNG" and "Thượng tướng Nguyễn Văn Long" hides them from Tesseract on
    a grey rendering; in the red channel the seal's ink is as light as the paper.
    """
    if image.mode in ("L", "1"):
        return image.convert("L")
    return image.convert("RGB").getchannel("R")


def is_blank(image: Image.Image) -> bool:
    """No ink inside the page's margins (a scanned blank back side with dark scanner edges)."""
    grey = image.convert("L")
    w, h = grey.size
    inner = grey.crop(
        (
            int(w * BLANK_MARGIN),
            int(h * BLANK_MARGIN),
            int(w * (1 - BLANK_MARGIN)),
            int(h * (1 - BLANK_MARGIN)),
        )
    )
    inner = inner.reduce(3) if min(inner.size) > 300 else inner
    histogram = inner.histogram()
    dark = sum(histogram[:128])
    return dark < BLANK_INK_SHARE * max(1, sum(histogram))


def read_tsv(
    number: int,
    tsv: str,
    dpi: int = DEFAULT_DPI,
    grids: list[Grid] | None = None,
    tables: dict[int, list[Word]] | None = None,
) -> OcrPage:
    """Tesseract's TSV -> text (lines, a blank line between blocks), word boxes, uncertain digits.

    The words inside a ruled table (``grids``) are written as its rows, one line per row with
    " | " between cells, where the table's first word was read; ``tables`` (per table, its words
    read column by column, the page read without it) are written before the first line below
    the table's top.
    """
    rows = [r.split("\t") for r in tsv.splitlines()]
    width = height = 0.0
    words: list[Word] = []
    lines: list[tuple[tuple[int, int, int], list[str]]] = []
    uncertain: list[str] = []
    for r in rows[1:]:
        if len(r) < 12:
            continue
        try:
            level = int(r[0])
            block, par, line = int(r[2]), int(r[3]), int(r[4])
            left, top, w, h = (float(v) for v in r[6:10])
            conf = float(r[10])
        except ValueError:
            continue
        if level == 1:
            width, height = w or 1.0, h or 1.0
            continue
        text = r[11].strip()
        if level != 5 or not text.strip("|"):
            continue  # a word of bars alone is a rule's remnant (a table border, a margin line)
        key = (block, par, line)
        if not lines or lines[-1][0] != key:
            lines.append((key, []))
        lines[-1][1].append(text)
        words.append(
            Word(
                text,
                left / (width or 1),
                top / (height or 1),
                (left + w) / (width or 1),
                (top + h) / (height or 1),
                line=len(lines) - 1,
                conf=conf,
            )
        )
        if conf < UNCERTAIN_DIGIT_CONF and any(ch.isdigit() for ch in text):
            uncertain.append(text)
    in_grid = _grid_of_words(words, grids or [])
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    out: list[str] = []
    prev_block = None
    written: set[int] = set()
    grid_list = grids or []
    for i, ((block, par, _), ws) in enumerate(lines):
        here = by_line.get(i, [])
        below = sum((w.y0 + w.y1) / 2 for w in here) / max(1, len(here))
        # A table read on its own goes before the first line printed below its top.
        for g in sorted(tables or {}, key=lambda g: grid_list[g].rows[0]):
            if g not in written and below > grid_list[g].rows[0]:
                written.add(g)
                out.extend(["", *table_lines(grid_list[g], tables[g]), ""])
                prev_block = None
        grid = next((in_grid[id(w)] for w in here if id(w) in in_grid), None)
        if grid is not None:
            if grid not in written:  # the whole table, once, as its own block
                written.add(grid)
                members = [w for w in words if in_grid.get(id(w)) == grid]
                out.extend(["", *table_lines(grid_list[grid], members), ""])
                prev_block = None
            rest = [w.text for w in here if id(w) not in in_grid]
            if not rest:
                continue
            ws = rest
        if prev_block is not None and (block, par) != prev_block:
            out.append("")
        out.append(" ".join(ws))
        prev_block = (block, par)
    for g in sorted(set(tables or {}) - written, key=lambda g: grid_list[g].rows[0]):
        out.extend(["", *table_lines(grid_list[g], tables[g])])  # a table at the foot of the page
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip("\n"))
    if tables:  # the boxes of a table's words as its columns were read (for the page view)
        words = [w for w in words if in_grid.get(id(w)) not in tables]
        words += [w for i in sorted(tables) for w in tables[i]]
    return OcrPage(number, join_broken_paragraphs(text + "\n"), words, uncertain, dpi)


def _grid_of_words(words: list[Word], grids: list[Grid]) -> dict[int, int]:
    """id(word) -> index of the ruled table its centre lies in."""
    out: dict[int, int] = {}
    for w in words:
        x, y = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
        for i, g in enumerate(grids):
            if g.contains(x, y):
                out[id(w)] = i
                break
    return out


_BROKEN_PARAGRAPH = re.compile(r"(?<=[^\W\d_]|[,;])\n\n(?=[^\W\d_])")


def join_broken_paragraphs(text: str) -> str:
    """Tesseract starts a paragraph mid-sentence ("… gửi Báo" / "" / "cáo bằng văn bản …"): a
    blank line between a word and a lower-case word is not a paragraph break."""
    return _BROKEN_PARAGRAPH.sub(lambda m: "\n" if text[m.end()].islower() else m.group(0), text)
