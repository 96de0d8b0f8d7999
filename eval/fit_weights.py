"""Fit a weight table of the answerer on the visible question sets, with document-level folds.

Each gold item belongs to the fold of its first gold document (documents numbered in sorted
order, index mod ``--folds``), so no document is seen on both sides. For every candidate weight
setting (a grid over the named weights) it answers the items that the table can change and
prints answer accuracy per fold; the setting kept must score best on the folds it was not
chosen on. Usage:

    python -m eval.fit_weights --table PART_WEIGHTS --grid value_type=0.3,0.5,0.8 question=0,0.25,0.5 \\
        --set /work/shared/eval/kinds/qa.jsonl=/tmp/pq/base2/kinds --set …provinces…
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from eval.gold import GoldItem, load_gold
from eval.metrics import judge, normalize
from eval.predictions import Prediction
from rag.answer import weights
from rag.pipeline import Assistant
from rag.reading import read

RANKED = 15  # candidates of a ranking that the fit may reorder


def fold_of(sources: list[str], documents: list[str], folds: int) -> int:
    return documents.index(sorted(sources)[0]) % folds if sources else 0


def _keys_in(item: GoldItem, text: str) -> bool:
    folded = normalize(text)
    return all(any(normalize(k) in folded for k in group) for group in item.keys)


def record_candidates(runs: list[tuple[str, Assistant, list[GoldItem], list[str]]], folds: int) -> list[dict]:
    """Per answerable item: its fold and the evidence ranking the answerer last made for it, each
    candidate's features and whether its clause holds every key."""
    from rag.answer import evidence

    last: dict[str, list] = {}
    original = evidence.Evidence.candidates

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        out = original(self, *args, **kwargs)
        last["ranking"] = out
        return out

    evidence.Evidence.candidates = recording  # type: ignore[method-assign]
    rows = []
    try:
        for _, assistant, items, documents in runs:
            for item in items:
                if item.abstain:
                    continue
                last.clear()
                assistant.ask(item.question)
                ranking = last.get("ranking", [])[:RANKED]
                rows.append(
                    {
                        "id": item.id,
                        "fold": fold_of(item.sources, documents, folds),
                        "candidates": [(c.features, _keys_in(item, c.clause.text)) for c in ranking],
                    }
                )
    finally:
        evidence.Evidence.candidates = original  # type: ignore[method-assign]
    return rows


def top_right(rows: list[dict], table: dict[str, float]) -> tuple[int, int]:
    """Items whose best candidate under ``table`` holds every key, of those where one does."""
    right = total = 0
    for row in rows:
        cands = row["candidates"]
        if not any(ok for _, ok in cands):
            continue
        total += 1
        best = max(cands, key=lambda c: sum(table.get(k, 0.0) * v for k, v in c[0].items()))
        right += best[1]
    return right, total


def ascend(rows: list[dict], table: dict[str, float], passes: int = 3) -> dict[str, float]:
    """Coordinate ascent on top-1 accuracy: each weight tried scaled and shifted; a strict gain is kept."""
    table = dict(table)
    best = top_right(rows, table)[0]
    for _ in range(passes):
        improved = False
        for name in list(table):
            base = table[name]
            for value in {
                0.0,
                base * 0.5,
                base * 1.5,
                base * 2,
                base + 0.1,
                base - 0.1,
                base + 0.3,
                base - 0.3,
            }:
                trial = {**table, name: round(value, 3)}
                score = top_right(rows, trial)[0]
                if score > best:
                    best, table, improved = score, trial, True
        if not improved:
            break
    return table


def fit_evidence(rows: list[dict], folds: int) -> None:
    from rag.answer.weights import EVIDENCE_WEIGHTS

    def show(label: str, table: dict[str, float]) -> None:
        scores = []
        for f in range(folds):
            r, n = top_right([row for row in rows if row["fold"] == f], table)
            scores.append(f"{r}/{n}")
        print(json.dumps({label: scores}))

    show("current", EVIDENCE_WEIGHTS)
    for f in range(folds):
        fitted = ascend([row for row in rows if row["fold"] == f], EVIDENCE_WEIGHTS)
        changed = {k: v for k, v in fitted.items() if v != EVIDENCE_WEIGHTS[k]}
        show(f"fitted on fold {f}: {changed}", fitted)
    fitted = ascend(rows, EVIDENCE_WEIGHTS)
    show(f"fitted on all: { {k: v for k, v in fitted.items() if v != EVIDENCE_WEIGHTS[k]} }", fitted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", help="a weight table of rag.answer.weights (grid mode)")
    parser.add_argument("--grid", nargs="+", help="name=v1,v2,… per weight (grid mode)")
    parser.add_argument(
        "--evidence",
        action="store_true",
        help="fit EVIDENCE_WEIGHTS by coordinate ascent on recorded rankings",
    )
    parser.add_argument("--set", action="append", required=True, help="QA_FILE=INDEX_DIR")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--rows", help="--evidence: a file keeping the recorded rankings (read when present)")
    parser.add_argument("--only-parts", action="store_true", help="items the reader splits into parts")
    args = parser.parse_args(argv)
    runs = []
    for spec in args.set:
        qa, index = spec.split("=")
        items = [i for i in load_gold(qa) if not args.only_parts or read(i.question).parts]
        documents = sorted({s for i in items for s in i.sources})
        runs.append((Path(qa).parent.name, Assistant.open(index), items, documents))
    if args.evidence:
        cache = Path(args.rows) if args.rows else None
        if cache is not None and cache.exists():
            rows = json.loads(cache.read_text())
        else:
            rows = record_candidates(runs, args.folds)
            if cache is not None:
                cache.write_text(json.dumps(rows))
        fit_evidence(rows, args.folds)
        return 0
    table: dict[str, float] = getattr(weights, args.table)
    grid = {name: [float(v) for v in values.split(",")] for name, values in (g.split("=") for g in args.grid)}
    original = dict(table)
    for values in itertools.product(*grid.values()):
        table.update(original)
        table.update(dict(zip(grid, values, strict=True)))
        right = [[0, 0] for _ in range(args.folds)]
        wrong: list[str] = []
        for _, assistant, items, documents in runs:
            for item in items:
                fold = fold_of(item.sources, documents, args.folds)
                answer = assistant.ask(item.question)
                result = judge(item, Prediction.from_answer(item, answer, 0.0))
                ok = result.abstained if item.abstain else result.answer_ok
                right[fold][0] += ok
                if not ok:
                    wrong.append(f"{item.id}@{fold}")
                right[fold][1] += 1
        scores = [round(r / n, 3) if n else None for r, n in right]
        print(
            json.dumps(
                {
                    "weights": dict(zip(grid, values, strict=True)),
                    "folds": scores,
                    "n": [n for _, n in right],
                    "wrong": wrong,
                }
            )
        )
    table.update(original)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
