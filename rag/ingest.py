"""Ingestion orchestration: files and folders -> parsed Documents -> one new index generation.

Unchanged files (same content hash and access) are skipped before parsing; changed ones
replace their old clauses; a file that fails is reported and the rest of the batch goes on.
A batch that changes nothing (for example, every file failed) writes nothing at all.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag import config, messages
from rag.errors import InputFileError
from rag.loaders import SUPPORTED_SUFFIXES as SUFFIXES
from rag.parser.provenance import attest_corpus
from rag.records import Document


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pages: int = 0  # of the added and updated documents
    clauses: int = 0
    ocr_pages: int = 0
    embedded: int = 0  # clause texts sent to the embedding model (cache misses)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "source: reason", one per failed file
    seconds: float = 0.0
    generation: str | None = None  # the generation written, None when nothing changed
    dense_pending: bool = False  # written searchable lexically; complete_dense() adds the vectors
    # Scanned pages as they were OCR'd: {"source", "page", "done", "total", "seconds"}, in order.
    ocr_progress: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        line = messages.text(
            "ingest.summary",
            added=len(self.added),
            updated=len(self.updated),
            unchanged=len(self.unchanged),
            failed=len(self.failed),
            pages=self.pages,
            ocr=self.ocr_pages,
            clauses=self.clauses,
            embedded=self.embedded,
            seconds=round(self.seconds, 1),
        )
        if self.generation:
            line += messages.text("ingest.generation", generation=self.generation)
        return line

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str  # relative to the folder given (or to ``root``); the file name for a single file
    root: Path
    origin: str = ""  # the file's absolute path when it stays where it is (a folder or file given)


def collect_files(
    paths: list[Path], root: Path | None = None, *, follow_symlinks: bool = False
) -> tuple[list[SourceFile], list[str]]:
    """Expand folders (recursively, .pdf/.txt/.md, hidden files skipped) into sources; missing paths are errors.

    A symlink inside a folder that leads outside it is skipped with an error unless
    ``follow_symlinks``: a folder of public documents must not pull in whatever a link points at.
    """
    found: dict[str, SourceFile] = {}
    errors: list[str] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            base = Path(root) if root is not None else given
            files = []
            for p in sorted(given.rglob("*")):
                if (
                    not p.is_file()
                    or p.suffix.lower() not in SUFFIXES
                    or any(part.startswith(".") for part in p.relative_to(given).parts)
                    or p.name.startswith("~$")  # Word's lock file beside an open document
                ):
                    continue
                if not follow_symlinks and not _inside(p, given):
                    errors.append(
                        messages.text("file.symlink_outside", path=p, target=p.resolve(), folder=given)
                    )
                    continue
                files.append(p)
        elif given.is_file():
            base = Path(root) if root is not None else given.parent
            files = [given]
        else:
            errors.append(messages.text("file.no_such_path", path=given))
            continue
        for path in files:
            try:
                source = path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                source = path.name
            found[source] = SourceFile(path=path, source=source, root=base, origin=str(path.resolve()))
    return list(found.values()), errors


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _parse(file: SourceFile, access: str, limits: Any = None, progress: Any = None) -> Document:
    from rag.isolate import parse_file

    # A child process with time and memory limits: an uploaded file may be a PDF bomb.
    doc = parse_file(
        file.path, source=file.source, root=file.root, access=access, limits=limits, progress=progress
    )
    doc.source = file.source
    doc.origin = file.origin
    for c in doc.clauses:
        c.source = file.source
    doc.ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
    return doc


def failure_message(file: SourceFile, exc: Exception) -> str:
    """The report's "source: reason" line for a file that could not be read or parsed."""
    if isinstance(exc, InputFileError):
        # Loaders and the isolated reader name the file by the path they were given: a temporary
        # upload's hidden name must not reach the reader, the source the caller chose does.
        message = str(exc)
        read_as = _relative(file)
        if read_as and read_as != file.source:  # anywhere in the text (a reader may quote it)
            message = message.replace(read_as, file.source)
        named = file.path.name
        if named != file.source and message.startswith(f"{named}: "):
            return f"{file.source}: {message[len(named) + 2 :]}"
        return message if file.source in message else f"{file.source}: {message}"
    if isinstance(exc, OSError):
        return messages.text("ingest.failed", source=file.source, why=exc.strerror or exc)
    # a parser bug on one file must not sink the batch
    return messages.text("ingest.crashed", source=file.source, why=f"{type(exc).__name__}: {exc}")


def _relative(file: SourceFile) -> str:
    if file.root is None:
        return ""
    try:
        return file.path.relative_to(file.root).as_posix()
    except ValueError:
        return ""


# Called under the index's write lock: before_commit(writer, documents) may check or adjust the
# documents (or raise to refuse the batch); after_commit() runs once the new generation is current.
BeforeCommit = Callable[[Any, list[Document]], None]
AfterCommit = Callable[[], None]


