"""Map failures to JSON ``{"detail": "..."}`` responses at the API edge; never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from index.milvus import StoreUnavailableError
from index.store import IndexLockedError
from rag.errors import (
    ConflictError,
    EmbedderMismatchError,
    IndexCorruptError,
    IndexNotFoundError,
    InputFileError,
    NotFoundError,
    PolicyQAError,
    UnsupportedError,
)

log = logging.getLogger("policyqa.api")

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
    return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {"detail": validation_message(exc)}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PolicyQAError, _policyqa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
