"""BM25 queries scoring some texts from their own terms, against the exhaustive scorer, on random
corpora (copies: equal scores everywhere)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.bm25_query import DIRECT_ROWS
from index.lexical import BM25, SCORERS, BM25Params, LexicalIndex, Tokens, top_k
from index.passages import PassageIndex, passage_ranking
from index.postings import bag_list


def _corpus(seed: int, n: int, copies: int) -> LexicalIndex:
    """``n`` random texts over a skewed vocabulary (a few words in most texts, many rare ones),
    the whole repeated ``copies`` times (equal scores everywhere, as documents copied)."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301) ** 1.1
    weights /= weights.sum()
    bags: dict[str, list[dict[str, int]]] = {"word": [], "fold": [], "ctx": []}
    for _ in range(n):
        for f in bags:
            words = rng.choice(vocabulary, size=int(rng.integers(0, 25)), p=weights)
            bag: dict[str, int] = {}
            for w in words:
                bag[str(w)] = bag.get(str(w), 0) + 1
            bags[f].append(bag)
    index = LexicalIndex()
    index.ids = [f"c{k}:{i}" for k in range(copies) for i in range(n)]
    index.hashes = [str(i) for i in range(len(index.ids))]
    index.counts = {f: [dict(b) for _ in range(copies) for b in bags[f]] for f in bags}
    index._fit()
    return index


def _queries(seed: int, count: int) -> list[Tokens]:
    rng = np.random.default_rng(seed + 1000)
    out = []
    for _ in range(count):
        # Frequent and rare words, repeated words, and words no text holds.
        word = tuple(f"w{int(i)}" for i in rng.integers(0, 320, size=int(rng.integers(1, 8))))
        fold = tuple(f"w{int(i)}" for i in rng.integers(0, 60, size=int(rng.integers(0, 10))))
        out.append(Tokens(word=word, fold=fold))
    return out


def _exhaustive(
    index: LexicalIndex, toks: Tokens, k: int, mask: np.ndarray | None
) -> list[tuple[str, float]]:
    scores = index.token_scores(toks)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    return top_k(index.ids, scores, k)


@pytest.mark.parametrize("seed,n,copies", [(1, 400, 1), (2, 150, 8), (3, 900, 3)])
def test_top_k_is_the_exhaustive_ranking(seed: int, n: int, copies: int) -> None:
    index = _corpus(seed, n, copies)
    rng = np.random.default_rng(seed)
    for toks in _queries(seed, 40):
        for k in (1, 5, 50, 500):
            assert index.token_search(toks, k) == _exhaustive(index, toks, k, None)
        # A filter admitting most texts (walks postings) and one admitting a few (scored directly).
        wide = rng.random(len(index.ids)) < 0.7
        assert index.token_search(toks, 50, wide) == _exhaustive(index, toks, 50, wide)
        few = np.zeros(len(index.ids), dtype=bool)
        few[rng.choice(len(index.ids), size=min(40, len(index.ids)), replace=False)] = True
        assert index.token_search(toks, 10, few) == _exhaustive(index, toks, 10, few)


def test_some_texts_scored_from_their_own_terms_score_as_every_text() -> None:
    index = _corpus(6, 500, 2)
    rng = np.random.default_rng(6)
    for toks in _queries(6, 30):
        rows = np.sort(rng.choice(len(index.ids), size=int(rng.integers(1, 200)), replace=False))
        assert np.array_equal(index.query(toks).exact(rows), index.token_scores(toks)[rows])


def _passages(index: LexicalIndex, seed: int) -> PassageIndex:
    """Passages over documents of 3-12 consecutive texts with random lengths and some subtrees."""
    rng = np.random.default_rng(seed)
    layout, i = [], 0
    while i < len(index.ids):
        size = int(rng.integers(3, 13))
        ids = index.ids[i : i + size]
        layout.append(
            [
                (cid, int(rng.integers(50, 700)), ids[0] if j and rng.random() < 0.3 else None)
                for j, cid in enumerate(ids)
            ]
        )
        i += size
    return PassageIndex.build(index, layout)


@pytest.mark.parametrize("seed,n,copies", [(4, 300, 1), (5, 120, 10)])
def test_passage_ranking_is_the_exhaustive_one(seed: int, n: int, copies: int, tmp_path: Path) -> None:
    index = _corpus(seed, n, copies)
    passages = _passages(index, seed)
    passages.save(tmp_path)
    mapped = PassageIndex.load(tmp_path, index)
    assert np.all(np.diff(mapped.owners) >= 0)  # memberships are grouped by passage
    rng = np.random.default_rng(seed)
    for toks in _queries(seed, 30):
        for mask in (None, rng.random(len(index.ids)) < 0.6, _few(rng, len(index.ids))):
            clause = passages.clause_scores(toks)
            if mask is not None:
                clause = np.where(mask, clause, 0.0)
            for k in (5, 50):
                expected = passage_ranking(index.ids, clause, index.token_scores(toks), k)
                assert mapped.ranking(index, toks, k, mask) == expected


