"""How trustworthy a page's text layer is, and repairs of layers whose font map is consistently wrong.

Pure. A PDF page's text layer may come from Word (good), from a publisher whose font maps
"Đ" to "ð" (every "đ" word lost to search), or from a scanner's OCR made without Vietnamese
("CQNG ROA xA HOI CHU NGHiA VItT NAM"). A "has ≥ 20 characters" test trusts all three. This
module scores a layer by what a reader of Vietnamese would notice:

- the share of letter runs that are well-formed Vietnamese syllables (onset, rhyme, one tone
  mark, one letter case), upper-case acronyms ("UBND", "HĐXTH") left out of the count;
- the share of syllables that carry a Vietnamese diacritic (Vietnamese prose: ≈ 50–70 %; a
  layer OCR'd without Vietnamese data: ≈ 0);
- control, replacement and private-use characters;
- fragmentation: a layer written glyph by glyph ("L" / "uật") reads as many very short lines.

``repair_layer`` tries the mis-maps in ``rag.vocabulary.FONT_MAP_REPAIRS`` and keeps a repair
only when it raises the syllable score (measured, never assumed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.vocabulary import FONT_MAP_REPAIRS

# Thresholds set on the real files of the files/ dev set (docs/parser.md has the table): good Word,
# Công báo and ABBYY layers read ≥ 0.96 syllables (0.86 with "ð" for "Đ", before its repair) and
# ≥ 0.76 with marks; a scanner's layer without Vietnamese 0.54 and 0.00; a Foxit layer written
# glyph by glyph 0.78 with half its lines one or two characters long.
MIN_SYLLABLE_SHARE = 0.82
MIN_DIACRITIC_SHARE = 0.2
MAX_BAD_CHAR_SHARE = 0.02
MAX_SHORT_LINE_SHARE = 0.35
MIN_SCORED_RUNS = 12  # fewer letter runs than this: too little text to judge (a title page, a stamp)

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])"
_RHYME = r"(?:[ou])?(?:iê|yê|ia|ya|uô|ua|ươ|ưa|uơ|oo|[aăâeêioôơuưy])(?:ch|nh|ng|[cmnpt]|[iyou])?"
_SYLLABLE = re.compile(rf"^{_ONSET}?{_RHYME}$|^gi$")
_RUN = re.compile(r"[^\W\d_]+")
_VIET_MARKED = set("ăâêôơưđ")
_ACRONYM_LETTERS = set("ABCDĐEGHIKLMNOPQRSTUVXY")


@dataclass(frozen=True)
class LayerQuality:
    runs: int  # letter runs scored (acronyms left out)
    syllable_share: float  # well-formed Vietnamese syllables among them
    diacritic_share: float  # syllables that carry a Vietnamese mark
    bad_char_share: float  # control / replacement / private-use characters among visible ones
    short_line_share: float  # non-blank lines of one or two visible characters

    @property
    def score(self) -> float:
        """One number to compare two readings of a page (higher is better)."""
        if not self.runs:
            return 0.0
        return (
            self.syllable_share
            * min(1.0, 0.5 + self.diacritic_share)
            * (1.0 - min(1.0, 5 * self.bad_char_share))
            * (1.0 - self.short_line_share / 2)
        )

    def acceptable(self) -> bool:
        """Whether a reader would trust this layer (too little text to judge counts as trusted)."""
        if self.runs < MIN_SCORED_RUNS:
            return self.bad_char_share <= MAX_BAD_CHAR_SHARE
        return (
            self.syllable_share >= MIN_SYLLABLE_SHARE
            and self.diacritic_share >= MIN_DIACRITIC_SHARE
            and self.bad_char_share <= MAX_BAD_CHAR_SHARE
            and self.short_line_share <= MAX_SHORT_LINE_SHARE
        )

    def describe(self) -> str:
        return (
            f"{self.syllable_share:.0%} well-formed syllables, {self.diacritic_share:.0%} with marks, "
            f"{self.bad_char_share:.1%} bad characters, {self.short_line_share:.0%} broken lines"
        )


def _strip_tones(word: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(1 for ch in decomposed if ch in _TONES)
    base = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", base), tones


def is_syllable(run: str) -> bool:
    """A well-formed Vietnamese syllable in one case: "Nghĩa", "HÒA", "được"; not "NGHiA", "CØNG"."""
    if not (run.islower() or run.isupper() or (run[0].isupper() and (len(run) == 1 or run[1:].islower()))):
        return False
    base, tones = _strip_tones(run.lower())
    return tones <= 1 and bool(_SYLLABLE.match(base))


def _is_acronym(run: str) -> bool:
    return len(run) >= 2 and run.isupper() and all(ch in _ACRONYM_LETTERS for ch in run)


def _bad_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch == "\ufffd" or cat in ("Co", "Cs") or (cat == "Cc" and ch not in "\t\n\r\f\v")


def layer_quality(text: str) -> LayerQuality:
    runs = _RUN.findall(text)
    scored = good = marked = 0
    for run in runs:
        if _is_acronym(run) and not is_syllable(run):
            continue
        scored += 1
        if is_syllable(run):
            good += 1
            folded = unicodedata.normalize("NFD", run.lower())
            if any(ch in _TONES for ch in folded) or any(ch in _VIET_MARKED for ch in run.lower()):
                marked += 1
    visible = [ch for ch in text if not ch.isspace()]
    bad = sum(1 for ch in visible if _bad_char(ch))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    short = sum(1 for ln in lines if len(ln) <= 2)
    return LayerQuality(
        runs=scored,
        syllable_share=good / scored if scored else 0.0,
        diacritic_share=marked / good if good else 0.0,
        bad_char_share=bad / len(visible) if visible else 0.0,
        short_line_share=short / len(lines) if lines else 0.0,
    )


def repair_layer(text: str) -> tuple[str, str]:
    """(text, name of the repair applied or "") for a layer with a consistent font-map fault.

    A repair is kept only when it makes more letter runs well-formed syllables than before.
    """
    best, best_name = text, ""
    best_q = layer_quality(text)
    for name, mapping in FONT_MAP_REPAIRS.items():
        if not any(bad in text for bad in mapping):
            continue
        fixed = text.translate(str.maketrans(mapping))
        q = layer_quality(fixed)
        if q.syllable_share > best_q.syllable_share + 0.005 and q.runs >= best_q.runs * 0.9:
            best, best_name, best_q = fixed, name, q
    return best, best_name
