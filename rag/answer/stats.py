"""What the answerer asks about the whole corpus, behind one small interface.

``ViewStats`` answers from a corpus view holding every document (the embedded index: exact, as
before). ``KeyedStats`` answers from statistics a store keeps at ingest (index.corpus_stats
keys), looked up per question in batches, so a reader's memory does not grow with the corpus.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

from rag.answer.corpus import CorpusView
from rag.answer.text import spaced
from rag.matching import ABBREVIATIONS_FOLDED


def initials_pattern(letters: str) -> str:
    """An abbreviation's letters as the initials of consecutive words ("kcn": khu công nghiệp)."""
    return r"[\s,;\-]+(?:va\s+)?".join(rf"{ch}\w*" for ch in letters)


_WORD = re.compile(r"\w+")
_LINK = re.compile(r"[\s,;\-]+")
_SPACES = re.compile(r"\s+")


def initial_chains(text: str) -> frozenset[str]:
    """Each run of words of ``text`` joined only by spaces, commas, semicolons or hyphens (what
    ``initials_pattern`` lets stand between two words) as the string of its words' first
    characters; a "va" followed by spaces inside a run is "V": the pattern may skip it or read it
    as a word starting with v. Distinct runs only: the table grows with the distinct wordings of
    the corpus, not with its size, and an abbreviation is looked up in it (``knows_initials``)."""
    chains: set[str] = set()
    run: list[str] = []
    words = list(_WORD.finditer(text))
    for i, word in enumerate(words):
        gap = text[word.end() : words[i + 1].start()] if i + 1 < len(words) else ""
        linked = bool(gap) and _LINK.fullmatch(gap) is not None
        first = word.group(0)[0]
        if word.group(0) == "va" and linked and _SPACES.fullmatch(gap):
            first = "V"
        run.append(first)
        if not linked:
            chains.add("".join(run))
            run = []
    return frozenset(chains)


def knows_initials(chains: str, letters: str) -> bool:
    """``re.search(initials_pattern(letters), text)`` on the text ``chains`` (its
    ``initial_chains``, one a line) was made from: the letters as consecutive initials of a run."""
    if not letters:
        return False
    cls = {ch: "[vV]" if ch == "v" else re.escape(ch) for ch in set(letters)}
    pattern = cls[letters[0]] + "".join("V?" + cls[ch] for ch in letters[1:])
    return re.search(pattern, chains) is not None


class CorpusStats(Protocol):
    @property
    def n_clauses(self) -> int: ...
    @property
    def empty(self) -> bool: ...
    def prefetch(self, words: Iterable[str], terms: Iterable[str]) -> None: ...
    def warm(self) -> None: ...
    def df(self, term: str, marked: bool) -> int: ...
    def knows_word(self, word: str) -> bool: ...
    def knows_syllable(self, syllable: str) -> bool: ...
    def knows_phrase(self, syllables: list[str]) -> bool: ...
    def knows_acronym(self, letters: str, folded: str) -> bool: ...
    def mentions_year(self, year: str) -> bool: ...
    def mentions_number(self, digits: str) -> bool: ...
    def document_share(self, word: str) -> float: ...


