"""Diacritic restoration for answer text built from OCR output that lost its marks.

Citations always quote the stored text; only the answer a person reads first is made
readable. The model is the corpus itself: for each folded word (and word pair) the most
frequent marked spelling in documents that kept their diacritics. Pure and small.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from rag.text import fold

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Digits OCR reads in place of marked vowels ("s6" for "số", "d6i" for "đổi").
_OCR_DIGITS = str.maketrans({"6": "o", "0": "o", "8": "a"})
_VIETNAMESE_MARKS = re.compile(
    r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)


def diacritic_ratio(text: str) -> float:
    """Share of words carrying Vietnamese marks (about 0.6-0.8 in normal text)."""
    words = _WORD.findall(text)
    if not words:
        return 1.0
    return sum(1 for w in words if _VIETNAMESE_MARKS.search(w)) / len(words)


def lost_diacritics(text: str, threshold: float = 0.35) -> bool:
    return len(text) > 40 and diacritic_ratio(text) < threshold


class DiacriticRestorer:
    def __init__(self, texts: Iterable[str]) -> None:
        unigrams: dict[str, Counter[str]] = defaultdict(Counter)
        bigrams: dict[tuple[str, str], Counter[tuple[str, str]]] = defaultdict(Counter)
        for text in texts:
            words = [w.lower() for w in _WORD.findall(text)]
            for w in words:
                unigrams[fold(w)][w] += 1
            for a, b in zip(words, words[1:], strict=False):
                bigrams[(fold(a), fold(b))][(a, b)] += 1
        self.unigrams = {k: c.most_common(1)[0][0] for k, c in unigrams.items()}
        self.bigrams = {k: c for k, c in bigrams.items()}

    def _key(self, token: str) -> str:
        key = fold(token)
        if key.isdigit() or not re.search(r"\d", key):
            return key
        repaired = key.translate(_OCR_DIGITS)
        return repaired if repaired.isalpha() and repaired in self.unigrams else key

    def restore(self, text: str) -> str:
        matches = [m for m in _TOKEN.finditer(text) if not m.group(0).isdigit()]
        keys = [self._key(m.group(0)) for m in matches]
        out, last = [], 0
        for i, m in enumerate(matches):
            word = m.group(0)
            choice = self._choose(keys, i) or word
            if word.isupper() and len(word) == 1 and len(choice) > 1:
                choice = word  # a lone capital is an initial, not a word
            if word[:1].isupper():
                choice = choice[:1].upper() + choice[1:]
            if word.isupper() and len(word) > 1:
                choice = choice.upper()
            out.append(text[last : m.start()])
            out.append(choice)
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    def _choose(self, keys: list[str], i: int) -> str | None:
        votes: Counter[str] = Counter()
        if i > 0 and (keys[i - 1], keys[i]) in self.bigrams:
            for (_, b), n in self.bigrams[(keys[i - 1], keys[i])].items():
                votes[b] += n
        if i + 1 < len(keys) and (keys[i], keys[i + 1]) in self.bigrams:
            for (a, _), n in self.bigrams[(keys[i], keys[i + 1])].items():
                votes[a] += n
        if votes:
            return votes.most_common(1)[0][0]
        return self.unigrams.get(keys[i])
