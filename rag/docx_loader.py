"""Word files: DOCX -> one page of text in the form the normalizer and parser already read.

The text mirrors what the other loaders produce (and the provinces corpus converter wrote):

- one block per paragraph, blocks separated by a blank line; Word list numbering that the
  paragraph text lacks is rebuilt in front of it ("1.", "a)", "-") from the numbering part;
- data tables as one ``cell | cell | cell`` line per row, in document order; a vertically
  merged cell repeats its value in the rows it spans (a lead unit merged over three tasks
  belongs to each of them);
- layout tables (at most two cells in every row: the issuer / national motto header, the
  "Nơi nhận" / signature block) as separate blocks, cell by cell, so the header and
  signature readers see them as in PDF text;
- footnotes as Markdown footnotes: ``[^1]`` where the reference is, ``[^1]: text`` lines at the
  end (``rag.normalize`` pulls both out exactly, at any distance).

A DOCX has no pages, so the result is one ``Page`` numbered 0 (clauses then carry no page).
The file is a zip archive: its members' declared sizes are checked before anything is
decompressed, and ``zipfile`` never inflates a member past its declared size, so a zip bomb
fails here with a clear message instead of exhausting the parse child's memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rag import messages
from rag.errors import InputFileError
from rag.normalize import RE_BULLET, RE_LETTERED, RE_NUMBERED, RE_ROMAN_HEADING, fold_keep
from rag.records import Page

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Bounds on the archive before it is opened: the XML parts of a 500-page document are a few
# MB; images make the rest. Past these it is a zip bomb or not a document.
MAX_UNCOMPRESSED_BYTES = 300_000_000
MAX_MEMBER_BYTES = 100_000_000
MAX_MEMBERS = 5000
MAX_RATIO = 200  # compressed XML reaches ~20x; a bomb reaches thousands
RATIO_MIN_BYTES = 10_000_000  # small members may compress as they like
LAYOUT_MAX_CELLS = 2
SAVE_AS = messages.text("word.save_as")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{_W}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _BR, _CR, _NB_HYPHEN = (f"{_W}{t}" for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
_FOOTNOTE_REF, _VAL = f"{_W}footnoteReference", f"{_W}val"
# Inside a paragraph: properties, deleted or moved-away text and the VML copy of a text box
# (its DrawingML twin in mc:Choice is read) hold nothing a reader sees.
_SKIP = {f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", _MC_FALLBACK}
_BLOCK_CONTAINERS = {_SDT, _SDT_CONTENT, f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"}
_BULLETS_KEPT = "-–+•"


def check_word_bytes(raw: bytes, source: str) -> None:
    """Clear errors for what is not a DOCX: legacy .doc, RTF, anything that is not a zip."""
    if raw.startswith(OLE2_MAGIC):
        # Word 97-2003 files are OLE2 compound files; so is a password-protected DOCX.
        raise InputFileError.of("word.legacy", source=source, save_as=SAVE_AS)
    if raw.lstrip()[:5] == b"{\\rtf":
        raise InputFileError.of("word.rtf", source=source, save_as=SAVE_AS)
    if not raw.startswith(ZIP_MAGIC):
        raise InputFileError.of("word.not_docx", source=source, save_as=SAVE_AS)


def load_docx(raw: bytes, source: str) -> tuple[list[Page], list[str]]:
    """The document body as one page (number 0) plus warnings; InputFileError when it cannot be read."""
    check_word_bytes(raw, source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputFileError.of("word.corrupt", source=source, why=exc, save_as=SAVE_AS) from None
    _check_sizes(members, source)
    if "word/document.xml" not in {m.filename for m in members}:
        raise InputFileError.of("word.corrupt", source=source, why="thiếu word/document.xml", save_as=SAVE_AS)

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
        reader = _Reader(_numbering(document), _footnotes(document), _style_numbering(document))
        blocks = list(reader.blocks(document.element.body))
    except InputFileError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise InputFileError.of(
            "word.corrupt", source=source, why=f"{type(exc).__name__}: {exc}", save_as=SAVE_AS
        ) from None
    except SyntaxError as exc:  # lxml's XMLSyntaxError derives from it
        raise InputFileError.of(
            "word.corrupt", source=source, why=f"XML lỗi: {exc}", save_as=SAVE_AS
        ) from None
    warnings: list[str] = []
    notes = reader.used_footnotes()
    missing = [n for n, text in notes if not text]
    if missing:
        warnings.append(messages.text("word.footnotes_missing", numbers=", ".join(map(str, missing))))
    blocks += [[f"[^{n}]: {text}"] for n, text in notes if text]
    text = "\n\n".join("\n".join(lines) for lines in blocks if lines)
    if not text.strip():
        raise InputFileError.of("word.no_text", source=source)
    return [Page(number=0, text=text)], warnings


def _check_sizes(members: list[zipfile.ZipInfo], source: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise InputFileError.of("word.members", source=source, count=len(members))
    total = 0
    for m in members:
        total += m.file_size
        ratio = m.file_size / max(1, m.compress_size)
        if m.file_size > MAX_MEMBER_BYTES or (m.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO):
            raise InputFileError.of(
                "word.member_size", source=source, member=m.filename, size=m.file_size, packed=m.compress_size
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputFileError.of("word.total_size", source=source, size=total, limit=MAX_UNCOMPRESSED_BYTES)


# --- numbering --------------------------------------------------------------------------------


@dataclass
class _Level:
    fmt: str = "decimal"  # w:numFmt: decimal, lowerLetter, upperRoman, bullet, none, …
    text: str = "%1."  # w:lvlText: "%1.", "%1)", "%1.%2.", "-"
    start: int = 1


@dataclass
class _List:
    abstract: str
    levels: dict[int, _Level]
    start_overrides: dict[int, int] = field(default_factory=dict)


def _val(el: Any, tag: str, default: str = "") -> str:
    child = el.find(f"{_W}{tag}")
    return default if child is None else child.get(_VAL, default)


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def _numbering(document: Any) -> dict[str, _List]:
    """numId -> its abstract list's levels (with start overrides), from word/numbering.xml."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = document.part.part_related_by(RT.NUMBERING)
    except KeyError:
        return {}
    root = part.element
    abstracts: dict[str, dict[int, _Level]] = {}
    for abstract in root.iterchildren(f"{_W}abstractNum"):
        levels = {}
        for lvl in abstract.iterchildren(f"{_W}lvl"):
            levels[_int(lvl.get(f"{_W}ilvl", "0"), 0)] = _Level(
                fmt=_val(lvl, "numFmt", "decimal"),
                text=_val(lvl, "lvlText", "%1."),
                start=_int(_val(lvl, "start", "1"), 1),
            )
        abstracts[abstract.get(f"{_W}abstractNumId", "")] = levels
    lists: dict[str, _List] = {}
    for num in root.iterchildren(f"{_W}num"):
        abstract_id = _val(num, "abstractNumId")
        overrides = {}
        for override in num.iterchildren(f"{_W}lvlOverride"):
            start = override.find(f"{_W}startOverride")
            if start is not None:
                overrides[_int(override.get(f"{_W}ilvl", "0"), 0)] = _int(start.get(_VAL, "1"), 1)
        lists[num.get(f"{_W}numId", "")] = _List(abstract_id, abstracts.get(abstract_id, {}), overrides)
    return lists


