"""Finding 6: crash leftovers in uploads/, a corrupt embed cache, symlinks, ask filters, early key checks."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability_support import ADMIN, settings_for

from api.main import create_app
from api.upload_folder import OWNER_MARKER, UploadsFolder
from api.uploads import reconcile, store_upload
from index.store import IndexStore, file_sha256
from rag.config import PROJECT_ROOT
from rag.ingest import collect_files
from rag.pipeline import Assistant

OLD = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: 9/KH-UBND\nKẾ HOẠCH\nBản cũ\nI. NHIỆM VỤ\n1. Trung tâm Alpha báo cáo.\n"
NEW = OLD.replace("Bản cũ", "Bản mới").replace("Alpha", "Beta")

CHILD = """
import sys, time
from pathlib import Path
from api.uploads import store_upload
from rag.pipeline import Assistant

index, stage, data = Path(sys.argv[1]), sys.argv[2], sys.argv[3].encode()

def pause(at):
    if at == stage:
        print("AT", at, flush=True)
        time.sleep(600)

assistant = Assistant.open(index)
store_upload(assistant, index, "plan-9.txt", data, access="public", keep_access=True, replace=True, pause=pause)
"""


def _served_hash(index: Path) -> str:
    doc = IndexStore.open(index).document_by_source("uploads/plan-9.txt")
    assert doc is not None
    return doc.content_hash


def _kill_at(index: Path, stage: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index), stage, NEW],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()  # blocks until the child reaches the stage
        assert line.strip() == f"AT {stage}", line
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["parsed", "swapped"])
def test_sigkill_during_an_upload_leaves_folder_and_index_agreeing(small_index: Path, stage: str) -> None:
    assistant = Assistant.open(small_index)
    store_upload(
        assistant, small_index, "plan-9.txt", OLD.encode(), access="public", keep_access=True, replace=False
    )
    _kill_at(small_index, stage)
    uploads = small_index / "uploads"
    served = _served_hash(small_index)
    # Killed before the swap the index serves the old bytes, after it the new ones; either way the
    # real name still holds the old bytes and a hidden temporary file the new ones.
    assert served == file_sha256_of(OLD if stage == "parsed" else NEW)
    assert (uploads / "plan-9.txt").read_text(encoding="utf-8") == OLD
    # The next start makes the folder agree with the index and leaves nothing hidden behind.
    with TestClient(create_app(settings_for(small_index))):
        pass
    assert sorted(p.name for p in uploads.iterdir()) == [OWNER_MARKER, "plan-9.txt"]
    assert file_sha256(uploads / "plan-9.txt") == _served_hash(small_index)


def file_sha256_of(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def test_files_no_document_points_to_are_removed_at_start(small_index: Path) -> None:
    UploadsFolder.of(small_index).claim()  # the folder this index's first upload created
    uploads = small_index / "uploads"
    (uploads / "orphan.txt").write_text("left by a deletion killed half-way", encoding="utf-8")
    (uploads / ".partial-0123-x.txt").write_text("unfinished", encoding="utf-8")
    done = reconcile(small_index, IndexStore.open(small_index).documents())
    assert len(done) == 2 and [p.name for p in uploads.iterdir()] == [OWNER_MARKER]


def _corrupt(cache: Path, how: str) -> None:
    if how == "garbage":
        cache.write_bytes(os.urandom(cache.stat().st_size))
    else:  # a damaged page past the header
        data = bytearray(cache.read_bytes())
        data[4096:8192] = b"\xff" * 4096
        cache.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["garbage", "page"])
def test_a_corrupt_embed_cache_is_reported_in_one_line_and_rebuilt(
    small_index: Path, tmp_path: Path, how: str
) -> None:
    cache = small_index / "embed-cache" / "vectors.sqlite"
    assert cache.stat().st_size > 8192
    _corrupt(cache, how)
    note = tmp_path / "note.txt"
    note.write_text(NEW, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from rag.cli import main; sys.exit(main())"]
        + ["ingest", str(note), "--index", str(small_index), "--no-progress"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if "embed cache" in line]
    assert len(lines) == 1 and "corrupt" in lines[0] and "rebuilt" in lines[0]
    # The API, over a cache corrupted again, uploads instead of answering 500.
    _corrupt(cache, how)
    with TestClient(create_app(settings_for(small_index))) as c:
        files = {"file": ("beta.txt", NEW.replace("9/KH", "10/KH").encode(), "text/plain")}
        response = c.post("/api/documents", files=files, data={"access": "public"}, headers=ADMIN)
        assert response.status_code == 201, response.text


def test_ingest_does_not_follow_symlinks_out_of_the_folder(tmp_path: Path) -> None:
    folder, outside = tmp_path / "public", tmp_path / "secret"
    folder.mkdir()
    outside.mkdir()
    (folder / "a.txt").write_text(OLD, encoding="utf-8")
    (outside / "internal.txt").write_text(NEW, encoding="utf-8")
    (folder / "b.txt").symlink_to(outside / "internal.txt")
    (folder / "c.txt").symlink_to(folder / "a.txt")  # inside the folder: the same source as a.txt
    files, errors = collect_files([folder])
    assert sorted(f.source for f in files) == ["a.txt"]
    assert len(errors) == 1 and "b.txt" in errors[0] and "--follow-symlinks" in errors[0]
    files, errors = collect_files([folder], follow_symlinks=True)
    assert sorted(f.source for f in files) == ["a.txt", "b.txt"] and not errors


def test_ask_honours_the_date_filters_search_does(small_index: Path) -> None:
    question = {"question": "Kế hoạch 12/KH-UBND ban hành ngày nào?"}
    with TestClient(create_app(settings_for(small_index))) as c:
        plain = c.post("/api/ask", json=question).json()
        assert not plain["abstained"] and plain["citations"]
        for window in ({"date_to": "2025-12-31"}, {"date_from": "2026-04-01"}):
            body = c.post("/api/ask", json=question | {"filters": window}).json()
            assert body["abstained"] and not body["citations"], body
            hits = c.get("/api/search", params={"q": question["question"], **window}).json()["hits"]
            assert hits == []
        inside = c.post("/api/ask", json=question | {"filters": {"date_from": "2026-03-01"}}).json()
        assert inside["citations"] == plain["citations"]


def test_an_upload_without_the_key_is_refused_before_its_body_is_read(small_index: Path) -> None:
    app = create_app(settings_for(small_index))
    reads = 0
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    for headers in ([], [(b"x-api-key", b"wrong")]):
        sent.clear()
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/api/documents",
            "headers": [(b"content-type", b"multipart/form-data; boundary=x"), *headers],
            "query_string": b"",
            "client": ("10.0.0.9", 1234),
            "server": ("policyqa", 80),
            "scheme": "http",
            "http_version": "1.1",
            "root_path": "",
            "app": app,
        }
        asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
        assert sent[0]["status"] in (401, 403)
    assert reads == 0


def test_uploads_share_a_per_client_limit(small_index: Path) -> None:
    with TestClient(create_app(settings_for(small_index, upload_rate_limit_per_minute=2))) as c:
        codes = [
            c.post("/api/documents", files={"file": (f"x{n}.exe", b"x")}, headers=ADMIN).status_code
            for n in range(3)
        ]
    assert codes == [400, 400, 429]  # refused files count too: the limit is checked before the body
