"""A PDF page as an image with a cited clause's words highlighted (the "Xem trang gốc" view).

The page is drawn by pdftoppm. The words to highlight come from the page's word boxes: the
text layer's (pdftotext, annotations included) for digital pages, Tesseract's for OCR'd pages
(from the OCR cache, read again if the cache lost them). A page word is highlighted when it
belongs to a run of words that the clause also has in that order (three words, or the whole
clause when it is shorter), compared folded: OCR'd words that lost a mark still match, and
the same word elsewhere on the page is not lit on its own.

Where the original comes from (``original_page_view``): the server's own copy of an upload, or
the path a CLI ingest recorded (``Document.origin``), and only while that file's bytes still
hash to the document's ``content_hash``; the page is drawn from a private copy of the bytes that
were checked (docs/security.md).
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rag.errors import InputFileError
from rag.pdf_text import Word, page_words
from rag.text import fold

RENDER_DPI = 110
MAX_RENDER_DPI = 200
RENDER_TIMEOUT_S = 60
HIGHLIGHT_RGBA = (255, 214, 0, 96)  # a marker pen: the words stay readable through it
OUTLINE_RGB = (214, 120, 0)
RUN = 3  # words in a row that must agree for a highlight
EDGE = 0.15  # share of a page's words at its top or bottom where a clause may cross a page break
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def highlight_words(words: list[Word], clause_text: str) -> list[Word]:
    """The page words that print the clause (runs of words the clause has in the same order)."""
    clause = _tokens(clause_text)
    if not clause or not words:
        return []
    # One token per page word position (a word box may hold "Điều" or "3." or "(a)").
    flat: list[tuple[int, str]] = [(i, t) for i, w in enumerate(words) for t in _tokens(w.text)]
    if not flat:
        return []
    size = min(RUN, len(clause))
    where: dict[tuple[str, ...], list[int]] = {}
    for k in range(len(clause) - size + 1):
        where.setdefault(tuple(clause[k : k + size]), []).append(k)
    # Diagonals: page window k matching clause window c, then k+1 matching c+1, … A phrase the
    # clause shares with a neighbouring paragraph makes a short diagonal; the clause's own lines
    # make the long ones, kept longest first until the clause's length is spent.
    # clause position expected next -> (page start, length, clause start)
    open_runs: dict[int, tuple[int, int, int]] = {}
    runs: list[tuple[int, int, int]] = []
    for k in range(len(flat) - size + 1):
        gram = tuple(t for _, t in flat[k : k + size])
        following: dict[int, tuple[int, int, int]] = {}
        for c in where.get(gram, ()):
            start, length, first = open_runs.pop(c, (k, 0, c))
            following[c + 1] = (start, length + 1, first)
        runs.extend(open_runs.values())
        open_runs = following
    runs.extend(open_runs.values())
    budget = len(clause) * 1.1 + size
    lit: set[int] = set()
    shortest = min(len(clause), 2 * RUN)
    for start, length, first in sorted(runs, key=lambda r: -r[1]):
        span = length + size - 1
        # A short run counts only as the clause's part that runs over a page break: its end at
        # the top of the page, or its start at the bottom.
        tail = first + span >= len(clause) and start <= EDGE * len(flat)
        head = first == 0 and start + span >= (1 - EDGE) * len(flat)
        edge = tail or head
        if span > budget or (span < shortest and not edge):
            continue
        budget -= span
        lit.update(i for i, _ in flat[start : start + span])
    return [w for i, w in enumerate(words) if i in lit]


def render_png(path: Path, number: int, boxes: list[Word], *, dpi: int = RENDER_DPI) -> bytes:
    """Page ``number`` of the PDF as PNG bytes, with ``boxes`` (0..1 page units) highlighted."""
    from PIL import Image, ImageDraw

    dpi = max(36, min(MAX_RENDER_DPI, dpi))
    with tempfile.TemporaryDirectory(prefix="policyqa-page-") as tmp:
        prefix = Path(tmp) / "page"
        try:
            subprocess.run(
                [
                    "pdftoppm",
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    "-r",
                    str(dpi),
                    "-png",
                    str(path),
                    str(prefix),
                ],
                capture_output=True,
                timeout=RENDER_TIMEOUT_S,
                check=True,
            )
        except subprocess.TimeoutExpired:
            raise InputFileError.of("page.render_timeout", page=number, seconds=RENDER_TIMEOUT_S) from None
        except (subprocess.CalledProcessError, OSError) as exc:
            raise InputFileError.of("page.render_failed", page=number, why=exc) from None
        images = sorted(Path(tmp).glob("page*.png"))
        if not images:
            raise InputFileError.of("page.render_empty", page=number)
        with Image.open(images[0]) as opened:
            page = opened.convert("RGBA")
    width, height = page.size
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    pad = max(1, round(dpi / 72))
    for w in boxes:
        box = (w.x0 * width - pad, w.y0 * height - pad, w.x1 * width + pad, w.y1 * height + pad)
        draw.rectangle(box, fill=HIGHLIGHT_RGBA, outline=(*OUTLINE_RGB, 160))
    out = io.BytesIO()
    Image.alpha_composite(page, layer).convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


def page_word_boxes(path: Path, number: int, *, ocr: bool) -> list[Word]:
    """The word boxes of one page: the OCR reading for OCR'd pages, else the text layer's."""
    if not ocr:
        return page_words(path, number)
    from pypdf import PdfReader

    from rag.ocr import PageJob, ocr_available, ocr_pages
    from rag.pdf_loader import page_content, page_native_dpi

    reader = PdfReader(str(path))
    job = PageJob(number, page_content(reader, number, path), page_native_dpi(reader, number))
    if not ocr_available():
        return page_words(path, number)
    result = ocr_pages(path, [job], workers=1).get(number)
    return result.words if result is not None and not isinstance(result, InputFileError) else []


def page_view(
    path: Path, number: int, clause_text: str, *, ocr: bool, dpi: int = RENDER_DPI
) -> tuple[bytes, int]:
    """(PNG bytes, number of words highlighted) for page ``number`` with the clause lit."""
    words = page_word_boxes(path, number, ocr=ocr) if clause_text.strip() else []
    lit = highlight_words(words, clause_text)
    return render_png(path, number, lit, dpi=dpi), len(lit)


def original_candidates(files_root: Path, source: str, origin: str) -> list[Path]:
    """Where a document's original may be: the server's files folder (uploads), then the
    absolute path the ingest recorded. A source that leads out of the files folder is no candidate."""
    out = []
    root = files_root.resolve()
    kept = (root / source).resolve()
    if kept.is_relative_to(root):
        out.append(kept)
    if origin and Path(origin).is_absolute():
        out.append(Path(origin))
    return out


def _verified_bytes(candidates: Iterable[Path], content_hash: str) -> bytes | None:
    for path in candidates:
        try:
            if not path.is_file():
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() == content_hash:
            return data
    return None


def original_page_view(
    candidates: Iterable[Path],
    content_hash: str,
    number: int,
    clause_text: str,
    *,
    ocr: bool,
    dpi: int = RENDER_DPI,
) -> tuple[bytes, int] | None:
    """``page_view`` of the first candidate file that still holds the indexed bytes, or None.

    The bytes are hashed once and drawn from a private copy, so a file changed after the check
    is never what is shown.
    """
    data = _verified_bytes(candidates, content_hash)
    if data is None:
        return None
    with tempfile.TemporaryDirectory(prefix="policyqa-original-") as tmp:
        copy = Path(tmp) / "original.pdf"
        copy.write_bytes(data)
        return page_view(copy, number, clause_text, ocr=ocr, dpi=dpi)
