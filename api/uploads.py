"""Uploaded files: safe names, cheap content checks, and saving without losing what was there."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from rag.errors import InputFileError, PolicyQAError

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md", ".docx", ".doc")  # .doc only to be told to convert it
MAX_NAME_CHARS = 150
_UNSAFE = re.compile(r"[^\w\-.() ]+")  # \w keeps Vietnamese letters
_RUNS = re.compile(r"[\s_]*_[\s_]*|\s+")


def safe_filename(name: str) -> str:
    """A file name with no path, no control characters and no leading dots; keeps Vietnamese letters.

    "../../etc/passwd.txt" -> "passwd.txt"; "C:\\x\\Kế hoạch.pdf" -> "Kế hoạch.pdf".
    Raises PolicyQAError when nothing usable is left or the type is not PDF/TXT/MD/DOCX.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    # Both separators: a Windows client sends backslashes.
    name = PurePosixPath(name.replace("\\", "/")).name
    name = _UNSAFE.sub("_", name)
    name = _RUNS.sub(lambda m: "_" if "_" in m.group() else " ", name).strip(" ._-")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(" ._-"):
        raise PolicyQAError(
            f"unusable file name {name!r}: give the file a name ending in {', '.join(ALLOWED_SUFFIXES)}"
        )
    suffix = "." + suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise PolicyQAError(f"unsupported file type {suffix!r}: upload {', '.join(ALLOWED_SUFFIXES)}")
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" ._-")
    return stem + suffix


def check_content(filename: str, data: bytes) -> None:
    """Reject files whose bytes cannot be what their name says (the loader checks the rest)."""
    if not data:
        raise PolicyQAError(f"{filename} is empty")
    if filename.endswith(".pdf"):
        if not data.lstrip()[:5] == b"%PDF-":
            raise InputFileError(f"{filename} is not a PDF file (no %PDF- header)")
    elif filename.endswith((".docx", ".doc")):
        from rag.docx_loader import check_word_bytes

        check_word_bytes(data, filename)  # legacy .doc, RTF, not a zip: say how to convert it
    elif b"\x00" in data[:65536]:
        # UTF-16 text is full of NULs: only bytes the loader cannot decode are binary.
        from rag.loaders import decode_text

        try:
            decode_text(data, filename)
        except InputFileError:
            raise InputFileError(f"{filename} is not a text file (it contains binary data)") from None


@contextmanager
def saved(folder: Path, filename: str, data: bytes) -> Iterator[Path]:
    """Write ``data`` to ``folder/filename`` for the duration of the block.

    If the block raises, the new file is removed and any file it replaced comes back,
    so a failed upload loses nothing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    if target.resolve().parent != folder.resolve():  # belt and braces after safe_filename
        raise PolicyQAError(f"refusing to write outside the uploads folder: {filename!r}")
    backup = folder / f".{filename}.previous"
    partial = folder / f".{filename}.partial"
    partial.write_bytes(data)
    had_previous = target.exists()
    if had_previous:
        os.replace(target, backup)
    os.replace(partial, target)
    try:
        yield target
    except BaseException:
        target.unlink(missing_ok=True)
        if had_previous:
            os.replace(backup, target)
        raise
    else:
        backup.unlink(missing_ok=True)
