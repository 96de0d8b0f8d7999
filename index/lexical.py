"""Vietnamese lexical retrieval: a pure tokenizer and BM25 in the style of bm25s.

Two token fields per text, scored by separate BM25 indexes and summed:

- ``word``: underthesea word segments, lower-cased, syllables joined with "_" ("kế_hoạch");
- ``fold``: diacritic-free syllables and adjacent-syllable bigrams ("ke", "hoach", "ke_hoach"),
  so a query typed without marks, or OCR text that lost them, still matches.

Document numbers ("58/KH-UBND", "57-NQ/TW", "819/SKHCN-BCVT&CĐS") and dates ("22/12/2024",
"1/10") are kept whole in both fields, plus the bare leading number so "Kế hoạch 58" matches.

BM25 follows bm25s: a query is a handful of numpy scatter-adds over the postings of its terms.
The scoring variant is a pure function chosen by name. An index is saved as flat arrays per
field (``index.postings``: vocabulary, postings, per-text counts and lengths) that readers
memory-map, so worker processes share them through the page cache; ``bm25.json`` (each text's
term counts) is the format of index generations written before them, still read.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.bm25_query import FieldsQuery, ranked
from index.postings import Bags, FieldPostings, bag_list, write_synced
from rag.text import fold, nfc

# A number followed by "/" or "-" separated parts: document numbers, dates, periods.
# The negative look-behind keeps "1.1" list markers and "x/y" inside words out.
_COMPOUND = re.compile(r"(?<![\w/&.-])(\d+(?:\s?[/-]\s?[\w&]+)+)(?![\w&])")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r"\s+")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_SYLLABLE = re.compile(r"[^\W_]+(?:[.,]\d+)*")

# Function words that carry no retrieval signal. Multi-syllable entries use "_" as segments do.
STOPWORDS: frozenset[str] = frozenset(
    """
    và của các những là được cho với thì mà này đó đây kia nào gì ai tại trên dưới về
    để theo từ vào ra có không chưa đã đang sẽ cũng như nếu khi bị do bởi hoặc hay còn
    một hai ba mỗi nhiều rất lại vẫn nên nhưng vì thế rằng ở đến tới trong ngoài sau trước
    ông bà anh chị em tôi chúng ta họ nó thôi ạ à ơi vậy
    vào_lúc như_vậy tuy_nhiên ngoài_ra bên_cạnh đối_với trong_đó cũng_như theo_đó
    the a an of to in on for and or is are be by with what which who whom how does do did
    """.split()
)
_SINGLE_STOPWORDS: frozenset[str] = frozenset(w for w in STOPWORDS if "_" not in w)


@dataclass(frozen=True)
class Tokens:
    word: tuple[str, ...]
    fold: tuple[str, ...]


def _compound_tokens(raw: str) -> list[str]:
    """A document number or date as tokens: the whole (lower-cased, no spaces) plus the bare number."""
    whole = _SPACES.sub("", raw).lower()
    out = [whole]
    if _HAS_LETTER.search(whole):
        out.append(re.match(r"\d+", whole).group(0))  # type: ignore[union-attr]
    else:
        # A period like "2021-2025" also matches each year; a date keeps its 4-digit year.
        out.extend(p for p in re.split(r"[/-]", whole) if len(p) == 4)
    return out


_underthesea_lock = threading.Lock()
_underthesea_loaded: dict[str, Callable[..., Any]] = {}


def _underthesea(name: str) -> Callable[..., Any]:
    """An underthesea function (word_tokenize, pos_tag), loaded once under a lock.

    Its first call loads the model lazily and is not thread-safe: concurrent first calls crash
    with "'NoneType' object has no attribute 'process'". The first call is made here, alone.
    """
    function = _underthesea_loaded.get(name)
    if function is None:
        with _underthesea_lock:
            function = _underthesea_loaded.get(name)
            if function is None:
                import underthesea  # slow import (~3 s): only when text is tokenized

                function = getattr(underthesea, name)
                function("khởi động")
                _underthesea_loaded[name] = function
    return function


def load_models() -> None:
    """Load the word segmenter and the part-of-speech model now (a server does it before it says
    it is ready, so its first question does not wait for them)."""
    for name in ("word_tokenize", "pos_tag"):
        _underthesea(name)


def _segmenter() -> Callable[[str], list[str]]:
    return _underthesea("word_tokenize")


@lru_cache(maxsize=4096)
def tagged_words(text: str) -> tuple[tuple[str, str], ...]:
    """Pure: the words of `text` in order (lower-case, syllables joined by "_"), each with its
    part-of-speech tag (underthesea's VLSP tags: N noun, Np proper noun, V verb, A adjective, M numeral, …)."""
    return tuple((w.lower().replace(" ", "_"), tag) for w, tag in _underthesea("pos_tag")(nfc(text)))


def word_classes(text: str) -> Mapping[str, str]:
    """Pure: each word of `text` (lower-case, syllables joined by "_") -> its part-of-speech tag."""
    return dict(tagged_words(text))


@lru_cache(maxsize=4096)
def own_class(word: str) -> str:
    """Pure: the part-of-speech tag of a (segmented) word read on its own, as a one-word sentence:
    its most usual reading. Words that are nouns or verbs by context ("cam kết", "kiến nghị") read
    as verbs; words that only name things ("học phí", "tàu điện") as nouns."""
    spaced = word.replace("_", " ")
    return word_classes(f"{spaced} .").get(word.lower(), "")


@lru_cache(maxsize=65536)
def tokenize(text: str) -> Tokens:
    """Pure: text -> word and folded token fields (cached by text; underthesea is the slow part)."""
    text = nfc(text)
    specials: list[str] = []

    def keep(m: re.Match[str]) -> str:
        specials.extend(_compound_tokens(m.group(1)))
        return " "

    rest = _COMPOUND.sub(keep, text)
    words: list[str] = []
    for seg in _segmenter()(rest):
        tok = _SPACES.sub("_", seg.strip().lower())
        if tok and _WORDLIKE.search(tok) and tok not in STOPWORDS:
            words.append(tok)
    # Stopwords are judged before folding: "đây" is one, but "đẩy" folds to the same "day".
    syllables = [(fold(s), s in _SINGLE_STOPWORDS) for s in _SYLLABLE.findall(rest.lower())]
    folded: list[str] = [f for f, stop in syllables if not stop]
    folded.extend(
        f"{a}_{b}" for (a, sa), (b, sb) in zip(syllables, syllables[1:], strict=False) if not (sa and sb)
    )
    folded_specials = [fold(s) for s in specials]
    return Tokens(word=tuple(words + specials), fold=tuple(folded + folded_specials))


def unnamed_terms(asked: Tokens, named: Tokens) -> Tokens:
    """Pure: the query's terms that do not name a document described by ``named`` (its label and title).

    A term names the document when the label holds it as a phrase: a number, a multi-syllable word,
    a pair of adjacent syllables, and the syllables of such a pair. A single syllable the label
    merely also holds ("ngày" in a title citing "Nghị quyết … ngày 22/12/2024") still asks for
    something ("… ban hành ngày nào?") and stays.
    """
    shared_pairs = [t for t in asked.fold if "_" in t and t in named.fold]
    in_pairs = {part for pair in shared_pairs for part in pair.split("_")}

    def names(term: str) -> bool:
        return term in named.fold and ("_" in term or term in in_pairs or any(ch.isdigit() for ch in term))

    dropped = {t for t in asked.fold if names(t)}
    return Tokens(
        word=tuple(
            t
            for t in asked.word
            if not (t in named.word and ("_" in t or any(ch.isdigit() for ch in t) or fold(t) in dropped))
        ),
        fold=tuple(t for t in asked.fold if t not in dropped),
    )


# --- BM25 scoring functions (pure, chosen by name) -----------------------------------------


def _idf_robertson(df: np.ndarray, n_docs: int) -> np.ndarray:
    # Classic Okapi idf can go negative for terms in over half the docs; floor at a small epsilon.
    return np.maximum(np.log((n_docs - df + 0.5) / (df + 0.5)), 0.01)


def _idf_lucene(df: np.ndarray, n_docs: int) -> np.ndarray:
    return np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def _idf_plus(df: np.ndarray, n_docs: int) -> np.ndarray:
    return np.log((n_docs + 1.0) / df)


def _tf_okapi(tf: np.ndarray, dl: np.ndarray, avgdl: float, k1: float, b: float, delta: float) -> np.ndarray:
    return tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * dl / avgdl))


