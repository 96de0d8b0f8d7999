"""`policyqa serve --workers N`: worker processes forked from one warmed parent.

uvicorn's own workers are *spawned*: each imports the app afresh and loads its own copy of the
word segmenter and tagger, the store's metadata and every access view's answerer (≈ 560 MB a
worker at 10k clauses, two workers ≈ 2× one). Here the parent opens and warms the assistant once
(``AssistantProvider.get``: models, reader tables, each access view), freezes the garbage
collector's view of those objects (``gc.freeze``: a collection in a worker then never writes to
their headers, which would copy their pages), binds the socket and forks the workers. Each worker
builds its app around the parent's provider (its own request threads, dense completer and
caches, made after the fork) and serves the shared socket; the warmed state stays in pages the
workers share copy-on-write until one of them writes to it (a reloaded generation is the
worker's own). The parent serves nothing: it restarts a worker that dies and stops them all on
SIGTERM or SIGINT.

The parent forks while it is single-threaded: warming starts no thread (the pipeline pool and the
dense completer belong to each worker's app), and its searches are single queries, which run no
OpenMP team in FAISS (a team made before a fork would hang the child's first parallel region).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from api.deps import AssistantProvider
from rag.errors import PolicyQAError

log = logging.getLogger("policyqa.api")

RESPAWN_PAUSE_S = 1.0  # between a worker's death and its replacement: no fork storm
STOP_GRACE_S = 30.0  # a stopping worker finishes its requests, then is killed


def bind(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts on (bound before the fork)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def preload(provider: AssistantProvider) -> None:
    """Open and warm the assistant in the parent, then freeze what exists so far for the GC."""
    try:
        provider.get()
    except PolicyQAError as exc:  # no usable index yet: each worker opens it when it appears
        log.warning("workers start without an index: %s", exc)
    gc.collect()
    gc.freeze()


def serve_forked(
    provider: AssistantProvider,
    make_app: Callable[[AssistantProvider], Any],
    host: str,
    port: int,
    workers: int,
) -> int:
    """Preload, fork ``workers`` processes serving ``make_app(provider)`` on host:port, supervise."""
    preload(provider)
    sock = bind(host, port)
    stopping = False
    children: set[int] = set()

    def stop(signum: int, frame: FrameType | None) -> None:
        # The wait below resumes after a handler (PEP 475): the workers' exits end it.
        nonlocal stopping
        stopping = True
        for pid in list(children):
            _signal(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        children |= {_fork_worker(make_app, provider, sock, previous) for _ in range(workers)}
        while children and not stopping:
            pid, status = _wait_any()
            if pid == 0:
                break  # no child left to wait for
            children.discard(pid)
            if not stopping:
                log.warning("worker %d ended (%s); starting another", pid, _status(status))
                time.sleep(RESPAWN_PAUSE_S)
            if not stopping:
                children.add(_fork_worker(make_app, provider, sock, previous))
    finally:
        _stop_all(children)
        sock.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0


def _fork_worker(
    make_app: Callable[[AssistantProvider], Any],
    provider: AssistantProvider,
    sock: socket.socket,
    handlers: dict[int, Any],
) -> int:
    import uvicorn

    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        for s, handler in handlers.items():  # uvicorn installs its own while it runs
            signal.signal(s, handler)
        config = uvicorn.Config(make_app(provider), log_level="info", proxy_headers=False)
        uvicorn.Server(config).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 (a worker must never return into the parent's loop)
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


def _wait_any() -> tuple[int, int]:
    """A child that ended, or (0, 0) when there is none."""
    try:
        return os.waitpid(-1, 0)
    except ChildProcessError:
        return 0, 0


def _stop_all(children: set[int]) -> None:
    for pid in children:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    while children and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            children.discard(pid)
        else:
            time.sleep(0.05)
    for pid in children:
        _signal(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status)}"
