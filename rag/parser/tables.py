"""Appendix tables printed one cell per line (PDF text): groups, sub-groups and numbered rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.normalize import Line
from rag.parser.nodes import RANK_NUMBERED, RANK_PARAGRAPH, RANK_ROMAN, Node, roman_value
from rag.text import collapse_ws
from rag.vocabulary import TABLE_NUMBER_HEADERS

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
