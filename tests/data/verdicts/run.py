"""Score verdicts on the generated items (tests/data/verdicts/verdicts.jsonl) through the whole
answerer, and fit the verdict thresholds offline on the "fit" half.

    python tests/data/verdicts/run.py --index DIR [--out FILE]   # ask every item, record the evidence
    python tests/data/verdicts/run.py --items documents.jsonl --index kinds=DIR --index provinces=DIR
                                      # each item asked on the index of the set its document is in
    python tests/data/verdicts/run.py --replay FILE [--grid]     # re-judge recorded evidence offline

An answer's verdict: "Đúng."/"Có." -> true, "Sai."/"Không." -> false, "Đáp án X:" -> X; anything
else (the clause cited with no verdict, or an abstention) is withheld. Per half and kind the
report gives coverage (share with a verdict), precision (right among those), and the share
right or withheld.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).parent
ITEMS = HERE / "verdicts.jsonl"
SETS = Path("/work/shared/eval")  # <set>/corpus/<doc>: which index an item is asked on
sys.path.insert(0, str(HERE.parents[2]))  # this checkout's code, not an installed one


def verdict_of(answer: str, abstained: bool) -> str | None:
    if abstained:
        return None
    m = re.match(r"^(Đúng|Có|Sai|Không)\.", answer)
    if m:
        return "true" if m.group(1) in ("Đúng", "Có") else "false"
    m = re.match(r"^Đáp án ([A-F]):", answer)
    return m.group(1) if m else None


def table(rows: list[dict]) -> str:
    """Coverage, precision, right-or-withheld per half and kind."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        kind = "choice" if r["kind"].startswith("choice") else r["kind"]
        for key in ((r["half"], kind), (r["half"], "ALL"), ("both", kind), ("both", "ALL")):
            groups[key].append(r)
    lines = ["| half | kind | n | coverage | precision | right or withheld |", "|---|---|---|---|---|---|"]
    order = [
        "original",
        "number",
        "date",
        "actor",
        "negation",
        "condition",
        "verb",
        "reordered",
        "reordered_negation",
        "choice",
        "ALL",
    ]
    for half in ("fit", "check", "both"):
        for kind in order:
            g = groups.get((half, kind))
            if not g:
                continue
            given = [r for r in g if r["got"] is not None]
            right = [r for r in given if r["got"] == r["expected"]]
            ok = len(g) - len(given) + len(right)
            prec = f"{len(right) / len(given):.3f}" if given else "-"
            lines.append(
                f"| {half} | {kind} | {len(g)} | {len(given) / len(g):.3f} | {prec} | {ok / len(g):.3f} |"
            )
    return "\n".join(lines)


def _index_for(indexes: list[str], doc: str) -> Path:
    """`DIR` for every item, or `SET=DIR` for the items whose document is in SETS/SET/corpus."""
    for spec in indexes:
        name, _, path = spec.rpartition("=")
        if not name or (SETS / name / "corpus" / doc).exists():
            return Path(path)
    raise SystemExit(f"no index given for {doc}")


