"""A statement or a clause as tokens a verdict compares: folded words, numbers written one way
("05" = "5", "10.000.000" = "10000000", "0,5" = "0.5"), dates as one token ("01/7/2025" =
"01 tháng 7 năm 2025"), and the facts the tokens carry (negations, quantities, actors).

Pure functions over plain text; abbreviations of bodies are expanded first ("UBND" -> "Ủy ban
nhân dân") so that a statement and its clause name a body alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rag.text import fold_aligned, nfc
from rag.units import expand_abbreviations
from rag.values import canonical_number
from rag.verdicts.words import (
    ACTOR_LEVELS,
    ACTOR_PHRASES,
    CONDITION_WORDS,
    LIGHT_WORDS,
    LOCATOR_WORDS,
    NAMED_BODY_HEADS,
    NEGATION_MARKED,
    NEGATION_WORDS,
    NOT_BAN_AFTER,
    NOT_NEGATION_AFTER,
    OPPOSITES,
    SOURCE_OPENERS,
    SOURCE_WORDS,
)

_TOKEN = re.compile(
    r"(?P<date>(?P<d1>\d{1,2})\s*/\s*(?P<m1>\d{1,2})\s*/\s*(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s+nam\s+(?P<y2>\d{4}))"
    r"|(?P<number>\d+(?:[.,]\d+)*)(?:\s*\([a-z ]{1,24}\))?"  # "04 (bốn) giờ": the words repeat the number
    r"|(?P<percent>%)"
    r"|(?P<word>[a-z]+)"
)
_BREAK = re.compile(r"[,;:.()\[\]]")


@dataclass(frozen=True)
class Token:
    text: str  # folded and normalised: "5", "0.25", "10000000", "1/7/2025", "nguoi"
    kind: str  # "word", "number", "date"
    capital: bool  # written with a capital letter (a name's word)
    marked: str = ""  # the word with its marks, lower-case ("" when written without marks)
    after_break: bool = False  # a comma, semicolon, colon, bracket or full stop comes before it


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    original = expand_abbreviations(_MARKER.sub("", nfc(text)))
    folded = fold_aligned(original)
    out: list[Token] = []
    last = 0
    for m in _TOKEN.finditer(folded):
        brk = bool(_BREAK.search(folded, last, m.start()))
        last = m.end()
        if m.group("date"):
            d, mo, y = (m.group(k) for k in (("d1", "m1", "y1") if m.group("d1") else ("d2", "m2", "y2")))
            out.append(Token(f"{int(d)}/{int(mo)}/{y}", "date", False, after_break=brk))
        elif m.group("number"):
            out.append(Token(canonical_number(m.group("number")), "number", False, after_break=brk))
        elif m.group("percent"):
            out.append(Token("%", "word", False, after_break=brk))
        else:
            word = m.group("word")
            if word == "tram" and out and out[-1].text == "phan":
                out[-1] = Token("%", "word", False)  # "phần trăm" = "%"
                continue
            written = original[m.start() : m.end()].lower()
            capital = original[m.start()].isupper()
            out.append(Token(word, "word", capital, written if written != word else "", brk))
    return tuple(out)


def texts(toks: tuple[Token, ...]) -> list[str]:
    return [t.text for t in toks]


def weight(token: Token) -> float:
    """How much a token counts in coverage: facts and content words fully, light words a little."""
    if token.kind != "word":
        return 1.5
    return 0.3 if token.text in LIGHT_WORDS else 1.0


def _phrase_at(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i : i + len(phrase)]) == phrase


def negation_positions(words: list[str]) -> list[int]:
    """Where negation cues are: "không"/"chưa" (not bounds: "không quá"), bans ("nghiêm cấm")."""
    out = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in NEGATION_WORDS and nxt not in NOT_NEGATION_AFTER:
            out.append(i)
        elif w == "cam" and nxt not in NOT_BAN_AFTER:
            out.append(i)  # "cấm", "nghiêm cấm", "bị cấm": one cue
    return out


def negations(toks: tuple[Token, ...]) -> list[int]:
    """`negation_positions` of tokens, a word written with its marks a cue only as the cue's own
    word (folded "chua" is also "chứa" in "hồ chứa", "Chùa" in a name)."""
    return [
        i for i in negation_positions(texts(toks)) if not toks[i].marked or toks[i].marked in NEGATION_MARKED
    ]


_ACTOR_PHRASES = tuple(sorted((tuple(p.split()) for p in ACTOR_PHRASES), key=len, reverse=True))
_LEVELS = tuple(tuple(p.split()) for p in ACTOR_LEVELS)
_BODY_HEADS = tuple(sorted((tuple(p.split()) for p in NAMED_BODY_HEADS), key=len, reverse=True))


def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases by their first word, each list in the table's order (longest first stays first)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        out.setdefault(p[0], []).append(p)
    return out


_ACTORS_BY_FIRST = _by_first_word(_ACTOR_PHRASES)
_HEADS_BY_FIRST = _by_first_word(_BODY_HEADS)
_LEVELS_BY_FIRST = _by_first_word(_LEVELS)


def _first_at(words: list[str], i: int, table: dict[str, list[tuple[str, ...]]]) -> tuple[str, ...] | None:
    """The table's first phrase standing at i."""
    if i >= len(words):
        return None
    return next((p for p in table.get(words[i], ()) if _phrase_at(words, i, p)), None)


