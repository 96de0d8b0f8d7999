"""Finding 1: an upload never silently replaces a document (names, access levels)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fastapi.testclient import TestClient
from reliability_support import ADMIN, settings_for

from api.main import create_app

NAME = "Kế hoạch số 9.txt"
# Each of these collapses to NAME once canonical: NFD, NUL/newline/zero-width characters,
# a trailing space or slash, an upper-case extension, a path.
VARIANTS = [
    NAME,
    unicodedata.normalize("NFD", NAME),
    "Kế hoạch số 9\x00.txt",
    "Kế hoạch\n số 9.txt",
    "Kế hoạch số\u200b 9.txt",
    "\ufeffKế hoạch số 9.txt",
    "Kế hoạch số 9.txt ",
    "Kế hoạch số 9.txt/",
    "Kế hoạch số 9.TXT",
    "../../Kế hoạch số 9.txt",
    "C:\\docs\\Kế hoạch số 9.Txt",
    "Kế hoạch số 9\u2060.txt",
]


def _plan(n: int) -> bytes:
    return (
        f"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: {n}/KH-UBND\nKẾ HOẠCH\nBản số {n}\n"
        f"I. NHIỆM VỤ\n1. Trung tâm Omikron{n} báo cáo trước ngày 1/9/2026.\n"
    ).encode()


def _upload(c: TestClient, name: str, n: int, **form: str) -> object:
    return c.post("/api/documents", files={"file": (name, _plan(n), "text/plain")}, data=form, headers=ADMIN)


def test_colliding_names_are_refused_and_replacing_keeps_the_access_level(small_index: Path) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        first = _upload(c, NAME, 0, access="internal")
        assert first.status_code == 201, first.text
        doc = first.json()["documents"][0]
        for n, name in enumerate(VARIANTS, start=1):
            response = _upload(c, name, n, access="public")
            assert response.status_code == 409, (name, response.text)
            detail = response.json()["detail"]
            assert f"uploads/{NAME}" in detail and doc["id"] in detail and "replace=true" in detail
            assert response.json()["code"] == "conflict"
        listed = [
            d
            for d in c.get("/api/documents", headers=ADMIN).json()["documents"]
            if d["source"].startswith("uploads/")
        ]
        assert [(d["id"], d["access"]) for d in listed] == [(doc["id"], "internal")]

        # An explicit replace keeps the level unless one is given...
        replaced = _upload(c, VARIANTS[1], 100, replace="true")
        assert replaced.status_code == 201, replaced.text
        body = replaced.json()
        assert body["replaced"] == f"uploads/{NAME}" and body["access"] == "internal"
        hits = c.get("/api/search", params={"q": "Omikron100"}, headers=ADMIN).json()["hits"]
        assert hits and hits[0]["doc_id"] == doc["id"]
        # ...and changes it only when asked.
        public = _upload(c, NAME, 101, replace="true", access="public")
        assert public.status_code == 201 and public.json()["access"] == "public"
        assert (
            len(
                [d for d in c.get("/api/documents").json()["documents"] if d["source"].startswith("uploads/")]
            )
            == 1
        )
        assert sorted(p.name for p in (small_index / "uploads").iterdir() if p.name[0] != ".") == [NAME]


def test_access_is_required_with_read_keys_and_the_default_is_stated_without(
    small_index: Path,
) -> None:
    with TestClient(create_app(settings_for(small_index))) as c:
        response = _upload(c, "note.txt", 1)
        assert response.status_code == 422 and "access" in response.json()["detail"]
        assert not (small_index / "uploads").exists() or not list((small_index / "uploads").iterdir())
    with TestClient(create_app(settings_for(small_index, read_keys={}))) as c:
        response = _upload(c, "note.txt", 2)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["access"] == "public" and body["access_defaulted"] is True
        assert "chưa ghi mức truy cập" in body["warnings"][0]
