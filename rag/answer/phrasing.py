"""How answer text reads: pure phrasing helpers the strategies call where they write text.

- a signer as a sentence says it: "… do Phó Giám đốc Nguyễn Văn A ký (ký thay Giám đốc)",
  not the signature block's capitals and line breaks ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC");
- a table row as "<cột>: <ô>; …" from the table's header row, each row once;
- no list mark, row number or footnote number at the start of an answer.

The wordings they read (signing marks, position titles, the number column's header) are data
in `rag.vocabulary`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.parser.header import title_case_body
from rag.records import Clause, DocumentMeta
from rag.text import collapse_ws, fold
from rag.vocabulary import POSITION_TITLES, SIGNING_MARKS, TABLE_NUMBER_HEADERS

# --- signers -------------------------------------------------------------------------------

# A mark opening a title line: "KT.", "KT ", "K/T", "KT.CHỦ TỊCH", "TM.", "T/M", "TL.", "TUQ.", "Q.".
_MARK = re.compile(r"^\s*(T\.?U\.?Q|T/?M|K/?T|T/?L|Q(?=\.))\s*[.:]?\s*", re.IGNORECASE)
_TITLES = sorted(POSITION_TITLES, key=len, reverse=True)
_DEPUTY = "pho"


@dataclass(frozen=True)
class SignerTitle:
    """A signature block's title lines read: the signer's own title ("Phó Giám đốc") and on whose
    behalf they sign ("ký thay Giám đốc", "thay mặt Ủy ban nhân dân"), outermost first."""

    own: str
    acting: tuple[str, ...]


def _mark(line: str) -> tuple[str, str] | None:
    m = _MARK.match(line)
    if not m:
        return None
    key = m.group(1).lower().replace("/", "").replace(".", "")
    rest = line[m.end() :].strip()
    if key != "q" and rest and not (m.group(0)[-1:].isspace() or m.group(0).rstrip()[-1:] in ".:"):
        return None  # "TMĐT…", "TLS …": a word, not a mark
    return key, rest


def _position(text: str) -> str:
    """One title in running-text case: "PHÓ CHÁNH VĂN PHÒNG UBND TỈNH" -> "Phó Chánh Văn phòng UBND tỉnh"."""
    text = collapse_ws(text).strip(" ,;")
    if not text or not text.isupper():
        return text
    words = text.split()
    prefix = ""
    if fold(words[0]) == _DEPUTY and len(words) > 1:
        prefix, words = "Phó ", words[1:]
    folded = fold(" ".join(words))
    for title in _TITLES:
        if folded == title or folded.startswith(title + " "):
            n = len(title.split())
            rest = " ".join(words[n:])
            return prefix + POSITION_TITLES[title] + (f" {title_case_body(rest)}" if rest else "")
    body = title_case_body(" ".join(words))
    return prefix + (body[:1].lower() + body[1:] if prefix else body)


def _positions(line: str) -> str:
    """Titles joined by commas ("BỘ TRƯỞNG, CHỦ NHIỆM") each in running-text case."""
    return ", ".join(p for p in (_position(part) for part in line.split(",")) if p)


def read_signer_title(title: str) -> SignerTitle:
    """The title lines of a signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    read into the signer's own title and the authority they sign on."""
    lines = [line.strip() for line in title.split(" / ") if line.strip()]
    read = [(_mark(line), line) for line in lines]
    first = next((i for i, (m, _) in enumerate(read) if m), None)
    if first is not None:
        read = read[first:]  # a body's name or a stamp above the first mark is not a title
    last = max((i for i, (m, _) in enumerate(read) if m), default=-1)
    marks = [m for m, _ in read[: last + 1] if m]
    own_lines = [line for _, line in read[last + 1 :]]
    own = ""
    if marks and marks[-1][0] == "kt" and len(own_lines) <= 1:
        # The deputy's title on the mark's line, or the head's on the deputy's: "KT. BỘ TRƯỞNG,
        # CHỦ NHIỆM PHÓ CHỦ NHIỆM", "KT. / TRƯỞNG THUẾ TỈNH PHÓ TRƯỞNG THUẾ TỈNH".
        body = marks[-1][1] if not own_lines else f"{marks[-1][1]} {own_lines[0]}".strip()
        deputy = re.search(r"\s(PHÓ\s.+)$", body)
        if deputy and (not own_lines or not marks[-1][1].strip()):
            marks[-1] = ("kt", body[: deputy.start()])
            own_lines = [deputy.group(1)]
    if not own_lines and marks and marks[-1][0] == "q":
        own, marks = SIGNING_MARKS["q"] + " " + _positions(marks[-1][1]), marks[:-1]
    if own_lines:
        # A title broken over lines ("GIÁM ĐỐC SỞ GIÁO DỤC VÀ" / "ĐÀO TẠO") is one title.
        joined: list[str] = []
        for line in own_lines:
            if joined and re.search(r"(\s(VÀ|và)|,)$", joined[-1]):
                joined[-1] += " " + line
            else:
                joined.append(line)
        own = ", ".join(_positions(line) for line in joined)
    acting = tuple(f"{SIGNING_MARKS[key]} {_positions(body)}" for key, body in marks if body.strip())
    return SignerTitle(own=own, acting=acting)


