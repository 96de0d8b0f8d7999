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

from rag import messages
from rag.errors import InputFileError
from rag.ocr import PageJob, Progress, ocr_pages
from rag.pdf_text import (
    Drawn,
    drawn_annotations,
    merge_annotation_text,
    page_words,
    pdftotext_available,
    words_text,
)
from rag.records import Page
from rag.textlayer import LayerQuality, layer_quality, repair_layer

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
    drawn: list[Drawn] = field(default_factory=list)  # text-drawing annotations on the page
    reader: str = "pypdf"  # or "pdftotext" when its reading of the page was kept


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
    _one_reader(readings, path)
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


def _one_reader(readings: list[_Reading], path: Path) -> None:
    """A document most of whose pages read better with pdftotext is read with it throughout.

    pypdf's broken reading of a Foxit layer is broken on every page, though a short page may
    pass the test on its own; one reader keeps the pages alike (running headers, signature).
    """
    texts = [r for r in readings if r.text.strip() and not r.needs_ocr]
    switched = [r for r in texts if r.reader == "pdftotext"]
    if not switched or 2 * len(switched) < len(texts) or not pdftotext_available():
        return
    for r in texts:
        if r.reader == "pdftotext":
            continue
        alternative, repair = repair_layer(words_text(page_words(path, r.number)))
        if layer_quality(alternative).acceptable():
            r.text, r.repair, r.reader = alternative, repair, "pdftotext"


def _read_layer(reader: Any, path: Path, number: int, warnings: list[str]) -> _Reading:
    reading = _Reading(number)
    try:
        page = reader.pages[number - 1]
    except Exception as exc:  # one bad page must not lose the others
        warnings.append(messages.text("pdf.page_cannot_read", page=number, why=exc))
        return reading
    try:
        text = page.extract_text() or ""
    except Exception as exc:
        warnings.append(messages.text("pdf.page_unreadable", page=number, why=exc))
        text = ""
    text, reading.repair = repair_layer(text)
    printed_chars = len("".join(text.split()))  # before stamps: a scan's only text may be its e-sign stamp
    drawn = drawn_annotations(page)
    words = page_words(path, number) if drawn and pdftotext_available() else []
    if drawn:
        text = merge_annotation_text(text, words, drawn)
    quality = layer_quality(text)
    # A layer that needed a font-map repair has a broken ToUnicode map, which pypdf follows for
    # other glyphs too (06: "QĐiUBND" for "QĐ-UBND"); pdftotext's own glyph mapping is preferred
    # there when its reading passes.
    mapped_badly = bool(reading.repair)
    if len("".join(text.split())) >= MIN_TEXT_LAYER_CHARS and (mapped_badly or not quality.acceptable()):
        words = words or (page_words(path, number) if pdftotext_available() else [])
        alternative, repair = repair_layer(words_text(words))
        alt_quality = layer_quality(alternative)
        better = alt_quality.score > quality.score + ALTERNATIVE_MARGIN
        passes = alt_quality.acceptable() and (mapped_badly or alt_quality.score >= quality.score)
        if words and (better or passes):
            text, quality, reading.repair = alternative, alt_quality, repair
            reading.reader = "pdftotext"
    reading.text = text
    reading.drawn = drawn
    if reading.repair:
        reading.notes.append(messages.text("pdf.layer_repaired", page=number, repair=reading.repair))
    if printed_chars < MIN_TEXT_LAYER_CHARS:
        reading.needs_ocr, reading.why = True, messages.text("pdf.why_no_layer")
    elif not quality.acceptable():
        reading.needs_ocr, reading.why = True, _untrusted(quality)
    if reading.needs_ocr:
        reading.job = PageJob(number, _page_content(page, number, path), _native_dpi(page))
    return reading


def _untrusted(quality: LayerQuality) -> str:
    """Why a layer was not trusted, for the reader of the warning."""
    return messages.text(
        "pdf.why_untrusted",
        syllables=messages.percent(quality.syllable_share),
        marked=messages.percent(quality.diacritic_share),
        bad=messages.percent(quality.bad_char_share, digits=1),
        broken=messages.percent(quality.short_line_share),
    )


def _settle(
    r: _Reading, result: Any, *, ocr: bool, ocr_ready: Callable[[], bool], warnings: list[str]
) -> Page:
    if not r.needs_ocr:
        return Page(number=r.number, text=r.text)
    if result is None:
        if not ocr:
            warnings.append(messages.text("pdf.page_no_ocr", page=r.number, why=r.why))
        elif not ocr_ready():
            warnings.append(messages.text("pdf.page_ocr_missing", page=r.number, why=r.why))
        return Page(number=r.number, text=r.text)
    if isinstance(result, InputFileError):
        warnings.append(messages.text("pdf.page_warning", page=r.number, why=result))
        return Page(number=r.number, text=r.text)
    layer_score = layer_quality(r.text).score if r.text.strip() else -1.0
    if layer_score > layer_quality(result.text).score:
        warnings.append(messages.text("pdf.ocr_worse", page=r.number))
        return Page(number=r.number, text=r.text)
    text = stamp_ocr_words(result.text, result.words, r.drawn)
    return Page(
        number=r.number, text=text, ocr=True, uncertain=list(result.uncertain), readings=dict(result.readings)
    )


def stamp_ocr_words(text: str, words: list[Any], drawn: list[Drawn]) -> str:
    """On an OCR'd page, the text a widget draws replaces what OCR read where it is drawn.

    An e-office system stamps the number on the scan as a widget ("1849"); OCR of the page reads
    it mixed with the print around it ("Sô1§4ØBGDĐT-GDPT"). The widget's own text is exact: the
    characters of the OCR word under the widget's rectangle (by position) become that text.
    """
    for d in drawn:
        if len(d.text.split()) != 1:
            continue  # only a single token is placed inside a word (multi-line stamps stay as OCR read them)
        x0, y0, x1, y1 = d.rect
        cy = (y0 + y1) / 2
        for w in words:
            if not (w.y0 <= cy <= w.y1 and w.x0 < x1 and x0 < w.x1) or d.text in w.text:
                continue
            width = max(w.x1 - w.x0, 1e-6)
            start = max(0, round(len(w.text) * (x0 - w.x0) / width))
            end = min(len(w.text), round(len(w.text) * (x1 - w.x0) / width))
            fixed = f"{w.text[:start]} {d.text.strip()} {w.text[end:]}".strip()
            text = text.replace(w.text, fixed, 1)
            break
    return text


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
