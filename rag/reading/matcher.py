"""One matcher for the labelled wording tables: patterns are data, this compiles and applies them.

Modelled on spaCy's ``Matcher``: each ``Wording`` is a label with a pattern (a regular expression
over the folded question: no marks, lower-case), optional patterns that must match too
(``also``) or must not (``unless``), and the phrasings it is meant to read (``examples``, checked
by tests/rag/test_reading_wordings.py). ``{NAME}`` in a pattern stands for a shared alternation
(``MACROS`` of the table: document types, person titles, …), so one word list serves every
wording that needs it. Patterns must stay linear-time: no nested quantifiers over overlapping
classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    label: str
    pattern: str
    examples: tuple[str, ...] = ()  # phrasings (as typed) it reads
    also: tuple[str, ...] = ()  # each must match as well
    unless: tuple[str, ...] = ()  # none may match
    why: str = ""  # what the wording is, when the label does not say it


@dataclass(frozen=True)
class _Compiled:
    wording: Wording
    pattern: re.Pattern[str]
    also: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]

    def search(self, folded: str) -> re.Match[str] | None:
        m = self.pattern.search(folded)
        if m is None:
            return None
        if any(p.search(folded) is None for p in self.also) or any(p.search(folded) for p in self.unless):
            return None
        return m


def expand(pattern: str, macros: Mapping[str, str]) -> str:
    """``{NAME}`` -> the macro's alternation (as a non-capturing group); regex counts stay as written."""
    return re.sub(r"\{([A-Z_]+)\}", lambda m: f"(?:{macros[m.group(1)]})", pattern)


class Matcher:
    """Compiled wordings, tried in table order."""

    def __init__(self, wordings: Sequence[Wording], macros: Mapping[str, str] | None = None) -> None:
        macros = macros or {}
        self.wordings = tuple(wordings)
        self._compiled = tuple(
            _Compiled(
                w,
                re.compile(expand(w.pattern, macros)),
                tuple(re.compile(expand(p, macros)) for p in w.also),
                tuple(re.compile(expand(p, macros)) for p in w.unless),
            )
            for w in self.wordings
        )

    def matches(self, folded: str) -> Iterator[tuple[Wording, re.Match[str]]]:
        """Every wording that reads the text, in table order, with its match."""
        for c in self._compiled:
            m = c.search(folded)
            if m is not None:
                yield c.wording, m

    def first(self, folded: str) -> str | None:
        """The label of the first wording that reads the text (the table's order is its priority)."""
        return next((w.label for w, _ in self.matches(folded)), None)

    def labels(self, folded: str) -> frozenset[str]:
        return frozenset(w.label for w, _ in self.matches(folded))

    def find(self, folded: str, label: str) -> re.Match[str] | None:
        """The first match of a wording with this label."""
        return next((m for w, m in self.matches(folded) if w.label == label), None)

    def spans(self, folded: str) -> list[tuple[str, int, int]]:
        """Every place a wording reads the text, as (label, start, end) in text order; a place
        overlapping one an earlier wording of the table read is that earlier wording's."""
        taken: list[tuple[str, int, int]] = []
        for c in self._compiled:
            if any(p.search(folded) is None for p in c.also) or any(p.search(folded) for p in c.unless):
                continue
            for m in c.pattern.finditer(folded):
                if not any(m.start() < end and start < m.end() for _, start, end in taken):
                    taken.append((c.wording.label, m.start(), m.end()))
        return sorted(taken, key=lambda t: t[1])

    def reads(self, wording: Wording, folded: str) -> bool:
        """Does this one wording read the text (for the tests of its examples)?"""
        c = next(c for c in self._compiled if c.wording is wording)
        return c.search(folded) is not None
