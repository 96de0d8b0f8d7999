"""Pure: BM25 over passages (windows of consecutive clauses of one document), scored back onto clauses.

A clause is a small unit: a law's article is split into short khoản and điểm, a plan's task into
its items. A question often paraphrases the whole article or task ("when does the circular on
ship-inspection prices take effect?"), so the clause that answers it ("Thông tư này có hiệu lực …")
shares few of its words while the words sit in the clauses around it. A passage of about a
thousand characters, the unit a plain chunker retrieves, holds them together. Each clause gets
the best score of the passages that hold it, and clauses of one passage are ordered by their own
score: the passage decides the place, the clause its rank there.

Passages are made from the clauses' term counts already in the ``LexicalIndex`` (no tokenizing
again) when a generation is written, and saved with it as arrays (``index.postings``) that
readers memory-map: no process rebuilds them, and processes reading one index share them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.bm25_query import DIRECT_ROWS, FieldsQuery
from index.lexical import SCORERS, BM25Params, LexicalIndex, Tokens, tokenize
from index.postings import FieldPostings, bag_list

# Passage length in characters and the step between passage starts: a thousand characters is
# the chunk a plain BM25 retriever does best with on these documents; half of it as the step
# lets every clause sit inside a passage with what comes before and after it.
PASSAGE_CHARS = 1000
PASSAGE_STEP = 500
PASSAGE_FIELDS = ("word", "fold")
# A clause with children (an article, a task) is also scored with its subtree's text, up to this
# many characters: "which article covers X" paraphrases the article, not its heading line.
SUBTREE_CHARS = 2500


def windows(lengths: Sequence[int], size: int = PASSAGE_CHARS, step: int = PASSAGE_STEP) -> list[range]:
    """Pure: consecutive clause positions grouped into passages of about ``size`` characters.

    A passage starts every ``step`` characters (at a clause boundary) and takes clauses until
    ``size`` characters; a clause longer than ``size`` is a passage of its own. Every position is
    in at least one passage. ``[300, 400, 500, 200]`` with size 1000, step 500 ->
    ``[range(0, 2), range(1, 3), range(2, 4)]``.
    """
    n = len(lengths)
    out: list[range] = []
    start = 0
    while start < n:
        end, total = start, 0
        while end < n and (end == start or total + lengths[end] <= size):
            total += lengths[end]
            end += 1
        out.append(range(start, end))
        if end >= n:
            break
        # The next passage starts at the first clause past ``step`` characters (always moving on).
        nxt, walked = start, 0
        while nxt < end - 1 and walked + lengths[nxt] <= step:
            walked += lengths[nxt]
            nxt += 1
        start = max(nxt, start + 1)
    return out


def subtrees(
    clauses: Sequence[tuple[str, str | None]], lengths: Sequence[int], size: int
) -> list[tuple[int, range]]:
    """Pure: each clause with children and the positions of its subtree (itself and what follows it
    down to its last descendant), cut after ``size`` characters. ``clauses``: (id, parent id) in
    document order, where a subtree is contiguous."""
    position = {cid: i for i, (cid, _) in enumerate(clauses)}
    end = list(range(len(clauses)))
    for i in range(len(clauses) - 1, -1, -1):
        parent = clauses[i][1]
        j = position.get(parent) if parent is not None else None
        if j is not None and j < i:
            end[j] = max(end[j], end[i])
    out = []
    for i, last in enumerate(end):
        if last == i:
            continue
        stop, total = i, 0
        while stop <= last and (stop == i or total + lengths[stop] <= size):
            total += lengths[stop]
            stop += 1
        out.append((i, range(i, stop)))
    return out


@dataclass
class PassageIndex:
    """BM25 over passages built from a ``LexicalIndex``'s clause counts; scores come back per clause."""

    ids: list[str]  # clause ids, aligned with the LexicalIndex's
    members: np.ndarray  # clause row of each (passage, clause) membership
    owners: np.ndarray  # passage of each membership
    fields: dict[str, FieldPostings]
    weights: dict[str, float]
    params: BM25Params

    @classmethod
    def build(
        cls,
        lexical: LexicalIndex,
        documents: Sequence[Sequence[tuple[str, int, str | None]]],
        *,
        size: int = PASSAGE_CHARS,
        step: int = PASSAGE_STEP,
        subtree: int = SUBTREE_CHARS,
        params: BM25Params | None = None,
    ) -> PassageIndex:
        """``documents``: each document's (clause id, text length, parent id) in document order;
        ids the lexical index lacks (not indexed) are skipped."""
        row = {cid: i for i, cid in enumerate(lexical.ids)}
        counts = {f: bag_list(lexical.counts[f]) for f in PASSAGE_FIELDS}
        bags: dict[str, list[dict[str, int]]] = {f: [] for f in PASSAGE_FIELDS}
        members: list[int] = []
        owners: list[int] = []

        def add(positions: Sequence[int], scored: Sequence[int], rows: list[tuple[int, int]]) -> None:
            passage = len(bags["word"])
            for f in PASSAGE_FIELDS:
                total: Counter[str] = Counter()
                for i in positions:
                    total.update(counts[f][rows[i][0]])
                bags[f].append(dict(total))
            for i in scored:
                members.append(rows[i][0])
                owners.append(passage)

        for clauses in documents:
            kept = [(cid, length, parent) for cid, length, parent in clauses if cid in row]
            rows = [(row[cid], length) for cid, length, _ in kept]
            lengths = [length for _, length in rows]
            for window in windows(lengths, size, step):
                add(window, window, rows)
            if subtree:
                for root, span in subtrees([(cid, parent) for cid, _, parent in kept], lengths, subtree):
                    add(span, [root], rows)
        params = params or lexical.params
        return cls(
            ids=list(lexical.ids),
            members=np.array(members, dtype=np.int64),
            owners=np.array(owners, dtype=np.int64),
            fields={f: FieldPostings.build(bags[f]) for f in PASSAGE_FIELDS},
            weights={f: lexical.weights.get(f, 1.0) for f in PASSAGE_FIELDS},
            params=params,
        )

    def save(self, directory: Path) -> list[str]:
        """Write the passages as ``passages.*.npy`` arrays; the names of the files written."""
        names = []
        for key, array in (("members", self.members), ("owners", self.owners)):
            with (directory / f"passages.{key}.npy").open("wb") as f:
                np.save(f, array, allow_pickle=False)
            names.append(f"passages.{key}.npy")
        for name in PASSAGE_FIELDS:
            self.fields[name].parts(SCORERS[self.params.method][1], self.params)  # kept with the arrays
            names += self.fields[name].save(directory, f"passages.{name}")
        return names

    @staticmethod
    def saved(directory: Path) -> bool:
        return (directory / "passages.members.npy").is_file()

    @classmethod
    def load(cls, directory: Path, lexical: LexicalIndex) -> PassageIndex:
        """Passages saved with ``lexical`` (the clause rows they refer to), memory-mapped."""
        members, owners = (
            np.load(directory / f"passages.{key}.npy", mmap_mode="r", allow_pickle=False)
            for key in ("members", "owners")
        )
        return cls(
            ids=lexical.ids,
            members=members,
            owners=owners,
            fields={f: FieldPostings.load(directory, f"passages.{f}") for f in PASSAGE_FIELDS},
            weights={f: lexical.weights.get(f, 1.0) for f in PASSAGE_FIELDS},
            params=lexical.params,
        )

    def passage_scores(self, query: str | Tokens) -> np.ndarray:
        toks = query if isinstance(query, Tokens) else tokenize(query)
        n = self.fields["word"].n_docs
        total = np.zeros(n, dtype=np.float32)
        scorer = SCORERS[self.params.method]
        for f, terms in (("word", toks.word), ("fold", toks.fold)):
            if terms and self.weights[f]:
                total += self.weights[f] * self.fields[f].score(terms, n, scorer, self.params)
        return total

    def ranking(
        self, lexical: LexicalIndex, query: str | Tokens, n: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """``passage_ranking`` of the clauses (``mask``: the admitted ones) by ``clause_scores``,
        then by their own ``lexical`` scores, with only the clauses ranked scored on their own:
        the best passages, widened until they hold ``n`` admitted clauses (a clause outside them
        scores below every clause inside), their clauses' own scores read from their terms
        (index/bm25_query.py). A few admitted clauses (a named document): only the passages
        holding them are scored."""
        toks = query if isinstance(query, Tokens) else tokenize(query)
        fields = [
            (self.fields[f], self.weights[f], terms)
            for f, terms in (("word", toks.word), ("fold", toks.fold))
            if terms and self.weights[f]
        ]
        if n <= 0 or not fields or not len(self.members):
            return []
        passages = FieldsQuery(fields, SCORERS[self.params.method], self.params)
        if mask is not None and np.count_nonzero(mask) <= DIRECT_ROWS:
            # A few admitted clauses (a named document): the passages holding them, scored.
            held = np.unique(self.owners[mask[self.members]])
            rows, clause_scores = self._best_of(held, passages.exact(held), mask)
        else:
            every = passages.all_scores()
            positive = np.flatnonzero(every > 0)
            want = n
            while True:
                found = positive
                if len(positive) > want:
                    kth = np.partition(every[positive], len(positive) - want)[len(positive) - want]
                    found = positive[every[positive] >= kth]
                rows, clause_scores = self._best_of(found, every[found], mask)
                # Done when they hold enough clauses, or are every passage scoring above zero.
                if len(rows) >= n or len(found) == len(positive):
                    break
                want *= 4
        if not len(rows):
            return []
        own = lexical.query(toks).exact(rows)
        order = np.lexsort((rows, -own, -clause_scores))[:n]
        return [(self.ids[int(rows[i])], float(clause_scores[i])) for i in order]

    def _best_of(
        self, passages: np.ndarray, scores: np.ndarray, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The admitted clauses the passages hold (ascending) and the best of their scores there;
        passages scoring zero hold none."""
        positive = scores > 0
        passages, scores = passages[positive], scores[positive]
        start = np.searchsorted(self.owners, passages, side="left")
        stop = np.searchsorted(self.owners, passages, side="right")
        sizes = stop - start
        at = np.repeat(start - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        members = np.asarray(self.members[at], dtype=np.int64)
        held = np.repeat(scores, sizes)
        if mask is not None:
            admitted = mask[members]
            members, held = members[admitted], held[admitted]
        rows, inverse = np.unique(members, return_inverse=True)
        best = np.zeros(len(rows), dtype=np.float32)
        np.maximum.at(best, inverse.reshape(-1), held)
        return rows, best

    def clause_scores(self, query: str | Tokens) -> np.ndarray:
        """Per clause (aligned with ``ids``): the best score of a passage holding it."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        if len(self.members):
            np.maximum.at(out, self.members, self.passage_scores(query)[self.owners])
        return out


def passage_ranking(
    ids: Sequence[str], passage: np.ndarray, own: np.ndarray, n: int
) -> list[tuple[str, float]]:
    """Pure: the ``n`` clauses of the best passages (score > 0), ordered by passage score, then own score."""
    held = np.flatnonzero(passage > 0)
    if not len(held) or n <= 0:
        return []
    order = held[np.lexsort((held, -own[held], -passage[held]))][:n]
    return [(ids[i], float(passage[i])) for i in order]
