"""Load and parse one file in a child process with bounded time and memory.

Uploaded files are untrusted: a PDF bomb (huge page trees, deep nesting, giant images) can
eat all memory or CPU inside pypdf or the OCR tools. Each file is therefore read by a fresh
interpreter (``python -m rag.isolate``: not a fork of the caller, which may hold torch, FAISS
and threads, so an address-space limit is meaningful) that

- limits its own address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``),
- leads its own process group, so OCR subprocesses die with it,
- is killed by the parent after a wall-clock timeout,
- dies with its parent: it watches a pipe only the parent holds open, and kills its own group
  when the pipe closes (the parent exited, even by ``kill -9``); ``reap_orphans`` at a server's
  start kills any child whose parent is gone all the same (one stuck where it could not notice).

Every failure becomes an ``InputFileError`` naming the file and the limit it hit; the
caller's index is never touched by a failed parse. Limits come from the environment
(``ParseLimits.from_env``).
"""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag import messages
from rag.errors import InputFileError, PolicyQAError
from rag.records import Document

# Environment variables (all optional).
ENV_MAX_FILE_BYTES = "POLICYQA_MAX_FILE_BYTES"
ENV_MAX_PAGES = "POLICYQA_MAX_PAGES"
ENV_TIMEOUT_S = "POLICYQA_PARSE_TIMEOUT_S"
ENV_MEMORY_MB = "POLICYQA_PARSE_MEMORY_MB"
ENV_MAX_LINE_CHARS = "POLICYQA_MAX_LINE_CHARS"
ENV_ISOLATE = "POLICYQA_PARSE_ISOLATION"
ENV_MAX_CLAUSE_CHARS = "POLICYQA_MAX_CLAUSE_CHARS"
ENV_MAX_CLAUSES = "POLICYQA_MAX_CLAUSES"

_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class ParseLimits:
    """Bounds for reading one file. ``isolate=False`` parses in-process (size and page limits only)."""

    max_file_bytes: int = 50_000_000
    max_pages: int = 2000
    timeout_s: float = 600.0  # a long scanned PDF needs minutes of OCR
    memory_mb: int = 2048
    # A page of prose is ~3,000 characters; a longer "line" is a dump, not a document, and
    # would cost minutes of segmentation and embedding.
    max_line_chars: int = 100_000
    # Clause bounds (rag/chunking.py): long clauses are split, absurd documents refused.
    max_clause_chars: int = 3000
    max_clauses: int = 5000
    isolate: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ParseLimits:
        env = os.environ if env is None else env
        base = cls()
        try:
            limits = cls(
                max_file_bytes=int(env.get(ENV_MAX_FILE_BYTES, base.max_file_bytes)),
                max_pages=int(env.get(ENV_MAX_PAGES, base.max_pages)),
                timeout_s=float(env.get(ENV_TIMEOUT_S, base.timeout_s)),
                memory_mb=int(env.get(ENV_MEMORY_MB, base.memory_mb)),
                max_line_chars=int(env.get(ENV_MAX_LINE_CHARS, base.max_line_chars)),
                max_clause_chars=int(env.get(ENV_MAX_CLAUSE_CHARS, base.max_clause_chars)),
                max_clauses=int(env.get(ENV_MAX_CLAUSES, base.max_clauses)),
                isolate=env.get(ENV_ISOLATE, "1").strip().lower() not in _FALSE,
            )
        except ValueError as exc:
            raise PolicyQAError.of("settings.parse_limit", why=exc) from None
        numbers = (
            limits.max_file_bytes,
            limits.max_pages,
            limits.memory_mb,
            limits.max_line_chars,
            limits.max_clause_chars,
            limits.max_clauses,
        )
        if min(numbers) <= 0 or limits.timeout_s <= 0:
            names = (ENV_MAX_FILE_BYTES, ENV_MAX_PAGES, ENV_TIMEOUT_S, ENV_MEMORY_MB, ENV_MAX_LINE_CHARS)
            raise PolicyQAError.of(
                "settings.parse_limits_positive",
                names=", ".join((*names, ENV_MAX_CLAUSE_CHARS, ENV_MAX_CLAUSES)),
            )
        return limits


# (pages done, pages to OCR, page just done), reported while a scanned PDF is OCR'd
Progress = Callable[[int, int, int], None]
PROGRESS_PREFIX = "policyqa-ocr-progress"


