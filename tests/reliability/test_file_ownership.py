"""Issue 23, findings 1 and 3: every server owns its files, and its file readers die with it.

Two real `policyqa serve` processes on two indexes (one with two worker processes): what is uploaded
through A survives B's start and A's restart, and A's readers do not outlive a `kill -9` of A.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pdfbombs
import pytest
from reliability_support import ADMIN, ADMIN_KEY, free_port

from api.settings import Settings
from api.upload_folder import PARTIAL_PREFIX, UploadsFolder, partial_file, reconcile
from rag.config import PROJECT_ROOT
from rag.isolate import reap_orphans
from tools.loadtest import wait_ready

PLAN = """ỦY BAN NHÂN DÂN TỈNH {province}
Số: {n}/KH-UBND
KẾ HOẠCH
Chuyển đổi số năm 2026 của tỉnh {province}
I. NHIỆM VỤ
1. Sở Thông tin và Truyền thông {task} trước ngày 30/6/2026.
"""


def _index(root: Path, province: str) -> Path:
    from rag.ingest import ingest_paths

    folder = root / f"docs-{province}"
    folder.mkdir(parents=True)
    (folder / "plan.txt").write_text(
        PLAN.format(province=province, n=1, task="lập kế hoạch"), encoding="utf-8"
    )
    index = root / f"index-{province}"
    assert not ingest_paths([folder], index, progress=False).errors
    return index


class Server:
    """`python -m rag.cli serve --index DIR` from this checkout, in its own process group."""

    def __init__(self, index: Path, env: dict[str, str], workers: int = 1) -> None:
        self.index, self.env, self.workers = index, env, workers
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> Server:
        port = free_port()
        cmd = [sys.executable, "-m", "rag.cli", "serve", "--index", str(self.index), "--port", str(port)]
        self.process = subprocess.Popen(
            [*cmd, "--workers", str(self.workers)],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        wait_ready(self.url, timeout_s=180)
        return self

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            if sig == signal.SIGKILL:
                self.process.kill()  # the server alone, as a crash would: not its process group
            else:
                os.killpg(self.process.pid, sig)
            self.process.wait(timeout=60)

    def upload(self, name: str, data: bytes, timeout: float = 120) -> httpx.Response:
        files = {"file": (name, data, "text/plain")}
        return httpx.post(
            f"{self.url}/api/documents",
            files=files,
            data={"access": "public"},
            headers=ADMIN,
            timeout=timeout,
        )


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    values = dict(os.environ, POLICYQA_ADMIN_KEY=ADMIN_KEY, POLICYQA_RATE_LIMIT_PER_MINUTE="0")
    for name in ("POLICYQA_STORE", "POLICYQA_FILES", "POLICYQA_READ_KEYS", "POLICYQA_WORKERS"):
        values.pop(name, None)
    # The default index of a server started without --index: before issue 23 every server kept its
    # uploads under it, whatever index it served.
    values["POLICYQA_INDEX"] = str(tmp_path / "default-index")
    return values


def test_the_uploads_folder_follows_the_store(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert Settings(store=str(a)).files_root == a.resolve()
    assert Settings(store=str(b)).files_root == b.resolve()
    assert Settings(store=str(a)).uploads_folder.inside_index
    one = Settings(store="http://127.0.0.1:19530?name=one").files_root
    two = Settings(store="http://127.0.0.1:19530?name=two").files_root
    assert one != two and one.parent == two.parent == PROJECT_ROOT / "var" / "files"
    explicit = Settings(store="http://127.0.0.1:19530?name=one", files=tmp_path / "f")
    assert explicit.files_root == tmp_path / "f" and not explicit.uploads_folder.inside_index


@pytest.mark.slow
def test_uploads_through_one_server_survive_another_servers_start_and_its_own_restart(
    tmp_path: Path, env: dict[str, str]
) -> None:
    index_a, index_b = _index(tmp_path, "Alpha"), _index(tmp_path, "Beta")
    a = Server(index_a, env, workers=2).start()
    b = Server(index_b, env)
    try:
        body = PLAN.format(province="Alpha", n=2, task="triển khai mã Zyxkappa").encode()
        response = a.upload("alpha-2.txt", body)
        assert response.status_code == 201, response.text
        kept = index_a / "uploads" / "alpha-2.txt"
        assert kept.is_file()  # in A's own index folder, not a folder every server shares
        assert not (tmp_path / "default-index" / "uploads").exists()

        b.start()  # B's reconcile runs over B's folder only
        assert b.upload("beta-2.txt", PLAN.format(province="Beta", n=2, task="x").encode()).status_code == 201
        b.kill()
        a.kill()
        a.start()  # both workers reconcile A's folder against A's index
        assert kept.read_bytes() == body
        assert (index_b / "uploads" / "beta-2.txt").is_file()
        hits = httpx.get(f"{a.url}/api/search", params={"q": "Zyxkappa"}, timeout=60).json()["hits"]
        assert hits and hits[0]["source"] == "uploads/alpha-2.txt"
        doc_id = hits[0]["doc_id"]
        deleted = httpx.delete(f"{a.url}/api/documents/{doc_id}", headers=ADMIN, timeout=120)
        assert deleted.status_code == 200
        assert not kept.exists()  # the deletion found the file where the index said it was
    finally:
        a.kill()
        b.kill()


def _readers_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"rag.isolate" in argv and str(parent).encode() in argv:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_kill_9_mid_upload_leaves_no_reader_running(tmp_path: Path, env: dict[str, str]) -> None:
    index = _index(tmp_path, "Gamma")
    server = Server(index, env).start()
    assert server.process is not None
    pid = server.process.pid
    try:
        # 50,000 pages: seconds of parsing in the reader, which is what the kill interrupts.
        bomb = pdfbombs.many_pages(50_000)
        uploading = subprocess.Popen(
            [sys.executable, "-c", _UPLOAD, server.url, ADMIN_KEY],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert uploading.stdin is not None
        uploading.stdin.write(bomb)
        uploading.stdin.close()
        deadline = time.monotonic() + 120
        while not (readers := _readers_of(pid)):
            assert time.monotonic() < deadline, "the upload never started its reader"
            time.sleep(0.05)
        server.kill(signal.SIGKILL)
        uploading.wait(timeout=60)
        # Dead within moments (the reader alone would parse for many seconds more).
        deadline = time.monotonic() + 3
        while any(_alive(r) for r in readers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(r) for r in readers), "the reader outlived its server"
        server.start()  # and the restarted server finds nothing of it (a partial is cleaned up)
        assert not [p for p in (index / "uploads").iterdir() if p.name.startswith(PARTIAL_PREFIX)]
    finally:
        server.kill()


_UPLOAD = """
import sys, httpx
data = sys.stdin.buffer.read()
try:
    httpx.post(sys.argv[1] + "/api/documents", files={"file": ("bomb.pdf", data, "application/pdf")},
               data={"access": "public"}, headers={"X-API-Key": sys.argv[2]}, timeout=300)
