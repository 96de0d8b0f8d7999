"""Corpus statistics kept at ingest, so a reader never needs the whole corpus in memory.

Each indexed clause contributes 1 to a count per key it contains; a document's contribution is
the sum over its clauses. The Milvus store keeps the counts in its terms collection (the writer
adds a document's contribution and subtracts the replaced version's); readers look up only the
keys a question needs. Keys, by prefix:

- ``bw:`` ``bf:`` ``bc:`` BM25 document frequencies of the lexical fields (word, fold, ctx);
- ``af:`` ``am:`` the answerer's word forms (rag.matching.TextTerms folded / marked);
- ``w:`` segmented words (the vocabulary a question's nouns are checked against);
- ``s:`` syllables of those words; ``p:`` adjacent syllable pairs of the lower-cased text
  (a phrase is known when each of its pairs is);
- ``n:`` digit runs (years and document numbers the corpus mentions);
- ``d:`` per segmented word, the number of *documents* using it (counted once per document).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from index.lexical import FIELDS, tokenize
from rag.matching import TextTerms
from rag.records import Clause, Document
from rag.restore import lost_diacritics
from rag.text import fold

BM25_PREFIX = {"word": "bw:", "fold": "bf:", "ctx": "bc:"}
_DIGITS = re.compile(r"\d+")
_SPLIT = re.compile(r"[\W_]+")


def has_marks(doc: Document) -> bool:
    """OCR text that lost its diacritics is compared folded (as the answerer's corpus view does)."""
    return not lost_diacritics(" ".join(c.text for c in doc.clauses[:200]))


def syllable_pairs(text: str) -> set[str]:
    words = [w for w in _SPLIT.split(text.lower()) if w]
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def clause_keys(clause: Clause, lexical: tuple[str, str], marks: bool) -> set[str]:
    """Every statistics key one clause contains (each counts once per clause)."""
    text, context = lexical
    keys: set[str] = set()
    toks = tokenize(text)
    keys.update(BM25_PREFIX["word"] + t for t in toks.word)
    keys.update(BM25_PREFIX["fold"] + t for t in toks.fold)
    if context.strip():
        keys.update(BM25_PREFIX["ctx"] + t for t in tokenize(context).fold)
    terms = TextTerms.of(clause.text, has_marks=marks)
    keys.update("af:" + t for t in terms.folded)
    keys.update("am:" + t for t in terms.marked)
    keys.update("w:" + w for w in toks.word)
    keys.update("s:" + s for w in toks.word for s in w.split("_"))
    keys.update("p:" + p for p in syllable_pairs(clause.text))
    keys.update("n:" + d for d in _DIGITS.findall(fold(clause.text)))
    return keys


def clause_level(clause: Clause, doc: Document) -> str:
    """The access level a clause's statistics count under: its own when stricter than public,
    else its document's (as filters see it)."""
    return clause.access if clause.access != "public" else doc.access


def level_key(level: str, key: str) -> str:
    """Statistics are kept per access level, so a reader's come from the levels it may read."""
    return f"{level}|{key}"


def document_counts(
    doc: Document, parts: Iterable[tuple[Clause, tuple[str, str]]], level_of: Callable[[Clause], str]
) -> Counter[str]:
    """A document's contribution: per level and key, how many of its clauses contain it; ``d:``
    keys (documents using a word) once per level."""
    marks = has_marks(doc)
    counts: Counter[str] = Counter()
    for clause, lexical in parts:
        level = level_of(clause)
        counts.update(level_key(level, k) for k in clause_keys(clause, lexical, marks))
    docs = {level_key(k.partition("|")[0], "d:" + k.partition("|")[2][2:]) for k in counts if "|w:" in k}
    counts.update(dict.fromkeys(docs, 1))
    return counts


def field_lengths(lexical: tuple[str, str]) -> dict[str, int]:
    """Token counts per BM25 field (for length normalisation)."""
    text, context = lexical
    toks = tokenize(text)
    return {
        "word": len(toks.word),
        "fold": len(toks.fold),
        "ctx": len(tokenize(context).fold) if context.strip() else 0,
    }


assert set(BM25_PREFIX) == set(FIELDS)
