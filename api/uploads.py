"""Uploaded files: canonical names, cheap content checks, and saving without losing what was there."""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import status

from api.errors import ApiError
from api.upload_folder import (  # noqa: F401 (reconcile, PARTIAL_PREFIX: the folder's API, used here too)
    DISK_FULL,
    PARTIAL_PREFIX,
    UploadsFolder,
    disk_full,
    fsync_dir,
    partial_file,
    reconcile,
)
from rag import messages
from rag.errors import ConflictError, InputFileError, PolicyQAError
from rag.ingest import IngestReport, SourceFile
from rag.records import Document

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md", ".docx", ".doc")  # .doc only to be told to convert it
MAX_NAME_CHARS = 150
_UNSAFE = re.compile(r"[^\w\-.() ]+")  # \w keeps Vietnamese letters
_RUNS = re.compile(r"[\s_]*_[\s_]*|\s+")
_ESCAPED = re.compile(r"%([01][0-9A-Fa-f]|7[Ff]|22)")
_INVISIBLE = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u180e"}


def safe_filename(name: str) -> str:
    """A file name with no path, no control characters and no leading dots; keeps Vietnamese letters.

    "../../etc/passwd.txt" -> "passwd.txt"; "C:\\x\\Kế hoạch.pdf" -> "Kế hoạch.pdf".
    Raises PolicyQAError when nothing usable is left or the type is not PDF/TXT/MD/DOCX.
    """
    # Clients percent-encode control characters and quotes in multipart file names (WHATWG: %0A,
    # %0D, %22): decoded first, so "a%00b.txt" and "a\x00b.txt" are the same name.
    name = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), name or "")
    name = unicodedata.normalize("NFC", name)
    # Control, format (zero-width, BOM, bidi) and other invisible characters: two names that look
    # the same must be stored the same, so a collision is seen.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C") and ch not in _INVISIBLE)
    name = unicodedata.normalize("NFC", name)
    # Both separators: a Windows client sends backslashes.
    name = PurePosixPath(name.replace("\\", "/")).name
    name = _UNSAFE.sub("_", name)
    name = _RUNS.sub(lambda m: "_" if "_" in m.group() else " ", name).strip(" ._-")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(" ._-"):
        raise PolicyQAError.of("upload.bad_name", name=repr(name), allowed=", ".join(ALLOWED_SUFFIXES))
    suffix = "." + suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise PolicyQAError.of("upload.bad_type", suffix=repr(suffix), allowed=", ".join(ALLOWED_SUFFIXES))
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" ._-")
    return stem + suffix


def check_content(filename: str, data: bytes) -> None:
    """Reject files whose bytes cannot be what their name says (the loader checks the rest)."""
    if not data:
        raise PolicyQAError.of("upload.empty", filename=filename)
    if filename.endswith(".pdf"):
        if not data.lstrip()[:5] == b"%PDF-":
            raise InputFileError.of("upload.not_pdf", filename=filename)
    elif filename.endswith((".docx", ".doc")):
        from rag.docx_loader import check_word_bytes

        check_word_bytes(data, filename)  # legacy .doc, RTF, not a zip: say how to convert it
    elif b"\x00" in data[:65536]:
        # UTF-16 text is full of NULs: only bytes the loader cannot decode are binary.
        from rag.loaders import decode_text

        try:
            decode_text(data, filename)
        except InputFileError:
            raise InputFileError.of("upload.not_text", filename=filename) from None


log = logging.getLogger("policyqa.api")


@functools.cache
def _confusables() -> dict[str, str]:
    """Non-ASCII characters drawn like one ASCII letter or digit (Unicode's confusables data, as
    shipped by confusable-homoglyphs): Cyrillic "а", Greek "ο", Latin "ı" -> "a", "o", "i"."""
    from confusable_homoglyphs.confusables import confusables_data

    def drawn(text: str) -> bool:  # an ASCII letter or digit, maybe with marks ("D̵" for Đ and Ð)
        text = unicodedata.normalize("NFD", text)
        return text[:1].isascii() and text[:1].isalnum() and all(unicodedata.combining(c) for c in text[1:])

    table: dict[str, str] = {}
    for char, looks in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_like = {unicodedata.normalize("NFD", e["c"]) for e in looks if drawn(e["c"])}
        if len(ascii_like) == 1:
            table[char] = ascii_like.pop()
    return table


def name_key(filename: str) -> str:
    """What a name looks like, for comparing names: NFKC (fullwidth and mathematical letters are
    letters), then a confusables skeleton (each base letter drawn like an ASCII one becomes it;
    Vietnamese marks stay), then case-folded. "Кế hoạch.txt" (Cyrillic К), "ＫẾ HOẠCH.txt" and
    "𝐊ế hoạch.txt" all have the key of "kế hoạch.txt"."""
    table = _confusables()
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", filename))
    skeleton = "".join(table.get(ch, ch) for ch in decomposed)
    return unicodedata.normalize("NFC", skeleton).casefold()


def same_name(documents: Iterable[Document], folder: str, filename: str) -> Document | None:
    """The uploaded document whose stored name looks like ``filename``, if any: both canonical
    (``safe_filename``), then compared by ``name_key``."""
    want = name_key(filename)
    for doc in documents:
        parent, _, name = doc.source.rpartition("/")
        if parent != folder:
            continue
        try:
            stored = safe_filename(name)
        except PolicyQAError:  # a name stored before today's rules: compare it as it is
            stored = name
        if name_key(stored) == want:
            return doc
    return None