except httpx.HTTPError:
    pass
"""


def test_a_reader_whose_parent_is_gone_is_reaped() -> None:
    """A reader that names a parent it no longer has (re-parented after a crash) is killed; one whose
    parent is alive is left alone."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    cmd = [sys.executable, "-m", "rag.isolate", "--parent"]
    orphan = subprocess.Popen(
        [*cmd, str(gone.pid)], cwd=PROJECT_ROOT, stdin=subprocess.PIPE, start_new_session=True
    )
    child = subprocess.Popen(
        [*cmd, str(os.getpid())], cwd=PROJECT_ROOT, stdin=subprocess.PIPE, start_new_session=True
    )
    try:
        time.sleep(0.5)  # both are reading their request from stdin
        done = reap_orphans()
        assert any(str(orphan.pid) in line for line in done)
        assert orphan.wait(timeout=10) == -signal.SIGKILL
        assert child.poll() is None
    finally:
        for process in (orphan, child):
            if process.poll() is None:
                process.kill()
            process.wait()


def test_reconcile_touches_only_files_provably_its_own(tmp_path: Path) -> None:
    from rag.records import Document, DocumentMeta

    def doc(source: str) -> Document:
        return Document(id=source, source=source, content_hash="x", meta=DocumentMeta())

    root = tmp_path / "files"
    (root / "uploads").mkdir(parents=True)
    before = root / "uploads" / "before-the-claim.txt"
    before.write_text("an upload of a server that shared this folder", encoding="utf-8")
    os.utime(before, (time.time() - 3600, time.time() - 3600))
    mine = UploadsFolder(root, "store-a", inside_index=False)
    mine.claim()  # what the first upload does
    # A running upload: its temporary file is locked, and what is younger than it is left alone.
    with partial_file(mine.path, "running.txt", b"bytes") as running:
        (root / "uploads" / "orphan.txt").write_text("no document names me", encoding="utf-8")
        (root / "uploads" / "named.txt").write_text("named", encoding="utf-8")
        done = reconcile(mine, lambda: [doc("uploads/named.txt")])
        assert running.exists() and (root / "uploads" / "orphan.txt").exists()
        assert before.exists() and any("before-the-claim.txt" in line and "kept" in line for line in done)
    assert not running.exists()
    done = reconcile(mine, lambda: [doc("uploads/named.txt")])
    assert not (root / "uploads" / "orphan.txt").exists() and (root / "uploads" / "named.txt").exists()
    assert before.exists()
    # Another store's server pointed at the same folder touches nothing and refuses to write there.
    theirs = UploadsFolder(root, "store-b", inside_index=False)
    (root / "uploads" / "orphan-2.txt").write_text("a's", encoding="utf-8")
    assert reconcile(theirs, list)[0].startswith("not checked")
    assert (root / "uploads" / "orphan-2.txt").exists()
    with pytest.raises(Exception, match="uploads_folder_taken|thuộc về kho dữ liệu khác"):
        theirs.claim()
