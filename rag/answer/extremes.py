"""Which row of a table has the most or the least ("địa phương nào được bổ sung ít nhất", "đơn vị
nào có tỷ lệ cao nhất"): the row holding the largest or smallest value of the asked column.

The table is the one a retrieved row belongs to: its header row ("….bảng") and the pipe rows
after it in the document. The asked column is the numeric one (a value in most rows) whose name
shares most words with the question (none shared: the question is not about the table); rows narrower than the header (a total
"TỔNG | 2.615.000") and rows labelled as totals take no part. Two rows sharing the extreme, or
no column told apart, leave the question to the other strategies.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.base import Composed, Context, Strategy
from rag.answer.phrasing import headers_by_row, row_cells, row_sentence
from rag.records import Clause
from rag.text import fold, folded_words
from rag.values import quantities
from rag.vocabulary import TABLE_NUMBER_HEADERS, TABLE_TOTAL_LABELS

TOP_HITS = 5  # a row among this many best hits names the table the question is about
NUMERIC_SHARE = 0.6  # a column with a value in this share of the rows is a numeric one


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Clause]


def table_of(row: Clause, clauses: list[Clause]) -> Table | None:
    """The table a pipe row belongs to: the rows its document reads under the same header row
    (rag.answer.phrasing.headers_by_row); None when the row has no header."""
    headers = headers_by_row(clauses)
    header = headers.get(row.id)
    if not header:
        return None
    rows = [c for c in sorted(clauses, key=lambda c: c.order) if headers.get(c.id) is header]
    return Table(header, rows)


def _value(cell: str) -> float | None:
    """The one quantity a cell holds ("11.400", "15,5%"); None for text or several numbers."""
    found = quantities(fold(cell))
    return found[0].value if len(found) == 1 else None


def _counted(cells: list[str], width: int) -> bool:
    """A row of the table's own items: as wide as the header, no cell a total's label."""
    return len(cells) == width and not any(fold(c).strip(" .:") in TABLE_TOTAL_LABELS for c in cells)


def asked_column(table: Table, cells: list[list[str]], words: set[str]) -> int | None:
    """The numeric column the question asks about: its name shares most of `words` (a question
    naming no column's words asks about something else); None when none or two tie."""
    numbered = set(TABLE_NUMBER_HEADERS)
    numeric = [
        k
        for k, name in enumerate(table.header)
        if fold(name).strip(" .") not in numbered
        and sum(_value(row[k]) is not None for row in cells) >= NUMERIC_SHARE * len(cells)
    ]
    shared = sorted(
        ((len(words & set(folded_words(fold(table.header[k])))), k) for k in numeric), reverse=True
    )
    if not shared or shared[0][0] == 0 or (len(shared) > 1 and shared[0][0] == shared[1][0]):
        return None
    return shared[0][1]


def extreme_row(table: Table, words: set[str], most: bool) -> Clause | None:
    """The row with the largest (`most`) or smallest value in the asked column; None on a tie."""
    counted = [
        (r, cells) for r in table.rows if (cells := row_cells(r.text)) and _counted(cells, len(table.header))
    ]
    if len(counted) < 2:
        return None
    column = asked_column(table, [cells for _, cells in counted], words)
    if column is None:
        return None
    valued = [(v, r) for r, cells in counted if (v := _value(cells[column])) is not None]
    valued.sort(key=lambda x: -x[0] if most else x[0])
    if len(valued) < 2 or valued[0][0] == valued[1][0]:
        return None
    return valued[0][1]


class TableExtreme(Strategy):
    name = "table_extreme"
    claims = frozenset({"asks_most", "asks_least"})

    def compose(self, ctx: Context) -> Composed | None:
        most = ctx.question.has("asks_most")
        if most == ctx.question.has("asks_least"):
            return None  # both asked (or neither): not one extreme
        words = set(ctx.question.terms.folded)
        for hit in ctx.hits[:TOP_HITS]:
            if hit.clause.kind != "table":
                continue
            clauses = ctx.view.by_doc.get(hit.clause.doc_id, [])
            table = table_of(hit.clause, clauses)
            if table is None:
                continue
            row = extreme_row(table, words, most)
            if row is None:
                return None
            text = row_sentence(row, header=table.header) or row.text
            return Composed(text=text, cited=[row], support=1.0)
        return None
