"""Hostile files: each gets a clear error in bounded time and memory, and the index is unchanged."""

from __future__ import annotations

import codecs
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pdfbombs
import pytest
from fastapi.testclient import TestClient
from reliability_support import ADMIN, index_state

from rag.errors import InputFileError, PolicyQAError
from rag.ingest import ingest_paths
from rag.isolate import ParseLimits, parse_file
from rag.pipeline import Assistant

pytestmark = pytest.mark.slow  # they ingest into a copy of the session's real index

PLAN = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: 12/KH-UBND\nKẾ HOẠCH\nChuyển đổi số năm 2026\nI. NHIỆM VỤ\n1. Sở Y tế chủ trì triển khai bệnh án điện tử Quetzal.\n"

# name, bytes (built lazily), expected message, seconds allowed
CASES: list[tuple[str, Callable[[], bytes], str, float]] = [
    (
        "many-pages.pdf",
        lambda: pdfbombs.many_pages(50_000),
        r"quá nhiều trang \(50\.000; giới hạn 2\.000\)",
        60,
    ),
    ("deep-arrays.pdf", pdfbombs.deep_nesting, r"tệp PDF bị hỏng|lồng nhau quá sâu", 30),
    (
        "deep-dicts.pdf",
        pdfbombs.deep_dicts,
        r"không tìm thấy chữ đọc được|lồng nhau quá sâu|tệp PDF bị hỏng",
        60,
    ),
    ("giant-image.pdf", pdfbombs.giant_image, r"không tìm thấy chữ đọc được", 90),
    ("giant-page.pdf", pdfbombs.giant_page, r"không tìm thấy chữ đọc được", 90),
    ("encrypted.pdf", pdfbombs.encrypted_pdf, r"được đặt mật khẩu; hãy gỡ mật khẩu", 30),
    ("renamed-zip.pdf", pdfbombs.zip_bytes, r"tệp nén zip", 10),
    ("binary.pdf", lambda: bytes(range(256)) * 64, r"không phải PDF", 10),
    ("truncated.pdf", lambda: pdfbombs.text_pdf(PLAN)[:400], r"bị cắt cụt", 10),
    ("empty.pdf", lambda: b"", r"tệp rỗng", 10),
    ("empty.txt", lambda: b"", r"tệp rỗng", 10),
    ("blank.txt", lambda: b" \n\n\t \n", r"không có chữ", 10),
    ("binary.txt", lambda: bytes(range(256)) * 64, r"nội dung nhị phân", 10),
    (
        "long-line.txt",
        lambda: ("Sở Y tế chủ trì " * 330_000).encode(),
        r"có dòng dài 5\.\d{3}\.\d{3} ký tự",
        30,
    ),
]


@pytest.mark.parametrize(("name", "make", "message", "bound"), CASES, ids=[c[0] for c in CASES])
def test_ingest_refuses_hostile_file(
    index_copy: Path, tmp_path: Path, name: str, make: Callable[[], bytes], message: str, bound: float
) -> None:
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(make())
    before = index_state(index_copy)
    started = time.monotonic()
    report = ingest_paths([path], index_copy, progress=False)
    elapsed = time.monotonic() - started
    assert report.failed == [name]
    assert len(report.errors) == 1
    assert name in report.errors[0]
    assert re.search(message, report.errors[0]), report.errors[0]
    assert elapsed < bound, f"{name} took {elapsed:.1f} s"
    assert report.generation is None
    assert index_state(index_copy) == before


def test_time_limit_stops_a_slow_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "slow.pdf"
    path.write_bytes(pdfbombs.many_pages(50_000))  # counting 50,000 page objects takes seconds
    monkeypatch.setenv("POLICYQA_PARSE_TIMEOUT_S", "1")
    started = time.monotonic()
    with pytest.raises(InputFileError, match=r"slow.pdf: đọc tệp quá 1 giây"):
        parse_file(path, source="slow.pdf")
    assert time.monotonic() - started < 5


def test_memory_limit_stops_a_big_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text(("Sở Y tế chủ trì thực hiện nhiệm vụ. " * 3000 + "\n") * 300, encoding="utf-8")
    monkeypatch.setenv("POLICYQA_PARSE_MEMORY_MB", "200")
    started = time.monotonic()
    with pytest.raises(InputFileError, match=r"big.txt: đọc tệp cần hơn 200 MB bộ nhớ"):
        parse_file(path, source="big.txt")
    assert time.monotonic() - started < 30


