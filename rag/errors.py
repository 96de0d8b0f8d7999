"""Expected, explainable failures. The CLI prints them without a traceback; the API maps them to HTTP codes."""

from __future__ import annotations


class PolicyQAError(Exception):
    """Base: a failure the user can understand and usually fix."""


class InputFileError(PolicyQAError):
    """A file cannot be read: unsupported type, corrupt, encrypted, empty, too large (maps to 400/413/422)."""


class IndexNotFoundError(PolicyQAError):
    """No index at the given directory (run `policyqa ingest` first)."""


class IndexCorruptError(PolicyQAError):
    """An index file fails its checksum or cannot be decoded (rebuild with `policyqa ingest`)."""


class EmbedderMismatchError(PolicyQAError):
    """The query embedder differs from the one that built the index."""


class NotFoundError(PolicyQAError):
    """A document or clause id that the index does not hold (maps to 404)."""


class ConflictError(PolicyQAError):
    """The request would overwrite something it did not name explicitly (maps to 409)."""


class LimitExceededError(InputFileError):
    """A file would cost more than the index allows (too many clauses, degenerate text; maps to 422)."""


class UnsupportedError(PolicyQAError):
    """What was asked is not available on this store."""


class IndexLockedError(PolicyQAError):
    """Another process is writing to this index (maps to 409)."""


class StoreUnavailableError(PolicyQAError):
    """The Milvus server cannot be reached or refused the request (maps to 503)."""
