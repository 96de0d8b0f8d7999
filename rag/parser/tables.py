"""Tables: pipe rows ("1 | Nhiệm vụ | Sở Tài chính | 2026", one line per row) and appendix
tables printed one cell per line (PDF text), each row a clause under its group and header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.normalize import Line, fold_keep
from rag.parser.nodes import RANK_NUMBERED, RANK_PARAGRAPH, RANK_ROMAN, Node, is_upper, roman_value
from rag.text import collapse_ws
from rag.vocabulary import (
    ROLE_HEADER_WORDS,
    ROLE_LABELS,
    TABLE_NUMBER_HEADERS,
    TASK_HEADER_WORDS,
    UNIT_HEADERS,
)

if TYPE_CHECKING:
    from rag.parser.tree import Builder

RE_TABLE_HEADER = re.compile(r"^s?tt\b")
RE_TABLE_GROUP = re.compile(r"^(?P<r>[IVX]{1,5})(?:\s+(?P<t>\S.*))?$")
RE_TABLE_SUBGROUP = re.compile(r"^(?:thang|quy)\s+(?:\d{1,2}|[ivx]{1,4})$")
RE_TABLE_ROW = re.compile(r"^(?P<n>\d{1,3})(?:\s+(?P<rest>.*))?$")


@dataclass
class Table:
    """Where an appendix table is being assembled."""

    appendix: Node
    group: Node
    open: Node  # the node receiving the next cell
    subgroup: Node | None = None
    row: Node | None = None
    expected: int = 1  # next row number


RE_TABLE_END = re.compile(r"\./\.\s*$")


def is_table_header(ln: Line, f: str) -> bool:
    """ "STT" / "TT" alone (or with a short header cell) opens a cell-per-line table."""
    return bool(RE_TABLE_HEADER.match(f)) and len(ln.text) <= 40 and f.split()[0] in TABLE_NUMBER_HEADERS


def start_table(b: Builder, ln: Line, appendix: Node) -> None:
    header = Node(kind="table", rank=RANK_PARAGRAPH, locator=f"{appendix.locator}.bảng", style="table-header")
    header.lines.append(ln)
    while b.top is not appendix:
        b.stack.pop()
    appendix.add(header)
    b.mode = "table"
    b.table = Table(appendix=appendix, group=appendix, open=header)


def table_line(b: Builder, ln: Line, f: str) -> bool:
    """One printed cell: a group ("VIII Bưu chính"), a sub-group ("Tháng 9"), a row start, or more text."""
    t = b.table
    assert t is not None
    text = ln.text
    if t.row is not None and RE_TABLE_END.search(text) and not _is_row_start(t, text):
        b.mode = ""  # "Danh sách có 09 trường …./.": the sentence closing the table, not a cell
        return False
    group_m = RE_TABLE_GROUP.match(text)
    if group_m and roman_value(group_m.group("r")):
        locator = f"{t.appendix.locator}.{group_m.group('r')}"
        t.group = t.appendix.add(Node(kind="heading", rank=RANK_ROMAN, locator=locator, style="group"))
        t.subgroup = t.row = None
        t.open = t.group
    elif RE_TABLE_SUBGROUP.match(f) and text[:1].isupper():
        locator = f"{t.group.locator}.{collapse_ws(text)}"
        t.subgroup = t.group.add(Node(kind="heading", rank=RANK_NUMBERED, locator=locator, style="subgroup"))
        t.row = None
        t.open = t.subgroup
    elif _is_row_start(t, text):
        n = int(text.split()[0])
        parent = t.subgroup or t.group
        t.row = parent.add(
            Node(kind="table", rank=RANK_PARAGRAPH, locator=f"{parent.locator}.{n}", style="row")
        )
        t.expected = n + 1
        t.open = t.row
    t.open.lines.append(ln)
    return True


def _is_row_start(t: Table, text: str) -> bool:
    # Row numbers run on (or restart at 1 under a new group); a value like "12 06" is not a row.
    m = RE_TABLE_ROW.match(text)
    if not m:
        return False
    n = int(m.group("n"))
    rest = m.group("rest") or ""
    in_sequence = n == t.expected or (t.row is None and n == 1)
    return in_sequence and (not rest or bool(re.search(r"[^\W\d_]", rest)))


# --- pipe tables: one row per line, cells separated by "|" (converted pages, DOCX) ------------

RE_PIPE_ROW = re.compile(r"\S\s*\|\s*\S|\S\s\|\s*$|^\|\s*\S")
RE_YEAR_CELL = re.compile(r"^(?:nam\s+)?(?P<y>(?:19|20)\d\d)$")
RE_STT = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,4}\.?|[a-zđ]\)?|[-–+*•])$")
RE_GROUP_STT = re.compile(r"^(?:[IVX]{1,5}|[A-H])\.?$")
RE_ROMAN_LINE = re.compile(r"^(?P<r>[IVX]{1,5})\s*[.)]\s+(?P<t>\S.*)$")


def is_pipe_row(text: str) -> bool:
    """ "1 | Rà soát … | Sở Tài chính | 2026": a table row flattened to one line."""
    return "|" in text and bool(RE_PIPE_ROW.search(text)) and len(split_cells(text)) >= 2


def split_cells(text: str) -> list[str]:
    """The cells of a pipe row; an empty first cell (a row without its number) keeps its column.

    Only a Markdown row ("| a | b |") has bars at both ends to drop; a DOCX row whose first
    cell is empty reads "| Nhiệm vụ | Sở Tài chính" and keeps that empty cell.
    """
    text = text.strip()
    if text.startswith("|") and text.endswith("|") and len(text) > 1:
        text = text[1:-1]
    cells = [c.strip() for c in text.split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _norm_header(cell: str) -> str:
    return " ".join(re.sub(r"[()\[\]:.;]", " ", fold_keep(cell)).split())


def column_role(header: str) -> str:
    """The role a column header names: a field key, "task", "unit", "year:2026", "number" or ""."""
    h = _norm_header(header)
    if not h:
        return ""
    if h in TABLE_NUMBER_HEADERS:
        return "number"
    if m := RE_YEAR_CELL.match(h):
        return f"year:{m.group('y')}"
    for key, labels in ROLE_LABELS.items():
        if h in labels:
            return key
    if h in UNIT_HEADERS:
        return "unit"
    words = f" {h} "
    for key, phrases in ROLE_HEADER_WORDS:
        if any(f" {p} " in words for p in phrases):
            return key
    if any(f" {p} " in words for p in TASK_HEADER_WORDS):
        return "task"
    return ""


@dataclass
class PipeTable:
    """A table being read row by row: its header row, column roles and where rows go."""

    base: Node  # the node the table sits under (appendix, article, section)
    header: Node
    headers: list[str]
    roles: list[str]
    group: Node | None = None
    row: Node | None = None
    numbered: bool = False  # the first column is "STT"/"TT"
    rows: int = 0
    dashes: int = 0  # "-" rows since the last numbered row
    last_locator: str = ""


RE_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)$")  # "(01) | (02) | …" numbering the columns


def is_header_row(cells: list[str]) -> bool:
    """Column names, not data: "STT | Nhiệm vụ | Cơ quan chủ trì", "Chỉ tiêu | Đơn vị | 2025"."""
    if any(len(c) > 80 for c in cells):
        return False
    first = _norm_header(cells[0])
    if first in TABLE_NUMBER_HEADERS:
        return True
    # A row whose first cell is a number or a roman group is data.
    if RE_STT.match(first) or RE_GROUP_STT.match(cells[0]):
        return False
    if any(column_role(c) for c in cells):
        return True
    return all(RE_COLUMN_NUMBER.match(c) or not any(ch.isdigit() for ch in c) for c in cells)


def start_pipe_table(b: Builder, ln: Line) -> None:
    """The first row of a table: its header (or, headerless, its first data row)."""
    cells = split_cells(ln.text)
    base = b.parent_for(RANK_PARAGRAPH)
    while b.top is not base:
        b.stack.pop()
    b.mode = "pipe"
    if not is_header_row(cells):
        b.pipe = PipeTable(base=base, header=base, headers=[], roles=[])
        _open_row(b.pipe, ln, cells)
        return
    locator = f"{base.locator}.bảng" if base.locator else "bảng"
    header = Node(kind="table", rank=RANK_PARAGRAPH, locator=locator, style="pipe-header", lines=[ln])
    b.open(header)
    roles = [column_role(c) for c in cells]
    b.pipe = PipeTable(base=base, header=header, headers=cells, roles=roles, numbered=roles[0] == "number")


def pipe_line(b: Builder, ln: Line, f: str) -> bool:
    """A line while a pipe table is open; False when the table has ended (the line is body)."""
    t = b.pipe
    assert t is not None
    text = ln.text.strip()
    if is_pipe_row(text):
        cells = split_cells(text)
        if t.row is None and t.group is None and len(cells) < len(t.headers) and is_header_row(cells):
            t.header.lines.append(ln)  # a second header line: "X | Y" under "Tọa độ"
            return True
        if t.numbered and RE_GROUP_STT.match(cells[0]) and sum(1 for c in cells[1:] if c) <= 2:
            _open_group(t, ln, cells[0].rstrip("."), cells[1] if len(cells) > 1 else "")
            return True
        if t.row is not None and len(cells) < len(t.headers) - 1 and not RE_STT.match(fold_keep(cells[0])):
            t.row.lines.append(ln)  # cells spanning rows: the rest of the previous row
            return True
        _open_row(t, ln, cells)
        return True
    if (m := RE_ROMAN_LINE.match(text)) and (t.base.style == "appendix" or not is_upper(text)):
        _open_group(t, ln, m.group("r"), m.group("t"))
        return True
    # Any other line ends the table: a wrapped row's continuation was already joined to it.
    end_pipe_table(b)
    return False


def end_pipe_table(b: Builder) -> None:
    t = b.pipe
    if t is not None:
        while len(b.stack) > 1 and b.top is not t.base:
            b.stack.pop()
    b.pipe = None
    b.mode = ""


def _open_group(t: PipeTable, ln: Line, mark: str, title: str) -> None:
    base = t.base.locator
    locator = f"{base}.{mark}" if base else mark
    t.group = t.header.add(Node(kind="heading", rank=RANK_ROMAN, locator=locator, style="group", lines=[ln]))
    t.group.label = title
    t.row = None
    t.dashes = 0
    t.last_locator = ""


def _open_row(t: PipeTable, ln: Line, cells: list[str]) -> None:
    t.rows += 1
    parent = t.group or t.header
    base = (t.group or t.base).locator
    stt = cells[0].strip().rstrip(".)") if t.numbered else ""
    if stt and stt[0] in "-–+*•":
        t.dashes += 1
        mark = f"{t.last_locator or base}.-{t.dashes}"
    elif stt and RE_STT.match(fold_keep(stt)):
        mark = f"{base}.{stt}" if base else stt
        t.last_locator, t.dashes = mark, 0
    else:
        mark = f"{base}.dòng {t.rows}" if base else f"dòng {t.rows}"
    t.row = parent.add(Node(kind="table", rank=RANK_PARAGRAPH, locator=mark, style="pipe-row", lines=[ln]))
    t.row.columns = (t.headers, t.roles)


def row_fields(node: Node) -> tuple[str, str, dict[str, str]]:
    """(title, reading, fields) of a pipe row.

    The title is the row's label cell (with its unit); the reading names the other cells by
    their headers, "label (unit): Header: value; …", so a question naming a column finds the
    row. "Sở Tài chính" under "Cơ quan chủ trì" becomes ``fields["lead_unit"]``; a figure under
    "2026" becomes ``fields["year:2026"]``.
    """
    headers, roles = node.columns or ([], [])
    cells = split_cells(node.lines[0].text)
    extra = [c for ln in node.lines[1:] for c in split_cells(ln.text)] if len(node.lines) > 1 else []
    fields: dict[str, str] = {}
    label_at = next((i for i, r in enumerate(roles) if r == "task" and i < len(cells) and cells[i]), None)
    if label_at is None:
        label_at = next((i for i, r in enumerate(roles) if r != "number" and i < len(cells) and cells[i]), 0)
    label = cells[label_at].rstrip(" .;:") if label_at < len(cells) else ""
    unit = ""
    named: list[str] = []
    for i, cell in enumerate(cells):
        role = roles[i] if i < len(roles) else ""
        if i == label_at or not cell or role == "number":
            continue
        if role == "unit":
            unit = cell
            continue
        if role and role != "task" and role not in fields:
            fields[role] = cell.rstrip(" .;")
        header = collapse_ws(headers[i]) if i < len(headers) else ""
        named.append(f"{header}: {cell}" if header else cell)
    title = f"{label} ({unit})" if unit else label
    if not headers:
        return collapse_ws(title), "", fields  # no header: nothing to name the cells with
    reading = f"{title}: {'; '.join(named)}" if title and named else title or "; ".join(named)
    if extra:
        reading = f"{reading}; {' '.join(extra)}"
    return collapse_ws(title), collapse_ws(reading), fields