def test_size_and_page_limits_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    monkeypatch.setenv("POLICYQA_MAX_FILE_BYTES", "100")
    with pytest.raises(InputFileError, match=r"tệp quá lớn .* giới hạn 100 byte\)"):
        parse_file(path, source="plan.txt")
    monkeypatch.setenv("POLICYQA_MAX_FILE_BYTES", "nonsense")
    with pytest.raises(PolicyQAError, match="giới hạn đọc tệp trong biến môi trường không hợp lệ"):
        ParseLimits.from_env()
    monkeypatch.setenv("POLICYQA_MAX_FILE_BYTES", "1000000")
    monkeypatch.setenv("POLICYQA_MAX_PAGES", "1")
    many = tmp_path / "two.pdf"
    many.write_bytes(pdfbombs.many_pages(2))
    with pytest.raises(InputFileError, match=r"quá nhiều trang \(2; giới hạn 1\)"):
        parse_file(many, source="two.pdf")


def _cp1258(text: str) -> bytes:
    """Windows-1258: base letters precomposed (â, ơ, đ), tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("utf16.txt", codecs.BOM_UTF16_LE + PLAN.encode("utf-16-le")),
        ("utf16-nobom.txt", PLAN.encode("utf-16-le")),
        ("cp1258.txt", None),
    ],
    ids=["utf16", "utf16-nobom", "cp1258"],
)
def test_other_encodings_are_read_not_garbled(
    index_copy: Path, tmp_path: Path, name: str, raw: bytes | None
) -> None:
    raw = raw if raw is not None else _cp1258(PLAN)
    path = tmp_path / name
    path.write_bytes(raw)
    report = ingest_paths([path], index_copy, progress=False)
    assert report.added == [name], report.errors
    hits = Assistant.open(index_copy).search("bệnh án điện tử Quetzal", k=3)
    assert hits and hits[0].clause.source == name
    assert "Sở Y tế chủ trì triển khai bệnh án điện tử Quetzal" in hits[0].clause.text


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("bomb.pdf", pdfbombs.giant_page, "không tìm thấy chữ đọc được"),
        ("enc.pdf", pdfbombs.encrypted_pdf, "enc.pdf: tệp PDF được đặt mật khẩu"),
        ("zip.pdf", pdfbombs.zip_bytes, "zip.pdf: không phải tệp PDF"),
        ("trunc.pdf", lambda: pdfbombs.text_pdf(PLAN)[:400], "tệp PDF bị cắt cụt"),
        ("line.txt", lambda: ("Sở Y tế " * 300_000).encode(), "có dòng dài"),
    ],
)
def test_upload_refuses_hostile_file_and_keeps_the_index(
    client: TestClient, index_copy: Path, name: str, make: Callable[[], bytes], message: str
) -> None:
    before = index_state(index_copy)
    response = client.post(
        "/api/documents",
        files={"file": (name, make(), "application/octet-stream")},
        data={"access": "public"},
        headers=ADMIN,
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert index_state(index_copy) == before
    assert not (index_copy / "uploads" / name).exists()  # the saved upload is rolled back
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../x.txt", "x.txt"),
        # httpx percent-encodes the NUL in the multipart header; the escape is decoded and dropped.
        ("a\x00b.txt", "ab.txt"),
        ("\x1b[31m.txt", "31m.txt"),
        ("..\\..\\evil.txt", "evil.txt"),
    ],
)
def test_hostile_names_stay_in_the_uploads_folder(
    client: TestClient, index_copy: Path, tmp_path: Path, given: str, stored: str
) -> None:
    response = client.post(
        "/api/documents",
        files={"file": (given, PLAN.encode(), "text/plain")},
        data={"access": "public"},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == stored
    assert response.json()["source"] == f"uploads/{stored}"
    assert (index_copy / "uploads" / stored).is_file()
    assert not any(ord(ch) < 32 for ch in stored)
    outside = [p for p in tmp_path.rglob("*") if p.name in {"x.txt", "evil.txt"} and "uploads" not in p.parts]
    assert outside == []


def test_utf16_upload_is_accepted_and_searchable(client: TestClient, index_copy: Path) -> None:
    for name, raw in (
        ("u16.txt", codecs.BOM_UTF16_LE + PLAN.encode("utf-16-le")),
        ("u16nobom.txt", PLAN.encode("utf-16-le")),
    ):
        response = client.post(
            "/api/documents",
            files={"file": (name, raw, "text/plain")},
            data={"access": "public"},
            headers=ADMIN,
        )
        assert response.status_code == 201, response.text
    hits = client.get("/api/search", params={"q": "bệnh án điện tử Quetzal", "k": 5}, headers=ADMIN).json()[
        "hits"
    ]
    assert {h["source"] for h in hits} >= {"uploads/u16.txt", "uploads/u16nobom.txt"}
