"""Rate limiting per client on /api/ask and request timeouts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from reliability_support import settings_for

from api.main import create_app

pytestmark = pytest.mark.slow
QUESTION = {"question": "Sở Y tế chủ trì nhiệm vụ nào?"}


async def _asks(app: object, host: str, n: int, path: str = "/api/ask") -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app, client=(host, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://policyqa") as client:
        return [await client.post(path, json=QUESTION) for _ in range(n)]


def test_rate_limit_is_per_client(index_copy: Path) -> None:
    app = create_app(settings_for(index_copy, rate_limit_per_minute=3))

    async def scenario() -> tuple[list[httpx.Response], list[httpx.Response], list[httpx.Response]]:
        async with app.router.lifespan_context(app):
            first = await _asks(app, "10.0.0.1", 4)
            other = await _asks(app, "10.0.0.2", 2)
            stream = await _asks(app, "10.0.0.1", 1, "/api/ask/stream")
            return first, other, stream

    first, other, stream = asyncio.run(scenario())
    assert [r.status_code for r in first] == [200, 200, 200, 429]
    limited = first[-1]
    assert int(limited.headers["Retry-After"]) >= 1
    assert "tối đa 3 câu hỏi mỗi phút" in limited.json()["detail"]
    assert limited.json()["code"] == "rate_limited"
    assert [r.status_code for r in other] == [200, 200]  # another client is not affected
    assert stream[0].status_code == 429  # the streaming twin shares the budget


def test_slow_requests_time_out_with_a_clear_503(index_copy: Path) -> None:
    app = create_app(settings_for(index_copy, request_timeout_s=0.001, answer_cache_size=0))

    async def scenario() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://policyqa") as client:
                return [
                    await client.post("/api/ask", json=QUESTION),
                    await client.get("/api/search", params={"q": "Sở Y tế chủ trì"}),
                    await client.get("/healthz"),
                ]

    ask, search, health = asyncio.run(scenario())
    for response in (ask, search):
        assert response.status_code == 503
        assert "Yêu cầu mất hơn 0,001 giây" in response.json()["detail"]
        assert response.json()["code"] == "timeout"
    assert health.status_code == 200  # the server itself stays up
