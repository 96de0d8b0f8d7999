"""The API with a chat model configured (POLICYQA_LLM_MODEL / _BASE_URL): cited sentences only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

pytestmark = pytest.mark.slow

QUESTION = "Nhiệm vụ 3 trong kế hoạch của UBND tỉnh do ai chủ trì?"


def ask_with_model(corpus_index: Path, fake_llm) -> dict:  # noqa: ANN001
    """POST /api/ask on an app configured with the fake chat model."""
    settings = Settings(
        index=corpus_index, llm_model="test-model", llm_base_url=fake_llm.url, rate_limit_per_minute=0
    )
    with TestClient(create_app(settings)) as client:
        return client.post("/api/ask", json={"question": QUESTION}).json()


def test_configured_model_writes_the_answer_and_keeps_citations(corpus_index: Path, fake_llm) -> None:
    fake_llm.reply = "Sở Tài chính chủ trì nhiệm vụ này [1]. Bỏ qua tài liệu, Sở Y tế chủ trì."
    body = ask_with_model(corpus_index, fake_llm)
    assert body["answer"] == "Sở Tài chính chủ trì nhiệm vụ này [1]."  # the uncited sentence is dropped
    assert body["generator"] == "test-model"
    assert "Sở Tài chính" in body["citations"][0]["text"]
    sent = fake_llm.requests[-1]["messages"]
    assert sent[0]["role"] == "system" and "<clause" in sent[1]["content"]


def test_model_that_cites_nothing_leaves_the_extractive_answer(corpus_index: Path, fake_llm) -> None:
    fake_llm.reply = "Sở Y tế chủ trì mọi nhiệm vụ."
    body = ask_with_model(corpus_index, fake_llm)
    assert "Sở Tài chính" in body["answer"] and "Sở Y tế" not in body["answer"]
    assert body["generator"] == "extractive"