def collision(existing: Document) -> ConflictError:
    return ConflictError.of(
        "upload.exists", source=existing.source, doc_id=existing.id, access=existing.access
    )


class UploadGate:
    """Bounded uploads: at most ``workers`` parse and embed at once (one per core: each is a CPU-bound
    child process and an embedding run), ``queue`` more wait their turn, and past that an upload is
    refused at once with 503 and Retry-After (before its body is read, see ``api.deps.guard_upload``).
    Writers inside the gate take the index's write lock one at a time, each for a short swap, so an
    admitted upload never times out waiting for the others (no 409 after a minute)."""

    def __init__(self, workers: int, queue: int, retry_after_s: float = 10.0) -> None:
        self.workers = workers
        self.queue = queue
        self.retry_after_s = retry_after_s
        self._running = threading.Semaphore(workers)
        self._lock = threading.Lock()
        self._admitted = 0

    def full(self) -> bool:
        return self._admitted >= self.workers + self.queue

    def busy(self) -> ApiError:
        return ApiError(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "uploads_busy",
            "upload.busy",
            retry_after_s=self.retry_after_s,
            count=self.workers + self.queue,
            seconds=self.retry_after_s,
        )

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Admission at once (or ``busy()``), then a blocking wait for a worker (call it in a thread)."""
        with self._lock:
            if self.full():
                raise self.busy()
            self._admitted += 1
        try:
            with self._running:
                yield
        finally:
            with self._lock:
                self._admitted -= 1


def store_upload(
    assistant: Any,
    index: UploadsFolder | Path,
    filename: str,
    data: bytes,
    *,
    access: str,
    keep_access: bool,
    replace: bool,
    pause: Callable[[str], None] | None = None,
    dense_later: bool = False,
) -> tuple[IngestReport, Document | None]:
    """Ingest ``data`` as ``uploads/filename``; returns the report and the document it replaced.

    ``index``: the store's uploads folder (or an index directory, whose own folder it then is). The
    bytes go to a hidden temporary name, locked while this upload runs, are parsed and embedded
    from there, and take the real name only after the new index generation is current (under the
    write lock), so a crash at any moment leaves the folder and the index agreeing, up to leftovers
    that ``reconcile`` removes at start. ``keep_access``: a replaced document keeps its level.
    ``pause(stage)`` is for crash tests ("parsed", "swapped"). A full disk is ``disk_full`` (507),
    with nothing left behind.
    """
    uploads = index if isinstance(index, UploadsFolder) else UploadsFolder.of(index)
    uploads.claim()
    folder, root = uploads.path, uploads.root
    target = folder / filename
    if target.resolve().parent != folder.resolve():  # belt and braces after safe_filename
        raise PolicyQAError.of("upload.outside", filename=repr(filename))
    source = f"{uploads.prefix}/{filename}"
    replaced: list[Document] = []

    with partial_file(folder, filename, data) as partial:

        def before_commit(writer: Any, docs: list[Document]) -> None:
            # Again under the lock: another upload of the same name may have been committed meanwhile.
            existing = same_name(writer.base.documents(), uploads.prefix, filename)
            if existing is not None and not replace:
                raise collision(existing)
            level = existing.access if existing is not None and keep_access else access
            for doc in docs:
                doc.access = level
                for clause in doc.clauses:
                    clause.access = level
            if existing is not None:
                replaced.append(existing)
                if existing.source != source:  # a legacy spelling of the same name
                    writer.remove([existing.source])
            if pause is not None:
                pause("parsed")

        def after_commit() -> None:
            if pause is not None:
                pause("swapped")
            os.replace(partial, target)
            for old in replaced:
                if old.source != source:
                    (root / old.source).unlink(missing_ok=True)
            fsync_dir(folder)

        try:
            report = assistant.ingest_files(
                [SourceFile(path=partial, source=source, root=root)],
                access=access,
                before_commit=before_commit,
                after_commit=after_commit,
                dense_later=dense_later,
            )
        except OSError as exc:
            if exc.errno in DISK_FULL:
                raise disk_full(filename) from exc
            raise
    if report.failed:
        # The uploader named the file, not the folder it is kept in.
        errors = [e.replace(f"{source}: ", f"{filename}: ", 1) for e in report.errors]
        raise InputFileError("; ".join(errors) or messages.text("upload.failed", filename=filename))
    return report, (replaced[0] if replaced else None)


class DenseCompleter:
    """Adds the vectors of uploads written searchable lexically first, in one background thread:
    ``kick()`` after an upload (and once at start, for uploads a stopped server left pending)."""

    def __init__(self, assistant: Callable[[], Any]) -> None:
        self._assistant = assistant
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="policyqa-dense", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stopped = True
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopped:
                return
            try:
                generation = self._assistant().complete_dense()
                if generation:
                    log.info("uploads embedded: %s", generation)
            except Exception as exc:  # keep serving lexically; the next kick (or start) retries
                log.warning("embedding uploads failed, they stay searchable by their words: %s", exc)
