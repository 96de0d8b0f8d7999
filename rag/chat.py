"""`policyqa chat`: questions in a terminal, each read in the conversation's scope (readline history).

The same code path as `POST /api/ask` with ``history``: `Assistant.ask(question, history=turns)`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from typing import TextIO

from rag.pipeline import Assistant, filters_from_args
from rag.questions import Turn
from rag.reading.followup import MAX_TURNS
from rag.render import format_answer

PROMPT = "Hỏi › "
HELP = "Đặt câu hỏi về văn bản; /moi bắt đầu cuộc trò chuyện mới; /thoat (hoặc Ctrl-D) để thoát."
NEW = ("/moi", "/mới", "/new")
QUIT = ("/thoat", "/thoát", "/quit", "/exit")


def chat(
    assistant: Assistant,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
    **options: object,
) -> list[Turn]:
    """Ask until end of input or /thoat; returns the conversation's last turns."""
    turns: list[Turn] = []
    print(HELP, file=out)
    while True:
        try:
            question = read(PROMPT).strip()
        except EOFError:
            print(file=out)
            return turns
        if not question:
            continue
        if question.lower() in QUIT:
            return turns
        if question.lower() in NEW:
            turns = []
            print("(cuộc trò chuyện mới)", file=out)
            continue
        answer = assistant.ask(question, history=turns, **options)  # type: ignore[arg-type]
        if answer.resolved_question:
            print(f"(hiểu là: {answer.resolved_question})", file=out)
        print(format_answer(answer), file=out)
        print(file=out)
        cited = answer.citations[0].doc_id if answer.citations and not answer.clarify else ""
        # A clarifying question sets no scope: the next question answers it.
        if not answer.clarify:
            turns = [*turns, Turn(question, answer.answer, cited)][-MAX_TURNS:]


def run_chat(args: argparse.Namespace) -> int:
    # Line editing and ↑/↓ history for input(); not on every platform, and the chat works without it.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
    assistant = Assistant.open(args.index_dir)
    chat(assistant, top_k=args.k, mode=args.mode, filters=filters_from_args(args))
    return 0
