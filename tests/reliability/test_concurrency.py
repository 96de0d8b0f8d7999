"""Concurrency: many readers and one writer at a time; concurrent writes are serialised or refused."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability_support import ADMIN, index_state

from index.store import IndexLockedError, IndexWriter, write_lock
from rag.config import PROJECT_ROOT

FIRST_CALLS = """
import threading
from index.lexical import tokenize
errors = []
barrier = threading.Barrier(8)
def work(i):
    barrier.wait()
    try:
        tokenize(f"Sở Y tế chủ trì thực hiện kế hoạch số {i} năm 2025")
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("ERRORS", errors)
"""


def test_concurrent_first_segmentations_do_not_crash() -> None:
    # A fresh interpreter: the segmenter must not be loaded yet when eight threads call it at once.
    out = subprocess.run(
        [sys.executable, "-c", FIRST_CALLS], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "ERRORS []" in out.stdout, out.stdout


def test_a_second_writer_is_refused_clearly(tmp_path: Path) -> None:
    index_copy = tmp_path / "idx"
    with write_lock(index_copy):
        started = time.monotonic()
        with pytest.raises(IndexLockedError, match="một tiến trình khác đang ghi vào chỉ mục"):
            IndexWriter(index_copy, lock_timeout=0.5)
        assert time.monotonic() - started < 5


def test_writers_in_threads_are_serialised(tmp_path: Path) -> None:
    index_copy = tmp_path / "idx"
    inside = 0
    most = 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        with write_lock(index_copy, timeout=30):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.2)
            with guard:
                inside -= 1

    with ThreadPoolExecutor(4) as pool:
        for f in [pool.submit(write) for _ in range(4)]:
            f.result()
    assert most == 1


def _doc(n: int) -> bytes:
    return (
        f"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: {n}/KH-UBND\nKẾ HOẠCH\nThử nghiệm tải đồng thời số {n}\n"
        f"I. NHIỆM VỤ\n1. Trung tâm Kappa{n} kiểm tra hệ thống trước ngày 1/12/2026.\n"
    ).encode()


@pytest.mark.slow
def test_concurrent_uploads_are_serialised_or_refused_and_readers_keep_working(
    client: TestClient, index_copy: Path
) -> None:
    before = index_state(index_copy)

    def upload(n: int) -> int:
        files = {"file": (f"kappa{n}.txt", _doc(n), "text/plain")}
        return client.post(
            "/api/documents", files=files, data={"access": "public"}, headers=ADMIN
        ).status_code

    def ask(_: int) -> int:
        return client.post("/api/ask", json={"question": "Sở Y tế chủ trì nhiệm vụ nào?"}).status_code

    with ThreadPoolExecutor(8) as pool:
        uploads = [pool.submit(upload, n) for n in range(3)]
        asks = [pool.submit(ask, n) for n in range(12)]
        upload_codes = [f.result() for f in uploads]
        ask_codes = [f.result() for f in asks]
    assert set(ask_codes) == {200}
    assert set(upload_codes) <= {201, 409} and 201 in upload_codes
    accepted = sum(code == 201 for code in upload_codes)
    _, sources, _ = index_state(index_copy)
    added = [s for s in sources if s.startswith("uploads/kappa")]
    # Every accepted upload is in the index exactly once; refused ones left no trace.
    assert len(added) == accepted
    assert set(before[1]) <= set(sources)
    listed = {d["source"] for d in client.get("/api/documents", headers=ADMIN).json()["documents"]}
    assert set(added) <= listed
