"""Pinned answers: today's answer to every gold question, and every answer that changed since.

A golden file holds, per question, what the product answered when it was pinned: the answer
text, whether it abstained, and the first citation (source and locator). Refactors that must
not change answers are checked against it; a change that is an improvement is pinned again on
purpose (``--update``), so every changed answer is seen once by a person.

    python -m eval.golden check --qa FILE --index DIR --golden FILE [--update]
    python -m eval.golden diff GOLDEN PREDICTIONS.jsonl
    python -m eval.golden pin PREDICTIONS.jsonl GOLDEN
    policyqa eval --qa FILE --index DIR --out DIR --golden FILE   (changes listed in report.md)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.predictions import Prediction, read_predictions
from rag.errors import PolicyQAError
from rag.text import collapse_ws

PREVIEW = 240  # characters of an answer shown in a change


@dataclass(frozen=True)
class Pinned:
    """What the product answered to one question when the golden file was written."""

    id: str
    question: str
    answer: str
    abstained: bool
    citation: str  # "source#locator" of the first citation, "" when none

    @classmethod
    def of(cls, prediction: Prediction) -> Pinned:
        first = prediction.citations[0] if prediction.citations else None
        return cls(
            id=prediction.id,
            question=prediction.question,
            answer=prediction.answer,
            abstained=prediction.abstained,
            citation=f"{first.source}#{first.locator}" if first else "",
        )


@dataclass(frozen=True)
class Change:
    """One question whose answer differs from the pinned one (or that is new or gone)."""

    id: str
    question: str
    fields: tuple[str, ...]  # "answer", "abstained", "citation", "new", "gone"
    before: Pinned | None
    after: Pinned | None

    def describe(self) -> str:
        head = f"{self.id} [{', '.join(self.fields)}] {collapse_ws(self.question)}"
        lines = [head]
        for label, pinned in (("before", self.before), ("after", self.after)):
            if pinned is None:
                lines.append(f"  {label}: (none)")
                continue
            shown = "(abstained) " if pinned.abstained else ""
            lines.append(f"  {label}: {shown}{_preview(pinned.answer)}")
            if "citation" in self.fields:
                lines.append(f"    cites {pinned.citation or '(nothing)'}")
        return "\n".join(lines)


def _preview(text: str) -> str:
    text = collapse_ws(text)
    return text if len(text) <= PREVIEW else text[:PREVIEW].rstrip() + "…"


def pin(predictions: Iterable[Prediction]) -> list[Pinned]:
    return [Pinned.of(p) for p in predictions]


def write_golden(path: Path, pinned: Iterable[Pinned]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(asdict(p), ensure_ascii=False) for p in pinned]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def load_golden(path: Path) -> list[Pinned]:
    out: list[Pinned] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PolicyQAError(f"{path}: cannot read the golden file ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: dict[str, Any] = json.loads(line)
            out.append(
                Pinned(
                    id=str(data["id"]),
                    question=str(data["question"]),
                    answer=str(data["answer"]),
                    abstained=bool(data["abstained"]),
                    citation=str(data["citation"]),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise PolicyQAError(f"{path}:{number}: not a pinned answer ({exc})") from exc
    return out


def changes(golden: Sequence[Pinned], now: Sequence[Pinned]) -> list[Change]:
    """Every question whose answer, abstention or first citation differs, in the golden order."""
    before = {p.id: p for p in golden}
    after = {p.id: p for p in now}
    out: list[Change] = []
    for pid in [*before, *(i for i in after if i not in before)]:
        old, new = before.get(pid), after.get(pid)
        if old is None or new is None:
            kept = old or new
            assert kept is not None
            out.append(Change(pid, kept.question, ("gone" if new is None else "new",), old, new))
            continue
        fields = tuple(
            name
            for name, differs in (
                ("answer", old.answer != new.answer),
                ("abstained", old.abstained != new.abstained),
                ("citation", old.citation != new.citation),
            )
            if differs
        )
        if fields:
            out.append(Change(pid, new.question, fields, old, new))
    return out


def format_changes(found: Sequence[Change], total: int) -> str:
    if not found:
        return f"all {total} answers as pinned"
    body = "\n".join(c.describe() for c in found)
    return f"{len(found)} of {total} answers changed:\n{body}"


def markdown_changes(found: Sequence[Change], total: int, golden: Path) -> list[str]:
    """The report.md section listing the changed answers."""
    lines = ["", f"## Changed answers against {golden.name}", ""]
    if not found:
        return [*lines, f"All {total} answers as pinned."]
    lines.append(f"{len(found)} of {total} answers changed.")
    lines.append("")
    for c in found:
        lines.append("```")
        lines.append(c.describe())
        lines.append("```")
    return lines


# --- command line ----------------------------------------------------------------------------
def _check(args: argparse.Namespace) -> int:
    from eval.gold import load_gold
    from eval.runner import answer_all
    from rag.pipeline import Assistant

    items = load_gold(args.qa)
    assistant = Assistant.open(args.index)
    now = pin(answer_all(assistant, items, args.mode))
    golden = Path(args.golden)
    if args.update or not golden.exists():
        write_golden(golden, now)
        print(f"pinned {len(now)} answers to {golden}")
        return 0
    found = changes(load_golden(golden), now)
    print(format_changes(found, len(now)))
    return 1 if found else 0


def _diff(args: argparse.Namespace) -> int:
    now = pin(read_predictions(Path(args.predictions)))
    found = changes(load_golden(Path(args.golden)), now)
    print(format_changes(found, len(now)))
    return 1 if found else 0


def _pin(args: argparse.Namespace) -> int:
    now = pin(read_predictions(Path(args.predictions)))
    write_golden(Path(args.golden), now)
    print(f"pinned {len(now)} answers to {args.golden}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.golden", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "check", help="answer a gold file and list every answer that differs from the pinned one"
    )
    p.add_argument("--qa", required=True, metavar="FILE")
    p.add_argument("--index", required=True, metavar="DIR")
    p.add_argument("--golden", required=True, metavar="FILE")
    p.add_argument("--mode", default="hybrid")
    p.add_argument("--update", action="store_true", help="pin today's answers (after reviewing the changes)")
    p.set_defaults(run=_check)
    p = sub.add_parser("diff", help="compare a predictions.jsonl (policyqa eval) with a golden file")
    p.add_argument("golden", metavar="GOLDEN")
    p.add_argument("predictions", metavar="PREDICTIONS")
    p.set_defaults(run=_diff)
    p = sub.add_parser(
        "pin", help="pin the answers of a predictions.jsonl (policyqa eval) as the golden file"
    )
    p.add_argument("predictions", metavar="PREDICTIONS")
    p.add_argument("golden", metavar="GOLDEN")
    p.set_defaults(run=_pin)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except PolicyQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