def _style_numbering(document: Any) -> dict[str, tuple[str, int]]:
    """styleId -> (numId, ilvl) for paragraph styles that number their paragraphs ("Heading 1" lists)."""
    out: dict[str, tuple[str, int]] = {}
    try:
        styles = document.styles.element
    except (KeyError, AttributeError):
        return out
    parents: dict[str, str] = {}
    own: dict[str, tuple[str, int]] = {}
    for style in styles.iterchildren(f"{_W}style"):
        sid = style.get(f"{_W}styleId", "")
        parents[sid] = _val(style, "basedOn")
        num_pr = style.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            own[sid] = (_val(num_pr, "numId"), _int(_val(num_pr, "ilvl", "0"), 0))
    for sid in parents:
        seen, cur = set(), sid
        while cur and cur not in own and cur not in seen:  # basedOn chains may loop in hostile files
            seen.add(cur)
            cur = parents.get(cur, "")
        if cur in own:
            out[sid] = own[cur]
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter past z: aa, bb, …
    n = max(1, n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        text = _letters(n)
        return text.upper() if fmt == "upperLetter" else text
    if fmt in ("lowerRoman", "upperRoman"):
        text = _roman(n)
        return text.upper() if fmt == "upperRoman" else text
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


_ALREADY_MARKED = (RE_NUMBERED, RE_LETTERED, RE_BULLET, RE_ROMAN_HEADING)


def has_marker(text: str) -> bool:
    """Does the text already start with a list marker ("1.", "a)", "-", "II.")?"""
    folded = fold_keep(text.lstrip())
    return any(p.match(folded) for p in _ALREADY_MARKED)


# --- the reader ---------------------------------------------------------------------------------


class _Reader:
    """Walks the body in document order, yielding blocks (lists of lines)."""

    def __init__(
        self, lists: dict[str, _List], footnotes: dict[str, str], styles: dict[str, tuple[str, int]]
    ) -> None:
        self.lists = lists
        self.footnote_texts = footnotes
        self.styles = styles
        self.counters: dict[str, dict[int, int]] = {}  # per abstract list: level -> current number
        self.started: set[str] = set()  # numIds seen (a start override applies at first use)
        self.footnote_numbers: dict[str, int] = {}  # w:id -> number as shown, in reference order

    def used_footnotes(self) -> list[tuple[int, str]]:
        return [(n, self.footnote_texts.get(fid, "")) for fid, n in self.footnote_numbers.items()]

    def blocks(self, container: Any) -> Iterator[list[str]]:
        for child in container.iterchildren():
            tag = child.tag
            if tag == _P:
                text = self.paragraph(child)
                if text.strip():
                    yield [line.strip() for line in text.split("\n") if line.strip()]
            elif tag == _TBL:
                yield from self.table(child)
            elif tag in _BLOCK_CONTAINERS:
                yield from self.blocks(child)

    # paragraphs

    def paragraph(self, p: Any, *, numbered: bool = True, bare_marker: bool = False) -> str:
        """The paragraph's text with its list marker; ``bare_marker`` keeps a marker with no text (an STT cell)."""
        parts: list[str] = []
        self._inline(p, parts)
        text = "".join(parts).replace("\t", " ")
        text = re.sub(r"[ \u00a0]{2,}", " ", text)
        if numbered:
            marker = self.marker(p)
            if marker and not text.strip() and bare_marker:
                text = marker.rstrip(".)")
            elif marker and text.strip() and not has_marker(text):
                text = f"{marker} {text.lstrip()}"
        return text

    def _inline(self, el: Any, parts: list[str]) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NB_HYPHEN:
                parts.append("-")
            elif tag == _FOOTNOTE_REF:
                fid = child.get(f"{_W}id", "")
                number = self.footnote_numbers.setdefault(fid, len(self.footnote_numbers) + 1)
                parts.append(f"[^{number}]")
            elif tag == _P:  # a paragraph inside a text box
                parts.append("\n")
                self._inline(child, parts)
                parts.append("\n")
            elif tag not in _SKIP:
                self._inline(child, parts)

    def marker(self, p: Any) -> str:
        """The list marker Word shows in front of ``p`` ("2.", "b)", "-"), or ""."""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            num_id, level = _val(num_pr, "numId"), _int(_val(num_pr, "ilvl", "0"), 0)
        else:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            found = self.styles.get(style.get(_VAL, "")) if style is not None else None
            if not found:
                return ""
            num_id, level = found
        lst = self.lists.get(num_id)
        if lst is None or num_id == "0":
            return ""
        level = min(max(level, 0), 8)
        lvl = lst.levels.get(level, _Level())
        counters = self.counters.setdefault(lst.abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for ilvl, start in lst.start_overrides.items():
                counters[ilvl] = start - 1
        counters[level] = counters.get(level, lvl.start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if lvl.fmt == "none":
            return ""
        if lvl.fmt == "bullet":
            glyph = lvl.text.strip()
            return glyph if glyph and glyph in _BULLETS_KEPT else "-"

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            sub = lst.levels.get(k, _Level())
            return format_number(counters.get(k, sub.start), sub.fmt)

        return re.sub(r"%([1-9])", number, lvl.text).strip()

    # tables

    def table(self, tbl: Any) -> Iterator[list[str]]:
        rows = [list(tr.iterchildren(_TC)) for tr in tbl.iterchildren(_TR)]
        if all(len(cells) <= LAYOUT_MAX_CELLS for cells in rows):
            # Layout: every cell is a small page of its own (paragraphs, nested tables).
            for cells in rows:
                for tc in cells:
                    yield from self.blocks(tc)
            return
        above: dict[int, str] = {}  # grid column -> text of the cell there in the previous row
        for tr, cells in zip(tbl.iterchildren(_TR), rows, strict=True):
            if len(cells) == 1 and len(list(cells[0].iter(_P))) > 1:
                # One cell across the row holding paragraphs of its own (a form's "I. NỘI DUNG
                # TRÌNH / 1. … / 2. …" box): running text with its own markers, not a row.
                above = {}
                yield from self.blocks(cells[0])
                continue
            tr_pr = tr.find(f"{_W}trPr")
            column = _int(_val(tr_pr, "gridBefore", "0"), 0) if tr_pr is not None else 0
            texts: list[str] = []
            current: dict[int, str] = {}
            for tc in cells:
                tc_pr = tc.find(f"{_W}tcPr")
                span = max(1, _int(_val(tc_pr, "gridSpan", "1"), 1)) if tc_pr is not None else 1
                merge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
                if merge is not None and merge.get(_VAL, "continue") == "continue":
                    text = above.get(column, "")
                else:
                    text = self.cell_text(tc)
                texts.append(text)
                current[column] = text
                column += span
            above = current
            while texts and not texts[-1]:
                texts.pop()
            if any(texts):
                yield [" | ".join(texts)]

    def cell_text(self, tc: Any) -> str:
        """A data cell on one line: its paragraphs (and nested tables' cells) joined by spaces."""
        parts = []
        for p in tc.iter(_P):
            text = self.paragraph(p, bare_marker=True)
            parts.extend(line.strip() for line in text.split("\n") if line.strip())
        return " ".join(parts).replace("|", "/")


def _footnotes(document: Any) -> dict[str, str]:
    """w:id -> footnote text (separators and continuation notices, types other than normal, skipped)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = document.part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        return {}
    from docx.oxml.parser import parse_xml

    root = part.element if hasattr(part, "element") else parse_xml(part.blob)
    notes: dict[str, str] = {}
    reader = _Reader({}, {}, {})
    for note in root.iterchildren(f"{_W}footnote"):
        if note.get(f"{_W}type", "normal") != "normal":
            continue
        lines = [reader.paragraph(p, numbered=False) for p in note.iter(_P)]
        text = " ".join(" ".join(line.split()) for line in lines if line.strip())
        notes[note.get(f"{_W}id", "")] = text
    return notes