def signed_by(meta: DocumentMeta) -> str | None:
    """ "Kế hoạch số 58/KH-UBND do Phó Giám đốc Nguyễn Văn A ký (ký thay Giám đốc)." or None
    when the document names no signer."""
    title = read_signer_title(meta.signer_title) if meta.signer_title else SignerTitle("", ())
    who = " ".join(p for p in (title.own, meta.signer_name.strip()) if p)
    if not who:
        return None
    behalf = f" ({', '.join(title.acting)})" if title.acting else ""
    if not meta.signer_name.strip():
        return f"{meta.label()} do {who} ký{behalf}; văn bản không ghi hoặc không đọc được tên người ký."
    return f"{meta.label()} do {who} ký{behalf}."


# --- table rows ----------------------------------------------------------------------------

_CELL = " | "


def _is_header_row(clause: Clause) -> bool:
    return clause.kind == "table" and clause.locator.split("#")[0].endswith("bảng")


def headers_by_row(clauses: list[Clause]) -> dict[str, list[str]]:
    """Each pipe row's column names: those of the nearest header row ("….bảng") before it in its
    document (first line), in one pass over the document's clauses."""
    out: dict[str, list[str]] = {}
    header: list[str] = []
    for clause in sorted(clauses, key=lambda c: c.order):
        if _is_header_row(clause):
            first = clause.text.split("\n", 1)[0]
            header = [collapse_ws(h) for h in first.split(_CELL)] if _CELL in first else []
        elif clause.kind == "table" and header:
            out[clause.id] = header
    return out


def table_header(row: Clause, clauses: list[Clause]) -> list[str]:
    """The column names of the table a pipe row belongs to; [] when there is none."""
    before = [c for c in clauses if c.order <= row.order and (c.id == row.id or _is_header_row(c))]
    return headers_by_row(before).get(row.id, [])


def row_cells(text: str) -> list[str] | None:
    """A pipe row's cells ("1 | Sở Tài chính | 2026"), or None when the text is no pipe row."""
    first = text.split("\n", 1)[0]
    if _CELL not in first:
        return None
    return [collapse_ws(c) for c in first.split(_CELL)]


def row_parts(cells: list[str], header: list[str]) -> list[str]:
    """ "<cột>: <ô>" for each filled cell, the row-number column left out; without a header of
    the same width, the cells as they are."""
    cells = [c.rstrip(" .;") for c in cells]  # the parts are joined with "; " and end with "."
    if len(header) != len(cells):
        return [c for c in cells if c]
    numbered = {fold(n) for n in TABLE_NUMBER_HEADERS}
    return [
        f"{h}: {c}" if h else c
        for h, c in zip(header, cells, strict=True)
        if c and fold(h).strip(" .") not in numbered
    ]


