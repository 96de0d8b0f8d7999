"""Pure parts of uploads: canonical file names, content sniffing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.uploads import ALLOWED_SUFFIXES, check_content, safe_filename
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
        ("ha\u0300 no\u0302\u0323i.txt", "hà nội.txt"),  # NFD -> NFC
        ("a\u200bb\u2060c\ufeff.TXT", "abc.txt"),  # zero-width characters, upper-case extension
        ("a%00b%0A.txt", "ab.txt"),  # a client's percent-encoded controls
        ("plan.txt ", "plan.txt"),
        ("plan.txt/", "plan.txt"),
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
