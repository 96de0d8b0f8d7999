"""Uploaded files: canonical names, cheap content checks, and saving without losing what was there."""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from index.store import file_sha256
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
PARTIAL_PREFIX = ".partial-"


def same_name(documents: Iterable[Document], folder: str, filename: str) -> Document | None:
    """The uploaded document whose stored name is ``filename`` once both are canonical, if any."""
    for doc in documents:
        parent, _, name = doc.source.rpartition("/")
        if parent != folder:
            continue
        try:
            if safe_filename(name) == filename:
                return doc
        except PolicyQAError:  # a name stored before today's rules: compare it as it is
            if name == filename:
                return doc
    return None


def collision(existing: Document) -> ConflictError:
    return ConflictError.of(
        "upload.exists", source=existing.source, doc_id=existing.id, access=existing.access
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_upload(
    assistant: Any,
    index: Path,
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

    The bytes go to a hidden temporary name, are parsed and embedded from there, and take the
    real name only after the new index generation is current (under the write lock), so a crash
    at any moment leaves the folder and the index agreeing, up to leftovers that ``reconcile``
    removes at start. ``keep_access``: a replaced document keeps its level. ``pause(stage)`` is
    for crash tests ("parsed", "swapped").
    """
    folder = index / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    if target.resolve().parent != folder.resolve():  # belt and braces after safe_filename
        raise PolicyQAError.of("upload.outside", filename=repr(filename))
    prefix = folder.relative_to(index).as_posix()
    source = f"{prefix}/{filename}"
    partial = folder / f"{PARTIAL_PREFIX}{secrets.token_hex(6)}-{filename}"
    replaced: list[Document] = []

    def before_commit(writer: Any, docs: list[Document]) -> None:
        # Again under the lock: another upload of the same name may have been committed meanwhile.
        existing = same_name(writer.base.documents(), prefix, filename)
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
                (index / old.source).unlink(missing_ok=True)
        _fsync_dir(folder)

    with partial.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        report = assistant.ingest_files(
            [SourceFile(path=partial, source=source, root=index)],
            access=access,
            before_commit=before_commit,
            after_commit=after_commit,
            dense_later=dense_later,
        )
    finally:
        partial.unlink(missing_ok=True)
    if report.failed:
        # The uploader named the file, not the folder it is kept in.
        errors = [e.replace(f"{source}: ", f"{filename}: ", 1) for e in report.errors]
        raise InputFileError("; ".join(errors) or messages.text("upload.failed", filename=filename))
    return report, (replaced[0] if replaced else None)


def reconcile(index: Path, documents: Iterable[Document]) -> list[str]:
    """Make ``uploads/`` agree with the index after a crash; returns what was done, one line each.

    A temporary upload whose bytes the index already serves is renamed into place (the crash came
    between the swap and the rename); other temporary files, and files no document points to
    (a deletion killed between the index and the folder), are removed.
    """
    folder = index / "uploads"
    if not folder.is_dir():
        return []
    prefix = folder.relative_to(index).as_posix()
    served = {d.source: d for d in documents if d.source.startswith(prefix + "/")}
    done: list[str] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        if path.name.startswith(PARTIAL_PREFIX):
            name = path.name[len(PARTIAL_PREFIX) :].partition("-")[2]
            doc = served.get(f"{prefix}/{name}")
            if doc is not None and name and file_sha256(path) == doc.content_hash:
                os.replace(path, folder / name)
                done.append(f"completed the interrupted upload of {prefix}/{name}")
            else:
                path.unlink()
                done.append(f"removed the unfinished upload {path.name}")
        elif path.name.startswith("."):
            path.unlink()  # a backup of the previous upload scheme
            done.append(f"removed the leftover {path.name}")
        elif f"{prefix}/{path.name}" not in served:
            path.unlink()
            done.append(f"removed {prefix}/{path.name}: no document in the index")
    if done:
        _fsync_dir(folder)
    return done


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
