"""Gold question files: one JSON object per line, validated strictly.

A malformed gold file would silently skew every metric, so loading stops at the first bad
line and names the file and line number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import PolicyQAError
from rag.text import fold

# field -> (expected JSON type, human name for the error message)
_FIELDS: dict[str, tuple[type, str]] = {
    "id": (str, "a string"),
    "question": (str, "a string"),
    "keys": (list, "a list of lists of strings"),
    "sources": (list, "a list of strings"),
    "evidence": (list, "a list of strings"),
    "abstain": (bool, "true or false"),
    "type": (str, "a string"),
}


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    keys: list[list[str]]  # every group must be matched by one of its alternatives
    sources: list[str]  # gold document paths relative to the ingested folder
    evidence: list[str]  # snippets of the gold clauses; a correct citation contains one
    abstain: bool  # the corpus does not answer: the right output is an abstention
    type: str  # question category for the per-type breakdown


def load_gold(path: str | Path) -> list[GoldItem]:
    """Read and validate a gold .jsonl file; blank lines are skipped."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()  # tolerate a BOM from editors
    except FileNotFoundError as exc:
        raise PolicyQAError(f"{path}: gold file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyQAError(f"{path}: cannot read gold file ({exc})") from exc

    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = parse_item(line)
        except ValueError as exc:
            raise PolicyQAError(f"{path}:{number}: {exc}") from exc
        if item.id in seen:
            raise PolicyQAError(f"{path}:{number}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = number
        items.append(item)
    if not items:
        raise PolicyQAError(f"{path}: no gold items")
    return items


def parse_item(line: str) -> GoldItem:
    """One gold line -> GoldItem; ValueError says what is wrong."""
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    for name, (kind, described) in _FIELDS.items():
        if name not in data:
            raise ValueError(f"missing field {name!r}")
        if not isinstance(data[name], kind):
            raise ValueError(f"field {name!r} must be {described}")

    item_id = data["id"]
    if not item_id.strip():
        raise ValueError("field 'id' is empty")
    if not data["question"].strip():
        raise ValueError(f"item {item_id!r}: field 'question' is empty")
    keys = data["keys"]
    if not all(isinstance(g, list) and all(isinstance(a, str) for a in g) for g in keys):
        raise ValueError(f"item {item_id!r}: field 'keys' must be a list of lists of strings")
    for name in ("sources", "evidence"):
        if not all(isinstance(s, str) for s in data[name]):
            raise ValueError(f"item {item_id!r}: field {name!r} must be a list of strings")

    if not data["abstain"]:
        if not keys:
            raise ValueError(f"item {item_id!r}: an answerable item needs at least one key group")
        if not data["sources"]:
            raise ValueError(f"item {item_id!r}: an answerable item needs at least one source")
        if not data["evidence"]:
            raise ValueError(f"item {item_id!r}: an answerable item needs at least one evidence snippet")
    # A group or alternative that folds to nothing would match every answer.
    for group in keys:
        if not group:
            raise ValueError(f"item {item_id!r}: empty key group")
        if any(not fold(alt) for alt in group):
            raise ValueError(f"item {item_id!r}: empty key alternative in {group!r}")
    if any(not fold(snippet) for snippet in data["evidence"]):
        raise ValueError(f"item {item_id!r}: empty evidence snippet")

    return GoldItem(
        id=item_id,
        question=data["question"],
        keys=[list(g) for g in keys],
        sources=list(data["sources"]),
        evidence=list(data["evidence"]),
        abstain=data["abstain"],
        type=data["type"],
    )
