"""Issue 23, finding 6: the smaller faults, each as the documentation promises it."""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability_support import ADMIN, index_state, settings_for

from api.main import create_app
from api.upload_folder import PARTIAL_PREFIX

PLAN = (
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: {n}/KH-UBND\nKẾ HOẠCH\nThử nghiệm số {n}\n"
    "I. NHIỆM VỤ\n1. Trung tâm Lambda{n} kiểm tra hệ thống trước ngày 1/12/2026.\n"
)


def _upload(c: TestClient, name: str, data: bytes, **form: str) -> object:
    files = {"file": (name, data, "text/plain")}
    return c.post("/api/documents", files=files, data={"access": "public", **form}, headers=ADMIN)


@contextlib.contextmanager
def _small_disk(path: Path, size: str = "256k") -> Iterator[Path]:
    """A tmpfs of ``size`` at ``path`` (the machine's own disk is never filled)."""
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_is_507_in_vietnamese_and_leaves_nothing(small_index: Path, tmp_path: Path) -> None:
    before = index_state(small_index)
    with (
        _small_disk(tmp_path / "full") as disk,
        TestClient(create_app(settings_for(small_index, files=disk))) as c,
    ):
        big = (PLAN.format(n=1) + "Trung tâm dữ liệu bổ sung nội dung kiểm thử.\n" * 8000).encode()
        response = _upload(c, "lon.txt", big)
        assert response.status_code == 507, response.text
        body = response.json()
        assert body["code"] == "disk_full" and "Ổ đĩa" in body["detail"] and "lon.txt" in body["detail"]
        assert not [p.name for p in (disk / "uploads").iterdir() if p.name.startswith(PARTIAL_PREFIX)]
        # The disk has room again for a small file: the next upload works.
        assert _upload(c, "nho.txt", PLAN.format(n=2).encode()).status_code == 201
    assert index_state(small_index)[0] != before[0]  # only the small upload wrote a generation


def test_over_long_filter_lists_and_impossible_dates_are_422(small_index: Path) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        sources = [("source", f"uploads/x{n}.txt") for n in range(101)]
        response = c.get("/api/search", params=[("q", "kế hoạch"), *sources])
        assert response.status_code == 422 and response.json()["code"] == "invalid_request", response.text
        assert c.get("/api/search", params=[("q", "kế hoạch"), *sources[:100]]).status_code == 200
        for path, params in (
            ("/api/search", {"q": "kế hoạch", "date_from": "2031-02-30"}),
            ("/api/search", {"q": "kế hoạch", "date_to": "2026-13-01"}),
            ("/api/tasks", {"due_from": "2031-02-30"}),
            ("/api/tasks", {"due_to": "2025-02-29"}),
        ):
            response = c.get(path, params=params)
            assert response.status_code == 422, (path, params, response.text)
            assert "không tồn tại" in response.json()["detail"]
        ask = {"question": "Kế hoạch 12/KH-UBND ban hành ngày nào?", "filters": {"date_to": "2031-02-30"}}
        assert c.post("/api/ask", json=ask).status_code == 422
        assert c.get("/api/tasks", params={"due_from": "2024-02-29"}).status_code == 200  # a leap day


CONTROL_FILTERS = [
    {"issuer": "UBND\x01tỉnh"},
    {"doc_type": "Kế hoạch\x00"},
    {"source": "uploads/a\x1fb.txt"},
    {"unit": "Sở Y tế\x07"},
]


@pytest.mark.parametrize("params", CONTROL_FILTERS)
def test_control_characters_in_filters_are_422_without_engine_text(small_index: Path, params: dict) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        response = c.get("/api/search", params={"q": "kế hoạch", **params})
    assert response.status_code == 422, response.text
    assert "ký tự điều khiển" in response.json()["detail"]


@pytest.mark.slow
@pytest.mark.parametrize("params", CONTROL_FILTERS[:3])
def test_milvus_filter_errors_are_422_and_store_errors_never_echo_the_engine(
    milvus, tmp_path: Path, params: dict
) -> None:  # noqa: ANN001
    from rag.ingest import ingest_paths

    location = milvus.store(f"round3_{abs(hash(str(params))) % 10_000}")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "plan.txt").write_text(PLAN.format(n=3), encoding="utf-8")
    assert not ingest_paths([tmp_path / "docs"], location, progress=False).errors
    settings = settings_for(tmp_path / "unused", store=location, files=tmp_path / "files")
    with TestClient(create_app(settings)) as c:
        response = c.get("/api/search", params={"q": "kế hoạch", **params})
        assert response.status_code == 422, response.text
        assert not re.search(r"Milvus|access in|source in|expression|escape", response.text)
        # A store that fails after the checks: 503 with Retry-After, and none of the engine's words.
        milvus_down = c.app.state.assistants.get()  # type: ignore[attr-defined]
        from index.milvus import StoreUnavailableError

        def broken(*args: object, **kwargs: object) -> object:
            raise StoreUnavailableError('Milvus: search failed: (access in ["public"]) and source in ["x"]')

        milvus_down.search = broken
        response = c.get("/api/search", params={"q": "kế hoạch"})
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert response.json()["code"] == "store_unavailable"
        assert not re.search(r"Milvus|access in|source in", response.text)