def _few(rng: np.random.Generator, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=min(DIRECT_ROWS // 100, n), replace=False)] = True
    return mask


def test_ties_at_the_cut_go_by_position() -> None:
    scores = np.array([1.0, 3.0, 1.0, 1.0, 2.0, 1.0], dtype=np.float32)
    assert top_k(list("abcdef"), scores, 3) == [("b", 3.0), ("e", 2.0), ("a", 1.0)]


def test_a_documents_own_scores_equal_an_index_of_its_clauses(tmp_path: Path) -> None:
    """``subset_scores`` (local search) reads the clause-major arrays by term id: the values of an
    index built from those clauses alone, bit for bit, mapped or not."""
    index = _corpus(8, 400, 2)
    index.save(tmp_path)
    mapped = LexicalIndex.load(tmp_path)
    rng = np.random.default_rng(8)
    for toks in _queries(8, 20):
        ids = {index.ids[i] for i in rng.choice(len(index.ids), size=int(rng.integers(1, 60)), replace=False)}
        expected = index.subset(ids).token_scores(toks)
        for source in (index, mapped):
            assert np.array_equal(source.subset_scores(source.rows_of(ids), toks), expected)


def _from_counts(index: LexicalIndex, toks: Tokens) -> np.ndarray:
    """Every text's score from the term counts alone (build_postings: each posting's tf part
    computed from its clause length), the scorer the kept tf parts replace."""
    total = np.zeros(len(index.ids), dtype=np.float32)
    for f, terms in (("word", toks.word), ("fold", toks.fold), ("ctx", toks.fold)):
        if terms:
            bm25 = BM25(params=index.params).fit([dict(b) for b in bag_list(index.counts[f])])
            total += index.weights[f] * bm25.score(terms, len(index.ids))
    return total


def test_kept_tf_parts_score_as_computed_from_the_counts(tmp_path: Path) -> None:
    """The tf parts written with the postings give the scores computed from each posting's count
    and clause length, bit for bit: in memory, saved and mapped, and for other parameters than
    those saved (a reader of other parameters computes its own)."""
    index = _corpus(9, 300, 2)
    index.save(tmp_path)
    assert (tmp_path / "bm25.word.term_part.npy").is_file()
    mapped = LexicalIndex.load(tmp_path)
    assert mapped._fields["word"].term_part is not None  # read from the file, not computed
    other = LexicalIndex.load(tmp_path)
    other.params = BM25Params(method="bm25plus", k1=1.5, b=0.9, delta=0.7)
    for toks in _queries(9, 25):
        expected = _from_counts(index, toks)
        assert np.array_equal(index.token_scores(toks), expected)
        assert np.array_equal(mapped.token_scores(toks), expected)
        assert np.array_equal(mapped.query(toks).all_scores(), expected)
        assert np.array_equal(other.token_scores(toks), _from_counts(other, toks))
    assert not np.array_equal(other._fields["word"].term_part, mapped._fields["word"].term_part)


def test_saved_tf_parts_that_disagree_with_the_scorer_are_recomputed(tmp_path: Path) -> None:
    index = _corpus(10, 200, 1)
    index.save(tmp_path)
    # Parts written under the same key but wrong (another writer's bug, a damaged file): not trusted.
    np.save(tmp_path / "bm25.word.term_part.npy", np.ones_like(index._fields["word"].term_part))
    mapped = LexicalIndex.load(tmp_path)
    for toks in _queries(10, 10):
        assert np.array_equal(mapped.token_scores(toks), _from_counts(index, toks))


def test_a_term_given_twice_to_a_documents_own_scores_counts_twice() -> None:
    index = _corpus(11, 200, 1)
    postings = index._fields["word"]
    scorer = SCORERS[index.params.method]
    rows = np.arange(20, 80)
    once = postings.subset_scores(rows, ["w1", "w7"], scorer, index.params)
    twice = postings.subset_scores(rows, ["w1", "w7", "w1"], scorer, index.params)
    w1 = postings.subset_scores(rows, ["w1"], scorer, index.params)
    assert np.any(w1 > 0)
    assert np.array_equal(twice, once + w1)