def ingest_paths(
    paths: list[Path],
    index_dir: Path,
    *,
    access: str = "public",
    embedder: Any = None,
    progress: bool = True,
    root: Path | None = None,
    follow_symlinks: bool = False,
    lock: AbstractContextManager[Any] | None = None,
    ray_address: str | None = None,
    batch_size: int | None = None,
) -> IngestReport:
    """Parse and index files and folders into ``index_dir``; see the module docstring."""
    files, missing = collect_files([Path(p) for p in paths], root, follow_symlinks=follow_symlinks)
    report = IngestReport()
    for err in missing:
        report.failed.append(err.split(":", 1)[0])
        report.errors.append(err)
    return ingest_files(
        files,
        index_dir,
        access=access,
        embedder=embedder,
        progress=progress,
        report=report,
        lock=lock,
        ray_address=ray_address,
        batch_size=batch_size,
    )


def ingest_files(
    files: list[SourceFile],
    index_dir: Path,
    *,
    access: str = "public",
    embedder: Any = None,
    progress: bool = True,
    report: IngestReport | None = None,
    lock: AbstractContextManager[Any] | None = None,
    before_commit: BeforeCommit | None = None,
    after_commit: AfterCommit | None = None,
    ray_address: str | None = None,
    batch_size: int | None = None,
    dense_later: bool = False,
) -> IngestReport:
    """Parse and embed ``files`` without any lock, then take ``lock`` and the index's write lock only
    to stage and swap in the new generation (its embeddings are then cache hits).

    ``dense_later``: nothing is embedded; the new texts are searchable lexically as soon as they
    are parsed, and ``complete_dense()`` adds their vectors afterwards (time to searchable).

    ``ray_address`` ("local" or a cluster address): parse and embed on Ray workers instead and
    commit a generation per ``batch_size`` documents (rag/distributed.py).
    """
    from index.embedders import get_embedder
    from index.stores import known_documents, location_of, open_writer
    from rag.hashing import file_sha256

    started = time.perf_counter()
    report = report or IngestReport()
    embedder = embedder or get_embedder(None)
    calls_before = embedder.calls
    index_dir = location_of(index_dir)
    known = known_documents(index_dir)
    if ray_address is not None:
        from rag.distributed import ingest_with_ray

        return ingest_with_ray(
            files,
            index_dir,
            known,
            access=access,
            embedder=embedder,
            progress=progress,
            report=report,
            lock=lock,
            before_commit=before_commit,
            after_commit=after_commit,
            address=ray_address,
            batch_size=batch_size,
            writer_factory=open_writer,
        )
    docs: list[Document] = []
    for file in _bar(files, "files", progress):
        old = known.get(file.source)
        try:
            digest = file_sha256(file.path)
            if is_unchanged(old, digest, access, file):
                report.unchanged.append(file.source)
                continue
            doc = _parse(file, access, progress=_ocr_progress(file.source, report, progress))
        except Exception as exc:  # a parser bug on one file must not sink the batch either
            report.failed.append(file.source)
            report.errors.append(failure_message(file, exc))
            continue
        (report.updated if old is not None else report.added).append(file.source)
        report.pages += doc.page_count
        report.clauses += len(doc.clauses)
        report.ocr_pages += len(doc.ocr_pages)
        report.warnings.extend(f"{doc.source}: {w}" for w in doc.warnings)
        docs.append(doc)
    # A scan's handwritten number and date, attested by the documents citing it (file set and index).
    parsed_now = {d.source for d in docs}
    attest_corpus(docs, [d for source, d in known.items() if source not in parsed_now])
    converts = _converts(index_dir, embedder)
    if docs or converts:
        embedder.use_cache_dir(embed_cache_dir(index_dir))
        if not dense_later:
            # An index of another runtime is re-embedded whole: that too happens before the lock.
            parsed = {d.source for d in docs}
            unchanged = [d for source, d in known.items() if converts and source not in parsed]
            _embed_ahead(docs + unchanged, embedder, progress)
    if not docs and not converts:  # nothing to do: no lock, no generation, no hooks
        report.embedded = embedder.calls - calls_before
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    with lock if lock is not None else contextlib.nullcontext(), open_writer(index_dir, embedder) as writer:
        if before_commit is not None:
            before_commit(writer, docs)
        writer.upsert(docs)
        if writer.dirty:
            report.generation = writer.commit(dense=not dense_later)
            report.dense_pending = dense_later
        if after_commit is not None:
            after_commit()
    report.embedded = embedder.calls - calls_before
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def is_unchanged(old: Document | None, digest: str, access: str, file: SourceFile) -> bool:
    """The indexed version is this file as it is: same bytes, access and (for a folder that was
    moved and ingested again) the same place to show its pages from."""
    if old is None or old.content_hash != digest or old.access != access:
        return False
    return not file.origin or old.origin == file.origin


def _converts(index_dir: Path, embedder: Any) -> bool:
    """An embedded index built by another runtime of the model is re-embedded by the next ingest."""
    from index.store import needs_reembedding
    from index.stores import is_remote

    return not is_remote(index_dir) and needs_reembedding(Path(index_dir), embedder)


