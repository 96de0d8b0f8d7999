"""Every regular expression of the project's text readers, found generically, and adversarial inputs
built from each pattern's own pieces (issue 23, finding 2).

Python's ``re`` backtracks and holds the GIL while it does: one pattern that goes super-linear on a
crafted question stops every thread and the event loop. The audit therefore does not rely on a list
someone has to keep current: it imports every module of the reading packages (``rag``, ``index``,
``api``, and whatever subpackage is added later, e.g. ``rag.reading``) and collects

- every compiled ``re.Pattern`` reachable from a module's globals (through tables, tuples, dicts,
  dataclass records, classes and functions' defaults and closures), and
- every literal pattern handed to a ``re`` function in the module's source (``re.search(r"…", s)``
  compiles through ``re``'s own cache, invisible to the walk).

``crafted(pattern)`` gives the inputs that hurt a backtracking engine: the pattern's literal runs and
class representatives repeated with whitespace between them up to the question limit, with a tail
that makes the match fail at the very end. ``read_cost`` times one full scan (``finditer``: what
``search``, ``sub`` and ``findall`` cost at most) in the thread's CPU time, interrupted by a signal
after ``budget_s`` so a catastrophic pattern fails the test instead of hanging it.

    python tests/reliability/regex_audit.py   # every pattern's worst crafted input, slowest first
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import itertools
import pkgutil
import re
import re._constants as sre
import re._parser as sre_parse
import signal
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rag", "index", "api")
# Modules whose patterns never run in the server on a request's text: the readers of uploaded
# files, which run in rag.isolate's child process under its CPU and memory limits (a pattern of
# theirs that a server module uses is audited through that module). Everything else, including any
# module added later, is audited (benchmarks and load tools live in tools/, outside the server).
SKIP_MODULES = frozenset(
    {
        "rag.loaders",
        "rag.docx_loader",
        "rag.chunking",
    }
)
SKIP_PACKAGES = ("rag.parser",)
RE_FUNCTIONS = frozenset(
    {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
)
LIMIT = 2000  # POLICYQA_MAX_QUESTION_CHARS: the longest text a caller can send as a question
WHITESPACE = (" ", "\n", "\t", "  ", " \n")
TAILS = ("", "z", "\n", "!", "?", "1", "x y")


ANCHORED_METHODS = frozenset({"match", "fullmatch"})


@dataclass(frozen=True)
class Found:
    pattern: re.Pattern[str]
    where: str  # "module:name" or "module:line"
    # How the code calls it: "match"/"fullmatch" when only so (anchored at the start), else "scan":
    # search, sub, split, findall and finditer all try every position.
    how: str = "scan"


def reader_modules() -> list[types.ModuleType]:
    modules = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        modules.append(root)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if (
                info.name in SKIP_MODULES
                or info.name.startswith(SKIP_PACKAGES)
                or info.name.endswith("__main__")
            ):
                continue
            modules.append(importlib.import_module(info.name))
    return modules


def _ours(obj: object) -> bool:
    module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "") or ""
    return module.split(".")[0] in PACKAGES


def _walk(value: object, path: str, seen: set[int], out: dict[str, re.Pattern[str]], depth: int = 0) -> None:
    if depth > 6 or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            out.setdefault(path, value)
        return
    if isinstance(value, str | bytes | int | float | bool | type(None) | types.ModuleType):
        return
    children: Iterator[tuple[str, object]]
    if isinstance(value, dict):
        children = itertools.chain(
            ((f"{path}[{k!r}]", v) for k, v in value.items()),
            ((f"{path}<key>", k) for k in value if isinstance(k, re.Pattern | tuple)),
        )
    elif isinstance(value, list | tuple | set | frozenset):
        children = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    elif isinstance(value, type):
        if not _ours(value):
            return
        children = ((f"{path}.{k}", v) for k, v in vars(value).items())
    elif isinstance(value, types.FunctionType):
        if not _ours(value):
            return
        cells = []
        for cell in value.__closure__ or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:  # an empty cell
                continue
        children = itertools.chain(
            ((f"{path}<default>", v) for v in (value.__defaults__ or ())),
            ((f"{path}<kwdefault>", v) for v in (value.__kwdefaults__ or {}).values()),
            ((f"{path}<closure>", v) for v in cells),
        )
    elif hasattr(value, "__wrapped__") and callable(value):  # functools.lru_cache and friends
        children = iter([(path, value.__wrapped__)])
    elif _ours(value):
        if hasattr(value, "__dict__"):
            fields = dict(vars(value))
        elif dataclasses.is_dataclass(value):
            fields = {f.name: getattr(value, f.name, None) for f in dataclasses.fields(value)}
        else:
            fields = {k: getattr(value, k, None) for k in getattr(type(value), "__slots__", ())}
        children = ((f"{path}.{k}", v) for k, v in fields.items())
    else:
        return
    for child_path, child in children:
        _walk(child, child_path, seen, out, depth + 1)


def _flags(call: ast.Call) -> int:
    """The flags of a literal ``re`` call when written as ``re.X`` (or ``re.X | re.Y``)."""
    nodes = [k.value for k in call.keywords if k.arg == "flags"]
    if not nodes and call.func.attr == "compile" and len(call.args) > 1:  # type: ignore[attr-defined]
        nodes = [call.args[1]]
    flags = 0
    for node in nodes:
        for part in ast.walk(node):
            if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) and part.value.id == "re":
                flags |= int(getattr(re, part.attr, 0))
    return flags


def _source(module: types.ModuleType) -> str:
    try:
        return inspect.getsource(module)
    except (OSError, TypeError):
        return ""


def _methods_called(source: str, name: str) -> set[str]:
    """The methods the module calls on its global ``name`` (``_X.match(`` -> {"match"})."""
    return set(re.findall(rf"(?<![\w.]){re.escape(name)}\.(\w+)\(", source))


def _how(source: str, path: str) -> str:
    module, _, name = path.partition(":")
    if not name.isidentifier():
        return "scan"  # inside a table: how it is called is not written next to its name
    methods = _methods_called(source, name)
    if methods and methods <= ANCHORED_METHODS:
        return "fullmatch" if methods == {"fullmatch"} else "match"
    return "scan"


def _literal_calls(module: types.ModuleType) -> Iterator[tuple[int, str, re.Pattern[str]]]:
    source = _source(module)
    if not source:
        return
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in RE_FUNCTIONS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            continue
        how = node.func.attr if node.func.attr in ANCHORED_METHODS else "scan"
        yield node.lineno, how, re.compile(node.args[0].value, _flags(node))


def reader_patterns() -> list[Found]:
    """Every distinct pattern of the reader modules, named by where it was first found."""
    found: dict[tuple[str, int], Found] = {}
    for module in reader_modules():
        by_path: dict[str, re.Pattern[str]] = {}
        seen: set[int] = set()
        for name, value in vars(module).items():
            if isinstance(value, types.ModuleType):
                continue
            if (
                isinstance(value, type | types.FunctionType)
                and getattr(value, "__module__", "") != module.__name__
            ):
                continue  # imported from another module: audited there
            _walk(value, f"{module.__name__}:{name}", seen, by_path)
        source = _source(module)
        hows = {path: _how(source, path) for path in by_path}
        for line, how, pattern in _literal_calls(module):
            by_path.setdefault(f"{module.__name__}:{line}", pattern)
            hows[f"{module.__name__}:{line}"] = how
        for path, pattern in by_path.items():
            key = (pattern.pattern, pattern.flags)
            previous = found.get(key)
            if previous is None:
                found[key] = Found(pattern, path, hows[path])
            elif previous.how != "scan" and hows[path] == "scan":
                found[key] = Found(pattern, previous.where, "scan")  # scanned somewhere: the costlier use
    return sorted(found.values(), key=lambda f: f.where)


# --- adversarial inputs -------------------------------------------------------------------------

_CATEGORY_SAMPLES = {
    sre.CATEGORY_DIGIT: "1",
    sre.CATEGORY_NOT_DIGIT: "a",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: "a",
    sre.CATEGORY_WORD: "a",
    sre.CATEGORY_NOT_WORD: ".",
}


def fragments(pattern: re.Pattern[str]) -> list[str]:
    """The pattern's literal runs ("con", "thi sao") and one or two members of each character class."""
    out: list[str] = []

    def visit(items: list[tuple[object, object]]) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is sre.LITERAL:
                run.append(chr(arg))  # type: ignore[arg-type]
                continue
            if run:
                out.append("".join(run))
                run = []
            if op is sre.IN:
                for kind, value in arg:  # type: ignore[attr-defined]
                    if kind is sre.LITERAL:
                        out.append(chr(value))
                    elif kind is sre.RANGE:
                        out.extend((chr(value[0]), chr(value[1])))
                    elif kind is sre.CATEGORY:
                        out.append(_CATEGORY_SAMPLES.get(value, "a"))
            elif op is sre.NOT_LITERAL:
                out.append("a" if arg != ord("a") else "b")
            elif op is sre.BRANCH:
                for branch in arg[1]:  # type: ignore[index]
                    visit(list(branch))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                visit(list(arg[2]))  # type: ignore[index]
            elif op is sre.SUBPATTERN:
                visit(list(arg[3]))  # type: ignore[index]
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                visit(list(arg[1]))  # type: ignore[index]
            elif op is sre.ATOMIC_GROUP:
                visit(list(arg))  # type: ignore[arg-type]
            elif op is sre.GROUPREF_EXISTS:
                for branch in arg[1:]:  # type: ignore[index]
                    if branch is not None:
                        visit(list(branch))
        if run:
            out.append("".join(run))

    visit(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    unique = list(dict.fromkeys(f for f in out if f))
    # Longest first: whole words before letters; bounded so the input families stay small.
    words = sorted((f for f in unique if len(f) > 1), key=len, reverse=True)[:12]
    letters = [f for f in unique if len(f) == 1][:12]
    return words + letters or ["a"]


def tile(unit: str, tail: str = "", head: str = "", limit: int = LIMIT) -> str:
    """``head`` + ``unit`` repeated + ``tail``, ``limit`` characters long."""
    room = limit - len(head) - len(tail)
    if not unit or room <= 0:
        return (head + tail)[:limit]
    body = (unit * (room // len(unit) + 1))[:room]
    return head + body + tail


Recipe = tuple[str, str, str]  # head, repeated unit, tail


def recipes(pattern: re.Pattern[str]) -> list[Recipe]:
    """Families of hostile inputs for ``pattern``, as (head, unit, tail): ``tile`` makes them any length."""
    pieces = fragments(pattern)
    out: list[Recipe] = []
    for tail in TAILS:
        out.extend(("", space, tail) for space in WHITESPACE)
        for piece in pieces:
            out.append(("", piece, tail))
            for space in WHITESPACE:
                out.append(("", piece + space, tail))  # "con con con …"
                out.append((piece + space, space, tail))  # "con" + spaces + tail
                out.append((piece + " x", space, space.strip() + "\n" + tail))  # "con x" + spaces + "\nz"
    words = [p for p in pieces if len(p) > 1] or pieces
    for first, second in itertools.combinations(words[:6], 2):
        for space in WHITESPACE[:3]:
            out.append(("", first + space + second + space, "z"))
            out.append((first + space + second + space, space, "z"))
    return list(dict.fromkeys(out))


def crafted(pattern: re.Pattern[str], limit: int = LIMIT) -> Iterator[str]:
    """The recipes' inputs at ``limit`` characters."""
    for head, unit, tail in recipes(pattern):
        yield tile(unit, tail, head=head, limit=limit)


class _Slow(Exception):
    pass


def _interrupt(signum: int, frame: object) -> None:
    raise _Slow


def read_cost(pattern: re.Pattern[str], text: str, how: str = "scan", budget_s: float = 2.0) -> float:
    """CPU seconds of one read of ``text`` as the code reads it (every match of a scan, or the one
    anchored match); ``inf`` when it had to be interrupted after ``budget_s`` of wall-clock time.

    ``re`` checks for signals while it backtracks, so a timer stops a runaway match. CPU time, not
    wall time: a busy machine slows every thread, a backtracking pattern costs the CPU itself.
    """
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, budget_s)
    started = time.thread_time()
    try:
        if how == "scan":
            for _ in pattern.finditer(text):
                pass
        else:
            getattr(pattern, how)(text)
        return time.thread_time() - started
    except _Slow:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def steady_cost(pattern: re.Pattern[str], text: str, how: str = "scan", budget_s: float = 2.0) -> float:
    """The cheapest of three reads: a slow read the pattern causes repeats, a scheduling hiccup not."""
    cost = read_cost(pattern, text, how, budget_s)
    for _ in range(2):
        if cost == float("inf"):
            break
        cost = min(cost, read_cost(pattern, text, how, budget_s))
    return cost


def screen(found: Found, limit: int, keep: int, budget_s: float = 10.0) -> list[Recipe]:
    """The ``keep`` recipes whose inputs of ``limit`` characters cost the most (wall clock, one timer
    for the whole batch: cheap enough to try every recipe). A runaway read is stopped by the timer
    and ranked first."""
    costs: list[tuple[float, int]] = []
    all_recipes = recipes(found.pattern)
    read = found.pattern.finditer if found.how == "scan" else getattr(found.pattern, found.how)
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, budget_s)
    try:
        for i, (head, unit, tail) in enumerate(all_recipes):
            text = tile(unit, tail, head=head, limit=limit)
            started = time.perf_counter()
            result = read(text)
            if found.how == "scan":
                for _ in result:
                    pass
            costs.append((time.perf_counter() - started, i))
    except _Slow:
        costs.append((float("inf"), len(costs)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return [all_recipes[i] for _, i in sorted(costs)[-keep:]]


def worst(
    found: Found, limit: int = LIMIT, budget_s: float = 2.0, screen_chars: int = 250
) -> tuple[float, str]:
    """The slowest crafted input of a pattern at ``limit`` characters and its steady CPU cost."""
    cost, text = 0.0, ""
    for head, unit, tail in screen(found, min(screen_chars, limit), keep=4):
        candidate = tile(unit, tail, head=head, limit=limit)
        again = steady_cost(found.pattern, candidate, found.how, budget_s)
        if again > cost:
            cost, text = again, candidate
    return cost, text


if __name__ == "__main__":
    results = []
    patterns = reader_patterns()
    for found in patterns:
        cost, text = worst(found, budget_s=float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
        results.append((cost, f"{found.where} ({found.how})", text))
    results.sort(reverse=True)
    print(f"{len(patterns)} patterns")
    for cost, where, text in results[:40]:
        print(f"{cost * 1000:9.1f} ms  {where}  {text[:60]!r}…{text[-10:]!r}")