def _tf_plus(tf: np.ndarray, dl: np.ndarray, avgdl: float, k1: float, b: float, delta: float) -> np.ndarray:
    return _tf_okapi(tf, dl, avgdl, k1, b, delta) + delta


SCORERS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "bm25okapi": (_idf_robertson, _tf_okapi),
    "lucene": (_idf_lucene, _tf_okapi),
    "bm25plus": (_idf_plus, _tf_plus),
}


@dataclass
class BM25Params:
    method: str = "lucene"
    k1: float = 1.2
    # Clause lengths vary from a 5-word field line to a 300-word paragraph; full length
    # normalisation (0.75) buried long clauses that state the answer among other facts.
    b: float = 0.5
    delta: float = 0.5  # bm25plus only

    def __post_init__(self) -> None:
        if self.method not in SCORERS:
            raise ValueError(f"unknown BM25 method {self.method!r}; choose from {sorted(SCORERS)}")


@dataclass
class BM25:
    """One field's BM25 over term-count bags; postings hold precomputed per-(term, doc) scores."""

    params: BM25Params = field(default_factory=BM25Params)
    counts: list[dict[str, int]] = field(default_factory=list)
    _postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def fit(self, counts: list[dict[str, int]]) -> BM25:
        self.counts = counts
        self._postings = build_postings(counts, self.params)
        return self

    def score(self, query_terms: Iterable[str], n_docs: int | None = None) -> np.ndarray:
        out = np.zeros(n_docs if n_docs is not None else len(self.counts), dtype=np.float32)
        for term in sorted(set(query_terms)):
            posting = self._postings.get(term)
            if posting is not None:
                out[posting[0]] += posting[1]
        return out


