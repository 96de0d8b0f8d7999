"""Does answering grow with the corpus? An index copied N times under new names, and the CPU per
uncached ask on it against the single copy: same questions, one process, asked in turns.

    python -m tools.bench_corpus_copies build --index /tmp/pq/base2/provinces --out /tmp/x30 --copies 30
    python -m tools.bench_corpus_copies measure --one /tmp/pq/base2/provinces --many /tmp/x30 \\
        --qa /work/shared/eval/provinces/qa.jsonl --limit 60 [--json out.json] [--answers out.jsonl]

`build` copies the parsed documents (no parsing; the vectors come from the embed cache, copied
from the single index first: `cp -r ONE/embed-cache OUT/`). `measure` warms both assistants as a
server does, then asks each question of both as a public caller and prints mean and p50 CPU-ms
per ask, their ratio, how many answers are the same, and the machine's load; ``--answers`` writes
each answer (text, strategy, cited clauses) on both indexes, to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's code

from index.embedders import get_embedder  # noqa: E402
from index.stores import open_reader, open_writer  # noqa: E402
from rag.pipeline import Assistant  # noqa: E402
from rag.records import Document, Filters  # noqa: E402

PUBLIC = frozenset({"public"})


def copied(doc: Document, k: int) -> Document:
    """The document as another file: new source, id and clause ids; the same text and metadata."""
    source = f"c{k:02d}_{doc.source}"
    new_id = hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]

    def renamed(clause_id: str | None) -> str | None:
        return clause_id.replace(doc.id, new_id, 1) if clause_id else clause_id

    clauses = [
        replace(
            c,
            id=renamed(c.id),
            doc_id=new_id,
            source=source,
            parent_id=renamed(c.parent_id),
            children=[renamed(x) for x in c.children],
        )
        for c in doc.clauses
    ]
    return replace(doc, id=new_id, source=source, clauses=clauses)


def build(index: str, out: str, copies: int) -> None:
    embedder = get_embedder(None)
    store = open_reader(index, embedder=embedder)
    docs = [d for d in (store.document(m.id) for m in store.documents()) if d is not None]
    with open_writer(out, embedder=embedder) as writer:
        writer.upsert([copied(d, k) for k in range(1, copies + 1) for d in docs])
        print(writer.commit())


def _p50(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def measure(one: str, many: str, qa: str, limit: int, record: Path | None = None) -> dict[str, object]:
    questions = [json.loads(line)["question"] for line in Path(qa).read_text(encoding="utf-8").splitlines()]
    assistants = {"one": Assistant.open(one), "many": Assistant.open(many)}
    for assistant in assistants.values():
        assistant.warm((PUBLIC,))
    public = Filters(access=set(PUBLIC))
    cpu: dict[str, list[float]] = {name: [] for name in assistants}
    answers: dict[str, list[str]] = {name: [] for name in assistants}
    records: list[dict[str, object]] = []
    for question in questions[:limit]:
        for name, assistant in assistants.items():
            started = time.process_time()
            answer = assistant.ask(question, filters=public)
            cpu[name].append((time.process_time() - started) * 1000)
            answers[name].append(answer.answer)
            cited = [c.clause_id for c in answer.citations]
            records.append(
                {
                    "index": name,
                    "question": question,
                    "answer": answer.answer,
                    "strategy": answer.strategy,
                    "cited": cited,
                }
            )
    summary: dict[str, object] = {
        name: {"mean_cpu_ms": round(sum(v) / len(v), 1), "p50_cpu_ms": round(_p50(v), 1)}
        for name, v in cpu.items()
    }
    summary["ratio_mean"] = round(sum(cpu["many"]) / sum(cpu["one"]), 2)
    summary["ratio_p50"] = round(_p50(cpu["many"]) / _p50(cpu["one"]), 2)
    summary["same_answers"] = sum(a == b for a, b in zip(answers["one"], answers["many"], strict=True))
    summary["questions"] = len(cpu["one"])
    summary["load"] = [round(x, 1) for x in os.getloadavg()]
    if record is not None:
        record.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--index", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--copies", type=int, default=30)
    m = sub.add_parser("measure")
    m.add_argument("--one", required=True)
    m.add_argument("--many", required=True)
    m.add_argument("--qa", required=True)
    m.add_argument("--limit", type=int, default=60)
    m.add_argument("--json", type=Path)
    m.add_argument("--answers", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.index, args.out, args.copies)
        return
    summary = measure(args.one, args.many, args.qa, args.limit, args.answers)
    print(json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
