"""The arrows between stages, read from the import statements (nested imports included).

Retrieval (``index/``) imports from ``rag/`` only the records floor: the typed records and pure
text primitives every stage shares. It reads no question text: the reader (``rag/reading``)
hands it a ``SearchQuery``. The floor itself imports nothing above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The records floor (docs/architecture.md).
FLOOR = frozenset(
    {
        "rag.records",
        "rag.questions",
        "rag.errors",
        "rag.text",
        "rag.vocabulary",
        "rag.matching",
        "rag.restore",
        "rag.messages",  # the texts people read: data, imports nothing
        "rag.hashing",  # content hashes of files
    }
)
# What a document contributes to the registry (its tasks, references) is derived at ingest and kept
# with the index (issue 21), so the stores may import the registry: a document-side derivation
# that itself reads no question and answers nothing (checked below).
INDEX_ALSO = frozenset({"rag.registry"})
QUESTION_SIDE = ("rag.reading", "rag.answer", "rag.pipeline", "rag.cli", "rag.generate", "rag.chat")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            # "from rag import config" imports the module rag.config
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def _rag_imports(path: Path) -> set[str]:
    """The rag modules a file imports (a package import counts as its modules' names)."""
    known = {_module(p) for p in (ROOT / "rag").rglob("*.py")} | {
        _module(p.parent) for p in (ROOT / "rag").rglob("__init__.py")
    }
    return {name for name in _imports(path) if name.startswith("rag.") and name in known}


@pytest.mark.parametrize("path", sorted((ROOT / "index").glob("*.py")), ids=lambda p: p.name)
def test_retrieval_imports_only_the_records_floor(path: Path) -> None:
    outside = _rag_imports(path) - FLOOR - INDEX_ALSO
    assert not outside, f"{path.name} imports {sorted(outside)} from rag/ (only the floor: {sorted(FLOOR)})"


@pytest.mark.parametrize("module", sorted(FLOOR))
def test_the_floor_imports_nothing_above_it(module: str) -> None:
    path = ROOT / (module.replace(".", "/") + ".py")
    above = _rag_imports(path) - FLOOR
    assert not above, f"{module} imports {sorted(above)}"


def test_what_the_stores_may_import_reads_no_question() -> None:
    """The registry and everything it imports stay on the document side."""
    seen: set[str] = set()
    todo = list(INDEX_ALSO)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = ROOT / (module.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / module.replace(".", "/") / "__init__.py"
        todo += sorted(_rag_imports(path))
    assert not [m for m in seen if m.startswith(QUESTION_SIDE)], sorted(seen)
