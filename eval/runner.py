"""`policyqa eval`: answer every gold question through the Assistant, score, write the reports.

The questions go through ``Assistant.ask``, the same code path as the CLI and the API.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.gold import GoldItem, load_gold
from eval.metrics import CITATION_DEPTH, score
from eval.predictions import PredictedCitation, Prediction
from eval.report import Run, format_summary, write_reports
from rag import config
from rag.cli import MODES
from rag.errors import PolicyQAError

BASELINE_KEY = "baseline"
BASELINE_LABEL = "baseline (LangChain tutorial)"
BM25_BASELINE_KEY = "baseline-bm25"
BM25_BASELINE_LABEL = "baseline (BM25 chunks)"
SEARCH_KEY = "search"
# `policyqa search` scored like the peers: its top 5 clauses cited, the top clause as the answer.
SEARCH_LABEL = "policyqa search (top clause)"


def parse_modes(compare: str | None, mode: str) -> list[str]:
    """--compare "hybrid,dense" -> ["hybrid", "dense"] (order kept, duplicates dropped); else [mode]."""
    if not compare:
        return [mode]
    modes = list(dict.fromkeys(m.strip() for m in compare.split(",") if m.strip()))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise PolicyQAError(
            f"--compare: unknown mode(s) {', '.join(unknown) or '(none)'}; use {', '.join(MODES)}"
        )
    return modes


def missing_source_warnings(items: Sequence[GoldItem], indexed: set[str]) -> list[str]:
    """One line per item whose gold sources the index does not hold (its citations cannot be right)."""
    warnings = []
    for item in items:
        missing = [s for s in item.sources if s not in indexed]
        if missing:
            warnings.append(f"{item.id}: gold source(s) not in the index: {', '.join(missing)}")
    return warnings


def baseline_corpus_warnings(corpus_dir: Path, indexed: set[str]) -> list[str]:
    """The peers read ``corpus_dir``, the product reads the index: both must hold the same files.

    Raises when the folder holds none of the indexed documents (the wrong ``--corpus``: the
    peers would be scored on another corpus); one warning per file only one side has.
    """
    from eval.baseline import SUFFIXES

    if not corpus_dir.is_dir():
        raise PolicyQAError(f"baseline corpus folder not found: {corpus_dir}")
    files = {
        p.relative_to(corpus_dir).as_posix()
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
    }
    if indexed and not files & indexed:
        raise PolicyQAError(
            f"--corpus {corpus_dir} holds none of the indexed documents; pass the folder the index "
            "was built from (the baselines read it, the product reads the index)"
        )
    only_index = sorted(indexed - files)
    only_corpus = sorted(files - indexed)
    return [f"indexed but not in the baseline corpus: {s}" for s in only_index] + [
        f"in the baseline corpus but not indexed: {s}" for s in only_corpus
    ]


def forget_query_vectors(embedder: Any) -> None:
    """Empty the embedder's in-memory query-vector LRU before a run.

    Otherwise every run after the first finds its questions already embedded and its
    latency looks several times better than what a new question costs.
    """
    from index.embedders import EmbeddingCache

    cache = getattr(embedder, "_query_cache", None)
    if isinstance(cache, EmbeddingCache):
        embedder._query_cache = EmbeddingCache(None, max_items=cache.max_items)


def answer_all(assistant: Any, items: Sequence[GoldItem], mode: str) -> list[Prediction]:
    """Ask every question with cold query vectors; latency is the wall-clock time of `ask`."""
    forget_query_vectors(assistant.embedder)
    predictions = []
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item.question, mode=mode)
        predictions.append(Prediction.from_answer(item, answer, (time.perf_counter() - started) * 1000))
    return predictions


def search_all(assistant: Any, items: Sequence[GoldItem], mode: str) -> list[Prediction]:
    """`policyqa search` alone (no answerer): the top 5 clauses, the first as the answer."""
    forget_query_vectors(assistant.embedder)
    predictions = []
    for item in items:
        started = time.perf_counter()
        hits = assistant.search(item.question, k=CITATION_DEPTH, mode=mode)
        seconds = time.perf_counter() - started
        citations = [
            PredictedCitation(h.clause.source, h.clause.locator, h.clause.text, h.score) for h in hits
        ]
        predictions.append(Prediction.top_of(item, citations, seconds))
    return predictions


def run_eval(args: argparse.Namespace) -> int:
    """--qa (scored answers and reports) and/or --structured (eval/structured.py: pass or fail)."""
    structured = getattr(args, "structured", None)
    if not args.qa and not structured:
        raise PolicyQAError("eval: give --qa FILE (gold questions) and/or --structured FILE (checks)")
    if args.qa and not args.out:
        raise PolicyQAError("eval: --qa needs --out DIR for its reports")
    status = _run_gold(args) if args.qa else 0
    if structured:
        from eval.structured import run_structured

        status = max(status, run_structured(args))
    return status


def _run_gold(args: argparse.Namespace) -> int:
    from index.stores import location_of
    from rag.pipeline import Assistant

    items = load_gold(args.qa)
    modes = parse_modes(args.compare, args.mode)
    out_dir = Path(args.out)

    generator = None
    if args.llm:
        from rag.generate import LLMGenerator

        generator = LLMGenerator.from_spec(args.llm, base_url=args.llm_base_url)
    assistant = Assistant.open(args.index_dir, generator=generator)
    indexed = {d.source for d in assistant.documents()}
    warnings = missing_source_warnings(items, indexed)
    corpus_dir = Path(args.corpus) if getattr(args, "corpus", None) else config.DEFAULT_CORPUS_DIR
    if args.baseline:  # before the product's run: a wrong --corpus should not cost minutes
        warnings += baseline_corpus_warnings(corpus_dir, indexed)
    # Load the models before the clock starts so the first question's latency is not the load time.
    assistant.search(items[0].question, k=1, mode=modes[0])

    runs: list[Run] = []
    seconds: dict[str, float] = {}
    for mode in modes:
        started = time.perf_counter()
        predictions = answer_all(assistant, items, mode)
        seconds[mode] = round(time.perf_counter() - started, 2)
        label = f"{mode} + {args.llm}" if args.llm else mode
        runs.append(Run(mode, label, predictions, score(items, predictions)))
        _progress(f"{label}: {len(items)} questions in {seconds[mode]:.1f} s")

    for number, location in enumerate(getattr(args, "also_store", None) or [], start=2):
        # The same questions through another store (embedded vs Milvus): scores side by side.
        other = Assistant.open(location_of(location), generator=generator)
        other.search(items[0].question, k=1, mode=modes[0])
        for mode in modes:
            started = time.perf_counter()
            predictions = answer_all(other, items, mode)
            key, label = f"{mode}-store{number}", f"{mode} @ {location}"
            seconds[key] = round(time.perf_counter() - started, 2)
            runs.append(Run(key, label, predictions, score(items, predictions)))
            _progress(f"{label}: {len(items)} questions in {seconds[key]:.1f} s")

    if args.baseline:
        # Retrieval against retrieval: the clause search the answerer stands on, beside the peers.
        started = time.perf_counter()
        predictions = search_all(assistant, items, modes[0])
        seconds[SEARCH_KEY] = round(time.perf_counter() - started, 2)
        label = f"{SEARCH_LABEL}, {modes[0]}"
        runs.append(Run(SEARCH_KEY, label, predictions, score(items, predictions)))
        _progress(f"{label}: {len(items)} questions in {seconds[SEARCH_KEY]:.1f} s")

        from eval.baseline import run_baseline, run_bm25_baseline
        from index.langchain import LangChainEmbeddings

        if getattr(args, "peers", "all") == "all":  # the dense peer re-embeds the corpus: minutes
            started = time.perf_counter()
            forget_query_vectors(assistant.embedder)
            predictions = run_baseline(items, corpus_dir, embeddings=LangChainEmbeddings(assistant.embedder))
            seconds[BASELINE_KEY] = round(time.perf_counter() - started, 2)
            runs.append(Run(BASELINE_KEY, BASELINE_LABEL, predictions, score(items, predictions)))
            _progress(f"{BASELINE_LABEL}: indexed and answered in {seconds[BASELINE_KEY]:.1f} s")

        started = time.perf_counter()
        predictions = run_bm25_baseline(items, corpus_dir)
        seconds[BM25_BASELINE_KEY] = round(time.perf_counter() - started, 2)
        runs.append(Run(BM25_BASELINE_KEY, BM25_BASELINE_LABEL, predictions, score(items, predictions)))
        _progress(f"{BM25_BASELINE_LABEL}: indexed and answered in {seconds[BM25_BASELINE_KEY]:.1f} s")

    meta = {
        "qa": str(args.qa),
        "index": str(args.index_dir),
        "corpus (baseline)": str(corpus_dir) if args.baseline else None,
        "modes": ", ".join(modes),
        "generator": args.llm or "extractive",
        "items": len(items),
        "run seconds": seconds,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    written = write_reports(out_dir, items, runs, warnings=warnings, meta=meta)

    print(format_summary(runs))
    if getattr(args, "golden", None):
        _report_golden(Path(args.golden), runs[0], out_dir)
    if warnings:
        print(f"\n{len(warnings)} warning(s), see report.md:")
        print("\n".join(f"  {w}" for w in warnings))
    print(f"\nwrote {', '.join(p.name for p in written)} to {out_dir}")
    return 0


def _report_golden(golden: Path, run: Run, out_dir: Path) -> None:
    """The primary run's answers against the pinned ones: listed in report.md and on stdout."""
    from eval.golden import changes, format_changes, load_golden, markdown_changes, pin

    now = pin(run.predictions)
    found = changes(load_golden(golden), now)
    report = out_dir / "report.md"
    report.write_text(
        report.read_text(encoding="utf-8") + "\n".join(markdown_changes(found, len(now), golden)) + "\n",
        encoding="utf-8",
    )
    print("\n" + format_changes(found, len(now)))


def _progress(message: str) -> None:
    print(f"eval: {message}", file=sys.stderr, flush=True)