def build_postings(
    counts: list[dict[str, int]], params: BM25Params, terms: Collection[str] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pure: term counts per doc -> {term: (doc indices, bm25 scores)}; ``terms``: only those
    terms' postings (the lengths and the average still from every doc)."""
    n_docs = len(counts)
    if n_docs == 0:
        return {}
    idf_fn, tf_fn = SCORERS[params.method]
    dl = np.array([sum(c.values()) for c in counts], dtype=np.float32)
    avgdl = float(dl.mean()) or 1.0
    by_term: dict[str, tuple[list[int], list[int]]] = {}
    for i, c in enumerate(counts):
        for term, tf in c.items():
            if terms is not None and term not in terms:
                continue
            docs, tfs = by_term.setdefault(term, ([], []))
            docs.append(i)
            tfs.append(tf)
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for term, (docs, tfs) in by_term.items():
        idx = np.array(docs, dtype=np.int64)
        tf = np.array(tfs, dtype=np.float32)
        idf = float(idf_fn(np.array([len(docs)], dtype=np.float64), n_docs)[0])
        postings[term] = (
            idx,
            (idf * tf_fn(tf, dl[idx], avgdl, params.k1, params.b, params.delta)).astype(np.float32),
        )
    return postings


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# "ctx" holds the folded tokens of a clause's surroundings (document label, breadcrumb): it
# should help a clause match, but with less weight than its own words, or every short field
# line under a matching heading would outrank the heading's real content.
FIELDS = ("word", "fold", "ctx")
DEFAULT_WEIGHTS = {"word": 1.0, "fold": 1.0, "ctx": 0.5}
BM25_HEAD = "bm25.json"


@dataclass
class LexicalIndex:
    """BM25 over the word and folded fields of each text; ids are clause ids.

    ``hashes`` remember which text each id's counts came from, so a rebuild after an
    incremental change re-tokenizes only new or changed texts.
    """

    params: BM25Params = field(default_factory=BM25Params)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    ids: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    # Per field, each text's term counts: lists while building, views of the arrays when loaded.
    counts: dict[str, Sequence[dict[str, int]]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    _fields: dict[str, FieldPostings] = field(default_factory=dict, repr=False)
    _pos: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        items: list[tuple[str, str]] | list[tuple[str, str, str]],
        *,
        params: BM25Params | None = None,
        previous: LexicalIndex | None = None,
    ) -> LexicalIndex:
        """Index (id, text) or (id, text, context) items; texts already tokenized in ``previous`` are reused."""
        index = cls(params=params or (previous.params if previous else BM25Params()))
        if previous is not None:
            index.weights = dict(previous.weights)
        known: dict[str, dict[str, dict[str, int]]] = {}
        if previous is not None:
            counts = {f: bag_list(previous.counts[f]) for f in FIELDS}
            for i, h in enumerate(previous.hashes):
                known[h] = {f: counts[f][i] for f in FIELDS}
        for item in items:
            doc_id, text = item[0], item[1]
            context = item[2] if len(item) > 2 else ""  # type: ignore[misc]
            h = text_hash(f"{text}\x00{context}")
            bags = known.get(h)
            if bags is None:
                toks = tokenize(text)
                bags = {
                    "word": dict(Counter(toks.word)),
                    "fold": dict(Counter(toks.fold)),
                    "ctx": dict(Counter(tokenize(context).fold)) if context.strip() else {},
                }
                known[h] = bags
            index.ids.append(doc_id)
            index.hashes.append(h)
            for f in FIELDS:
                index.counts[f].append(bags[f])  # type: ignore[attr-defined]  # a list while building
        index._fit()
        return index

    def subset(self, ids: set[str]) -> LexicalIndex:
        """The same index over only ``ids``: statistics (idf, average length) from those texts alone."""
        index = LexicalIndex(params=self.params, weights=dict(self.weights))
        # The rows of ``ids`` in index order, found from the ids (not by a pass over every row).
        rows = sorted(self._pos[cid] for cid in ids if cid in self._pos)
        index.ids = [self.ids[i] for i in rows]
        index.hashes = [self.hashes[i] for i in rows] if self.hashes else []
        if all(isinstance(self.counts[f], Bags) for f in FIELDS):  # mapped: cut the arrays
            index._fields = {f: self._fields[f].subset(rows) for f in FIELDS}
            index.counts = {f: Bags(index._fields[f]) for f in FIELDS}
            index._pos = {cid: i for i, cid in enumerate(index.ids)}
            return index
        index.counts = {f: [self.counts[f][i] for i in rows] for f in FIELDS}
        index._fit()
        return index

    def rows_of(self, ids: Iterable[str]) -> np.ndarray:
        """The rows of ``ids`` (those indexed), ascending: the order ``subset`` keeps."""
        return np.array(sorted(self._pos[cid] for cid in ids if cid in self._pos), dtype=np.int64)

    def subset_scores(self, rows: np.ndarray, toks: Tokens) -> np.ndarray:
        """``subset(ids of rows).token_scores(toks)``, aligned with ``rows`` (ascending): BM25 on
        the statistics of those texts alone, computed for the query's terms only, so the work is
        proportional to the rows, never to the whole index (no postings are built)."""
        total = np.zeros(len(rows), dtype=np.float32)
        if not len(rows):
            return total
        for f, terms in (("word", toks.word), ("fold", toks.fold), ("ctx", toks.fold)):
            w = self.weights.get(f, 1.0)
            if w and terms:
                scorer = SCORERS[self.params.method]
                total += w * self._fields[f].subset_scores(rows, sorted(set(terms)), scorer, self.params)
        return total

    def _fit(self) -> None:
        self._fields = {f: FieldPostings.build(self.counts[f]) for f in FIELDS}
        self._pos = {cid: i for i, cid in enumerate(self.ids)}

    def vocabulary(self, name: str = "word") -> frozenset[str]:
        """Every term of one field."""
        return frozenset(self._fields[name].vocabulary()) if self._fields else frozenset()

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for the query, aligned with ``ids``."""
        return self.token_scores(tokenize(query))

    def token_scores(self, toks: Tokens) -> np.ndarray:
        """BM25 score of every indexed text for already tokenized query fields."""
        total = np.zeros(len(self.ids), dtype=np.float32)
        for f, terms in (("word", toks.word), ("fold", toks.fold), ("ctx", toks.fold)):
            w = self.weights.get(f, 1.0)
            if w and terms:
                total += w * self._fields[f].score(
                    terms, len(self.ids), SCORERS[self.params.method], self.params
                )
        return total

    def query(self, toks: Tokens) -> FieldsQuery:
        """The query over the fields: every text's scores, some texts' only, the best k
        (index/bm25_query.py)."""
        fields = [
            (self._fields[f], w, terms)
            for f, terms in (("word", toks.word), ("fold", toks.fold), ("ctx", toks.fold))
            if (w := self.weights.get(f, 1.0)) and terms
        ]
        return FieldsQuery(fields, SCORERS[self.params.method], self.params)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-k (id, score) with score > 0, best first, ties by position; ``mask`` (bool per id)
        excludes filtered-out texts (a few admitted ones are scored from their own terms only).
        The same as ranking ``scores(query)``."""
        return self.token_search(tokenize(query), k, mask)

    def token_search(self, toks: Tokens, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """``search`` for already tokenized query fields."""
        if k <= 0 or not self.ids:
            return []
        rows, scores = self.query(toks).best(k, mask)
        return [(self.ids[r], s) for r, s in ranked(rows, scores, k)]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            **self.to_json_head(),
            "docs": [
                {"id": cid, "hash": h, **{f: self.counts[f][i] for f in FIELDS}}
                for i, (cid, h) in enumerate(zip(self.ids, self.hashes, strict=True))
            ],
        }

    def save(self, directory: Path) -> list[str]:
        """Write the index as ``bm25.json`` (parameters, ids, hashes) and each field's arrays;
        the names of the files written."""
        head = {"format": 2, **self.to_json_head(), "ids": self.ids, "hashes": self.hashes}
        write_synced(directory / BM25_HEAD, json.dumps(head, ensure_ascii=False).encode("utf-8"))
        names = [BM25_HEAD]
        for f in FIELDS:
            self._fields[f].parts(SCORERS[self.params.method][1], self.params)  # kept with the arrays
            names += self._fields[f].save(directory, f"bm25.{f}")
        return names

    @classmethod
    def load(cls, directory: Path, *, hashes: bool = True) -> LexicalIndex:
        """An index written by ``save``, its arrays memory-mapped (or ``bm25.json`` of format 1,
        read into memory). ``hashes=False``: without the texts' hashes (only a writer building on
        this index reads them; a reader of a million texts saves their strings)."""
        data = json.loads((directory / BM25_HEAD).read_text(encoding="utf-8"))
        if data.get("format", 1) < 2:
            return cls.from_json(data)
        index = cls(params=BM25Params(**data["params"]), weights=DEFAULT_WEIGHTS | data.get("weights", {}))
        index.ids, index.hashes = data["ids"], data["hashes"] if hashes else []
        del data  # the hashes' strings go now, not with the index
        index._fields = {f: FieldPostings.load(directory, f"bm25.{f}") for f in FIELDS}
        for f in FIELDS:
            if index._fields[f].n_docs != len(index.ids):
                raise ValueError(f"bm25.{f} holds {index._fields[f].n_docs} texts, expected {len(index.ids)}")
        index.counts = {f: Bags(index._fields[f]) for f in FIELDS}
        index._pos = {cid: i for i, cid in enumerate(index.ids)}
        return index

    def to_json_head(self) -> dict[str, Any]:
        """The parameters and field weights (what the manifest records)."""
        return {
            "params": {
                "method": self.params.method,
                "k1": self.params.k1,
                "b": self.params.b,
                "delta": self.params.delta,
            },
            "weights": self.weights,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LexicalIndex:
        index = cls(params=BM25Params(**data["params"]), weights=DEFAULT_WEIGHTS | data.get("weights", {}))
        for d in data["docs"]:
            index.ids.append(d["id"])
            index.hashes.append(d["hash"])
            for f in FIELDS:
                index.counts[f].append(d.get(f, {}))
        index._fit()
        return index


def top_k(
    ids: Sequence[str], scores: np.ndarray, k: int, *, positive_only: bool = True
) -> list[tuple[str, float]]:
    """Pure: the k best scores (only positive ones by default), best first, ties broken by position."""
    if k <= 0 or len(ids) == 0:
        return []
    k = min(k, len(ids))
    if k < len(ids):
        # Every score at least the k-th best, so that ties at the cut go by position too (a
        # partition alone would keep an arbitrary one of them).
        kth = np.partition(scores, len(ids) - k)[len(ids) - k]
        cand = np.flatnonzero(scores >= kth)
    else:
        cand = np.arange(len(ids))
    cand = cand[np.lexsort((cand, -scores[cand]))][:k]
    return [(ids[i], float(scores[i])) for i in cand if scores[i] > 0 or not positive_only]
