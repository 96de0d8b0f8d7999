"""Fixtures of the tools' tests: the hand-made documents of the index tests and the served corpus
index of the API tests (the tools measure those very things)."""

from __future__ import annotations

from tests.api.conftest import corpus_index, server
from tests.index.conftest import e5, letter, plan

__all__ = ["corpus_index", "e5", "letter", "plan", "server"]
