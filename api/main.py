"""The FastAPI app: routers, middleware, error mapping, the chat widget; `policyqa serve`."""

from __future__ import annotations

import argparse
import base64
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope
from swagger_ui_bundle import swagger_ui_path

from api.cache import LRUCache
from api.deps import AssistantProvider, Runner, guard_upload
from api.errors import install_error_handlers
from api.middleware import BodySizeLimitMiddleware, EarlyCheckMiddleware
from api.ratelimit import SlidingWindowLimiter
from api.routers import ask, documents, health, search, tasks, units
from api.schemas import AskResponse
from api.settings import ACCESS_PUBLIC, Settings
from api.uploads import DenseCompleter, UploadGate, reconcile
from index.stores import current_generation, no_other_writer
from rag.errors import IndexLockedError, PolicyQAError
from rag.messages import text
from rag.pipeline import Assistant

log = logging.getLogger("policyqa.api")

STATIC_DIR = Path(__file__).resolve().parent / "static"
# JSON bodies are small; only the upload route gets the (much larger) upload limit.
JSON_BODY_LIMIT = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None, assistants: AssistantProvider | None = None) -> FastAPI:
    """The app over ``settings``' store; ``assistants``: a provider already opened (and warmed) by a
    parent that forks workers (api.forked), else one made here that opens the store at start."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from rag.isolate import reap_orphans

        for line in reap_orphans():  # parse children a killed server left running
            log.warning("%s", line)
        try:
            assistant = await anyio.to_thread.run_sync(app.state.assistants.get)
            log.info("index opened: %s", settings.location)
            await anyio.to_thread.run_sync(_reconcile_uploads, assistant, settings)
            if assistant.store.dense_pending():  # uploads a stopped server left unembedded
                app.state.dense.kick()
        except PolicyQAError as exc:  # keep serving /healthz and the widget; endpoints answer 503
            log.warning("no usable index at %s yet: %s", settings.location, exc)
        try:
            yield
        finally:
            app.state.runner.close()
            app.state.dense.close()

    app = FastAPI(
        title="policyqa",
        summary="Search and question answering over Vietnamese policy documents, with clause citations.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from local Swagger UI assets: the machine may have no internet
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.assistants = assistants or assistant_provider(settings)
    app.state.dense = DenseCompleter(app.state.assistants.get)
    app.state.limiter = SlidingWindowLimiter(settings.rate_limit_per_minute, window_s=60.0)
    app.state.upload_limiter = SlidingWindowLimiter(settings.upload_rate_limit_per_minute, window_s=60.0)
    app.state.runner = Runner(
        settings.request_timeout_s,
        settings.pipeline_threads,
        settings.pipeline_queue,
        client_share=settings.pipeline_client_share,
    )
    app.state.upload_gate = UploadGate(settings.upload_workers, settings.upload_queue)
    app.state.answers = LRUCache[AskResponse](settings.answer_cache_size)

    install_error_handlers(app)
    upload_limit = settings.max_upload_bytes + MULTIPART_OVERHEAD

    def body_limit(scope: Scope) -> int:
        return upload_limit if _is_upload(scope) else JSON_BODY_LIMIT

    app.add_middleware(BodySizeLimitMiddleware, limit_for=body_limit)
    # Added last, so it runs first: a refused upload costs no body bytes at all.
    app.add_middleware(EarlyCheckMiddleware, applies=_is_upload, check=guard_upload)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        )

    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(units.router)
    app.include_router(tasks.router)

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        # Defence in depth: even a missed escape could not run a script on the chat page.
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    @app.get("/lookup", include_in_schema=False)
    def lookup_page() -> FileResponse:
        # Drafting staff's lookup page: the chat page's CSP, scripts and styles from /static only.
        return FileResponse(STATIC_DIR / "lookup.html", headers=PAGE_HEADERS)

    @app.get("/widget.js", include_in_schema=False)
    def widget_script() -> FileResponse:
        return FileResponse(STATIC_DIR / "widget.js", media_type="text/javascript")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="policyqa API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )
        page.headers.update(docs_headers(bytes(page.body).decode("utf-8")))
        return page

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_headers(page: str) -> dict[str, str]:
    """The chat page's policy for the API docs: Swagger UI's one inline script is allowed by its hash
    (nothing else inline runs), styles may be inline (Swagger UI sets them), data: images."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(page)
    )
    return {
        **PAGE_HEADERS,
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'"
        ),
    }


def _is_upload(scope: Scope) -> bool:
    return scope["method"] == "POST" and scope["path"].rstrip("/") == "/api/documents"


def assistant_provider(settings: Settings) -> AssistantProvider:
    """The one assistant a process answers with (opened on first use), with the chat model if set."""
    generator = None
    if settings.llm_model:
        from rag.generate import LLMGenerator

        generator = LLMGenerator.from_spec(
            settings.llm_model, base_url=settings.llm_base_url, timeout=settings.llm_timeout_s, max_retries=0
        )
    return AssistantProvider(settings.location, generator=generator, access=access_views(settings))


def access_views(settings: Settings) -> list[frozenset[str] | None]:
    """The access views this server's callers read: anonymous (public), each read key's, the admin's."""
    views: list[frozenset[str] | None] = [frozenset({ACCESS_PUBLIC})]
    views += [frozenset(levels) for levels in settings.read_keys.values()]
    return [*dict.fromkeys(views), None]


def _reconcile_uploads(assistant: Assistant, settings: Settings) -> None:
    """Bring this store's uploads/ in line with it after a crash (skipped while another process
    writes an embedded index; on Milvus, files of uploads still running are left alone)."""

    def current_documents() -> list[Any]:
        # Read after the folder is listed (api.upload_folder.reconcile): the generation now, not
        # the one this process opened (another worker may have committed since).
        if current_generation(assistant.index_dir) != assistant.store.generation:
            assistant.reload()
        return assistant.documents()

    try:
        with no_other_writer(assistant.index_dir, timeout=0):
            for line in reconcile(settings.uploads_folder, current_documents):
                log.warning("uploads: %s", line)
    except IndexLockedError:
        log.info("uploads not checked: another process is writing the index")
    except PolicyQAError as exc:  # the index could not be re-read: touch nothing
        log.warning("uploads not checked: %s", exc)


def run_serve(args: argparse.Namespace) -> int:
    """`policyqa serve --host --port --index`: the API and chat widget under uvicorn."""
    import uvicorn

    if args.workers < 1:
        raise PolicyQAError.of("settings.workers", value=str(args.workers))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings(store=str(args.index_dir))
    workers = text("cli.workers", count=args.workers) if args.workers > 1 else ""
    print(
        text("cli.serving", location=settings.location, host=args.host, port=str(args.port), workers=workers)
    )
    if args.workers == 1:
        uvicorn.run(
            create_app(settings), host=args.host, port=args.port, log_level="info", proxy_headers=False
        )
        return 0
    # Workers forked from one warmed parent share its models and answerer state (api.forked).
    from api.forked import serve_forked

    provider = assistant_provider(settings)
    return serve_forked(provider, lambda p: create_app(settings, p), args.host, args.port, args.workers)
