"""A digital PDF page's text as a person sees it: the text layer plus what annotations draw.

pypdf reads the page's content stream; it does not read annotation appearances, and the
government signing tool (VGCA) draws a document's number, day and signer as signature-widget
appearances ("Số: 355 /BC-…" where pypdf sees "Số:      /BC-…"). Poppler's ``pdftotext`` draws
annotations like a viewer, so its word boxes hold that text where it sits on the page. This
module

- lists the page's annotations that draw something (``/AP /N``) with pypdf,
- takes pdftotext's words inside their rectangles, with the words beside them on the same
  printed line, and merges them into the pypdf line that holds those neighbours (or, for a stamp
  alone on its line, between the lines above and below it),
- offers pdftotext's reading of the page as a second candidate when pypdf's is broken (a layer
  written glyph by glyph), so the loader keeps whichever reads better (rag/textlayer.py).

Word boxes (``page_words``) also serve the page viewer's highlights (rag/page_view.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PDFTOTEXT_TIMEOUT_S = 60
# Annotations whose appearance is page content a reader sees (links and pop-ups are not).
DRAWN_SUBTYPES = frozenset({"/Widget", "/Stamp", "/FreeText"})
_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    """A word and its box in page units (0..1 from the top-left corner)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int = 0  # words of one printed line share it
    conf: float = 100.0  # OCR confidence (0-100); 100 for a text layer

    def to_list(self) -> list[Any]:
        return [
            self.text,
            round(self.x0, 5),
            round(self.y0, 5),
            round(self.x1, 5),
            round(self.y1, 5),
            self.line,
        ]

    @classmethod
    def from_list(cls, row: list[Any]) -> Word:
        line = int(row[5]) if len(row) > 5 else 0
        conf = float(row[6]) if len(row) > 6 else 100.0
        return cls(str(row[0]), *(float(v) for v in row[1:5]), line=line, conf=conf)


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None


def page_words(path: Path, number: int) -> list[Word]:
    """pdftotext's words of one page (annotations included), in its reading order."""
    if not pdftotext_available():
        return []
    try:
        out = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-bbox-layout", str(path), "-"],
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT_S,
            check=True,
        ).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    return parse_bbox_layout(out)


def parse_bbox_layout(xhtml: bytes) -> list[Word]:
    try:
        root = ET.fromstring(xhtml)
    except ET.ParseError:
        return []
    page = root.find(f".//{_NS}page")
    if page is None:
        return []
    width = float(page.get("width") or 1) or 1.0
    height = float(page.get("height") or 1) or 1.0
    words: list[Word] = []
    for line_no, line in enumerate(page.iter(f"{_NS}line")):
        for w in line.iter(f"{_NS}word"):
            text = (w.text or "").strip()
            if not text:
                continue
            words.append(
                Word(
                    text,
                    float(w.get("xMin", 0)) / width,
                    float(w.get("yMin", 0)) / height,
                    float(w.get("xMax", 0)) / width,
                    float(w.get("yMax", 0)) / height,
                    line=line_no,
                )
            )
    return words


def words_text(words: list[Word]) -> str:
    """pdftotext's page text rebuilt from its words: one line per printed line."""
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(ws) for _, ws in sorted(lines.items()))


@dataclass(frozen=True)
class Drawn:
    """An annotation that draws text: its rectangle (0..1 from the top-left) and that text."""

    rect: tuple[float, float, float, float]
    text: str


def drawn_annotations(page: Any) -> list[Drawn]:
    """The page's annotations whose appearance draws text (signature widgets, stamps)."""
    try:
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        width, height = float(box.width) or 1.0, float(box.height) or 1.0
        rotated = int(page.get("/Rotate", 0) or 0) % 360
    except Exception:  # a broken annotation array must not lose the page
        return []
    if rotated:
        return []  # pdftotext's boxes follow the rotation; not mapped here
    out = []
    for ref in annots or []:
        try:
            annot = ref.get_object()
            if annot.get("/Subtype") not in DRAWN_SUBTYPES or "/AP" not in annot:
                continue
            if int(annot.get("/F", 0) or 0) & 2:  # hidden
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            text = appearance_text(annot)
        except Exception:
            continue
        if not text.strip():
            continue  # a signature image: nothing to read
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        rect = (
            (x0 - left) / width,
            (height - (y1 - bottom)) / height,
            (x1 - left) / width,
            (height - (y0 - bottom)) / height,
        )
        out.append(Drawn(rect, text))
    return out


def appearance_text(annot: Any) -> str:
    """The text an annotation's normal appearance draws, read by pypdf as a page of its own."""
    from pypdf import PageObject
    from pypdf.generic import NameObject

    ap = annot["/AP"]["/N"].get_object()
    if not hasattr(ap, "get_data"):
        return ""  # an appearance dictionary by state (check boxes): no text
    bbox = [float(v) for v in ap.get("/BBox", [0, 0, 1, 1])]
    sheet = PageObject.create_blank_page(
        width=max(1.0, bbox[2] - bbox[0]), height=max(1.0, bbox[3] - bbox[1])
    )
    sheet[NameObject("/Contents")] = ap.indirect_reference or ap
    if "/Resources" in ap:
        sheet[NameObject("/Resources")] = ap["/Resources"]
    return sheet.extract_text() or ""


