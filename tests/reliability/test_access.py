"""Access: callers read only the levels their key maps to; admin routes need the admin key."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability_support import ADMIN, ADMIN_KEY, INTERNAL, INTERNAL_KEY, INTERNAL_PLAN, settings_for

import api.deps
from api.main import create_app

pytestmark = pytest.mark.slow

PUBLIC_KEY = "rel-public-only-key"
PUBLIC = {"X-API-Key": PUBLIC_KEY}
SECRET_WORDS = ("Zephyrus", "Nguyễn Văn Bí Mật", "77/KH-SNV", "kho lưu trữ mật")
QUESTIONS = [
    "Ai kiểm kê kho Zephyrus?",
    "Kế hoạch số 77/KH-SNV do ai ký?",
    "Kế hoạch 77/KH-SNV ban hành ngày nào?",
    "Phòng Lưu trữ Zephyrus báo cáo về đâu, trước ngày nào?",
    "Kho lưu trữ mật kiểm kê khi nào?",
]


@pytest.fixture(scope="module")
def app_with_secret(
    seed_index: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, str, list[str]]]:
    """One app over a copy of the corpus index with the internal plan uploaded, for the module's
    tests: they only read (and what one caller's asking caches is what the next must not be served)."""
    import shutil

    index = tmp_path_factory.mktemp("access") / "idx"
    shutil.copytree(seed_index, index)
    settings = settings_for(index, read_keys={INTERNAL_KEY: ["public", "internal"], PUBLIC_KEY: ["public"]})
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/api/documents",
            files={"file": ("secret.txt", INTERNAL_PLAN.encode(), "text/plain")},
            data={"access": "internal"},
            headers=ADMIN,
        )
        assert response.status_code == 201, response.text
        doc_id = response.json()["documents"][0]["id"]
        detail = client.get(f"/api/documents/{doc_id}", headers=INTERNAL).json()
        clause_ids = []
        stack = list(detail["clauses"])
        while stack:
            node = stack.pop()
            clause_ids.append(node["id"])
            stack.extend(node["children"])
        yield client, doc_id, clause_ids


