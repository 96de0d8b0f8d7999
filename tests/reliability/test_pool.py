"""Finding 3: bounded concurrency (fixed pool, bounded queue, no abandoned threads) and client addresses."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException
from reliability_support import serve, settings_for, stop

from api.deps import Runner


def test_a_full_queue_is_refused_at_once_and_timed_out_work_keeps_its_slot() -> None:
    release = threading.Event()
    started = threading.Semaphore(0)

    def blocked() -> str:
        started.release()
        release.wait(30)
        return "done"

    earlier = set(threading.enumerate())  # other apps' pools from earlier tests
    running = Runner(timeout_s=0.05, threads=2, queue=0)
    queued = Runner(timeout_s=0.05, threads=1, queue=1)

    async def scenario() -> list[object]:
        timed_out = await asyncio.gather(*(_outcome(running, blocked) for _ in range(2)))
        # Both calls timed out, but their threads still run: they keep their slots.
        busy = await _outcome(running, blocked)
        waited = await asyncio.gather(*(_outcome(queued, blocked) for _ in range(2)))
        return [*timed_out, busy, *waited]

    outcomes = asyncio.run(scenario())
    assert all(isinstance(o, HTTPException) and o.status_code == 503 for o in outcomes)
    busy = outcomes[2]
    assert isinstance(busy, HTTPException) and getattr(busy, "code", "") == "busy"
    assert busy.headers and int(busy.headers["Retry-After"]) >= 1
    pool_threads = [
        t for t in threading.enumerate() if t not in earlier and t.name.startswith("policyqa-pipeline")
    ]
    assert len(pool_threads) <= 3  # two of one pool, one of the other: nothing abandoned, nothing added
    release.set()
    for _ in range(3):
        assert started.acquire(timeout=30)
    assert not started.acquire(timeout=0.5)  # the call still queued at its timeout never ran
    running.close()
    queued.close()


async def _outcome(runner: Runner, fn: object) -> object:
    try:
        return await runner(fn)  # type: ignore[arg-type]
    except HTTPException as exc:
        return exc


@pytest.mark.slow
def test_x_forwarded_for_counts_only_from_trusted_proxies(small_index: Path) -> None:
    question = {"question": "Sở Y tế triển khai gì?"}
    for proxies, expected in (([], [200, 200, 429]), (["127.0.0.1"], [200, 200, 200])):
        url, srv, thread = serve(settings_for(small_index, rate_limit_per_minute=2, trusted_proxies=proxies))
        try:
            codes = [
                httpx.post(
                    f"{url}/api/ask",
                    json=question,
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                    timeout=60,
                ).status_code
                for n in range(3)
            ]
            # Search shares the budget of the client it is counted for.
            search = httpx.get(f"{url}/api/search", params={"q": "Sở Y tế"}, timeout=60).status_code
        finally:
            stop(srv, thread)
        assert codes == expected
        assert search == (429 if not proxies else 200)
