"""The arrows between stages, read from the source itself (AST, nested imports included), so a new
module is checked too.

- retrieval (``index/``) imports from ``rag/`` only the records floor (the typed records and pure
  primitives every stage shares) and the registry (a document-side derivation kept at ingest); it
  reads no question text: the reader (``rag/reading``) hands it a ``SearchQuery``; it imports no
  answering, API, eval or tools either. The floor itself imports nothing above it;
- no product package (rag, index, api, eval) imports the tools (benchmarks, load, soak, synthetic
  data); ``policyqa bench`` names its handler by path and imports it only when the command runs;
- api/ reaches stores only through the factory and protocol (index.stores), never a backend's
  internals (index.store, index.milvus*);
- product code never probes a store with getattr/hasattr: the Store protocol declares what
  callers use, and both backends implement all of it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("rag", "index", "api", "eval")

# The records floor (docs/architecture.md).
FLOOR = frozenset(
    {
        "rag.records",
        "rag.questions",
        "rag.errors",
        "rag.text",
        "rag.values",  # one grammar per value type: dates, hours, durations, numbers
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


def _files(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every module a file imports, at any depth (lazy imports inside functions included), with its
    line; "from rag import config" also names the module rag.config."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, node.lineno
            yield from ((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)


def _rag_imports(path: Path) -> set[str]:
    """The rag modules a file imports (a package import counts as its modules' names)."""
    known = {_module(p) for p in (ROOT / "rag").rglob("*.py")} | {
        _module(p.parent) for p in (ROOT / "rag").rglob("__init__.py")
    }
    return {name for name, _ in _imports(path) if name.startswith("rag.") and name in known}


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _offences(
    packages: tuple[str, ...], forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()
) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for package in packages
        for path in _files(package)
        for name, line in _imports(path)
        if _under(name, *forbidden) and not _under(name, *allowed)
    ]


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


def test_no_product_package_imports_the_tools() -> None:
    assert (ROOT / "tools" / "bench.py").is_file()  # the scan would pass vacuously without them
    assert _offences(PRODUCT, ("tools",)) == []


def test_the_bench_command_is_the_tools_by_path() -> None:
    from rag.cli import _resolve, build_parser

    handler = _resolve(build_parser().parse_args(["bench"]).handler)
    assert handler.__module__ == "tools.scale_bench"


def test_retrieval_imports_no_reading_answering_or_serving() -> None:
    forbidden = ("rag.answer", "rag.reading", "rag.pipeline", "rag.cli", "api", "eval", "tools")
    assert _offences(("index",), forbidden) == []


def test_api_reaches_stores_only_through_the_factory() -> None:
    assert _offences(("api",), ("index",), allowed=("index.stores",)) == []


def _probes_a_store(call: ast.Call) -> bool:
    if not (isinstance(call.func, ast.Name) and call.func.id in ("getattr", "hasattr") and call.args):
        return False
    names = [n.id for n in ast.walk(call.args[0]) if isinstance(n, ast.Name)]
    names += [n.attr for n in ast.walk(call.args[0]) if isinstance(n, ast.Attribute)]
    return any("store" in n.lower() for n in names)


def test_no_store_is_probed_with_getattr_or_hasattr() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}"
        for package in PRODUCT
        for path in _files(package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and _probes_a_store(node)
    ]
    assert found == []


def test_the_probe_check_sees_a_probe() -> None:
    call = ast.parse('getattr(view.store, "working_set", False)').body[0].value  # type: ignore[attr-defined]
    assert _probes_a_store(call)
    assert not _probes_a_store(ast.parse('getattr(args, "store", None)').body[0].value)  # type: ignore[attr-defined]


def test_both_backends_implement_the_whole_protocol() -> None:
    from index.milvus import MilvusStore
    from index.store import IndexStore
    from index.stores import Store

    declared = {n for n in vars(Store) if not n.startswith("_")} | set(Store.__annotations__)
    assert {"registry", "working_set", "term_counts", "fused_search"} <= declared
    for backend in (IndexStore, MilvusStore):
        missing = {m for m in declared if not hasattr(backend, m)}
        # generation and manifest are set per snapshot in __init__
        source = inspect.getsource(backend.__init__)
        missing = {m for m in missing if f"self.{m} =" not in source}
        assert missing == set(), (backend.__name__, missing)


def test_both_writers_implement_the_whole_writer_protocol() -> None:
    from index.milvus_writer import MilvusWriter
    from index.store import IndexWriter
    from index.stores import StoreWriter

    declared = {n for n in vars(StoreWriter) if not n.startswith("_")} | {"__enter__", "__exit__"}
    assert {"commit", "complete_dense", "upsert", "remove"} <= declared
    for backend in (IndexWriter, MilvusWriter):
        assert {m for m in declared if not hasattr(backend, m)} == set(), backend.__name__