class ViewStats:
    """Statistics of a view over every document, computed from its text."""

    def __init__(self, view: CorpusView, vocabulary: frozenset[str]) -> None:
        self.view = view
        self.vocabulary = vocabulary
        self.syllables = frozenset(s for w in vocabulary for s in w.split("_"))
        self._spaced_text: str | None = None
        self._pairs: frozenset[str] = frozenset()  # adjacent words of the spaced text, "a b"
        self._numbers: frozenset[str] = frozenset()  # the text's numbers standing alone (\b\d+\b)
        self._digit_runs: frozenset[str] = frozenset()  # its maximal runs of ASCII digits
        self._years: dict[str, bool] = {}
        self._shares: dict[str, float] = {}
        self._acronyms: dict[tuple[str, str], bool] = {}
        self._words: frozenset[str] = frozenset()  # the text's words (\w+)
        self._chains = ""  # its distinct runs of initials, one a line (initial_chains)
        # The documents using each word and each pair of adjacent words of their text (bit i:
        # the i-th document), so a word's share of documents is a lookup, not a pass over them.
        self._doc_words: dict[str, int] = {}
        self._doc_pairs: dict[str, int] = {}
        self._doc_order: list[str] = []

    def warm(self) -> None:
        """Build the tables the checks below read (once per view; a server does it at start-up):
        per question they cost lookups, not a pass over the corpus's text."""
        if self._spaced_text is not None:
            return
        text = spaced(" ".join(c.text.lower() for c in self.view.clauses.values()))
        words = text.split(" ")
        self._pairs = frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a and b)
        self._numbers = frozenset(re.findall(r"\b\d+\b", self.view.all_text))
        self._digit_runs = frozenset(re.findall(r"[0-9]+", self.view.all_text))
        self._words = frozenset(_WORD.findall(self.view.all_text))
        self._chains = "\n".join(sorted(initial_chains(self.view.all_text)))
        self._index_documents()
        self._spaced_text = text

    def _index_documents(self) -> None:
        self._doc_order = list(self.view.documents)
        for i, doc_id in enumerate(self._doc_order):
            bit = 1 << i
            words = self.view.spaced_document(doc_id).split(" ")
            for w in set(words):
                if w:
                    self._doc_words[w] = self._doc_words.get(w, 0) | bit
            for pair in {f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a and b}:
                self._doc_pairs[pair] = self._doc_pairs.get(pair, 0) | bit

    @property
    def n_clauses(self) -> int:
        return max(1, len(self.view.clauses))

    @property
    def empty(self) -> bool:
        return not self.vocabulary

    def prefetch(self, words: Iterable[str], terms: Iterable[str]) -> None:
        return None

    def df(self, term: str, marked: bool) -> int:
        return (self.view.df_marked if marked else self.view.df_folded).get(term, 0)

    def knows_word(self, word: str) -> bool:
        return word in self.vocabulary

    def knows_syllable(self, syllable: str) -> bool:
        return syllable in self.syllables

    def knows_phrase(self, syllables: list[str]) -> bool:
        self.warm()
        assert self._spaced_text is not None
        pairs = [f"{a} {b}" for a, b in zip(syllables, syllables[1:], strict=False)]
        if all(syllables) and any(p not in self._pairs for p in pairs):
            return False  # two of its words are never adjacent: the phrase is not in the text
        if len(syllables) == 2 and all(syllables):
            return True  # the pair is adjacent somewhere: that is the phrase
        return f" {' '.join(syllables)} " in self._spaced_text

    def knows_acronym(self, letters: str, folded: str) -> bool:
        known = self._acronyms.get((letters, folded))
        if known is None:
            self.warm()
            known = self._acronyms[(letters, folded)] = (
                folded in ABBREVIATIONS_FOLDED
                or self._written(folded)
                or knows_initials(self._chains, letters)
            )
        return known

    def _written(self, folded: str) -> bool:
        """``\\bfolded\\b`` in the text: a word of it, looked up; read in the text only when it
        joins words with other characters ("tp.hcm") and each of those words is one of the text's."""
        parts = _WORD.findall(folded)
        if not parts or not all(p in self._words for p in parts):
            return False
        if _WORD.fullmatch(folded):
            return True
        return re.search(rf"\b{re.escape(folded)}\b", self.view.all_text) is not None

    def mentions_year(self, year: str) -> bool:
        if not (year.isascii() and year.isdigit()):
            return year in self.view.all_text
        self.warm()
        known = self._years.get(year)
        if known is None:  # digits inside a run of digits of the text, as a substring search finds them
            known = self._years[year] = any(year in run for run in self._digit_runs)
        return known

    def mentions_number(self, digits: str) -> bool:
        if not digits.isdigit():
            return bool(re.search(rf"\b{digits}\b", self.view.all_text))
        self.warm()
        return digits in self._numbers

    def document_share(self, word: str) -> float:
        share = self._shares.get(word)
        if share is None:
            self.warm()
            share = self._shares[word] = self._documents_using(word).bit_count() / max(
                1, len(self._doc_order)
            )
        return share

    def _documents_using(self, word: str) -> int:
        """The documents (bits, as ``_doc_order``) whose text has the word's syllables, in order."""
        parts = word.replace("_", " ").split(" ")
        phrase = f" {' '.join(parts)} "
        if not all(parts):  # not a phrase of words: read as the texts are
            return sum(1 << i for i, d in enumerate(self._doc_order) if phrase in self.view.document_text(d))
        if len(parts) == 1:
            return self._doc_words.get(parts[0], 0)
        found = -1
        for a, b in zip(parts, parts[1:], strict=False):
            found &= self._doc_pairs.get(f"{a} {b}", 0)
        if len(parts) > 2 and found:  # every pair adjacent somewhere; the whole phrase, in those only
            kept, rest = 0, found
            while rest:
                bit = rest & -rest
                rest ^= bit
                if phrase in self.view.document_text(self._doc_order[bit.bit_length() - 1]):
                    kept |= bit
            found = kept
        return found