def _inside(w: Word, d: Drawn, pad: float = 0.004) -> bool:
    """A pdftotext word that this annotation draws: inside its rectangle, and among its words."""
    rect = d.rect
    cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
    within = rect[0] - pad <= cx <= rect[2] + pad and rect[1] - pad <= cy <= rect[3] + pad
    return within and w.text in d.text.split()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _locate(haystack: str, needle: str) -> tuple[int, int] | None:
    """Span of ``needle`` in ``haystack`` comparing without whitespace; positions in ``haystack``."""
    kept = [(i, ch) for i, ch in enumerate(haystack) if not ch.isspace()]
    squashed = "".join(ch for _, ch in kept)
    key = _squash(needle)
    at = squashed.find(key) if key else -1
    if at < 0:
        return None
    return kept[at][0], kept[at + len(key) - 1][0] + 1


def merge_annotation_text(
    text: str, words: list[Word], rects: list[tuple[float, float, float, float]]
) -> str:
    """The pypdf text with the words drawn by annotations put where they are drawn."""
    if not rects or not words:
        return text
    drawn = {i for i, w in enumerate(words) if any(_inside(w, r) for r in rects)}
    if not drawn:
        return text
    lines = text.split("\n")
    by_line: dict[int, list[int]] = {}
    top = [0]  # stamps put above everything keep their printed order
    for i, w in enumerate(words):
        by_line.setdefault(w.line, []).append(i)
    for line_no in sorted(by_line):
        idx = by_line[line_no]
        mine = [i for i in idx if i in drawn]
        if not mine:
            continue
        stamp = " ".join(words[i].text for i in mine)
        others = [i for i in idx if i not in drawn]
        if not others and len(_squash(stamp)) >= 12 and _squash(stamp) in _squash(text):
            continue  # the layer has this stamp already
        if others and _merge_into_line(lines, words, idx, drawn):
            continue
        _insert_alone(lines, words, line_no, by_line, drawn, stamp, top)
    return "\n".join(lines)


def _merge_into_line(lines: list[str], words: list[Word], idx: list[int], drawn: set[int]) -> bool:
    """Insert the drawn words of one printed line into the layer line holding their neighbours."""
    pieces: list[tuple[bool, str]] = []  # (drawn?, text) runs in printed order
    for i in idx:
        is_drawn = i in drawn
        if pieces and pieces[-1][0] == is_drawn:
            pieces[-1] = (is_drawn, pieces[-1][1] + " " + words[i].text)
        else:
            pieces.append((is_drawn, words[i].text))
    for n, line in enumerate(lines):
        out = line
        cursor = 0
        placed = False
        ok = True
        for k, (is_drawn, piece) in enumerate(pieces):
            if not is_drawn:
                span = _locate(out[cursor:], piece)
                if span is None:
                    ok = False
                    break
                cursor += span[1]
                continue
            if k == 0:
                nxt = pieces[1][1] if len(pieces) > 1 else ""
                span = _locate(out, nxt)
                if span is None:
                    ok = False
                    break
                at = span[0]
                out = out[:at] + piece + " " + out[at:]
                cursor = at + len(piece) + 1
            elif out[cursor:].lstrip().startswith(piece):
                cursor += len(out[cursor:]) - len(out[cursor:].lstrip()) + len(piece)  # already there
                continue
            else:
                # After the previous printed piece; the layer's blank run there (the space left
                # for the stamp) keeps one space on each side.
                rest = out[cursor:]
                gap = len(rest) - len(rest.lstrip(" "))
                out = out[:cursor] + " " + piece + " " + rest[gap:]
                cursor += len(piece) + 2
            placed = True
        if ok and placed:
            lines[n] = re.sub(r" {2,}", " ", out).rstrip() if out != line else line
            return True
    return False


def _insert_alone(
    lines: list[str],
    words: list[Word],
    line_no: int,
    by_line: dict[int, list[int]],
    drawn: set[int],
    stamp: str,
    top: list[int],
) -> None:
    """A stamp on a printed line of its own: after the layer line of the nearest printed line above."""
    above = [n for n in sorted(by_line) if n < line_no and any(i not in drawn for i in by_line[n])]
    for prev in reversed(above[-3:]):
        printed = " ".join(words[i].text for i in by_line[prev] if i not in drawn)
        for n, line in enumerate(lines):
            if _locate(line, printed) is not None:
                lines.insert(n + 1, stamp)
                return
    lines.insert(top[0], stamp)
    top[0] += 1
