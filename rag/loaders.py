"""Loaders: one file on disk -> LoadedFile (raw page texts plus facts about the file).

Loaders only read and decode; they never interpret structure. The one exception is
the page split of ``.txt`` files extracted from PDFs, which is a fact about how the
file was produced (pypdf joins pages so that each new page starts with one space).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from rag.errors import InputFileError
from rag.records import LoadedFile, Page

# (pages done, pages to OCR, page just done): OCR progress of a PDF (rag/ocr.py)
Progress = Callable[[int, int, int], None]

TEXT_SUFFIXES = (".txt", ".md")
WORD_SUFFIXES = (".docx", ".doc")  # .doc is accepted only to say how to convert it
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", *WORD_SUFFIXES)

# A page break in an extracted .txt needs at least this much text since the previous one.
MIN_TXT_PAGE_CHARS = 600

_PAGE_JOIN = re.compile(r"^ \S")  # pypdf starts every page after the first with one space
_LONE_INT = re.compile(r"^\s*([1-9]\d{0,3})\s*$")


def load_file(
    path: Path,
    root: Path | None = None,
    *,
    max_bytes: int = 50_000_000,
    max_pages: int = 2000,
    ocr: bool = True,
    progress: Progress | None = None,
) -> LoadedFile:
    """Read one .txt/.md/.pdf/.docx file into pages. Raises InputFileError with the file's name."""
    path = Path(path)
    source = _source_name(path, root)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError.of(
            "file.unsupported_type",
            source=source,
            suffix=suffix or "(không có)",
            allowed=", ".join(SUPPORTED_SUFFIXES),
        )
    if not path.is_file():
        raise InputFileError.of("file.missing", source=source)
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputFileError.of("file.empty", source=source)
        if size > max_bytes:
            raise InputFileError.of("file.too_large", source=source, size=size, limit=max_bytes)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError.of("file.unreadable", source=source, why=exc.strerror or exc) from None
    content_hash = hashlib.sha256(raw).hexdigest()
    if suffix == ".pdf":
        pages, warnings = _load_pdf(raw, source, path, max_pages=max_pages, ocr=ocr, progress=progress)
    elif suffix in WORD_SUFFIXES:
        from rag.docx_loader import load_docx

        pages, warnings = load_docx(raw, source)
    else:
        text = decode_text(raw, source)
        if not text.strip():
            raise InputFileError.of("file.no_text", source=source)
        pages = split_txt_pages(text) if suffix == ".txt" else [Page(number=0, text=text)]
        warnings = []
        if len(pages) > max_pages:
            raise InputFileError.of("file.too_many_pages", source=source, count=len(pages), limit=max_pages)
    return LoadedFile(source=source, content_hash=content_hash, pages=pages, warnings=warnings)


def _source_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name


# --- text ---------------------------------------------------------------------------------


def decode_text(raw: bytes, source: str = "input") -> str:
    """Decode text bytes: BOMs first (UTF-8/16/32), then strict UTF-8, then Windows-1258.

    NUL bytes or control characters that text files do not contain mean binary content.
    """
    text: str | None = None
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputFileError.of("text.invalid", source=source, codec=codec, why=exc.reason) from None
            break
    if text is None:
        if b"\x00" in raw:
            text = _decode_bomless_utf16(raw)
            if text is None:
                raise InputFileError.of("text.binary_nul", source=source)
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    # Windows-1258 stores tone marks as combining characters: compose them.
                    text = unicodedata.normalize("NFC", raw.decode("cp1258"))
                except UnicodeDecodeError:
                    raise InputFileError.of("text.undecodable", source=source) from None
    if _looks_binary(text):
        raise InputFileError.of("text.binary_control", source=source)
    return text


def _decode_bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: NULs sit in every other byte of ASCII-heavy text."""
    if len(raw) % 2 or len(raw) < 4:
        return None
    even_nuls = raw[0::2].count(0) / (len(raw) // 2)
    odd_nuls = raw[1::2].count(0) / (len(raw) // 2)
    codec = "utf-16-le" if odd_nuls > 0.3 and even_nuls < 0.05 else None
    if even_nuls > 0.3 and odd_nuls < 0.05:
        codec = "utf-16-be"
    if codec is None:
        return None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:200_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls > max(2, len(sample) // 200)


def split_txt_pages(text: str) -> list[Page]:
    """Page numbers for text extracted from a PDF, else one page numbered 0.

    Form feeds (pdftotext) separate pages when present. Otherwise: pypdf joins pages with a newline and starts the next page's text with one space, so a
    line beginning with exactly one space right after a non-blank line opens a page. A lone
    integer line equal to the next page number (Vietnamese documents print it at the top)
    opens one too. A break needs real text since the previous one, so table cells that
    happen to start with a space do not split pages.
    """
    if "\f" in text:
        chunks = text.split("\f")
        if chunks and not chunks[-1].strip():
            chunks.pop()
        return [Page(number=n, text=chunk) for n, chunk in enumerate(chunks, start=1)]
    lines = text.split("\n")
    starts: list[int] = []
    since = 0
    page = 1
    for i, line in enumerate(lines):
        if i > 0 and since >= MIN_TXT_PAGE_CHARS:
            prev = lines[i - 1]
            is_join = bool(_PAGE_JOIN.match(line)) and bool(prev.strip())
            m = _LONE_INT.match(line)
            is_number = bool(m) and int(m.group(1)) == page + 1 and not prev.strip()
            if is_join or is_number:
                starts.append(i)
                page += 1
                since = 0
        since += len(line.strip())
    if not starts:
        return [Page(number=0, text=text)]
    bounds = [0, *starts, len(lines)]
    return [
        Page(number=n + 1, text="\n".join(lines[bounds[n] : bounds[n + 1]])) for n in range(len(bounds) - 1)
    ]


# --- PDF ----------------------------------------------------------------------------------


def _load_pdf(
    raw: bytes, source: str, path: Path, *, max_pages: int, ocr: bool, progress: Progress | None = None
) -> tuple[list[Page], list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not raw.lstrip()[:1024].startswith(b"%PDF-"):
        key = "pdf.zip_not_pdf" if raw.startswith(b"PK\x03\x04") else "pdf.not_pdf"
        raise InputFileError.of(key, source=source)
    if b"%%EOF" not in raw[-2048:]:
        raise InputFileError.of("pdf.truncated", source=source)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            # Owner-password-only PDFs open with an empty user password; others cannot be read.
            try:
                ok = reader.decrypt("")
            except Exception:  # pypdf raises several types for unsupported crypto
                ok = 0
            if not ok:
                raise InputFileError.of("pdf.encrypted", source=source)
        count = len(reader.pages)
    except InputFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise InputFileError.of("pdf.corrupt", source=source, why=exc) from None
    if count == 0:
        raise InputFileError.of("pdf.no_pages", source=source)
    if count > max_pages:
        raise InputFileError.of("file.too_many_pages", source=source, count=count, limit=max_pages)

    from rag.pdf_loader import read_pages

    ready: list[bool] = []  # asked once, on the first page that needs OCR

    def ocr_ready() -> bool:
        if not ready:
            ready.append(ocr_available())
        return ready[0]

    return read_pages(reader, path, ocr=ocr, ocr_ready=ocr_ready, progress=progress)


def ocr_available(lang: str = "vie") -> bool:
    """Tesseract and pdftoppm on PATH, and the language data installed (rag/ocr.py)."""
    from rag.ocr import ocr_available as available

    return available(lang)
