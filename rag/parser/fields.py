"""Task fields: "Đơn vị thực hiện: …", "Thời gian hoàn thành: …" lines and year targets."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.normalize import RE_FIELD, Line, fold_keep, strip_markup
from rag.parser.nodes import RANK_BULLET, TASK_MAX_RANK, Node
from rag.text import collapse_ws
from rag.vocabulary import FIELD_LABELS

if TYPE_CHECKING:
    from rag.parser.tree import Builder

# "a) Năm 2025", "Mục tiêu cụ thể đến năm 2027": the year a heading's targets are for.
RE_YEAR_TARGET = re.compile(
    r"^(?:(?:muc\s+tieu|chi\s+tieu)(?:\s+(?:cu\s+the|chung))?\s+)?"
    r"(?:nam|den\s+nam|trong\s+nam|giai\s+doan)\s+(?P<y>(?:19|20)\d\d)\b"
)


def open_field(b: Builder, ln: Line, m: re.Match[str], core: str) -> None:
    """A field line closes what is open below its task and sits under the task."""
    task = b.parent_for(TASK_MAX_RANK + 1)
    label_text = core[m.start("label") : m.end("label")]
    key = next(k for k, labels in FIELD_LABELS.items() if collapse_ws(m.group("label")) in labels)
    locator = f"{task.locator} · {label_text}" if task.locator else label_text
    node = Node(kind="field", rank=RANK_BULLET, locator=locator, style="field", lines=[ln])
    node.field_key = key
    node.label = label_text
    while len(b.stack) > 1 and b.top is not task:
        b.stack.pop()
    b.open(node)


def field_value(node: Node) -> str:
    flat = strip_markup(" ".join(node.text().split()))
    m = RE_FIELD.match(fold_keep(flat))
    if not m:
        return ""
    return flat[m.start("value") :].rstrip(" .;*_")


def node_fields(node: Node, title_folded: str, inherited: dict[str, str]) -> dict[str, str]:
    """The clause's fields: inherited year, its own year target, its field value, its fields' values."""
    fields: dict[str, str] = dict(inherited)
    f = title_folded
    if (m := RE_YEAR_TARGET.match(f)) and (m.start("y") < 25 or len(f) <= 60):
        fields["year"] = m.group("y")
    if node.style == "field":
        value = field_value(node)
        if value:
            fields[node.field_key] = value
    for child in node.children:
        if child.style == "field":
            value = field_value(child)
            if value and child.field_key not in fields:
                fields[child.field_key] = value
    return fields