def test_a_corrupt_current_is_503_with_the_rebuild_hint(small_index: Path) -> None:
    (small_index / "CURRENT").write_bytes(b"\xff\xfe\x00gen-\x9c")
    with TestClient(create_app(settings_for(small_index))) as c:  # starts instead of crashing
        assert c.get("/healthz").json()["status"] == "no_index"
        response = c.post("/api/ask", json={"question": "Sở Y tế triển khai gì?"})
    assert response.status_code == 503
    assert "policyqa ingest" in response.json()["detail"]


LOOK_ALIKES = [
    "Кế hoạch số 9.txt",  # Cyrillic К
    "Κế hoạch số 9.txt",  # Greek Kappa
    "ＫẾ HOẠCH SỐ 9.txt",  # fullwidth, upper case
    "𝐊ế hoạch số 9.txt",  # mathematical bold
    "KẾ HOẠCH SỐ 9.TXT",  # upper case
    "Kế hоạch số 9.txt",  # Cyrillic о
]


def test_look_alike_upload_names_collide(small_index: Path) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        first = _upload(c, "Kế hoạch số 9.txt", PLAN.format(n=9).encode())
        assert first.status_code == 201, first.text
        for n, name in enumerate(LOOK_ALIKES, start=10):
            response = _upload(c, name, PLAN.format(n=n).encode())
            assert response.status_code == 409, (name, response.text)
            assert "uploads/Kế hoạch số 9.txt" in response.json()["detail"]
        assert _upload(c, "Kế hoạch số 19.txt", PLAN.format(n=19).encode()).status_code == 201
        # An explicit replacement by a look-alike keeps the document's own name.
        replaced = _upload(c, LOOK_ALIKES[0], PLAN.format(n=20).encode(), replace="true")
        assert replaced.status_code == 201 and replaced.json()["source"] == "uploads/Kế hoạch số 9.txt"
    assert sorted(p.name for p in (small_index / "uploads").iterdir() if not p.name.startswith(".")) == [
        "Kế hoạch số 19.txt",
        "Kế hoạch số 9.txt",
    ]


def test_the_api_docs_page_has_a_content_security_policy(small_index: Path) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        page = c.get("/docs")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    script_src = re.search(r"script-src ([^;]+)", policy)
    assert script_src and "'unsafe-inline'" not in script_src.group(1)
    import base64
    import hashlib

    for inline in re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL):  # Swagger UI's start-up
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src.group(1)
    assert page.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data"), [("rong.txt", b"\n\n   \n"), ("hong.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog")]
)
def test_upload_errors_name_the_file_once(small_index: Path, name: str, data: bytes) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        response = _upload(c, name, data)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    # Named once, as the uploader named it: neither the folder it is kept in nor the temporary name.
    assert detail.startswith(f"{name}: ") and detail.count(name) == 1, detail
    assert "uploads/" not in detail and PARTIAL_PREFIX not in detail, detail


@pytest.mark.slow
def test_concurrent_uploads_are_bounded_and_never_409_after_waiting(small_index: Path) -> None:
    settings = settings_for(small_index, upload_workers=2, upload_queue=4, upload_rate_limit_per_minute=0)
    with TestClient(create_app(settings)) as c:

        def upload(n: int) -> object:
            return _upload(c, f"song-song-{n}.txt", PLAN.format(n=100 + n).encode())

        with ThreadPoolExecutor(20) as pool:
            responses = list(pool.map(upload, range(20)))
        codes = [r.status_code for r in responses]  # type: ignore[attr-defined]
        assert set(codes) <= {201, 503} and 409 not in codes, codes
        assert codes.count(201) >= 6  # two at work, four waiting: every admitted upload lands
        for r in responses:
            if r.status_code == 503:  # type: ignore[attr-defined]
                assert r.headers["Retry-After"] and r.json()["code"] == "uploads_busy"  # type: ignore[attr-defined]
        _, sources, _ = index_state(small_index)
        assert sum(s.startswith("uploads/song-song-") for s in sources) == codes.count(201)