def parse_file(
    path: Path,
    *,
    source: str,
    root: Path | None = None,
    access: str = "public",
    limits: ParseLimits | None = None,
    progress: Progress | None = None,
) -> Document:
    """Load and parse ``path`` as ``source``; raises InputFileError on any failure or exceeded limit."""
    limits = limits or ParseLimits.from_env()
    if not limits.isolate:
        return _load_and_parse(Path(path), source, root, access, limits, progress)
    return _run_isolated(Path(path), source, root, access, limits, progress)


def _load_and_parse(
    path: Path,
    source: str,
    root: Path | None,
    access: str,
    limits: ParseLimits,
    progress: Progress | None = None,
) -> Document:
    from rag.chunking import bound_clauses
    from rag.loaders import load_file
    from rag.parser import parse_document

    loaded = load_file(
        path, root=root, max_bytes=limits.max_file_bytes, max_pages=limits.max_pages, progress=progress
    )
    loaded.source = source  # the name the caller sees, whatever the loader derived
    for page in loaded.pages:
        longest = max(map(len, page.text.split("\n")), default=0)
        if longest > limits.max_line_chars:
            raise InputFileError.of(
                "file.long_line",
                source=source,
                length=longest,
                limit=limits.max_line_chars,
                setting=ENV_MAX_LINE_CHARS,
            )
    doc = parse_document(loaded, access=access)
    if not any(c.text.strip() for c in doc.clauses):
        # Blank pages, an image-only PDF whose OCR found nothing: indexing it would add nothing.
        why = "; ".join(doc.warnings[:3])
        raise InputFileError(
            messages.text("file.no_readable_text", source=source) + (f" ({why})" if why else "")
        )
    # Still in the child: splitting a giant clause is bounded by the same time and memory limits.
    return bound_clauses(doc, max_clause_chars=limits.max_clause_chars, max_clauses=limits.max_clauses)


# --- the child: python -m rag.isolate < request.json > document.json -------------------------


def _set_limit(kind: int, value: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard))


def _report_progress(done: int, total: int, page: int) -> None:
    # One line per page on stderr: the parent passes it on (CLI progress, upload report).
    print(f"{PROGRESS_PREFIX} {done} {total} {page}", file=sys.stderr, flush=True)


def _watch_parent(fd: int) -> None:
    """Kill this child and its OCR tools when the parent's end of the pipe closes."""

    def watch() -> None:
        while True:
            try:
                if not os.read(fd, 1):
                    break
            except InterruptedError:
                continue
            except OSError:
                break
        os.killpg(0, signal.SIGKILL)  # this child leads its group: the OCR tools go too

    threading.Thread(target=watch, name="policyqa-parent-watch", daemon=True).start()


def _child_main(argv: list[str]) -> int:
    if WATCH_FLAG in argv:
        _watch_parent(int(argv[argv.index(WATCH_FLAG) + 1]))
    request = json.loads(sys.stdin.buffer.read())
    limits = ParseLimits(**request["limits"])
    # Limits first: everything after this line reads the untrusted file.
    _set_limit(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    _set_limit(resource.RLIMIT_CPU, math.ceil(limits.timeout_s) + 1)
    root = Path(request["root"]) if request["root"] else None
    try:
        doc = _load_and_parse(
            Path(request["path"]), request["source"], root, request["access"], limits, _report_progress
        )
        reply: dict[str, Any] = {"kind": "ok", "document": doc.to_dict()}
    except InputFileError as exc:
        reply = {"kind": "input", "message": str(exc)}
    except MemoryError:
        reply = {"kind": "memory"}
    except RecursionError:
        reply = {"kind": "nesting"}
    except Exception as exc:  # a parser bug on a hostile file: report it, do not crash the caller
        reply = {"kind": "error", "message": f"{type(exc).__name__}: {exc}"}
    try:
        data = json.dumps(reply, ensure_ascii=False).encode("utf-8")
    except MemoryError:
        data = b'{"kind": "memory"}'
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


# --- the parent -----------------------------------------------------------------------------

WATCH_FLAG = "--watch-fd"
PARENT_FLAG = "--parent"


def _child_env() -> dict[str, str]:
    # The child must import this package whether or not it is installed.
    project = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project, env.get("PYTHONPATH", "")) if p)
    return env


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # OCR subprocesses share the child's session
    except (ProcessLookupError, PermissionError):
        process.kill()