def row_sentence(
    row: Clause,
    clauses: list[Clause] | None = None,
    *,
    header: list[str] | None = None,
    passage: str = "",
    limit: int = 550,
) -> str | None:
    """A pipe row as a sentence, "Tên điểm quan trắc: Xuân Lộc; Kiểu/loại quan trắc: Quan trắc tác
    động; …", or None when the clause is no pipe row. Its ``header`` is read from the document's
    ``clauses`` when not given; without a header as wide as the row, the parser's own reading of
    the row with its column names ("HUẾ: Kinh phí hỗ trợ …: 11.400", printed after the row) when
    there is one, else the cells. A row longer than ``limit`` keeps its first cell and the cells
    the ``passage`` (the evidence found in it) overlaps."""
    cells = row_cells(row.text)
    if cells is None:
        return None
    reading = _reading_line(row.text)
    if row.kind != "table":
        return reading
    if header is None:
        header = table_header(row, clauses or [])
    if reading is not None and len(header) != len(cells):
        return reading
    parts = row_parts(cells, header)
    if not parts:
        return None
    sentence = "; ".join(parts) + "."
    if len(sentence) <= limit or not passage:
        return sentence
    found = fold(passage)
    kept = [parts[0], *(p for p in parts[1:] if _overlaps(fold(p), found))]
    return "; ".join(kept) + "."


def _reading_line(text: str) -> str | None:
    """The reading the parser writes after a printed pipe row ("17 | HUẾ | 11.400" then "HUẾ: Kinh
    phí hỗ trợ cho các địa phương: 11.400"); None when the text has none."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 2 and _CELL in lines[0] and _CELL not in lines[-1] and ": " in lines[-1]:
        return lines[-1].strip()
    return None


def _overlaps(part: str, passage: str) -> bool:
    value = part.split(": ", 1)[-1]
    return bool(value) and (value in passage or passage in value)


# --- the start of an answer ------------------------------------------------------------------

_LIST_MARK = re.compile(r"^\s*(?:[-+•–]\s+|[-+•–](?=[A-ZÀ-ỸĐ]))")


def _own_number(clause: Clause) -> str | None:
    """The number a clause's text starts with by position: its footnote's ("7 Quyết định …") or
    its table row's ("18 Tỷ lệ xã …"), read from the locator."""
    base, _, extra = clause.locator.split("#")[0].partition(" · ")
    note = re.fullmatch(r"chú thích (\d+)", extra)
    if clause.kind == "footnote" and note:
        return note.group(1)
    last = base.rsplit(".", 1)[-1].strip()
    if clause.kind == "table" and last.isdigit():
        return last
    return None


def tidy_start(text: str, cited: list[Clause]) -> str:
    """An answer without a list mark ("- ") or the cited clause's own footnote or row number
    ("7 (1) Triển khai …") in front of it; a quantity that starts a sentence ("24 dự án") stays."""
    out = _LIST_MARK.sub("", text, count=1)
    number = _own_number(cited[0]) if cited else None
    if number:
        m = re.match(rf"\s*0*{int(number)}(?:\s*\|\s*|\s+)(?=\S)", out)
        if m:
            out = out[m.end() :]
            out = _LIST_MARK.sub("", out, count=1)
    return out[:1].upper() + out[1:] if out and out != text and out[:1].islower() else out


# --- citations after the first -------------------------------------------------------------

_WORD = re.compile(r"\w+")
# Share of what an answer adds to its question that a further citation must state.
SUPPORTS_ANSWER = 0.5


def answer_terms(answer: str, question: str) -> frozenset[str]:
    """The words an answer adds to its question (folded): the fact a citation must state."""
    asked = set(_WORD.findall(fold(question)))
    return frozenset(w for w in _WORD.findall(fold(answer)) if w not in asked and (len(w) > 1 or w.isdigit()))


def supports_answer(
    terms: frozenset[str], text: str, weight: Callable[[str], float], share: float = SUPPORTS_ANSWER
) -> bool:
    """Does a clause state the answer: at least ``share`` of the weight (a word's rarity in the
    corpus) of the words the answer adds to its question?"""
    total = sum(weight(t) for t in terms)
    if total <= 0:
        return True
    words = set(_WORD.findall(fold(text)))
    return sum(weight(t) for t in terms & words) >= share * total


def further_citations(
    answer: str,
    question: str,
    cited: list[Clause],
    supporting: frozenset[str],
    weight: Callable[[str], float],
) -> Callable[[Clause], bool]:
    """Which clauses to cite after the answer's own: those that state the answer, and those the
    evidence ranking found supporting the question or retrieval ranked first (``supporting``) —
    unless the answer is who signed, read from the signature, where the question's other words
    only name the document. Other retrieval hits are not cited."""
    terms = answer_terms(answer, question)
    signed = bool(cited) and cited[0].kind == "signature"
    asked = frozenset() if signed else supporting
    return lambda clause: clause.id in asked or supports_answer(terms, clause.text, weight)