def by_document(rows: list[dict]) -> str:
    """Coverage, precision, right-or-withheld per document (and its half)."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["half"], r["doc"])].append(r)
    lines = [
        "| half | document | n | coverage | precision | right or withheld |",
        "|---|---|---|---|---|---|",
    ]
    for (half, doc), g in sorted(groups.items()):
        given = [r for r in g if r["got"] is not None]
        right = [r for r in given if r["got"] == r["expected"]]
        prec = f"{len(right) / len(given):.3f}" if given else "-"
        ok = (len(g) - len(given) + len(right)) / len(g)
        lines.append(f"| {half} | {doc} | {len(g)} | {len(given) / len(g):.3f} | {prec} | {ok:.3f} |")
    return "\n".join(lines)


def ask_all(indexes: list[str], out: Path, items: Path = ITEMS) -> list[dict]:
    import rag.answer.choices as strategy
    from rag.pipeline import Assistant

    recorded: dict[str, object] = {}
    judge, choose = strategy.judge, strategy.choose

    def judge_recorded(statement, clauses, *a, **k):  # type: ignore[no-untyped-def]
        recorded["call"] = {"fn": "judge", "statement": statement, "clauses": [asdict(c) for c in clauses]}
        return judge(statement, clauses, *a, **k)

    def choose_recorded(stem, choices, clauses, *a, **k):  # type: ignore[no-untyped-def]
        recorded["call"] = {
            "fn": "choose",
            "stem": stem,
            "choices": [list(c) for c in choices],
            "clauses": [asdict(c) for c in clauses],
            "pick_false": k.get("pick_false", False),
        }
        return choose(stem, choices, clauses, *a, **k)

    strategy.judge, strategy.choose = judge_recorded, choose_recorded
    assistants: dict[Path, Assistant] = {}
    rows = []
    for line in items.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        recorded.clear()
        index = _index_for(indexes, item["doc"])
        if index not in assistants:
            assistants[index] = Assistant.open(index)
        answer = assistants[index].ask(item["question"])
        got = verdict_of(answer.answer, answer.abstained)
        rows.append(item | {"got": got, "answer": answer.answer[:300], "call": recorded.get("call")})
    out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return rows


def replay(rows: list[dict], thresholds: object | None = None) -> list[dict]:
    """The recorded evidence judged again (with other thresholds): the verdict the answer would give."""
    from rag.verdicts import THRESHOLDS, ClauseText, choose, judge

    t = thresholds or THRESHOLDS
    out = []
    for r in rows:
        call = r.get("call")
        got = None
        if call:
            clauses = [ClauseText(**c) for c in call["clauses"]]
            if call["fn"] == "judge":
                v = judge(call["statement"], clauses, t).value
                got = None if v is None else ("true" if v else "false")
            else:
                got = choose(
                    call["stem"],
                    [tuple(c) for c in call["choices"]],
                    clauses,
                    pick_false=call["pick_false"],
                    thresholds=t,
                ).letter
        out.append(r | {"got": got})
    return out


def grid(rows: list[dict]) -> None:
    """Thresholds fitted on the fit half: most verdicts given while right or withheld >= 0.97."""
    from rag.verdicts import Thresholds

    fit = [r for r in rows if r["half"] == "fit"]
    best = None
    for tc, ff, rv, rf in itertools.product((0.85, 0.9, 0.95), (0.7, 0.8, 0.9), (0.06,), (0.7, 0.75, 0.8)):
        t = Thresholds(tc, ff, rv, rf)
        scored = replay(fit, t)
        given = [r for r in scored if r["got"] is not None]
        wrong = sum(r["got"] != r["expected"] for r in given)
        safe = 1 - wrong / len(scored)
        key = (safe >= 0.97, len(given) - 3 * wrong)
        if best is None or key > best[0]:
            best = (key, t, safe, len(given) / len(scored))
    assert best is not None
    print(
        "fitted on the fit half:",
        best[1],
        f"right-or-withheld {best[2]:.3f}, coverage {best[3]:.3f}",
        file=sys.stderr,
    )
    print(table(replay(rows, best[1])))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", action="append", default=[], help="DIR, or SET=DIR (repeat)")
    parser.add_argument("--items", type=Path, default=ITEMS)
    parser.add_argument("--out", type=Path, default=Path("/tmp/verdicts-run.jsonl"))
    parser.add_argument("--replay", type=Path)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    if args.replay:
        rows = [json.loads(x) for x in args.replay.read_text(encoding="utf-8").splitlines()]
        if args.grid:
            grid(rows)
            return
        rows = replay(rows)
    else:
        rows = ask_all(args.index, args.out, args.items)
    print(table(rows))
    print()
    print(by_document(rows))


if __name__ == "__main__":
    main()
