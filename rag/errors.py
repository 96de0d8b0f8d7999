"""Expected, explainable failures. The CLI prints them without a traceback; the API maps them to HTTP codes.

The text of an error is what a person reads (Vietnamese, from `rag.messages`); ``code`` is a stable
machine-readable name of its kind, which the API returns beside the text.
"""

from __future__ import annotations

from typing import Any, Self

from rag.messages import text


class PolicyQAError(Exception):
    """Base: a failure the user can understand and usually fix."""

    code = "invalid_request"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @classmethod
    def of(cls, key: str, *, code: str | None = None, **values: Any) -> Self:
        """The error whose text is the message ``key`` of `rag.messages`, filled with ``values``."""
        return cls(text(key, **values), code=code)


class InputFileError(PolicyQAError):
    """A file cannot be read: unsupported type, corrupt, encrypted, empty, too large (maps to 400/413/422)."""

    code = "unreadable_file"


class IndexNotFoundError(PolicyQAError):
    """No index at the given directory (run `policyqa ingest` first)."""

    code = "index_missing"


class IndexCorruptError(PolicyQAError):
    """An index file fails its checksum or cannot be decoded (rebuild with `policyqa ingest`)."""

    code = "index_unusable"


class EmbedderMismatchError(PolicyQAError):
    """The query embedder differs from the one that built the index."""

    code = "index_unusable"


class NotFoundError(PolicyQAError):
    """A document or clause id that the index does not hold (maps to 404)."""

    code = "not_found"


class ConflictError(PolicyQAError):
    """The request would overwrite something it did not name explicitly (maps to 409)."""

    code = "conflict"


class LimitExceededError(InputFileError):
    """A file would cost more than the index allows (too many clauses, degenerate text; maps to 422)."""

    code = "limit_exceeded"


class UnsupportedError(PolicyQAError):
    """What was asked is not available on this store."""

    code = "unsupported"


class IndexLockedError(PolicyQAError):
    """Another process is writing to this index (maps to 409)."""

    code = "index_locked"


class StoreUnavailableError(PolicyQAError):
    """The Milvus server cannot be reached or refused the request (maps to 503)."""

    code = "store_unavailable"
