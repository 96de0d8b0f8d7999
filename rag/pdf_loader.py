"""The pages of an opened PDF as a person reads them: text layer, annotation text, repair or OCR.

Per page (rag/loaders.py opens and checks the file, then calls ``read_pages``):

1. pypdf's text layer; a consistent font-map fault ("ð" for "Đ") repaired when that measurably
   helps (rag/textlayer.py);
2. the text that signature widgets and stamps draw (number, day, signer of e-signed PDFs),
   merged where it is drawn (rag/pdf_text.py);
3. when the layer fails the quality test (rag/textlayer.py), pdftotext's reading of the page is
   tried, and when no reading passes, or the page has no text layer, the page is OCR'd
   (rag/ocr.py: in parallel, cached); the reading that scores best is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import InputFileError
from rag.ocr import PageJob, Progress, ocr_pages
from rag.pdf_text import (
    drawn_annotations,
    merge_annotation_text,
    page_words,
    pdftotext_available,
    words_text,
)
from rag.records import Page
from rag.textlayer import layer_quality, repair_layer

# A page with fewer visible characters than this has no usable text layer.
MIN_TEXT_LAYER_CHARS = 20
# pdftotext's reading replaces pypdf's only when it scores this much better (rag/textlayer.py).
ALTERNATIVE_MARGIN = 0.05


@dataclass
class _Reading:
    number: int
    text: str = ""
    repair: str = ""
    needs_ocr: bool = False
    why: str = ""  # why the layer was not trusted
    job: PageJob | None = None
    notes: list[str] = field(default_factory=list)


def read_pages(
    reader: Any,
    path: Path,
    *,
    ocr: bool,
    ocr_ready: Callable[[], bool],
    progress: Progress | None = None,
) -> tuple[list[Page], list[str]]:
    warnings: list[str] = []
    readings = [_read_layer(reader, path, n, warnings) for n in range(1, len(reader.pages) + 1)]
    wanted = [r for r in readings if r.needs_ocr]
    results: dict[int, Any] = {}
    if wanted and ocr and ocr_ready():
        jobs = [r.job or PageJob(r.number, b"") for r in wanted]
        results = ocr_pages(path, jobs, progress=progress)
    pages: list[Page] = []
    for r in readings:
        pages.append(_settle(r, results.get(r.number), ocr=ocr, ocr_ready=ocr_ready, warnings=warnings))
        warnings.extend(r.notes)
    return pages, warnings


def _read_layer(reader: Any, path: Path, number: int, warnings: list[str]) -> _Reading:
    reading = _Reading(number)
    try:
        page = reader.pages[number - 1]
    except Exception as exc:  # one bad page must not lose the others
        warnings.append(f"page {number}: cannot be read ({exc})")
        return reading
    try:
        text = page.extract_text() or ""
    except Exception as exc:
        warnings.append(f"page {number}: text extraction failed ({exc})")
        text = ""
    text, reading.repair = repair_layer(text)
    printed_chars = len("".join(text.split()))  # before stamps: a scan's only text may be its e-sign stamp
    drawn = drawn_annotations(page)
    words = page_words(path, number) if drawn and pdftotext_available() else []
    if drawn:
        text = merge_annotation_text(text, words, drawn)
    quality = layer_quality(text)
    if len("".join(text.split())) >= MIN_TEXT_LAYER_CHARS and not quality.acceptable():
        words = words or (page_words(path, number) if pdftotext_available() else [])
        alternative, repair = repair_layer(words_text(words))
        alt_quality = layer_quality(alternative)
        better = alt_quality.score > quality.score + ALTERNATIVE_MARGIN
        if better or (alt_quality.acceptable() and alt_quality.score >= quality.score):
            text, quality, reading.repair = alternative, alt_quality, repair
    reading.text = text
    if reading.repair:
        reading.notes.append(f"page {number}: text layer repaired ({reading.repair})")
    if printed_chars < MIN_TEXT_LAYER_CHARS:
        reading.needs_ocr, reading.why = True, "no text layer"
    elif not quality.acceptable():
        reading.needs_ocr, reading.why = True, f"text layer not trusted ({quality.describe()})"
    if reading.needs_ocr:
        reading.job = PageJob(number, _page_content(page, number, path), _native_dpi(page))
    return reading


def _settle(
    r: _Reading, result: Any, *, ocr: bool, ocr_ready: Callable[[], bool], warnings: list[str]
) -> Page:
    if not r.needs_ocr:
        return Page(number=r.number, text=r.text)
    if result is None:
        if not ocr:
            warnings.append(f"page {r.number}: {r.why} and OCR is disabled")
        elif not ocr_ready():
            warnings.append(f"page {r.number}: {r.why} and OCR is not installed")
        return Page(number=r.number, text=r.text)
    if isinstance(result, InputFileError):
        warnings.append(f"page {r.number}: {result}")
        return Page(number=r.number, text=r.text)
    layer_score = layer_quality(r.text).score if r.text.strip() else -1.0
    if layer_score > layer_quality(result.text).score:
        warnings.append(f"page {r.number}: OCR read worse than the text layer; the layer is kept")
        return Page(number=r.number, text=r.text)
    return Page(number=r.number, text=result.text, ocr=True, uncertain=list(result.uncertain))


def page_content(reader: Any, number: int, path: Path) -> bytes:
    """What identifies page ``number``'s look (for the OCR cache and the page viewer)."""
    return _page_content(reader.pages[number - 1], number, path)


def _page_content(page: Any, number: int, path: Path) -> bytes:
    digest = hashlib.sha256()
    try:
        contents = page.get_contents()
        if contents is not None:
            digest.update(contents.get_data())
        digest.update(repr([float(v) for v in page.mediabox]).encode())
        digest.update(str(page.get("/Rotate", 0)).encode())
        for image in _images(page):
            digest.update(image.get("/Width", 0).__repr__().encode())
            digest.update(hashlib.sha256(image._data or b"").digest())  # raw (still encoded) bytes
        for annotation in drawn_annotations(page):
            digest.update(repr(annotation).encode())
    except Exception:  # an odd page: fall back to the file's bytes and the page number
        digest.update(hashlib.sha256(path.read_bytes()).digest())
        digest.update(str(number).encode())
    return digest.digest()


def _images(page: Any) -> list[Any]:
    out = []
    try:
        xobjects = page["/Resources"].get_object().get("/XObject") or {}
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                out.append(obj)
    except Exception:
        return out
    return out


def _native_dpi(page: Any) -> float | None:
    """The scan resolution of the page's largest image, assuming it fills the page's width."""
    try:
        width_in = float(page.mediabox.width) / 72.0
        widths = [int(img.get("/Width", 0)) for img in _images(page)]
    except Exception:
        return None
    if not widths or width_in <= 0:
        return None
    return max(widths) / width_in


def page_native_dpi(reader: Any, number: int) -> float | None:
    return _native_dpi(reader.pages[number - 1])
