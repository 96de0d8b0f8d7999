"""Shared dependencies: settings, the one live Assistant, the caller's access levels, admin checks."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.cache import LRUCache
from api.errors import ApiError
from api.ratelimit import SlidingWindowLimiter
from api.schemas import AskResponse
from api.settings import ACCESS_PUBLIC, Settings
from index.stores import current_generation
from rag.errors import EmbedderMismatchError, IndexCorruptError, IndexNotFoundError, PolicyQAError
from rag.pipeline import Assistant

log = logging.getLogger("policyqa.api")
T = TypeVar("T")

RETRY_AFTER_BUSY_S = 2
INDEX_MISSING = "index.not_ready"


class AssistantProvider:
    """Holds the one shared Assistant; opens it lazily so the app starts without an index.

    It also follows the index: when another process (``policyqa ingest``) moves the CURRENT
    generation, the next request after ``check_every_s`` swaps the new one in.
    """

    def __init__(
        self,
        index_dir: Path | str,
        check_every_s: float = 2.0,
        generator: Any = None,
        access: Iterable[frozenset[str] | None] = (frozenset({ACCESS_PUBLIC}), None),
    ) -> None:
        self.index_dir = index_dir
        # The access views callers will read (anonymous, each read key's, the admin's): set up
        # before the assistant is published, so no first question builds one.
        self.access = tuple(access)
        self.generator = generator  # rag.generate.LLMGenerator when a chat model is configured
        self.check_every_s = check_every_s
        self._assistant: Assistant | None = None
        self._lock = threading.Lock()
        self._checked_at = time.monotonic()

    def get(self) -> Assistant:
        """The live assistant; raises IndexNotFoundError/IndexCorruptError while there is no usable index."""
        assistant = self._assistant
        if assistant is not None:
            if self.due():
                self._follow(assistant)
            return assistant
        with self._lock:
            if self._assistant is None:
                # The embedder is shared per process, so retrying while the index is missing stays cheap.
                assistant = Assistant.open(self.index_dir, generator=self.generator)
                # Everything a first question needs, before publishing (and so before /healthz says
                # ok): the models (underthesea's first call is not thread-safe either), the reader's
                # tables, each access view with its registry, number index and statistics.
                assistant.warm(self.access)
                self._assistant = assistant
                self._checked_at = time.monotonic()
            return self._assistant

    def due(self) -> bool:
        """Time to check whether another process moved the index (``get`` does it)."""
        return time.monotonic() - self._checked_at > self.check_every_s

    def moved(self) -> bool:
        """Another process moved the index since the live snapshot (a read of CURRENT on a directory)."""
        assistant = self._assistant
        try:
            return assistant is not None and current_generation(self.index_dir) != assistant.store.generation
        except PolicyQAError:
            return False

    def opened(self) -> Assistant | None:
        """The live assistant if it is open, without waiting for anything (None: not yet)."""
        return self._assistant

    def _follow(self, assistant: Assistant) -> None:
        # One request checks; the others keep answering from the current snapshot meanwhile.
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._checked_at = time.monotonic()
            if current_generation(self.index_dir) != assistant.store.generation:
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
        raise ApiError(status.HTTP_503_SERVICE_UNAVAILABLE, "index_missing", INDEX_MISSING) from exc
    except (IndexCorruptError, EmbedderMismatchError) as exc:
        log.error("index unusable: %s", exc)
        raise ApiError(
            status.HTTP_503_SERVICE_UNAVAILABLE, "index_unusable", "index.unusable", why=exc
        ) from exc


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def get_dense_completer(request: Request) -> Any:
    return request.app.state.dense  # api.uploads.DenseCompleter


DenseDep = Annotated[Any, Depends(get_dense_completer)]

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
            raise ApiError(
                status.HTTP_401_UNAUTHORIZED,
                "unauthorized",
                "api.key_required",
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
        raise ApiError(
            status.HTTP_401_UNAUTHORIZED,
            "unauthorized",
            "api.key_invalid",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return levels


AccessDep = Annotated[frozenset[str] | None, Depends(get_access)]


def require_admin(key: KeyDep, settings: SettingsDep) -> None:
    if settings.admin_key is None:
        raise ApiError(status.HTTP_403_FORBIDDEN, "forbidden", "upload.disabled")
    if key is None:
        raise ApiError(
            status.HTTP_401_UNAUTHORIZED,
            "unauthorized",
            "api.admin_required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not _is_admin(key, settings):
        raise ApiError(status.HTTP_403_FORBIDDEN, "forbidden", "api.admin_only")


AdminDep = Depends(require_admin)


def _trusted(address: str, proxies: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(request: Request) -> str:
    """The caller's address: the peer, or the X-Forwarded-For entry a trusted proxy added.

    Walks X-Forwarded-For from the right (entries a client wrote come first) and stops at the
    first address that is not a configured proxy.
    """
    peer = request.client.host if request.client else "unknown"
    proxies = request.app.state.settings.trusted_proxies
    if not proxies or not _trusted(peer, proxies):
        return peer
    forwarded = [
        a.strip() for a in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if a.strip()
    ]
    for address in reversed(forwarded):
        if not _trusted(address, proxies):
            return address
    return forwarded[0] if forwarded else peer


ClientDep = Annotated[str, Depends(client_address)]


def _limited(limiter: SlidingWindowLimiter, request: Request, what: str) -> None:
    retry_after = limiter.hit(client_address(request))
    if retry_after:
        raise ApiError(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "rate_limited",
            f"api.rate_limited.{what}",
            headers={"Retry-After": str(max(1, round(retry_after)))},
            limit=limiter.limit,
            seconds=max(1, round(retry_after)),
        )


def rate_limit(request: Request) -> None:
    """One budget per client for questions and searches."""
    _limited(request.app.state.limiter, request, "questions")


RateLimitDep = Depends(rate_limit)


def guard_upload(request: Request) -> None:
    """Admin key and per-client upload limit, checked before the body is read (api.middleware)."""
    settings: Settings = request.app.state.settings
    key = request.headers.get("x-api-key") or None
    if key is None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        key = credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None
    require_admin(key, settings)
    _limited(request.app.state.upload_limiter, request, "uploads")
    gate = request.app.state.upload_gate
    if gate.full():  # every worker busy and the line full: refused before a byte of the body
        raise gate.busy()


@dataclass
class _Job:
    fn: Callable[[], Any]
    client: str | None
    future: Future[Any] = field(default_factory=Future)


class Runner:
    """Runs blocking pipeline work on a fixed pool of threads with a bounded queue, fairly.

    A full queue answers 503 with Retry-After at once. On timeout the caller gets 503; work still
    queued is cancelled, work already running keeps its thread (and its slot) until it ends, so the
    number of threads and of computations in flight never exceeds the bounds.

    Fair share: one client address has at most ``per_client`` computations in the pool (running or
    queued), a quarter of the slots by default and never more than half the threads; its further
    requests wait in its own line, which holds no slot, so a client's flood costs the others
    nothing. A line longer than the queue is refused at once (429 with Retry-After).
    """

    def __init__(
        self, timeout_s: float, threads: int = 4, queue: int = 16, client_share: float = 1.0
    ) -> None:
        self.timeout_s = timeout_s
        self.threads = threads
        self.queue = queue
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="policyqa-pipeline")
        self._slots = threading.BoundedSemaphore(threads + queue)
        if client_share >= 1:
            self.per_client = threads + queue
        else:
            self.per_client = max(1, min(int((threads + queue) * client_share), math.ceil(threads / 2)))
        self._lock = threading.Lock()
        self._in_pool: dict[str, int] = {}
        self._lines: dict[str, deque[_Job]] = {}

    async def __call__(self, fn: Callable[[], T], client: str | None = None) -> T:
        job = _Job(fn, client)
        with self._lock:
            if client is not None and self._in_pool.get(client, 0) >= self.per_client:
                line = self._lines.setdefault(client, deque())
                if len(line) >= max(self.queue, 1):
                    raise _client_busy(self.per_client)
                line.append(job)
            else:
                self._submit(job)  # raises busy when every slot is taken
        try:
            with anyio.fail_after(self.timeout_s):
                # Cancelling the wrapper cancels a job still waiting (in its line or the pool's
                # queue); a running one finishes and keeps its slot until then.
                return await asyncio.wrap_future(job.future)
        except TimeoutError as exc:
            raise ApiError(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "timeout",
                "api.timeout",
                headers={"Retry-After": str(RETRY_AFTER_BUSY_S)},
                seconds=self.timeout_s,
            ) from exc

    def _submit(self, job: _Job) -> None:
        """Into the pool (under ``_lock``); raises 503 when every slot is taken."""
        if not self._slots.acquire(blocking=False):
            raise ApiError(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "busy",
                "api.busy",
                headers={"Retry-After": str(RETRY_AFTER_BUSY_S)},
            )
        try:
            self._pool.submit(self._run, job)
        except BaseException:
            self._slots.release()
            raise
        if job.client is not None:
            self._in_pool[job.client] = self._in_pool.get(job.client, 0) + 1

    def _run(self, job: _Job) -> None:
        """In a pool thread. The slot is given back (and the client's next job sent) before the
        caller hears the result, so a caller that asks again at once finds its slot free."""
        if not job.future.set_running_or_notify_cancel():
            self._finished(job.client)  # its caller gave up while it waited
            return
        try:
            result = job.fn()
        except BaseException as exc:
            self._finished(job.client)
            job.future.set_exception(exc)
        else:
            self._finished(job.client)
            job.future.set_result(result)

    def _finished(self, client: str | None) -> None:
        self._slots.release()
        if client is None:
            return
        with self._lock:
            left = self._in_pool[client] - 1
            if left:
                self._in_pool[client] = left
            else:
                del self._in_pool[client]
            line = self._lines.get(client)
            while line:
                job = line.popleft()
                if job.future.cancelled():
                    continue
                try:
                    self._submit(job)
                except ApiError as exc:
                    job.future.set_exception(exc)
                    continue
                break
            if line is not None and not line:
                del self._lines[client]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _client_busy(share: int) -> ApiError:
    return ApiError(
        status.HTTP_429_TOO_MANY_REQUESTS,
        "client_busy",
        "api.client_busy",
        retry_after_s=RETRY_AFTER_BUSY_S,
        share=share,
    )


def get_runner(request: Request) -> Runner:
    return request.app.state.runner


RunnerDep = Annotated[Runner, Depends(get_runner)]


def get_answer_cache(request: Request) -> LRUCache[AskResponse]:
    return request.app.state.answers


AnswerCacheDep = Annotated[LRUCache[AskResponse], Depends(get_answer_cache)]
