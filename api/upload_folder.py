"""Where uploaded originals live, whose they are, and making them agree with the index after a crash.

Every store has its own folder (``Settings.files_root``: the index directory itself, or
``var/files/<server-and-store>`` on Milvus, or ``POLICYQA_FILES``). The folder's ``uploads/`` carries a
marker naming the store that claimed it; a server only ever writes or cleans a folder its store
claimed, and only files it can prove are its store's:

- written after the claim (older files were there before anyone owned the folder: kept, logged),
- not a temporary upload another upload still holds (each running upload keeps an ``flock`` on its
  ``.partial-…`` file; the lock dies with its process), and not younger than any running upload,
- not named by the store's *current* documents, read after the folder was listed (a file renamed
  into place before the listing was committed before it, so the fresh read names it).
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import status

from api.errors import ApiError
from rag.hashing import file_sha256
from rag.records import Document

log = logging.getLogger("policyqa.api")

PARTIAL_PREFIX = ".partial-"
OWNER_MARKER = ".policyqa-owner.json"
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


@dataclass(frozen=True)
class UploadsFolder:
    """``root/uploads`` of one store. ``owner`` names the store (its location); ``inside_index``: the
    folder lies in the index directory itself, so it is that index's by place (a moved or copied
    index re-claims it)."""

    root: Path
    owner: str
    inside_index: bool = True

    @classmethod
    def of(cls, index: Path) -> UploadsFolder:
        """The uploads folder inside an index directory."""
        index = Path(index).resolve()
        return cls(index, str(index), True)

    @property
    def path(self) -> Path:
        return self.root / "uploads"

    @property
    def prefix(self) -> str:
        return "uploads"

    def claim(self) -> float:
        """Create the folder if needed and make sure it is this store's; returns when it was claimed
        (files older than that were not written by this store). Raises ``folder_taken``."""
        self.path.mkdir(parents=True, exist_ok=True)
        marker = self.path / OWNER_MARKER
        body = json.dumps({"store": self.owner}, ensure_ascii=False).encode("utf-8")
        try:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            owner = _owner_in(marker)
            if owner == self.owner:
                return marker.stat().st_mtime
            if not self.inside_index:
                raise folder_taken(self.path, owner) from None
            log.warning(
                "uploads: %s was claimed by %s; this index (moved or copied) claims it", self.path, owner
            )
            tmp = marker.with_name(f"{OWNER_MARKER}.{secrets.token_hex(4)}")
            tmp.write_bytes(body)
            os.replace(tmp, marker)
            return marker.stat().st_mtime
        try:
            os.write(fd, body)
            os.fsync(fd)
        finally:
            os.close(fd)
        return marker.stat().st_mtime


def _owner_in(marker: Path) -> str:
    try:
        return str(json.loads(marker.read_text(encoding="utf-8")).get("store", ""))
    except (OSError, ValueError, AttributeError):
        return "?"  # unreadable: not provably ours


def folder_taken(path: Path, owner: str) -> ApiError:
    return ApiError(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "uploads_folder_taken",
        "upload.folder_taken",
        path=path,
        owner=owner,
    )


def disk_full(filename: str) -> ApiError:
    return ApiError(
        status.HTTP_507_INSUFFICIENT_STORAGE,
        "disk_full",
        "upload.disk_full",
        filename=filename,
    )


@contextmanager
def partial_file(folder: Path, filename: str, data: bytes) -> Iterator[Path]:
    """``data`` in a hidden temporary file of ``folder``, locked (``flock``) until the block ends, so
    a reconcile in any process sees that its upload is still running. Removed at the end unless it
    was renamed into place. A full disk leaves nothing behind and raises ``disk_full``."""
    path = folder / f"{PARTIAL_PREFIX}{secrets.token_hex(6)}-{filename}"
    with _folder_lock(folder, fcntl.LOCK_SH):  # a reconcile never lists it created but not yet locked
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            if exc.errno in DISK_FULL:
                raise disk_full(filename) from exc
            raise
        yield path
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)  # releases the lock, after the file is renamed or removed


@contextmanager
def _folder_lock(folder: Path, how: int) -> Iterator[None]:
    """A short lock on the folder's marker: uploads share it while they create their temporary
    file, a reconcile holds it alone while it lists the folder."""
    fd = os.open(folder / OWNER_MARKER, os.O_RDONLY)
    try:
        fcntl.flock(fd, how)
        yield
    finally:
        os.close(fd)


def _running(path: Path) -> bool:
    """Another upload (any process) still holds this temporary file."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we took
    return False


def reconcile(
    folder: UploadsFolder | Path, documents: Callable[[], Iterable[Document]] | Iterable[Document]
) -> list[str]:
    """Make ``uploads/`` agree with the store after a crash; returns what was done, one line each.

    A temporary upload whose bytes the store already serves is renamed into place (the crash came
    between the swap and the rename); other dead temporary files, and files no document names (a
    deletion killed between the index and the folder), are removed, within the rules of the
    module docstring. ``documents`` is called after the folder is listed.
    """
    if isinstance(folder, Path):
        folder = UploadsFolder.of(folder)
    path, prefix = folder.path, folder.prefix
    if not path.is_dir():
        return []
    try:
        claimed = folder.claim()
    except ApiError as exc:
        return [f"not checked: {exc}"]
    with _folder_lock(path, fcntl.LOCK_EX):
        entries = _listed(path)
        running = {
            p.name: st.st_mtime for p, st in entries if p.name.startswith(PARTIAL_PREFIX) and _running(p)
        }
    oldest_running = min(running.values(), default=float("inf"))
    current = documents() if callable(documents) else documents
    served = {d.source: d for d in current if d.source.startswith(prefix + "/")}
    done: list[str] = []
    for file, st in entries:
        name = file.name
        if name in running or st.st_mtime >= oldest_running:
            continue  # younger than an upload still running: it may be that upload's
        if name.startswith(PARTIAL_PREFIX):
            real = name[len(PARTIAL_PREFIX) :].partition("-")[2]
            doc = served.get(f"{prefix}/{real}")
            if doc is not None and real and file_sha256(file) == doc.content_hash:
                os.replace(file, path / real)
                done.append(f"completed the interrupted upload of {prefix}/{real}")
                continue
            what = f"the unfinished upload {name}"
        elif name.startswith("."):
            what = f"the leftover {name}"
        elif f"{prefix}/{name}" not in served:
            what = f"{prefix}/{name}: no document in the index"
        else:
            continue
        if st.st_mtime < claimed:
            done.append(f"kept {what} (there before this store claimed the folder)")
            continue
        file.unlink(missing_ok=True)
        done.append(f"removed {what}")
    if done:
        fsync_dir(path)
    return done


def _listed(path: Path) -> list[tuple[Path, os.stat_result]]:
    entries = []
    for file in sorted(path.iterdir()):
        try:
            st = file.lstat()
        except FileNotFoundError:  # renamed or removed by an upload meanwhile
            continue
        if file.is_file() and not file.is_symlink() and file.name != OWNER_MARKER:
            entries.append((file, st))
    return entries


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