def _pump_stderr(pipe: Any, progress: Progress | None, kept: list[str]) -> None:
    """Read the child's stderr: progress lines go to ``progress``, the rest is kept (last 200)."""
    for raw in pipe:
        line = raw.decode("utf-8", "replace")
        if line.startswith(PROGRESS_PREFIX):
            parts = line.split()
            if progress is not None and len(parts) == 4 and all(p.isdigit() for p in parts[1:]):
                progress(int(parts[1]), int(parts[2]), int(parts[3]))
            continue
        kept.append(line)
        del kept[:-200]


def _run_isolated(
    path: Path,
    source: str,
    root: Path | None,
    access: str,
    limits: ParseLimits,
    progress: Progress | None = None,
) -> Document:
    request = {
        "path": str(path),
        "source": source,
        "root": str(root) if root else None,
        "access": access,
        "limits": asdict(limits),
    }
    # The child's end of a pipe whose other end only this process holds: when this process dies,
    # however, the child reads end-of-file and kills its group.
    watch_read, watch_write = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "rag.isolate", PARENT_FLAG, str(os.getpid()), WATCH_FLAG, str(watch_read)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_env(),
            start_new_session=True,  # its own process group, killed as one
            pass_fds=(watch_read,),
        )
    except BaseException:
        os.close(watch_write)
        raise
    finally:
        os.close(watch_read)
    # stderr is read by a thread (progress as it comes); communicate() handles stdin and stdout.
    stderr_pipe, process.stderr = process.stderr, None
    kept: list[str] = []
    pump = threading.Thread(target=_pump_stderr, args=(stderr_pipe, progress, kept), daemon=True)
    pump.start()
    try:
        out, _ = process.communicate(json.dumps(request).encode("utf-8"), timeout=limits.timeout_s)
        pump.join(timeout=5)
        err = "".join(kept).encode("utf-8")
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise InputFileError.of(
            "file.timeout", source=source, seconds=limits.timeout_s, setting=ENV_TIMEOUT_S
        ) from None
    finally:
        if process.poll() is None:
            _kill_group(process)
            process.wait()
        os.close(watch_write)
        pump.join(timeout=5)
        if not pump.is_alive():
            stderr_pipe.close()
    try:
        reply = json.loads(out)
    except ValueError:
        raise InputFileError(_death_message(source, process.returncode, err, limits)) from None
    kind = reply.get("kind")
    if kind == "ok":
        return Document.from_dict(reply["document"])
    if kind == "input":
        raise InputFileError(reply["message"])
    if kind == "memory":
        raise InputFileError.of(
            "file.memory", source=source, megabytes=limits.memory_mb, setting=ENV_MEMORY_MB
        )
    if kind == "nesting":
        raise InputFileError.of("file.nested", source=source)
    raise InputFileError.of("file.parse_failed", source=source, why=reply.get("message", "?"))


def _death_message(source: str, code: int, stderr: bytes, limits: ParseLimits) -> str:
    if code == -signal.SIGXCPU:
        return messages.text(
            "file.cpu_timeout", source=source, seconds=limits.timeout_s, setting=ENV_TIMEOUT_S
        )
    if code < 0:
        return messages.text(
            "file.killed", source=source, signal=str(-code), megabytes=limits.memory_mb, setting=ENV_MEMORY_MB
        )
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["-"]
    if "MemoryError" in last[0]:
        return messages.text("file.memory", source=source, megabytes=limits.memory_mb, setting=ENV_MEMORY_MB)
    return messages.text("file.reader_crashed", source=source, code=str(code), why=last[0][:200])


def reap_orphans(proc: Path = Path("/proc")) -> list[str]:
    """Kill the process groups of readers whose parent is gone (a killed server's children); returns
    one line per group killed. A reader names its parent on its command line; once the parent dies
    it is re-parented, so its parent pid no longer matches. Linux only (nothing to do elsewhere)."""
    done: list[str] = []
    if not proc.is_dir():
        return done
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            if "rag.isolate" not in argv or PARENT_FLAG not in argv:
                continue
            parent = int(argv[argv.index(PARENT_FLAG) + 1])
            # /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            ppid, pgrp = int(fields[1]), int(fields[2])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
        pid = int(entry.name)
        if ppid == parent:
            continue
        try:
            if pgrp == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue
        done.append(f"killed the file reader {pid} left by process {parent}")
    return done


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
