"""The messages table: every text a person reads outside an answer is Vietnamese, fills cleanly,
and errors carry a stable code beside it."""

from __future__ import annotations

import re
import string

import pytest

from rag import messages
from rag.errors import (
    ConflictError,
    IndexNotFoundError,
    InputFileError,
    LimitExceededError,
    NotFoundError,
    PolicyQAError,
)

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
# English words that once reached people in these messages.
ENGLISH = re.compile(
    r"\b(the|file|is|not|too|many|retry|error|failed|cannot|must|index|please|limit|empty)\b", re.I
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(messages.MESSAGES))
def test_every_message_is_vietnamese_and_fills(key: str) -> None:
    template = messages.MESSAGES[key]
    filled = messages.text(key, **{name: "X" for name in _fields(template)})
    assert "{" not in filled and "}" not in filled
    # What the message itself says: placeholders, flags, commands and settings' names left out.
    static = re.sub(r"\{[^}]*\}|--?[\w-]+|\b[A-Z_]{3,}\b|policyqa \w+|'[^']*'|\w+=\w+|%\w+", " ", template)
    if len(re.findall(r"\w+", static)) > 2:  # "trang {page}: {why}" is too short to tell
        assert VIETNAMESE.search(static), (key, template)
    assert not ENGLISH.search(static), (key, template)


def test_numbers_are_written_the_vietnamese_way() -> None:
    assert messages.number(1234567) == "1.234.567"
    assert messages.number(2.5) == "2,5"
    assert messages.number(57.0) == "57"
    assert messages.percent(0.456) == "46%" and messages.percent(0.0051, digits=1) == "0,5%"
    text = messages.text("file.too_large", source="a.pdf", size=60_000_000, limit=50_000_000)
    assert text == "a.pdf: tệp quá lớn (60.000.000 byte; giới hạn 50.000.000 byte)"


def test_errors_carry_their_text_and_a_stable_code() -> None:
    exc = InputFileError.of("pdf.encrypted", source="kh.pdf")
    assert str(exc) == "kh.pdf: tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại"
    assert exc.code == "unreadable_file"
    for cls in (PolicyQAError, InputFileError, LimitExceededError, NotFoundError, ConflictError):
        assert cls("x").code in messages.ERROR_CODES
    assert IndexNotFoundError.of("index.missing", location="var/index").code == "index_missing"
    assert PolicyQAError("x", code="busy").code == "busy"


def test_dates_are_written_day_first() -> None:
    assert messages.date("2025-10-10") == "10/10/2025"
    assert messages.date("2025-08") == "08/2025"
    assert messages.date("") == "" and messages.date("quý IV") == "quý IV"


def test_the_cli_help_is_vietnamese() -> None:
    from rag.cli import build_parser

    parser = build_parser()
    helps = [parser.format_help()] + [
        sub.format_help()
        for a in parser._actions
        if hasattr(a, "choices") and a.choices
        for sub in a.choices.values()
    ]
    for text in helps:
        assert text.startswith("Cách dùng: ") and "hiện hướng dẫn này rồi thoát" in text
        assert "usage:" not in text and "show this help" not in text and "options:" not in text