Lookup = Callable[[list[str]], dict[str, int]]
CACHE_KEYS = 50_000


class KeyedStats:
    """Statistics looked up by key in a store (``lookup(keys) -> counts``), with a bounded cache.

    ``view`` is the question's working set (the documents its hits come from): what needs text
    (an abbreviation's spelled-out words) is read there.
    """

    def __init__(self, lookup: Lookup, n_clauses: int, n_documents: int, view: CorpusView) -> None:
        self.lookup = lookup
        self._n_clauses = n_clauses
        self.n_documents = n_documents
        self.view = view
        self._cache: OrderedDict[str, int] = OrderedDict()

    def warm(self) -> None:
        return None  # the store keeps the statistics

    def with_view(self, view: CorpusView) -> KeyedStats:
        other = KeyedStats(self.lookup, self._n_clauses, self.n_documents, view)
        other._cache = self._cache  # one cache per store snapshot
        return other

    @property
    def n_clauses(self) -> int:
        return max(1, self._n_clauses)

    @property
    def empty(self) -> bool:
        return self._n_clauses == 0

    def _counts(self, keys: list[str]) -> dict[str, int]:
        missing = [k for k in dict.fromkeys(keys) if k not in self._cache]
        if missing:
            found = self.lookup(missing)
            for k in missing:
                self._cache[k] = found.get(k, 0)
            while len(self._cache) > CACHE_KEYS:
                self._cache.popitem(last=False)
        return {k: self._cache.get(k, 0) for k in keys}

    def _count(self, key: str) -> int:
        return self._counts([key])[key]

    def prefetch(self, words: Iterable[str], terms: Iterable[str]) -> None:
        keys = [f"w:{w}" for w in words] + [f"d:{w}" for w in words]
        keys += [f"s:{s}" for w in words for s in w.split("_")]
        keys += [f"{p}{t}" for t in terms for p in ("af:", "am:")]
        self._counts(keys)

    def df(self, term: str, marked: bool) -> int:
        return self._count(("am:" if marked else "af:") + term)

    def knows_word(self, word: str) -> bool:
        return self._count(f"w:{word}") > 0

    def knows_syllable(self, syllable: str) -> bool:
        return self._count(f"s:{syllable}") > 0

    def knows_phrase(self, syllables: list[str]) -> bool:
        pairs = [f"p:{a} {b}" for a, b in zip(syllables, syllables[1:], strict=False)]
        return bool(pairs) and all(self._counts(pairs).values())

    def knows_acronym(self, letters: str, folded: str) -> bool:
        return bool(
            folded in ABBREVIATIONS_FOLDED
            or self._count(f"af:{folded}")
            or re.search(rf"\b{initials_pattern(letters)}\b", self.view.all_text)
        )

    def mentions_year(self, year: str) -> bool:
        return self._count(f"n:{year}") > 0

    def mentions_number(self, digits: str) -> bool:
        return self._count(f"n:{digits}") > 0

    def document_share(self, word: str) -> float:
        return self._count(f"d:{word}") / max(1, self.n_documents)


__all__ = ["CorpusStats", "KeyedStats", "ViewStats"]
