"""Crash safety: a killed ingest leaves the previous index usable; corruption is detected with a fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability_support import index_state, settings_for

from api.main import create_app
from index.store import IndexStore, IndexWriter, write_lock
from rag.config import PROJECT_ROOT
from rag.errors import IndexCorruptError
from rag.pipeline import Assistant

pytestmark = pytest.mark.slow
QUESTION = "Sở Y tế chủ trì nhiệm vụ nào?"


def _folder(root: Path, documents: int = 12, items: int = 12) -> Path:
    """A big-ish folder of distinct plans, so embedding takes long enough to kill the writer in time."""
    folder = root / "batch"
    folder.mkdir()
    for d in range(documents):
        lines = [
            f"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: {d + 100}/KH-UBND\nKẾ HOẠCH\nĐợt kiểm tra thứ {d}\nI. NHIỆM VỤ"
        ]
        lines += [
            f"{i + 1}. Đơn vị số {d}-{i} rà soát hồ sơ chuyên đề {d * 100 + i} về hạ tầng số và báo cáo trước ngày {i + 1}/12/2026."
            for i in range(items)
        ]
        (folder / f"plan-{d:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _kill_between_write_and_swap(index: Path, folder: Path) -> tuple[str, list[str]]:
    """Run `policyqa ingest`, SIGKILL it once the new generation is being written; returns what it left."""
    current_before = (index / "CURRENT").read_text().strip()
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from rag.cli import main; sys.exit(main())"]
        + ["ingest", str(folder), "--index", str(index), "--no-progress"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and process.poll() is None:
            names = [p.name for p in index.iterdir()]
            if any(n.startswith(".gen-") and ".tmp-" in n for n in names):
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        else:
            pytest.fail("the ingest finished or stalled before its new generation appeared")
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    leftovers = sorted(p.name for p in index.iterdir() if p.name.startswith(".gen-"))
    assert (index / "CURRENT").read_text().strip() == current_before, "CURRENT moved before the kill"
    return current_before, leftovers


def test_sigkill_mid_ingest_keeps_the_previous_generation(index_copy: Path, tmp_path: Path) -> None:
    before = index_state(index_copy)
    answer_before = Assistant.open(index_copy).ask(QUESTION)
    generation, leftovers = _kill_between_write_and_swap(index_copy, _folder(tmp_path))
    assert leftovers, "the killed writer should have left a half-written generation behind"

    # The previous generation opens (checksums pass) and answers exactly as before.
    assert index_state(index_copy) == before
    store = IndexStore.open(index_copy)
    assert store.generation == generation
    answer = Assistant.open(index_copy).ask(QUESTION)
    assert not answer.abstained
    assert answer.answer == answer_before.answer
    assert [c.clause_id for c in answer.citations] == [c.clause_id for c in answer_before.citations]

    # The killed process's fcntl lock died with it: the next writer gets in at once and cleans up.
    started = time.monotonic()
    with IndexWriter(index_copy, lock_timeout=2) as writer:
        assert time.monotonic() - started < 2
        writer.remove([before[1][0]])
        new = writer.commit()
    assert new is not None and new != generation
    assert not [p for p in index_copy.iterdir() if p.name.startswith(".gen-")]
    assert before[1][0] not in index_state(index_copy)[1]


def test_a_stale_lock_file_does_not_block_the_next_writer(index_copy: Path) -> None:
    # A lock file left by a dead process (with its content) is only a file: flock is what counts.
    (index_copy / ".write.lock").write_text("12345\n")
    # No wait allowed (timeout 0: a held lock is refused at once with IndexLockedError), so the check
    # is the same on a loaded machine as on an idle one, where a wall-clock bound is not.
    with write_lock(index_copy, timeout=0):
        pass
    with IndexWriter(index_copy, lock_timeout=0):
        pass


@pytest.mark.parametrize("name", ["bm25.json", "documents.jsonl", "vectors.npy", "dense.faiss"])
def test_a_corrupted_index_file_is_detected_with_a_rebuild_hint(index_copy: Path, name: str) -> None:
    generation = (index_copy / "CURRENT").read_text().strip()
    path = index_copy / generation / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(
        IndexCorruptError, match=rf"{name} sai mã kiểm tra \(checksum\); hãy dựng lại bằng: policyqa ingest"
    ):
        IndexStore.open(index_copy)

    # The API keeps running and says what is wrong instead of answering from a damaged index.
    with TestClient(create_app(settings_for(index_copy))) as client:
        assert client.get("/healthz").status_code == 200
        response = client.post("/api/ask", json={"question": QUESTION})
        assert response.status_code == 503
        assert "sai mã kiểm tra" in response.json()["detail"]
        assert "policyqa ingest" in response.json()["detail"]

    # So does the CLI: a clear message, no traceback, a non-zero exit.
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from rag.cli import main; sys.exit(main())"]
        + ["ask", QUESTION, "--index", str(index_copy)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode != 0
    assert "sai mã kiểm tra" in out.stderr and "policyqa ingest" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_dangling_current_pointer_is_detected(index_copy: Path) -> None:
    (index_copy / "CURRENT").write_text("gen-999\n")
    with pytest.raises(
        IndexCorruptError, match=r"trỏ tới thế hệ 'gen-999' không còn tồn tại; hãy dựng lại bằng"
    ):
        IndexStore.open(index_copy)
