"""Answering: strategies behind one interface, a support check, and the answerer that runs them.

`answerer.py` orchestrates; `base.py` holds the shared records and the `Strategy` interface;
one module per strategy (`document_facts`, `task_fields`, `targets`, `passage`); `evidence.py`
scores clauses as evidence; `support.py` decides abstention; `corpus.py` is the per-snapshot view.
"""

from rag.answer.answerer import Answerer
from rag.answer.base import NOT_FOUND, Composed, Context, Strategy
from rag.answer.text import fills_number_slot, names_a_person

__all__ = ["NOT_FOUND", "Answerer", "Composed", "Context", "Strategy", "fills_number_slot", "names_a_person"]
