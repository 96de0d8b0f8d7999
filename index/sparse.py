"""Pure: BM25 as sparse vectors, so a vector engine's inner product is our BM25 score.

A clause's vector holds, per (field, term), the saturated term frequency
``tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))``; a query's vector holds, per (field, term),
``field weight · idf(df, N)``. Their inner product is ``index.lexical.LexicalIndex.scores`` for
the same statistics (the average lengths are those when the clause was written). Terms come
from our own Vietnamese analysis (``index.lexical.tokenize``: underthesea words, folded forms,
numbers and dates whole).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping

import numpy as np

from index.corpus_stats import BM25_PREFIX
from index.lexical import DEFAULT_WEIGHTS, SCORERS, BM25Params, tokenize

SparseVector = dict[int, float]


def term_id(key: str) -> int:
    """A stable 31-bit id for a statistics key ("bw:kế_hoạch")."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big") & 0x7FFFFFFF


def field_bags(text: str, context: str) -> dict[str, Counter[str]]:
    toks = tokenize(text)
    return {
        "word": Counter(toks.word),
        "fold": Counter(toks.fold),
        "ctx": Counter(tokenize(context).fold) if context.strip() else Counter(),
    }


def document_vector(
    bags: Mapping[str, Counter[str]], avgdl: Mapping[str, float], params: BM25Params
) -> SparseVector:
    _, tf_fn = SCORERS[params.method]
    out: SparseVector = {}
    for name, bag in bags.items():
        if not bag:
            continue
        dl = float(sum(bag.values()))
        terms = list(bag)
        tf = np.array([bag[t] for t in terms], dtype=np.float64)
        weights = tf_fn(
            tf, np.full(len(terms), dl), avgdl.get(name) or 1.0, params.k1, params.b, params.delta
        )
        for t, w in zip(terms, weights, strict=True):
            out[term_id(BM25_PREFIX[name] + t)] = float(w)
    return out


def query_keys(query: str) -> dict[str, list[str]]:
    """The statistics keys of a query, per field (each term once)."""
    toks = tokenize(query)
    terms = {"word": toks.word, "fold": toks.fold, "ctx": toks.fold}
    return {name: [BM25_PREFIX[name] + t for t in dict.fromkeys(ts)] for name, ts in terms.items()}


def query_vector(
    keys: Mapping[str, list[str]],
    df: Mapping[str, int],
    n_texts: int,
    params: BM25Params,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> SparseVector:
    """Query weights: field weight × idf; terms no clause has are left out (they score nothing)."""
    idf_fn, _ = SCORERS[params.method]
    out: SparseVector = {}
    for name, ks in keys.items():
        w = weights.get(name, 1.0)
        for k in ks:
            d = df.get(k, 0)
            if d > 0 and w:
                idf = float(idf_fn(np.array([d], dtype=np.float64), n_texts)[0])
                out[term_id(k)] = out.get(term_id(k), 0.0) + w * idf
    return out