def actors(toks: tuple[Token, ...]) -> list[tuple[int, int, str]]:
    """(start, end, key) of who acts: a role or body of the vocabulary, with its level ("cấp xã")
    and its capitalised name ("Bộ Nội vụ" -> "bo noi vu")."""
    words = texts(toks)
    out = []
    i = 0
    while i < len(words):
        found = _first_at(words, i, _ACTORS_BY_FIRST)
        named = None
        if found is None:
            named = _first_at(words, i, _HEADS_BY_FIRST)
        head = found or named
        if head is None:
            i += 1
            continue
        end = i + len(head)
        # The body's or title's own name: capitalised words ("Bộ trưởng Bộ Tư pháp" -> "bo truong bo tu").
        while (
            end < len(words)
            and not toks[end].after_break  # "Ủy ban Thường vụ Quốc hội, Chính phủ": two actors
            and (toks[end].capital or (words[end] == "va" and end + 1 < len(words) and toks[end + 1].capital))
        ):
            end += 1
        level = _first_at(words, end, _LEVELS_BY_FIRST)
        if level:
            end += len(level)
        if named is None or (end > i + len(head) and toks[i + len(head)].capital):  # a bare "bộ" is no name
            out.append((i, end, " ".join(words[i:end])))
        i = end
    return out


_OPPOSITE = tuple((tuple(nfc(a).split()), tuple(nfc(b).split())) for a, b in OPPOSITES)
_RELATIONS = sorted({p for pair in _OPPOSITE for p in pair}, key=len, reverse=True)


class _PhraseTable:
    """Phrases with marks, looked up by a token's own word (its marks, else its folded form), in
    their table's order; each phrase's folded words computed once, not per comparison."""

    def __init__(self, phrases: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> None:
        self.phrases = [(p, tuple(fold_aligned(w) for w in p)) for p in phrases if p]
        self.by_marked: dict[str, list[int]] = {}
        self.by_folded: dict[str, list[int]] = {}
        for n, (p, folded) in enumerate(self.phrases):
            self.by_marked.setdefault(p[0], []).append(n)
            self.by_folded.setdefault(folded[0], []).append(n)

    def matches(self, toks: tuple[Token, ...], i: int) -> Iterator[tuple[str, ...]]:
        """The table's phrases standing at i, in the table's order."""
        tok = toks[i]
        for n in self.by_marked.get(tok.marked, ()) if tok.marked else self.by_folded.get(tok.text, ()):
            phrase, folded = self.phrases[n]
            if i + len(phrase) <= len(toks) and all(
                (t.marked == w) if t.marked else (t.text == f)
                for t, w, f in zip(toks[i : i + len(phrase)], phrase, folded, strict=True)
            ):
                yield phrase


_RELATION_TABLE = _PhraseTable(_RELATIONS)


def relations(toks: tuple[Token, ...]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, words) of bound, order and exception words ("tối đa", "trở lên", "trừ")."""
    out = []
    i = 0
    while i < len(toks):
        p = next(_RELATION_TABLE.matches(toks, i), None)
        if p is None:
            i += 1
            continue
        out.append((i, i + len(p), p))
        i += len(p)
    return out


_CONDITIONS = tuple(tuple(nfc(c).split()) for c in CONDITION_WORDS)
_CONDITION_TABLE = _PhraseTable(_CONDITIONS)


def conditions(toks: tuple[Token, ...]) -> list[int]:
    """Token positions of words that make a statement conditional ("nếu", "khi", "trường hợp")."""
    return [i for i in range(len(toks)) for _ in _CONDITION_TABLE.matches(toks, i)]


def opposite(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return (a, b) in _OPPOSITE or (b, a) in _OPPOSITE


def quantity_unit(toks: tuple[Token, ...], i: int) -> str | None:
    """The word that says what a number counts ("05 năm" -> "nam"), None for a locator's number."""
    if i > 0 and toks[i - 1].text in LOCATOR_WORDS:
        return None
    if i > 0 and toks[i - 1].text == "nam" and len(toks[i].text) == 4:
        return "year"  # "năm 2025"
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or nxt.kind != "word" or nxt.text in LIGHT_WORDS:
        return ""
    return nxt.text


_MARKER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[-+•])\s+")
_SOURCE = re.compile(
    r"^(?:" + "|".join(SOURCE_OPENERS) + r")\s+(?P<source>[^:]{2,100}?(?:\d{4}|\d+/[\w/-]+|\bnay))\s*[,:]\s*"
    r"|^(?:" + "|".join(SOURCE_OPENERS) + r")\s+(?P<short>[^,:]{2,90})[,:]\s*"
)

_SHORT_SOURCE = re.compile(
    r"^(?:" + "|".join(SOURCE_OPENERS) + r")\s+(?P<source>)(?P<short>[^,:]{2,90})[,:]\s*"
)


def claim(text: str) -> str:
    """A statement without the words naming its source ("Theo Luật Cán bộ, công chức 2025, …")."""
    text = text.strip()
    folded = fold_aligned(nfc(text))
    m = _SOURCE.match(folded)
    if m and m.group("source") and "," in m.group("source"):
        # "Theo Chỉ thị 06 của tỉnh, Chỉ thị số 31 ngày 06/6/2023 …": past its first comma the source
        # names another document, which the claim is about ("Luật Cán bộ, công chức 2025" does not).
        rest = m.group("source").split(",", 1)[1]
        if any(re.search(rf"\b{w}\b", rest) for w in SOURCE_WORDS):
            m = _SHORT_SOURCE.match(folded)
    if m:
        source = m.group("source") or m.group("short")
        if any(re.search(rf"\b{w}\b", source) for w in SOURCE_WORDS) or "/" in source:
            return text[m.end() :]
    m = re.match(r"^([^,:]{2,40}\d+/[^,:]{2,30}):\s*", folded)  # "NĐ 304/2025: …"
    return text[m.end() :] if m else text
