"""Helpers shared by test packages: API settings with test keys, an internal document, a loopback
uvicorn server and headless Debian Chromium."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from api.main import create_app
from api.settings import Settings

ADMIN_KEY = "test-admin-key"
INTERNAL_KEY = "test-internal-key"  # reads public and internal documents
ADMIN = {"X-API-Key": ADMIN_KEY}
INTERNAL = {"X-API-Key": INTERNAL_KEY}

# A document only internal readers may see: its words must never reach anyone else.
INTERNAL_PLAN = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
SỞ NỘI VỤ
Số: 77/KH-SNV
Quảng Ngãi, ngày 3 tháng 2 năm 2026
KẾ HOẠCH
Kiểm kê kho lưu trữ mật năm 2026
I. MỤC ĐÍCH
1. Kiểm kê toàn bộ hồ sơ lưu trữ tại kho Zephyrus trước ngày 30/6/2026.
Đơn vị thực hiện: Phòng Lưu trữ Zephyrus.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Lưu trữ Zephyrus báo cáo kết quả kiểm kê kho Zephyrus về Sở trước ngày 15/7/2026.
GIÁM ĐỐC
Nguyễn Văn Bí Mật
"""

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def settings_for(index: Path, **overrides: Any) -> Settings:
    """API settings over `index` with the test keys and no rate limit, plus `overrides`."""
    values: dict[str, Any] = {
        "index": index,
        "admin_key": ADMIN_KEY,
        "read_keys": {INTERNAL_KEY: ["public", "internal"]},
        "rate_limit_per_minute": 0,
        # Uploads embedded before the response: tests that rank an upload first right after it
        # need its vectors (lexical-first uploads have their own tests).
        "uploads_lexical_first": False,
    }
    values.update(overrides)
    return Settings(**values)


def assistant_over(root: Path, texts: dict[str, str]) -> Any:
    """An assistant over an index of these text files (name -> text), built under ``root``."""
    from rag.ingest import ingest_paths
    from rag.pipeline import Assistant

    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    report = ingest_paths([docs], root / "index", progress=False)
    assert not report.errors, report.errors
    return Assistant.open(root / "index")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(settings: Settings) -> tuple[str, uvicorn.Server, threading.Thread]:
    """uvicorn on a free loopback port in a background thread; stop with ``stop(server, thread)``."""
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", proxy_headers=False
        )
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", srv, thread


def stop(srv: uvicorn.Server, thread: threading.Thread) -> None:
    srv.should_exit = True
    thread.join(timeout=10)


def headless_chromium(user_data_dir: Path):  # noqa: ANN201 (selenium WebDriver)
    """Debian's Chromium driven by Selenium; an explicit driver path, so nothing is downloaded."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={user_data_dir}",
        "--lang=vi",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))


# English that once reached people on the chat page and /lookup: server errors, the parser's
# internal names of document parts, the browser's status texts.
ENGLISH_UI = (
    "header",
    "signature",
    "recipients",
    "too many",
    "retry in",
    "per minute",
    "internal error",
    "not found",
    "unavailable",
    "failed",
    "error",
    "loading",
    "index",
)


def english_on_page(driver) -> list[str]:  # noqa: ANN001 (selenium WebDriver)
    """The known English UI strings the page shows (its visible text and its controls' labels)."""
    import re

    shown = driver.execute_script(
        "return document.body.innerText + ' ' + Array.from(document.querySelectorAll("
        "'[placeholder],[aria-label],[title],optgroup')).map(e => [e.placeholder, e.getAttribute('aria-label'),"
        " e.title, e.label].filter(Boolean).join(' ')).join(' ')"
    )
    return [w for w in ENGLISH_UI if re.search(rf"\b{re.escape(w)}\b", shown, re.IGNORECASE)]


def sideways_scroll(driver) -> int:  # noqa: ANN001 (selenium WebDriver)
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(
        driver.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
    )


MILVUS_LITE = "milvus-lite"


class MilvusLite:
    """`milvus-lite server` (Milvus Lite's gRPC server, the protocol a cluster speaks) on a free
    loopback port, in its own process group; ``close()`` stops it."""

    def __init__(self, data_dir: Path) -> None:
        import shutil
        import subprocess

        exe = shutil.which(MILVUS_LITE)
        assert exe, "milvus-lite is not installed (it is in the dev extra)"
        self.port = free_port()
        self.log = (data_dir.parent / "milvus-lite.log").open("wb")
        self.process = subprocess.Popen(
            [exe, "server", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "milvus-lite server exited at start"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            assert time.monotonic() < deadline, "milvus-lite server did not start"
            time.sleep(0.1)
        self.uri = f"http://127.0.0.1:{self.port}"

    def store(self, name: str) -> str:
        """A store location on this server with its own collections."""
        return f"{self.uri}?name={name}"

    def close(self) -> None:
        import os
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except Exception:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
