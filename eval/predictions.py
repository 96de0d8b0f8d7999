"""Predictions: what a system answered for one gold question, in the contract's shape.

One line of ``predictions.jsonl`` is exactly ``Prediction.to_dict()``:
id, question, answer, abstained, citations [source, locator, text, score] best first, latency_ms,
and strategy (the answering strategy that composed the answer; "" for the peers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.gold import GoldItem
from rag.errors import PolicyQAError
from rag.records import Answer


@dataclass
class PredictedCitation:
    source: str  # document path relative to the ingested folder
    locator: str  # clause address ("II.4") or, for the baseline, "chunk N"
    text: str  # the cited text exactly as stored
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "locator": self.locator, "text": self.text, "score": self.score}


@dataclass
class Prediction:
    id: str
    question: str
    answer: str
    abstained: bool
    citations: list[PredictedCitation] = field(default_factory=list)  # best first
    latency_ms: float = 0.0
    strategy: str = ""  # the answering strategy that composed it ("" for a retriever or a peer)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": self.latency_ms,
            "strategy": self.strategy,
        }

    @classmethod
    def top_of(cls, item: GoldItem, citations: list[PredictedCitation], seconds: float) -> Prediction:
        """A retriever's prediction: the first citation's text as the answer, never an abstention."""
        return cls(
            id=item.id,
            question=item.question,
            answer=citations[0].text if citations else "",
            abstained=False,
            citations=citations,
            latency_ms=round(seconds * 1000, 2),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prediction:
        return cls(
            id=str(data["id"]),
            question=str(data["question"]),
            answer=str(data["answer"]),
            abstained=bool(data["abstained"]),
            citations=[
                PredictedCitation(
                    source=str(c["source"]),
                    locator=str(c["locator"]),
                    text=str(c["text"]),
                    score=float(c["score"]),
                )
                for c in data["citations"]
            ],
            latency_ms=float(data["latency_ms"]),
            strategy=str(data.get("strategy", "")),
        )

    @classmethod
    def from_answer(cls, item: GoldItem, answer: Answer, latency_ms: float) -> Prediction:
        """Keep the answerer's citation order: it is the ranking the user sees."""
        return cls(
            id=item.id,
            question=item.question,
            answer=answer.answer,
            abstained=answer.abstained,
            citations=[
                PredictedCitation(source=c.source, locator=c.locator, text=c.text, score=float(c.score))
                for c in answer.citations
            ],
            latency_ms=round(latency_ms, 2),
            strategy=answer.strategy,
        )


def write_predictions(path: Path, predictions: Iterable[Prediction]) -> None:
    lines = [json.dumps(p.to_dict(), ensure_ascii=False) for p in predictions]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def read_predictions(path: Path) -> list[Prediction]:
    predictions: list[Prediction] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            predictions.append(Prediction.from_dict(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise PolicyQAError(f"{path}:{number}: not a prediction ({exc})") from exc
    return predictions
