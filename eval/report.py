"""Evaluation reports: predictions files, report.json, report.md, report.png and a stdout summary.

Everything here is a rendering of already-scored runs; scoring lives in eval/metrics.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.gold import GoldItem
from eval.metrics import Metrics, Report
from eval.predictions import Prediction, write_predictions
from rag.text import collapse_ws

ANSWER_PREVIEW = 300  # characters of the answer shown for a failure
CITATION_PREVIEW = 120  # characters of each cited text shown for a failure
CITATIONS_SHOWN = 3

# (Metrics attribute, row label) in the order the summary tables show them.
METRIC_ROWS: tuple[tuple[str, str], ...] = (
    ("answer_acc", "answer_acc"),
    ("cite_acc", "cite_acc (hit@5)"),
    ("mrr", "mrr"),
    ("abstain_recall", "abstain_recall"),
    ("false_abstain", "false_abstain"),
    ("overall", "overall"),
    ("p50_latency_ms", "p50 latency (ms)"),
)
CHART_METRICS: tuple[tuple[str, str], ...] = (
    ("answer_acc", "answer_acc"),
    ("cite_acc", "cite_acc (hit@5)"),
    ("overall", "overall"),
)


@dataclass
class Run:
    """One scored system: a retrieval mode of the product, or the baseline."""

    key: str  # file-safe name: "hybrid", "dense", "bm25", "baseline"
    label: str  # shown in tables and the chart
    predictions: list[Prediction]
    report: Report


def write_reports(
    out_dir: Path,
    items: Sequence[GoldItem],
    runs: Sequence[Run],
    *,
    warnings: Sequence[str] = (),
    meta: dict[str, Any] | None = None,
) -> list[Path]:
    """Write every predictions file, report.json, report.md and report.png; return their paths.

    The first run is the primary one: its predictions go to predictions.jsonl. When several
    runs are compared, each also gets predictions-<key>.jsonl.
    """
    if not runs:
        raise ValueError("no runs to report")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    targets = [(runs[0], "predictions.jsonl")]
    if len(runs) > 1:
        targets += [(run, f"predictions-{run.key}.jsonl") for run in runs]
    for run, name in targets:
        write_predictions(out_dir / name, run.predictions)
        written.append(out_dir / name)

    meta = dict(meta or {})
    data = build_json(items, runs, warnings=warnings, meta=meta)
    (out_dir / "report.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (out_dir / "report.md").write_text(render_markdown(items, runs, warnings=warnings, meta=meta), "utf-8")
    render_chart(runs, out_dir / "report.png")
    return written + [out_dir / "report.json", out_dir / "report.md", out_dir / "report.png"]


# --- report.json ------------------------------------------------------------------------------
def failure_details(item: GoldItem, prediction: Prediction, failed: list[str], rank: int | None) -> dict:
    return {
        "id": item.id,
        "type": item.type,
        "question": item.question,
        "failed": failed,
        "expected_keys": item.keys,
        "abstain_expected": item.abstain,
        "gold_sources": item.sources,
        "gold_evidence": item.evidence,
        "answer": _preview(prediction.answer, ANSWER_PREVIEW),
        "abstained": prediction.abstained,
        "citation_rank": rank,
        "strategy": prediction.strategy,
        "citations": [
            {"source": c.source, "locator": c.locator, "text": _preview(c.text, CITATION_PREVIEW)}
            for c in prediction.citations[:CITATIONS_SHOWN]
        ],
    }


def _failures(items: Sequence[GoldItem], run: Run) -> list[dict]:
    gold = {i.id: i for i in items}
    preds = {p.id: p for p in run.predictions}
    return [
        failure_details(gold[r.id], preds[r.id], r.failed, r.citation_rank) for r in run.report.failures()
    ]


def build_json(
    items: Sequence[GoldItem],
    runs: Sequence[Run],
    *,
    warnings: Sequence[str] = (),
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    primary = runs[0]
    return {
        "meta": dict(meta or {}),
        "primary": primary.key,
        "overall": primary.report.overall.to_dict(),
        "by_type": {t: m.to_dict() for t, m in primary.report.by_type.items()},
        "by_strategy": {s: m.to_dict() for s, m in primary.report.by_strategy.items()},
        "modes": {
            run.key: {
                "label": run.label,
                "overall": run.report.overall.to_dict(),
                "by_type": {t: m.to_dict() for t, m in run.report.by_type.items()},
                "by_strategy": {s: m.to_dict() for s, m in run.report.by_strategy.items()},
                "items": [
                    {"id": r.id, "passed": r.passed, "failed": r.failed, "citation_rank": r.citation_rank}
                    for r in run.report.items
                ],
            }
            for run in runs
        },
        "failures": {run.key: _failures(items, run) for run in runs},
        "warnings": list(warnings),
    }


# --- report.md --------------------------------------------------------------------------------
def _fmt(name: str, value: float | int | None) -> str:
    if value is None:
        return "–"
    if name == "p50_latency_ms":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _meta_value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def _preview(text: str, limit: int) -> str:
    text = collapse_ws(text)
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _cell(text: str) -> str:
    """Safe inside a Markdown table cell or inline span."""
    return text.replace("|", "\\|").replace("`", "'")


def _summary_table(runs: Sequence[Run]) -> list[str]:
    lines = [
        "| metric | " + " | ".join(_cell(r.label) for r in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for name, label in METRIC_ROWS:
        values = [_fmt(name, getattr(r.report.overall, name)) for r in runs]
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    counts = runs[0].report.overall
    lines.append(
        "| items (answerable / abstain) | "
        + " | ".join(f"{counts.n} ({counts.n_answerable} / {counts.n_abstain})" for _ in runs)
        + " |"
    )
    return lines


def _type_table(by_type: dict[str, Metrics], overall: Metrics, head: str = "type") -> list[str]:
    names = [name for name, _ in METRIC_ROWS]
    lines = [
        f"| {head} | n | " + " | ".join(label for _, label in METRIC_ROWS) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for type_, m in [*by_type.items(), ("**all**", overall)]:
        cells = [_fmt(n, getattr(m, n)) for n in names]
        lines.append(f"| {type_} | {m.n} | " + " | ".join(cells) + " |")
    return lines


def _keys_text(keys: list[list[str]]) -> str:
    if not keys:
        return "(none: the right output is an abstention)"
    return "; ".join("(" + " or ".join(f"«{_cell(alt)}»" for alt in group) + ")" for group in keys)


def _failure_lines(failure: dict) -> list[str]:
    rank = failure["citation_rank"]
    lines = [
        f"#### {_cell(failure['id'])} · {failure['type']} · failed: {', '.join(failure['failed'])}",
        "",
        f"- **Question:** {_cell(failure['question'])}",
        f"- **Expected:** {_keys_text(failure['expected_keys'])}",
    ]
    if failure["gold_sources"]:
        evidence = " or ".join(f"«{_cell(e)}»" for e in failure["gold_evidence"])
        lines.append(f"- **Gold:** {', '.join(failure['gold_sources'])}; evidence {evidence}")
    lines += [
        f"- **Abstained:** {'yes' if failure['abstained'] else 'no'}"
        + (f" · first correct citation at rank {rank}" if rank else "")
        + (f" · strategy: {failure['strategy']}" if failure.get("strategy") else ""),
        f"- **Answer:** {_cell(failure['answer']) or '(empty)'}",
    ]
    if failure["citations"]:
        lines.append(f"- **Citations (top {CITATIONS_SHOWN}):**")
        for n, c in enumerate(failure["citations"], start=1):
            lines.append(f"  {n}. `{_cell(c['source'])}` · {_cell(c['locator'])} — {_cell(c['text'])}")
    else:
        lines.append("- **Citations:** none")
    return [*lines, ""]


def render_markdown(
    items: Sequence[GoldItem],
    runs: Sequence[Run],
    *,
    warnings: Sequence[str] = (),
    meta: dict[str, Any] | None = None,
) -> str:
    meta = meta or {}
    lines = ["# Evaluation report", ""]
    facts = [f"{k}: `{_meta_value(v)}`" for k, v in meta.items() if v not in (None, "", [], {})]
    if facts:
        lines += ["- " + f for f in facts] + [""]
    lines += [
        "Rates are shares in [0, 1]; – means the set has no item the rate applies to. "
        "See docs/eval.md for definitions.",
        "",
        "## Summary",
        "",
        *_summary_table(runs),
        "",
        "![answer_acc, cite_acc and overall per question type](report.png)",
        "",
    ]
    if warnings:
        lines += ["## Warnings", "", *[f"- {_cell(w)}" for w in warnings], ""]

    lines += ["## Per question type", ""]
    for run in runs:
        if len(runs) > 1:
            lines += [f"### {run.label}", ""]
        lines += [*_type_table(run.report.by_type, run.report.overall), ""]

    with_strategies = [run for run in runs if run.report.by_strategy]
    if with_strategies:
        lines += [
            "## Per answering strategy",
            "",
            "Items grouped by the strategy that composed the answer (an abstention: the strategy "
            "whose answer fell short, or none).",
            "",
        ]
        for run in with_strategies:
            if len(with_strategies) > 1:
                lines += [f"### {run.label}", ""]
            lines += [*_type_table(run.report.by_strategy, run.report.overall, head="strategy"), ""]

    lines += [
        "## Failures",
        "",
        "An item fails when its answer misses a key group (answer), no gold evidence is among "
        "the first 5 citations (citation), or it abstained when it should not have or the reverse (abstain).",
        "",
    ]
    for run in runs:
        failures = _failures(items, run)
        heading = f"### {run.label}: {len(failures)} of {run.report.overall.n} failed"
        lines += [heading, ""]
        if not failures:
            lines += ["Every item passed.", ""]
        for failure in failures:
            lines += _failure_lines(failure)
    return "\n".join(lines).rstrip() + "\n"


# --- report.png -------------------------------------------------------------------------------
def render_chart(runs: Sequence[Run], path: Path) -> None:
    """Grouped bars per question type: the three metrics for one run, or the runs side by side per metric."""
    from matplotlib.figure import Figure  # Figure without pyplot: Agg canvas, no global state

    primary = runs[0].report
    groups = [*primary.by_type, "all"]
    tick_labels = [f"{g}\nn={(primary.by_type[g] if g != 'all' else primary.overall).n}" for g in groups]

    def value(report: Report, group: str, metric: str) -> float | None:
        m = report.overall if group == "all" else report.by_type.get(group)
        return None if m is None else getattr(m, metric)

    # One panel per metric when comparing runs; a single panel of the three metrics otherwise.
    if len(runs) == 1:
        panels = [("", [(label, [value(primary, g, m) for g in groups]) for m, label in CHART_METRICS])]
    else:
        panels = [
            (label, [(r.label, [value(r.report, g, m) for g in groups]) for r in runs])
            for m, label in CHART_METRICS
        ]

    width = max(9.0, 0.75 * len(groups) * max(1, len(panels[0][1])) / 2 + 3)
    fig = Figure(figsize=(width, 3.8 * len(panels) + 0.6), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    colors = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860"]
    for ax, (title, series) in zip(axes, panels, strict=True):
        bar = 0.8 / len(series)
        for s, (name, values) in enumerate(series):
            xs = [g + (s - (len(series) - 1) / 2) * bar for g in range(len(groups))]
            heights = [v if v is not None else 0.0 for v in values]
            bars = ax.bar(xs, heights, bar * 0.95, label=name, color=colors[s % len(colors)])
            for rect, v in zip(bars, values, strict=True):
                text = "n/a" if v is None else f"{v:.2f}".lstrip("0") if 0 < v < 1 else f"{v:.0f}"
                ax.annotate(
                    text,
                    (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="#555555" if v is None else "black",
                )
        ax.set_xticks(range(len(groups)), tick_labels, fontsize=8)
        ax.set_ylim(0, 1.12)
        ax.set_ylabel("share of items")
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        if title:
            ax.set_title(title, fontsize=11, loc="left")
    # One legend below the panels, where it cannot hide a bar.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=9, frameon=False)
    fig.suptitle("Evaluation per question type (abstain: overall = abstained)", fontsize=12)
    fig.savefig(path, dpi=110)


# --- stdout ---------------------------------------------------------------------------------------
def format_summary(runs: Sequence[Run]) -> str:
    """Plain-text table of the overall metrics, one column per run."""
    header = ["metric", *[r.label for r in runs]]
    rows = [
        [label, *[_fmt(name, getattr(r.report.overall, name)) for r in runs]] for name, label in METRIC_ROWS
    ]
    rows.append(["failed items", *[str(len(r.report.failures())) for r in runs]])
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c]) for c, cell in enumerate(row)
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *[line(r) for r in rows]])
