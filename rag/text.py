"""Small pure text helpers shared by every stage (Vietnamese-aware)."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Diacritic-free, lower-case, whitespace-collapsed form: "Kế hoạch  Đ" -> "ke hoach d".

    This is the comparison form of the evaluation contract and of the lexical index's
    folded field, so text that lost its marks through OCR still matches.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = _COMBINING.sub("", decomposed).replace("đ", "d").replace("Đ", "D")
    return collapse_ws(stripped.lower())


def has_diacritics(text: str) -> bool:
    return fold(text) != collapse_ws(text.lower())


def fold_aligned(text: str) -> str:
    """Lower-case, diacritic-free, and the same length as NFC `text`, so spans found in it index the original."""
    out = []
    for ch in nfc(text):
        base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else "d"
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


_FOLDED_WORD = re.compile(r"[0-9a-z]+(?:[.,/\-][0-9a-z]+)*")


def folded_words(folded_text: str) -> list[str]:
    """Folded word tokens, numbers with their separators kept ("1.200", "10/10/2025", "15-nq/tw")."""
    return _FOLDED_WORD.findall(folded_text)
