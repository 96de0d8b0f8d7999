"""Distributed ingest with Ray: each changed file is parsed and embedded by a Ray task.

The driver hash-skips unchanged files as plain ingest does, submits the others (a bounded window
of tasks in flight), and collects results as they complete. A task parses its file through the
same isolated child process as plain ingest (the driver's parse limits travel with it) and embeds
its clause texts with a worker-local copy of the driver's embedder (rebuilt from
``Embedder.spec`` once per worker process; sentence-transformers runs on CUDA when the task was
given a GPU). The driver puts the returned vectors into the embed cache of the writer it opens,
so the writer's embedding calls are all hits, and commits a generation per ``batch_size``
documents: a crash mid-run leaves the last committed generation serving, and a re-run skips
what it holds.

Paths are sent, not bytes: on a cluster every worker must read the files at the same absolute
paths (a shared filesystem); a file a worker cannot read is reported like any unreadable file.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from rag import messages
from rag.errors import PolicyQAError
from rag.ingest import AfterCommit, BeforeCommit, IngestReport, SourceFile, is_unchanged
from rag.records import Document

LOCAL = "local"  # `--ray` without an address: a new Ray instance on this machine
BATCH_SIZE = 50  # documents per committed generation
GPU_SHARE = 0.25  # of a GPU per task when the cluster has GPUs and the model is sentence-transformers
WORKER_CACHE_ITEMS = 4096  # vectors a worker keeps in memory (the driver's cache is the one that matters)
CONNECT_TIMEOUT_S = 10.0


class RayUnavailableError(PolicyQAError):
    """Ray is not installed, or the cluster at the given address cannot be reached."""


@contextlib.contextmanager
def ray_session(address: str = LOCAL) -> Iterator[Any]:
    """The ``ray`` module, connected: a Ray already initialised in this process is used as it is;
    otherwise a local instance (all cores) or the cluster at ``address`` is joined, and left at the end."""
    try:
        import ray
    except ImportError:
        raise RayUnavailableError.of("ray.missing") from None
    if address != LOCAL:
        _probe(address)
    if ray.is_initialized():
        yield ray
        return
    options: dict[str, Any] = {"address": address, "log_to_driver": False, "logging_level": logging.WARNING}
    if address == LOCAL:
        options["include_dashboard"] = False
    try:
        ray.init(**options)
    except Exception as exc:  # ConnectionError, RuntimeError, grpc errors: all mean "not reachable"
        why = f"{type(exc).__name__}: {exc}"
        if address == LOCAL:
            raise RayUnavailableError.of("ray.cannot_start", why=why) from None
        raise RayUnavailableError.of("ray.cannot_join", address=address, why=why) from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _probe(address: str) -> None:
    """Fail in seconds on an address nothing listens at (ray.init would retry for minutes)."""
    if address == "auto":
        return  # Ray resolves it ($RAY_ADDRESS, or a cluster started on this machine)
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except (ValueError, OSError) as exc:  # a port that is not a number, refused, unresolvable, timed out
        why = messages.text("ray.bad_address") if isinstance(exc, ValueError) else exc.strerror or exc
        raise RayUnavailableError.of("ray.unreachable", address=repr(address), why=why) from None


# --- on a worker -----------------------------------------------------------------------------


def _worker_embedder(spec: str) -> Any:
    from index.embedders import get_embedder

    embedder = get_embedder(spec)  # shared per spec in the process: a worker loads its model once
    embedder.cache.max_items = WORKER_CACHE_ITEMS
    return embedder


def ingest_file(
    path: str, source: str, root: str, access: str, limits: Any, spec: str, have: frozenset[str]
) -> dict[str, Any]:
    """One file on a worker: its Document and the vectors of its clause texts whose cache keys are
    not in ``have`` (texts of the file's indexed version: the writer keeps their vectors), or
    ``{"error": message}``."""
    from rag.ingest import _parse, failure_message, passage_texts

    file = SourceFile(path=Path(path), source=source, root=Path(root))
    try:
        doc = _parse(file, access, limits)
    except Exception as exc:  # the same report line as plain ingest
        return {"error": failure_message(file, exc)}
    embedder = _worker_embedder(spec)
    texts = [t for t in passage_texts([doc]) if embedder.cache_key(t) not in have]
    before = embedder.calls
    vectors = embedder.embed_passages(texts)
    embedded = {"embedded": embedder.calls - before, "embedder": (embedder.id, embedder.dim)}
    return {"document": doc, "texts": texts, "vectors": vectors, **embedded}


# --- on the driver ---------------------------------------------------------------------------


def ingest_with_ray(
    files: list[SourceFile],
    location: Any,
    known: dict[str, Document],
    *,
    access: str = "public",
    embedder: Any = None,
    progress: bool = True,
    report: IngestReport | None = None,
    lock: AbstractContextManager[Any] | None = None,
    before_commit: BeforeCommit | None = None,
    after_commit: AfterCommit | None = None,
    address: str | None = LOCAL,
    batch_size: int | None = None,
    writer_factory: Callable[[Any, Any], Any],
) -> IngestReport:
    """``rag.ingest.ingest_files`` on Ray, into the store ``writer_factory(location, embedder)``
    opens; ``known``: its documents by source. The hooks run for every batch; ``lock`` (one-shot)
    is held from the first batch's commit to the last."""
    from index.embedders import get_embedder
    from rag.hashing import file_sha256
    from rag.ingest import _bar, failure_message, passage_texts
    from rag.isolate import ParseLimits

    started = time.perf_counter()
    report = report or IngestReport()
    embedder = embedder or get_embedder(None)
    batch_size = batch_size or BATCH_SIZE
    if batch_size < 1:
        raise PolicyQAError.of("settings.batch_size", value=str(batch_size))
    if embedder.spec is None:
        raise PolicyQAError.of("ray.no_spec", embedder=repr(embedder.id))
    outcome: dict[str, str | Document] = {}  # source -> "unchanged", a report line, or the Document
    todo: list[tuple[int, SourceFile, Document | None]] = []
    for file in files:
        old = known.get(file.source)
        try:
            digest, size = file_sha256(file.path), file.path.stat().st_size
        except OSError as exc:
            outcome[file.source] = failure_message(file, exc)
            continue
        if is_unchanged(old, digest, access, file):
            outcome[file.source] = "unchanged"
        else:
            todo.append((size, file, old))
    todo.sort(key=lambda t: -t[0])  # largest first: a big file last would leave the other cores idle
    calls_before, embedded = embedder.calls, 0
    with contextlib.ExitStack() as stack:
        ray = stack.enter_context(ray_session(address or LOCAL)) if todo else None
        bar = _bar(
            None, "files", progress and bool(todo), total=len(todo), desc="ingesting on Ray", leave=True
        )
        if bar is not None:
            stack.callback(bar.close)

        def commit(docs: list[Document], vectors: list[tuple[list[str], Any]]) -> None:
            nonlocal lock
            if lock is not None:  # taken once, released when the run ends
                stack.enter_context(lock)
                lock = None
            with writer_factory(location, embedder) as writer:
                for texts, vecs in vectors:  # into the cache the writer embeds through: all hits
                    embedder.remember(texts, vecs)
                if before_commit is not None:
                    before_commit(writer, docs)
                writer.upsert(docs)
                if writer.dirty:
                    report.generation = writer.commit()
                if after_commit is not None:
                    after_commit()
            if bar is not None:
                bar.set_postfix_str(report.generation or "")

        if ray is not None:
            limits = ParseLimits.from_env()  # the driver's limits apply on every worker
            resources = ray.cluster_resources()
            gpus = GPU_SHARE if resources.get("GPU", 0) > 0 and embedder.spec.startswith("st:") else 0
            task = ray.remote(ingest_file).options(num_cpus=1, num_gpus=gpus)
            # Tasks in flight: every core busy, results held by the driver bounded.
            window = max(2, 2 * int(resources.get("CPU", 1)))
            queue, pending, batch, vectors = iter(todo), {}, [], []
            while True:
                while len(pending) < window and (item := next(queue, None)) is not None:
                    _, file, old = item
                    # An updated file's unchanged clauses keep their stored vectors: not embedded again.
                    have = frozenset(embedder.cache_key(t) for t in passage_texts([old] if old else []))
                    path, root = str(file.path.resolve()), str(file.root.resolve())
                    pending[task.remote(path, file.source, root, access, limits, embedder.spec, have)] = file
                if not pending:
                    break
                [ref], _ = ray.wait(list(pending), num_returns=1)
                file = pending.pop(ref)
                result = _result(ray, ref, file)
                if "error" in result:
                    outcome[file.source] = result["error"]
                else:
                    _check_embedder(result["embedder"], embedder)
                    vectors.append((result["texts"], result["vectors"]))
                    embedded += result["embedded"]
                    result["document"].origin = file.origin
                    outcome[file.source] = result["document"]
                    batch.append(result["document"])
                if bar is not None:
                    bar.update(1)
                if len(batch) >= batch_size or (batch and not pending):
                    commit(batch, vectors)
                    batch, vectors = [], []
    for file in files:  # the report in the order of the files, as plain ingest writes it
        source, got = file.source, outcome.get(file.source)
        if got == "unchanged":
            report.unchanged.append(source)
        elif isinstance(got, str):
            report.failed.append(source)
            report.errors.append(got)
        elif got is not None:
            (report.updated if source in known else report.added).append(source)
            report.pages += got.page_count
            report.clauses += len(got.clauses)
            report.ocr_pages += len(got.ocr_pages)
            report.warnings.extend(f"{got.source}: {w}" for w in got.warnings)
    report.embedded = embedded + embedder.calls - calls_before  # driver calls: misses, normally none
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _result(ray: Any, ref: Any, file: SourceFile) -> dict[str, Any]:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as exc:  # the worker died, or the task raised
        cause = getattr(exc, "cause", None) or exc
        return {
            "error": messages.text(
                "ray.task_failed", source=file.source, why=f"{type(cause).__name__}: {cause}"
            )
        }


def _check_embedder(worker: tuple[str, int], embedder: Any) -> None:
    if tuple(worker) != (embedder.id, embedder.dim):
        raise PolicyQAError.of(
            "ray.mismatch",
            worker=repr(worker[0]),
            worker_dim=str(worker[1]),
            embedder=repr(embedder.id),
            dim=str(embedder.dim),
        )
