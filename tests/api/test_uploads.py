"""Pure parts of uploads: file-name sanitising, content sniffing, save-and-restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.uploads import ALLOWED_SUFFIXES, check_content, safe_filename, saved
from rag.errors import InputFileError, PolicyQAError


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\Kế hoạch 58.pdf", "Kế hoạch 58.pdf"),
        ("/abs/path/report.MD", "report.md"),
        ("a\x00b\nc\x1b.txt", "abc.txt"),
        ("  .hidden.md", "hidden.md"),
        ("Báo cáo số 12?*<>.pdf", "Báo cáo số 12.pdf"),
    ],
)
def test_safe_filename_strips_paths_and_controls(given_name: str, expected: str) -> None:
    assert safe_filename(given_name) == expected


@pytest.mark.parametrize("bad", ["..", "", "....pdf", "/", "x.exe", "noextension", "a.pdf.sh"])
def test_safe_filename_rejects_unusable_names(bad: str) -> None:
    with pytest.raises(PolicyQAError):
        safe_filename(bad)


@given(st.text(max_size=300))
def test_safe_filename_never_escapes_the_folder(name: str) -> None:
    try:
        cleaned = safe_filename(name + ".txt")
    except PolicyQAError:
        return
    assert "/" not in cleaned and "\\" not in cleaned
    assert not cleaned.startswith(".")
    assert cleaned.endswith(ALLOWED_SUFFIXES)
    assert len(cleaned) <= 150
    assert all(ch.isprintable() for ch in cleaned)


def test_check_content_sniffs_type() -> None:
    check_content("a.pdf", b"%PDF-1.7\n...")
    check_content("a.txt", "Kế hoạch".encode())
    with pytest.raises(InputFileError):
        check_content("a.pdf", b"hello, not a pdf")
    with pytest.raises(InputFileError):
        check_content("a.txt", b"\x00\x01binary")
    with pytest.raises(PolicyQAError):
        check_content("a.txt", b"")


def test_saved_restores_the_previous_file_on_failure(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("old")
    with pytest.raises(RuntimeError), saved(tmp_path, "doc.txt", b"new") as path:
        assert path.read_bytes() == b"new"
        raise RuntimeError("ingest failed")
    assert (tmp_path / "doc.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.txt"]


def test_saved_removes_a_new_file_on_failure_and_keeps_it_on_success(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), saved(tmp_path, "new.txt", b"x"):
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []
    with saved(tmp_path, "new.txt", b"y") as path:
        pass
    assert path.read_bytes() == b"y"
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]
