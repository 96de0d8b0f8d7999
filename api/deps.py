"""Shared dependencies: settings, the one live Assistant, the caller's access levels, admin checks."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.cache import LRUCache
from api.ratelimit import SlidingWindowLimiter
from api.schemas import AskResponse
from api.settings import ACCESS_PUBLIC, Settings
from index.store import read_generation
from rag.errors import EmbedderMismatchError, IndexCorruptError, IndexNotFoundError, PolicyQAError
from rag.pipeline import Assistant

log = logging.getLogger("policyqa.api")
T = TypeVar("T")

INDEX_MISSING = "index not built: run `policyqa ingest corpus` (or set POLICYQA_INDEX)"


class AssistantProvider:
    """Holds the one shared Assistant; opens it lazily so the app starts without an index.

    It also follows the index: when another process (``policyqa ingest``) moves the CURRENT
    generation, the next request after ``check_every_s`` swaps the new one in.
    """

    def __init__(self, index_dir: Path, check_every_s: float = 2.0, generator: Any = None) -> None:
        self.index_dir = index_dir
        self.generator = generator  # rag.generate.LLMGenerator when a chat model is configured
        self.check_every_s = check_every_s
        self._assistant: Assistant | None = None
        self._lock = threading.Lock()
        self._checked_at = time.monotonic()

    def get(self) -> Assistant:
        """The live assistant; raises IndexNotFoundError/IndexCorruptError while there is no usable index."""
        assistant = self._assistant
        if assistant is not None:
            if time.monotonic() - self._checked_at > self.check_every_s:
                self._follow(assistant)
            return assistant
        with self._lock:
            if self._assistant is None:
                # The embedder is shared per process, so retrying while the index is missing stays cheap.
                assistant = Assistant.open(self.index_dir, generator=self.generator)
                # Load the lazily initialised models (word segmenter, embedder) before publishing:
                # underthesea's first call is not thread-safe, and concurrent first requests crash it.
                assistant.search("văn bản", k=1)
                self._assistant = assistant
                self._checked_at = time.monotonic()
            return self._assistant

    def _follow(self, assistant: Assistant) -> None:
        # One request checks; the others keep answering from the current snapshot meanwhile.
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._checked_at = time.monotonic()
            if read_generation(self.index_dir) != assistant.store.generation:
                assistant.reload()
                log.info("index reloaded: %s", assistant.store.generation)
        except PolicyQAError as exc:  # a half-written or removed index: keep serving what we have
            log.warning("index check failed, still serving %s: %s", assistant.store.generation, exc)
        finally:
            self._lock.release()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_assistant(request: Request) -> Assistant:
    provider: AssistantProvider = request.app.state.assistants
    try:
        return provider.get()
    except IndexNotFoundError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, INDEX_MISSING) from exc
    except (IndexCorruptError, EmbedderMismatchError) as exc:
        log.error("index unusable: %s", exc)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"index unusable: {exc}") from exc


AssistantDep = Annotated[Assistant, Depends(get_assistant)]

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="read or admin key")
_bearer = HTTPBearer(auto_error=False, description="the same key as a bearer token")


def caller_key(
    api_key: Annotated[str | None, Depends(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    if api_key:
        return api_key
    return bearer.credentials if bearer else None


KeyDep = Annotated[str | None, Depends(caller_key)]


def _same(given: str, expected: str) -> bool:
    # Bytes, so non-ASCII keys compare in constant time too instead of raising.
    return hmac.compare_digest(given.encode(), expected.encode())


def _is_admin(key: str | None, settings: Settings) -> bool:
    return bool(key and settings.admin_key and _same(key, settings.admin_key.get_secret_value()))


def get_access(key: KeyDep, settings: SettingsDep) -> frozenset[str] | None:
    """Access levels the caller may read; None means every level (the admin key)."""
    if key is None:
        if settings.read_requires_key:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "an API key is required (X-API-Key header or Authorization: Bearer)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return frozenset({ACCESS_PUBLIC})
    if _is_admin(key, settings):
        return None
    levels: frozenset[str] | None = None
    for candidate, allowed in settings.read_keys.items():
        # No early exit: every key is compared, whichever matches.
        if _same(key, candidate):
            levels = frozenset(allowed)
    if levels is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "invalid API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return levels


AccessDep = Annotated[frozenset[str] | None, Depends(get_access)]


def require_admin(key: KeyDep, settings: SettingsDep) -> None:
    if settings.admin_key is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "uploads and deletions are disabled on this server: set POLICYQA_ADMIN_KEY to enable them",
        )
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the admin key is required (X-API-Key header or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not _is_admin(key, settings):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this key may not upload or delete documents")


AdminDep = Depends(require_admin)


def rate_limit(request: Request) -> None:
    limiter: SlidingWindowLimiter = request.app.state.limiter
    client = request.client.host if request.client else "unknown"
    retry_after = limiter.hit(client)
    if retry_after:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many questions: at most {limiter.limit} per minute; retry in {retry_after:.0f} s",
            headers={"Retry-After": str(max(1, round(retry_after)))},
        )


RateLimitDep = Depends(rate_limit)


class Runner:
    """Runs blocking pipeline work off the event loop, bounded by the request timeout."""

    def __init__(self, timeout_s: float, limiter: anyio.CapacityLimiter | None = None) -> None:
        self.timeout_s = timeout_s
        self.limiter = limiter

    async def __call__(self, fn: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(self.timeout_s):
                # The worker thread is abandoned on timeout; it finishes in the background.
                return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True, limiter=self.limiter)
        except TimeoutError as exc:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"the request took longer than {self.timeout_s:g} s; try again or narrow the question",
            ) from exc


def get_runner(request: Request) -> Runner:
    return request.app.state.runner


RunnerDep = Annotated[Runner, Depends(get_runner)]


def get_answer_cache(request: Request) -> LRUCache[AskResponse]:
    return request.app.state.answers


AnswerCacheDep = Annotated[LRUCache[AskResponse], Depends(get_answer_cache)]