def _ocr_progress(source: str, report: IngestReport, show: bool) -> Any:
    """Per OCR'd page: a line in the report (and on stderr for the CLI)."""
    started = time.perf_counter()

    def step(done: int, total: int, page: int) -> None:
        seconds = round(time.perf_counter() - started, 1)
        report.ocr_progress.append(
            {"source": source, "page": page, "done": done, "total": total, "seconds": seconds}
        )
        if show:
            where = (
                messages.text("ingest.ocr_page", page=page) if page else messages.text("ingest.ocr_cached")
            )
            line = messages.text(
                "ingest.ocr_progress",
                source=source,
                done=done,
                total=total,
                where=where,
                seconds=round(seconds),
            )
            print(f"  {line}", file=sys.stderr, flush=True)

    return step


def _embed_ahead(docs: list[Document], embedder: Any, progress: bool) -> None:
    """Embed the new clause texts into the embedder's cache before the write lock is taken."""
    texts = passage_texts(docs)
    bar = _bar(None, "clauses", progress, total=len(texts))
    for start in range(0, len(texts), 64):
        chunk = texts[start : start + 64]
        embedder.embed_passages(chunk)
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()


def passage_texts(docs: list[Document]) -> list[str]:
    """The distinct texts the writer embeds for ``docs`` (indexable clauses with their context)."""
    from index.embedders import embedding_text
    from index.store import document_label, indexable

    return list(
        dict.fromkeys(embedding_text(c, document_label(d)) for d in docs for c in d.clauses if indexable(c))
    )


def _bar(
    items: Any,
    unit: str,
    enabled: bool,
    total: int | None = None,
    desc: str = "embedding",
    leave: bool = False,
) -> Any:
    if not enabled:
        return items if items is not None else None
    from tqdm import tqdm

    if items is None:
        return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, leave=leave)
    return tqdm(items, unit=unit[:-1] if unit.endswith("s") else unit, desc="parsing", file=sys.stderr)


def embed_cache_dir(index_dir: Path | str) -> Path:
    """Where vectors are cached by content hash (a corrupt cache is rebuilt, with one log line):
    the index's own folder, or for a Milvus store this machine's ($POLICYQA_EMBED_CACHE, else
    var/embed-cache; its writer also reuses the stored vectors of unchanged texts)."""
    from index.store import EMBED_CACHE
    from index.stores import is_remote

    if is_remote(index_dir):
        return Path(os.environ.get("POLICYQA_EMBED_CACHE") or config.PROJECT_ROOT / "var" / EMBED_CACHE)
    return Path(index_dir) / EMBED_CACHE


def complete_dense(
    index_dir: Path | str, *, embedder: Any = None, lock: AbstractContextManager[Any] | None = None
) -> str | None:
    """Embed what ``dense_later`` ingests left out: the texts first, unlocked, into the embedder's
    cache; then, under ``lock`` and the store's write lock, the writer's embedding is all hits."""
    from index.embedders import get_embedder
    from index.stores import location_of, open_reader, open_writer

    index_dir = location_of(index_dir)
    embedder = embedder or get_embedder(None)
    store = open_reader(index_dir, embedder)
    pending = store.dense_pending()
    if not pending:
        return None
    embedder.use_cache_dir(embed_cache_dir(index_dir))
    _embed_ahead([d for d in (store.document(i) for i in sorted(pending)) if d is not None], embedder, False)
    with lock if lock is not None else contextlib.nullcontext(), open_writer(index_dir, embedder) as writer:
        return writer.complete_dense()


def remove_sources(sources: list[str], index_dir: Path, *, embedder: Any = None) -> list[str]:
    """Drop documents by source name; returns the sources that were in the index."""
    from index.embedders import get_embedder
    from index.stores import current_generation, location_of, open_writer

    index_dir = location_of(index_dir)
    current_generation(index_dir)  # raises IndexNotFoundError with the fix when there is no index
    with open_writer(index_dir, embedder or get_embedder(None)) as writer:
        removed = writer.remove(sources)
        writer.commit()
    return removed


# --- CLI handlers ----------------------------------------------------------------------------
def run_ingest(args: argparse.Namespace) -> int:
    report = ingest_paths(
        [Path(p) for p in args.paths],
        args.index_dir,
        access=args.access,
        progress=not args.no_progress,
        follow_symlinks=getattr(args, "follow_symlinks", False),
        ray_address=getattr(args, "ray", None),
        batch_size=getattr(args, "batch_size", None),
    )
    for w in report.warnings:
        print(messages.text("cli.warning", text=w), file=sys.stderr)
    for e in report.errors:
        print(messages.text("cli.error", text=e), file=sys.stderr)
    print(report.summary())
    return 1 if report.failed else 0


def run_remove(args: argparse.Namespace) -> int:
    removed = remove_sources(list(args.sources), args.index_dir)
    for s in removed:
        print(messages.text("cli.removed", source=s))
    missing = [s for s in args.sources if s not in removed]
    for s in missing:
        print(messages.text("cli.error", text=messages.text("source.missing", source=s)), file=sys.stderr)
    return 1 if missing else 0
