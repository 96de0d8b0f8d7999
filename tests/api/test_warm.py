"""A warm server: what a first question needs is set up before /healthz says ok (issue 21).

Timings belong to tools/bench_first_question.py; here only that the set-up happened at start-up,
for every access view the server's callers read, and that a reloaded snapshot is set up too.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.main import access_views, create_app
from index.lexical import _underthesea_loaded
from rag.reading.english import _english_table
from rag.records import Filters
from tests.support import settings_for


def _is_warm(view) -> bool:  # noqa: ANN001 (rag.pipeline._View)
    corpus = view.answerer.view
    return (
        view.store._registry is not None  # units, tasks and lineage (Store.registry, built once)
        and corpus._numbers is not None  # the numbers each document's text names
        and corpus.stats._spaced_text is not None  # the statistics' tables
        and len(corpus.stats._doc_order) == len(corpus.documents)  # the documents using each word
        and corpus._locators is not None
        and "lead_unit" in corpus._numbered  # task clauses by task number
    )


def test_views_are_set_up_before_healthz_says_ok(corpus_index: Path) -> None:
    settings = settings_for(corpus_index)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assistant = client.app.state.assistants.opened()
        assert assistant is not None  # opened by the start-up, not by a request
        assert {"word_tokenize", "pos_tag"} <= set(_underthesea_loaded)
        assert _english_table.cache_info().currsize == 1
        snapshot = assistant._snapshot
        views = access_views(settings)
        assert frozenset({"public"}) in views and None in views
        for levels in views:
            filters = Filters(access=set(levels)) if levels is not None else None
            assert _is_warm(snapshot.view(filters)), levels
        # A view every document is readable in is the whole one, not a second copy.
        if all(d.access == "public" for d in assistant.documents()):
            assert snapshot.view(Filters(access={"public"})).answerer is snapshot.answerer


def test_a_reloaded_snapshot_is_set_up_before_it_goes_live(index_copy: Path) -> None:
    with TestClient(create_app(settings_for(index_copy))) as client:
        assistant = client.app.state.assistants.opened()
        before = assistant._snapshot
        assistant.reload()
        after = assistant._snapshot
        assert after is not before
        assert _is_warm(after.view(Filters(access={"public"})))
