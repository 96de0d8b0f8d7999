"""The metrics of the evaluation contract (/work/shared/eval/README.md), as pure functions.

Decisions the contract leaves open, taken here once:
- The 600-character answer window is cut from the answer as a person reads it: after NFC
  composition (so a decomposed encoding of the same text is not penalised) and before the
  comparison normalisation (which can change lengths: NFD, dropped marks, collapsed spaces).
- Citation depth is 5 for both hit@5 and MRR (a first correct citation at rank 6 scores 0).
- Rates whose denominator is empty (e.g. abstain_recall on a set with no abstain items) are None.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from eval.gold import GoldItem
from eval.predictions import Prediction
from rag.errors import PolicyQAError
from rag.text import fold, nfc

ANSWER_WINDOW = 600
CITATION_DEPTH = 5


def normalize(text: str) -> str:
    """Contract comparison form: NFD, diacritics removed, đ→d, lower-case, whitespace collapsed."""
    return fold(text)


def _squash(text: str) -> str:
    """Normalised with all whitespace removed: evidence matching ignores whitespace."""
    return "".join(normalize(text).split())


def answer_correct(item: GoldItem, prediction: Prediction) -> bool:
    """Not abstained, and every key group has an alternative within the first 600 characters.

    Abstain items have no keys; their right outcome is an abstention, so this is False for them.
    """
    if item.abstain or prediction.abstained:
        return False
    window = normalize(nfc(prediction.answer)[:ANSWER_WINDOW])
    return all(any(normalize(alt) in window for alt in group) for group in item.keys)


def citation_rank(item: GoldItem, prediction: Prediction) -> int | None:
    """1-based rank of the first of the first 5 citations from a gold source holding a gold snippet."""
    if item.abstain:
        return None
    sources = set(item.sources)
    snippets = [_squash(e) for e in item.evidence]
    for rank, citation in enumerate(prediction.citations[:CITATION_DEPTH], start=1):
        if citation.source in sources:
            text = _squash(citation.text)
            if any(s in text for s in snippets):
                return rank
    return None


@dataclass
class ItemResult:
    id: str
    type: str
    abstain: bool  # gold: the item should be abstained on
    abstained: bool  # what the system did
    answer_ok: bool
    citation_rank: int | None
    passed: bool  # counts towards `overall`
    failed: list[str] = field(default_factory=list)  # checks that failed: "abstain", "answer", "citation"
    latency_ms: float = 0.0
    strategy: str = ""  # the answering strategy that composed the prediction


@dataclass
class Metrics:
    n: int
    n_answerable: int
    n_abstain: int
    answer_acc: float | None
    cite_acc: float | None  # hit@5
    mrr: float | None
    abstain_recall: float | None
    false_abstain: float | None
    overall: float | None
    p50_latency_ms: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    overall: Metrics
    by_type: dict[str, Metrics]
    items: list[ItemResult]
    by_strategy: dict[str, Metrics] = field(default_factory=dict)  # empty for a peer (no strategies)

    def failures(self) -> list[ItemResult]:
        return [r for r in self.items if not r.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_type": {t: m.to_dict() for t, m in self.by_type.items()},
            "by_strategy": {s: m.to_dict() for s, m in self.by_strategy.items()},
            "items": [asdict(r) for r in self.items],
        }


def judge(item: GoldItem, prediction: Prediction) -> ItemResult:
    if item.abstain:
        answer_ok, rank = False, None
        passed = prediction.abstained
        failed = [] if passed else ["abstain"]
    else:
        answer_ok = answer_correct(item, prediction)
        rank = citation_rank(item, prediction)
        passed = answer_ok and rank is not None
        failed = (
            (["abstain"] if prediction.abstained else [])
            + ([] if answer_ok else ["answer"])
            + ([] if rank is not None else ["citation"])
        )
    return ItemResult(
        id=item.id,
        type=item.type,
        abstain=item.abstain,
        abstained=prediction.abstained,
        answer_ok=answer_ok,
        citation_rank=rank,
        passed=passed,
        failed=failed,
        latency_ms=prediction.latency_ms,
        strategy=prediction.strategy,
    )


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def aggregate(results: Sequence[ItemResult]) -> Metrics:
    answerable = [r for r in results if not r.abstain]
    abstain = [r for r in results if r.abstain]
    reciprocal = [1.0 / r.citation_rank if r.citation_rank else 0.0 for r in answerable]
    return Metrics(
        n=len(results),
        n_answerable=len(answerable),
        n_abstain=len(abstain),
        answer_acc=_rate(sum(r.answer_ok for r in answerable), len(answerable)),
        cite_acc=_rate(sum(r.citation_rank is not None for r in answerable), len(answerable)),
        mrr=sum(reciprocal) / len(reciprocal) if reciprocal else None,
        abstain_recall=_rate(sum(r.abstained for r in abstain), len(abstain)),
        false_abstain=_rate(sum(r.abstained for r in answerable), len(answerable)),
        overall=_rate(sum(r.passed for r in results), len(results)),
        p50_latency_ms=statistics.median(r.latency_ms for r in results) if results else None,
    )


def score(items: Sequence[GoldItem], predictions: Sequence[Prediction]) -> Report:
    """Score predictions against gold items (matched by id); every item needs a prediction."""
    by_id = {p.id: p for p in predictions}
    missing = [item.id for item in items if item.id not in by_id]
    if missing:
        raise PolicyQAError(f"no prediction for {len(missing)} gold item(s): {', '.join(missing[:10])}")
    results = [judge(item, by_id[item.id]) for item in items]
    types = sorted({r.type for r in results})
    strategies = sorted({r.strategy for r in results}) if any(r.strategy for r in results) else []
    return Report(
        overall=aggregate(results),
        by_type={t: aggregate([r for r in results if r.type == t]) for t in types},
        items=results,
        by_strategy={s or "(none)": aggregate([r for r in results if r.strategy == s]) for s in strategies},
    )
