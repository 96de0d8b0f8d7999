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

from eval.gold import load_gold
from eval.metrics import judge
from eval.predictions import Prediction
from rag.answer import weights
from rag.pipeline import Assistant
from rag.reading import read


def fold_of(sources: list[str], documents: list[str], folds: int) -> int:
    return documents.index(sorted(sources)[0]) % folds if sources else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="a weight table of rag.answer.weights")
    parser.add_argument("--grid", nargs="+", required=True, help="name=v1,v2,… per weight")
    parser.add_argument("--set", action="append", required=True, help="QA_FILE=INDEX_DIR")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--only-parts", action="store_true", help="items the reader splits into parts")
    args = parser.parse_args(argv)
    table: dict[str, float] = getattr(weights, args.table)
    grid = {name: [float(v) for v in values.split(",")] for name, values in (g.split("=") for g in args.grid)}
    runs = []
    for spec in args.set:
        qa, index = spec.split("=")
        items = [i for i in load_gold(qa) if not args.only_parts or read(i.question).parts]
        documents = sorted({s for i in items for s in i.sources})
        runs.append((Path(qa).parent.name, Assistant.open(index), items, documents))
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
