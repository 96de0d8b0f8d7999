"""The records and the one interface every answering strategy shares."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.questions import Question
from rag.records import Clause, Hit

if TYPE_CHECKING:
    from rag.answer.corpus import CorpusView
    from rag.answer.evidence import Candidate, Evidence
    from rag.answer.support import SupportCheck
    from rag.registry import Registry

NOT_FOUND = "Không tìm thấy thông tin này trong các văn bản."
CITATIONS = 5


@dataclass
class Composed:
    """An answer text, the clauses it stands on (cited first) and how well they support it."""

    text: str
    cited: list[Clause]
    support: float
    extra: list[Clause] = field(default_factory=list)
    strategy: str = ""  # the strategy that composed it (set by the answerer)

    @classmethod
    def unanswerable(cls) -> Composed:
        """The question asks for something the documents do not have (a task they lack): abstain."""
        return cls(text="", cited=[], support=0.0)


@dataclass
class Context:
    """One question's state, handed to each strategy in turn."""

    question: Question
    hits: list[Hit]
    affinity: Mapping[str, float]  # doc id -> how well the document matches what the question says of it
    view: CorpusView
    evidence: Evidence
    support: SupportCheck | None = None  # lets a strategy pass over a passage that answers something else
    # Units, tasks and lineage of the documents the asker may read: the store's (``Store.registry``,
    # assembled from what ingest kept per document, once per snapshot and access view).
    registry: Callable[[], Registry] | None = None
    _ranked: list[Candidate] | None = field(default=None, repr=False, compare=False)

    def units(self) -> Registry:
        """The registry of units, tasks and lineage (``registry``; none given: an error)."""
        if self.registry is None:
            raise ValueError("this context was made without the store's registry")
        return self.registry()

    def ranked(self) -> list[Candidate]:
        """The evidence ranking of these hits, computed once: strategies and the citations read it."""
        if self._ranked is None:
            self._ranked = self.evidence.candidates(self.question, self.hits, self.affinity)
        return list(self._ranked)


ANY = "*"  # a strategy that claims every question (the extractive passage)


class Strategy(ABC):
    """One way of answering. It claims questions by the reader's labels (``claims``: slots such as
    "lead_unit", cues such as "tasks_of_unit", forms such as "choices"); the answerer tries it only
    on a question that has one of them. `compose` returns None when it finds nothing to answer with
    (the next strategy tries), or `Composed.unanswerable()` when the documents lack the fact."""

    name: str = ""
    claims: frozenset[str] = frozenset()

    def claims_question(self, question: Question) -> bool:
        return ANY in self.claims or any(question.has(label) for label in self.claims)

    @abstractmethod
    def compose(self, ctx: Context) -> Composed | None: ...
