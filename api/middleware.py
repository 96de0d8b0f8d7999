"""Request body size limit answering JSON 413s (Starlette's own limiter answers in plain text), and
checks that must refuse a request before its body is read."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_body


def too_large(limit: int) -> ApiError:
    return ApiError(status.HTTP_413_CONTENT_TOO_LARGE, "too_large", "api.body_too_large", limit=limit)


class BodySizeLimitMiddleware:
    """Rejects bodies over ``limit_for(scope)`` bytes: up front by Content-Length, else while reading."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await JSONResponse(error_body(too_large(limit)), status.HTTP_413_CONTENT_TOO_LARGE)(
                scope, receive, send
            )
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the app's body parsing, so the app's HTTPException handler answers.
                    raise too_large(limit)
            return message

        await self.app(scope, counted, send)


class EarlyCheckMiddleware:
    """Runs ``check(request)`` before the app reads the body, for requests ``applies(scope)``.

    FastAPI parses a multipart body before it resolves dependencies, so an upload without the
    admin key would otherwise be refused only after every byte arrived.
    """

    def __init__(
        self, app: ASGIApp, applies: Callable[[Scope], bool], check: Callable[[Request], None]
    ) -> None:
        self.app = app
        self.applies = applies
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.applies(scope):
            try:
                self.check(Request(scope))
            except HTTPException as exc:
                response = JSONResponse(error_body(exc), exc.status_code, headers=exc.headers)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
