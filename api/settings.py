"""API configuration from the environment (POLICYQA_*), read once per app."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag import config

if TYPE_CHECKING:
    from api.upload_folder import UploadsFolder

ACCESS_PUBLIC = "public"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore")

    index: Path = Field(default_factory=config.index_dir)
    # A Milvus server (http(s)://host:port) or a directory; unset: the index directory above.
    store: str | None = None
    # Where uploaded files are kept (in its uploads/ folder). Unset: the index directory itself, or
    # on a Milvus store var/files/<server-and-store name>: never a folder another store would pick.
    files: Path | None = None
    # An upload is searchable by its words as soon as it is parsed; its dense vectors are added
    # in the background (answers list the documents still waiting). False: the upload request
    # returns once everything is embedded.
    uploads_lexical_first: bool = True
    # Unset: uploads and deletions are refused with a 403 that says how to enable them.
    admin_key: SecretStr | None = None
    # API key -> access levels it may read, e.g. {"k1": ["public", "internal"]} (JSON in the env).
    read_keys: dict[str, list[str]] = Field(default_factory=dict, repr=False)  # keys are secrets
    # False: callers without a key read the "public" level.
    read_requires_key: bool = False
    cors_origins: list[str] = Field(default_factory=list)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_question_chars: int = Field(default=2000, gt=0)
    # Per client IP on /api/ask* and /api/search (one budget); 0 turns the limiter off.
    rate_limit_per_minute: int = Field(default=120, ge=0)
    # Per client IP on uploads (checked with the admin key, before the body is read); 0 = off.
    upload_rate_limit_per_minute: int = Field(default=20, ge=0)
    # Uploads parsed and embedded at once (each is a CPU-bound child process): one per core.
    upload_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # Uploads waiting for a worker; past that, 503 with Retry-After before the body is read.
    upload_queue: int = Field(default=8, ge=0)
    # Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For names the client;
    # from anyone else the header is ignored (a client could otherwise pick its own rate-limit key).
    trusted_proxies: list[str] = Field(default_factory=list)
    request_timeout_s: float = Field(default=30.0, gt=0)
    # Questions and searches computed at once; more only adds GIL contention on a small machine.
    # A timed-out computation keeps its thread until it ends, so this bounds the threads too.
    pipeline_threads: int = Field(default=4, ge=1)
    # Questions waiting for a pipeline thread; past that, 503 with Retry-After at once.
    pipeline_queue: int = Field(default=16, ge=0)
    # One client address's share of the pipeline: at most this fraction of its slots (threads + queue)
    # and half its threads; its other requests wait in their own line (never in others' way).
    pipeline_client_share: float = Field(default=0.25, gt=0, le=1)
    # Finished answers kept per (index generation, question, options, access); 0 turns it off.
    answer_cache_size: int = Field(default=1024, ge=0)
    # Optional chat model that writes answers from the retrieved clauses (every sentence cited);
    # any OpenAI-compatible endpoint, e.g. a local Ollama at http://127.0.0.1:11434/v1.
    llm_model: str | None = None
    llm_base_url: str | None = None
    # One try, well inside the request timeout: a hanging model gives the extractive answer, not a 503.
    llm_timeout_s: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _llm_inside_request(self) -> Settings:
        if self.llm_model and self.llm_timeout_s >= self.request_timeout_s:
            raise ValueError(
                f"POLICYQA_LLM_TIMEOUT_S ({self.llm_timeout_s:g}) must be below "
                f"POLICYQA_REQUEST_TIMEOUT_S ({self.request_timeout_s:g})"
            )
        return self

    @field_validator("index")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item.strip(), strict=False)  # ValueError -> a settings error naming it
        return [item.strip() for item in value]

    @field_validator("admin_key")
    @classmethod
    def _blank_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @property
    def location(self) -> Path | str:
        """The store the API reads and writes (index.stores)."""
        from index.stores import location_of

        return location_of(self.store) if self.store else self.index

    @property
    def files_root(self) -> Path:
        """The folder whose ``uploads/`` holds this store's uploaded originals; it follows the store
        (``--index``/``--store``), so two servers on two stores never share one."""
        from index.stores import folder_name, is_remote

        if self.files is not None:
            return self.files.expanduser().resolve()
        location = self.location
        if is_remote(location):
            return config.PROJECT_ROOT / "var" / "files" / folder_name(location)
        return Path(location)

    @property
    def uploads_dir(self) -> Path:
        return self.files_root / "uploads"

    @property
    def store_name(self) -> str:
        """The store, named the same way by every process that opens it (what an uploads folder's
        marker records)."""
        from index.stores import store_name

        return store_name(self.location)

    @property
    def uploads_folder(self) -> UploadsFolder:
        from api.upload_folder import UploadsFolder

        root = self.files_root
        return UploadsFolder(root, self.store_name, inside_index=root == self.location)
