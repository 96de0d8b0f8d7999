"""Map failures to JSON ``{"detail": "...", "code": "..."}`` responses at the API edge; never a stack trace.

``detail`` is for a person (Vietnamese, from `rag.messages`), ``code`` for the client's program
(stable, one of `rag.messages.ERROR_CODES`). What only an operator needs (a Milvus error, a
traceback) goes to the server log in English.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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
from rag.messages import text

log = logging.getLogger("policyqa.api")

STORE_RETRY_AFTER_S = 5  # seconds before asking a store that stopped answering again


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

# The code of an HTTP error raised without one (FastAPI's own 404/405, a plain HTTPException).
_STATUS_CODES: dict[int, str] = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    429: "rate_limited",
    501: "unsupported",
    503: "busy",
}


class ApiError(HTTPException):
    """A refusal with its status, its Vietnamese text (message ``key`` of `rag.messages`, filled
    with ``values``) and a stable machine-readable ``code`` (clients branch on the code; the text is
    for people and may be reworded); ``retry_after_s``: when to try again (a Retry-After header)."""

    def __init__(
        self,
        status_code: int,
        code: str,
        key: str,
        *,
        headers: Mapping[str, str] | None = None,
        retry_after_s: float | None = None,
        **values: Any,
    ) -> None:
        merged = dict(headers or {})
        if retry_after_s is not None:
            merged["Retry-After"] = str(max(1, round(retry_after_s)))
        super().__init__(status_code, text(key, **values), headers=merged or None)
        self.code = code
        self.retry_after_s = retry_after_s


def status_for(exc: PolicyQAError) -> int:
    return next(code for cls, code in _STATUS if isinstance(exc, cls))


def body(detail: str, code: str) -> dict[str, str]:
    return {"detail": detail, "code": code}


def error_body(exc: Exception) -> dict[str, str]:
    """What a client gets for a failure: the person's text and the program's code."""
    if isinstance(exc, StoreUnavailableError):
        # The engine's text names fields, the access clause and the expression: logged, never sent.
        log.error("store unavailable: %s", exc)
        return body(text("store.unavailable"), exc.code)
    if isinstance(exc, IndexCorruptError | EmbedderMismatchError):
        return body(text("index.unusable", why=exc), exc.code)
    if isinstance(exc, PolicyQAError):
        return body(str(exc), exc.code)
    if isinstance(exc, StarletteHTTPException):
        return body(
            _http_detail(exc),
            getattr(exc, "code", None) or _STATUS_CODES.get(exc.status_code, "invalid_request"),
        )
    log.exception("unexpected error", exc_info=exc)
    return body(text("api.internal"), "internal")


def _http_detail(exc: StarletteHTTPException) -> str:
    if isinstance(exc, ApiError) or not isinstance(exc.detail, str):
        return str(exc.detail)
    # Starlette's own texts ("Not Found", "Method Not Allowed"): said in Vietnamese.
    if exc.status_code == status.HTTP_404_NOT_FOUND:
        return text("api.not_found")
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        return text("api.method")
    return exc.detail


# Pydantic's error types, in words; anything else is "không hợp lệ".
_VALIDATION: dict[str, str] = {
    "missing": "thiếu giá trị",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "less_than": "phải nhỏ hơn {lt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "string_too_short": "quá ngắn (ít nhất {min_length} ký tự)",
    "string_too_long": "quá dài (tối đa {max_length} ký tự)",
    "too_short": "quá ít phần tử (ít nhất {min_length})",
    "too_long": "quá nhiều phần tử (tối đa {max_length})",
    "string_pattern_mismatch": "sai định dạng",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "float_parsing": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "list_type": "phải là danh sách",
    "dict_type": "phải là đối tượng JSON",
    "model_type": "phải là đối tượng JSON",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
    "json_invalid": "JSON không hợp lệ",
    "extra_forbidden": "không được phép",
    "value_error": "{error}",  # our validators' own (Vietnamese) text
}


def _problem(err: Mapping[str, Any]) -> str:
    template = _VALIDATION.get(str(err.get("type", "")), "không hợp lệ")
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return "không hợp lệ"


def validation_message(exc: RequestValidationError) -> str:
    """One readable line per problem: "top_k: phải nhỏ hơn hoặc bằng 50"."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form"))
        parts.append(f"{where or 'yêu cầu'}: {_problem(err)}")
    return "; ".join(parts) or text("api.invalid")


async def _policyqa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PolicyQAError)
    if isinstance(exc, StoreUnavailableError):  # the Milvus server is down: worth trying again soon
        return JSONResponse(
            error_body(exc), status_code=status_for(exc), headers={"Retry-After": str(STORE_RETRY_AFTER_S)}
        )
    return JSONResponse(error_body(exc), status_code=status_for(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(error_body(exc), status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        body(validation_message(exc), "invalid_request"), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(body(text("api.internal"), "internal"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PolicyQAError, _policyqa_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