def _leaks(body: str) -> list[str]:
    """Secret words in a response, leaving out the echo of the caller's own question or query."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if data.get("code") == "document_not_found":
            # "Kế hoạch 77/KH-SNV không có trong các văn bản đang tra cứu." repeats the caller's own
            # words, the same whether such a document exists or not; the closest documents it
            # names after it must still be readable ones.
            data = {**data, "answer": data["answer"].split("\n", 1)[-1] if "\n" in data["answer"] else ""}
        body = json.dumps(
            {k: v for k, v in data.items() if k not in ("question", "query")}, ensure_ascii=False
        )
    return [w for w in SECRET_WORDS if w.lower() in body.lower()]


def _stream_leaks(body: str) -> list[str]:
    """Secret words in a stream: its text pieces read as the answer, its events as JSON bodies."""
    events = [
        json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:") and line[5:].strip()
    ]
    pieces = [e for e in events if isinstance(e, str)]
    rest = [e for e in events if not isinstance(e, str)]
    final = next((e for e in rest if isinstance(e, dict) and "answer" in e), {})
    streamed = (
        json.dumps({**final, "answer": "".join(pieces)}, ensure_ascii=False) if final else "".join(pieces)
    )
    return sorted({w for part in [streamed, *map(json.dumps, rest)] for w in _leaks(part)})


@pytest.mark.parametrize("headers", [{}, PUBLIC], ids=["anonymous", "public-key"])
def test_internal_document_never_leaks_to_public_callers(
    app_with_secret: tuple[TestClient, str, list[str]], headers: dict[str, str]
) -> None:
    client, doc_id, clause_ids = app_with_secret
    for question in QUESTIONS:
        # The internal reader asks first: its cached answer must not be served to a public caller.
        assert _leaks(client.post("/api/ask", json={"question": question}, headers=INTERNAL).text)
        response = client.post("/api/ask", json={"question": question}, headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert _leaks(response.text) == [], (question, body["answer"])
        assert all(c["doc_id"] != doc_id for c in body["citations"] + body["related"])
        # Filters from the body cannot widen access (unknown fields are ignored, sources only narrow).
        narrowed = client.post(
            "/api/ask",
            json={
                "question": question,
                "filters": {"sources": ["uploads/secret.txt"], "access": ["internal"]},
            },
            headers=headers,
        )
        assert narrowed.status_code == 200 and _leaks(narrowed.text) == []
        with client.stream("POST", "/api/ask/stream", json={"question": question}, headers=headers) as stream:
            assert _stream_leaks(stream.read().decode()) == []
    for query in ("Zephyrus", "77/KH-SNV", "kho lưu trữ mật"):
        hits = client.get("/api/search", params={"q": query, "k": 50}, headers=headers)
        assert hits.status_code == 200 and _leaks(hits.text) == []
        scoped = client.get(
            "/api/search", params={"q": query, "source": "uploads/secret.txt"}, headers=headers
        )
        assert scoped.json()["hits"] == []
    assert doc_id not in client.get("/api/documents", headers=headers).text
    assert client.get(f"/api/documents/{doc_id}", headers=headers).status_code == 404
    for clause_id in clause_ids:
        assert client.get(f"/api/clauses/{clause_id}", headers=headers).status_code == 404
    # The 404 says the same as for an id that never existed: nothing to learn from probing.
    missing = client.get("/api/documents/no-such-doc", headers=headers).json()["detail"]
    assert client.get(f"/api/documents/{doc_id}", headers=headers).json()["detail"] == missing.replace(
        "no-such-doc", doc_id
    )


def test_internal_reader_and_admin_see_it(app_with_secret: tuple[TestClient, str, list[str]]) -> None:
    client, doc_id, clause_ids = app_with_secret
    for headers in (INTERNAL, ADMIN):
        assert doc_id in client.get("/api/documents", headers=headers).text
        assert client.get(f"/api/clauses/{clause_ids[0]}", headers=headers).status_code == 200
        hits = client.get("/api/search", params={"q": "kho Zephyrus"}, headers=headers).json()["hits"]
        assert hits and hits[0]["doc_id"] == doc_id


def test_keys_are_checked_and_writes_need_the_admin_key(index_copy: Path) -> None:
    settings = settings_for(index_copy, read_keys={INTERNAL_KEY: ["public", "internal"]})
    upload = {"file": ("x.txt", INTERNAL_PLAN.encode(), "text/plain")}
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/documents", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.post("/api/documents", files=upload).status_code == 401
        assert client.post("/api/documents", files=upload, headers=INTERNAL).status_code == 403
        assert client.delete("/api/documents/anything", headers=INTERNAL).status_code == 403
        assert (
            client.post("/api/documents", files=upload, headers={"X-API-Key": ADMIN_KEY + "x"}).status_code
            == 403
        )
    with TestClient(create_app(settings_for(index_copy, read_requires_key=True))) as client:
        for path in ("/api/documents", "/api/search?q=kế+hoạch"):
            assert client.get(path).status_code == 401
        assert client.post("/api/ask", json={"question": "Kế hoạch nào?"}).status_code == 401
    with TestClient(create_app(settings_for(index_copy, admin_key=None))) as client:
        response = client.post("/api/documents", files=upload, headers=ADMIN)
        assert response.status_code == 403 and "POLICYQA_ADMIN_KEY" in response.json()["detail"]


def test_keys_compare_in_constant_time_against_every_key(
    index_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = api.deps.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.deps.hmac, "compare_digest", spy)
    keys = {f"reader-{i}": ["public"] for i in range(5)}
    with TestClient(create_app(settings_for(index_copy, read_keys=keys))) as client:
        compared.clear()
        assert client.get("/api/documents", headers={"X-API-Key": "reader-0"}).status_code == 200
    # hmac.compare_digest for the admin key and for every read key, even after the first matched.
    assert {b for _, b in compared} >= {k.encode() for k in keys} | {ADMIN_KEY.encode()}


def test_keys_are_never_logged_or_shown(index_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = settings_for(index_copy)
    assert ADMIN_KEY not in repr(settings) and INTERNAL_KEY not in repr(settings)
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings)) as client:
        client.post("/api/ask", json={"question": "Sở Y tế chủ trì nhiệm vụ nào?"}, headers=INTERNAL)
        client.get("/api/documents", headers={"X-API-Key": "wrong-" + ADMIN_KEY})
        client.post("/api/documents", files={"file": ("a.exe", b"MZ", "x")}, headers=ADMIN)
        client.get("/openapi.json")
        spec = client.get("/openapi.json").text
    text = caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str)
    assert ADMIN_KEY not in text and INTERNAL_KEY not in text
    assert ADMIN_KEY not in spec
