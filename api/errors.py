"""Map failures to JSON ``{"detail": "..."}`` responses at the API edge; never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rag.errors import (
    ConflictError,
    EmbedderMismatchError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    InputFileError,
    NotFoundError,
    PolicyQAError,
    StoreUnavailableError,
    UnsupportedError,
)

log = logging.getLogger("policyqa.api")


class ApiError(PolicyQAError):
    """A refusal with its own status, a stable machine-readable ``code`` (clients branch on it; the
    text is for people and may be reworded) and, for 503s, when to retry."""

    def __init__(self, status_code: int, code: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str]:
        if self.retry_after_s is None:
            return {}
        return {"Retry-After": str(max(1, round(self.retry_after_s)))}

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"detail": str(self), "code": self.code}, status_code=self.status_code, headers=self.headers
        )


# Most specific first: the first matching class decides the status.
_STATUS: list[tuple[type[PolicyQAError], int]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (IndexLockedError, status.HTTP_409_CONFLICT),  # another process is writing the index
    (ConflictError, status.HTTP_409_CONFLICT),
    (InputFileError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (IndexNotFoundError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (IndexCorruptError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (EmbedderMismatchError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (StoreUnavailableError, status.HTTP_503_SERVICE_UNAVAILABLE),  # the Milvus server is down
    (UnsupportedError, status.HTTP_501_NOT_IMPLEMENTED),
    (PolicyQAError, status.HTTP_400_BAD_REQUEST),
]


def status_for(exc: PolicyQAError) -> int:
    if isinstance(exc, ApiError):
        return exc.status_code
    return next(code for cls, code in _STATUS if isinstance(exc, cls))


def validation_message(exc: RequestValidationError) -> str:
    """One readable line per problem: "body.top_k: Input should be less than or equal to 50"."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _policyqa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PolicyQAError)
    if isinstance(exc, ApiError):
        return exc.response()
    if isinstance(exc, StoreUnavailableError):
        # The engine's text names fields, the access clause and the expression: log it, never send it.
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return STORE_UNAVAILABLE.response()
    return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))


STORE_UNAVAILABLE = ApiError(
    status.HTTP_503_SERVICE_UNAVAILABLE,
    "store_unavailable",
    "Kho dữ liệu tạm thời không trả lời; vui lòng thử lại sau ít phút.",
    retry_after_s=5,
)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {"detail": validation_message(exc), "code": "invalid_request"},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PolicyQAError, _policyqa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
