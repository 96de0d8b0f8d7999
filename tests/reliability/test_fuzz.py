"""Fuzzing, bounded in time: the parser and loaders with Hypothesis, the HTTP API with Schemathesis."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reliability_support import serve, settings_for, stop
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rag.errors import InputFileError
from rag.loaders import decode_text, load_file
from rag.parser import parse_document
from rag.records import LoadedFile, Page

# Lines that exercise the parser's structure rules, mixed with arbitrary text.
MARKERS = [
    "I.",
    "II.",
    "1.",
    "1.1.",
    "2.3.4.",
    "a)",
    "b)",
    "-",
    "+",
    "Điều 1.",
    "Chương I",
    "Mục 2",
    "Phần A",
    "PHỤ LỤC",
    "Số:",
    "KẾ HOẠCH",
    "BÁO CÁO",
    "CÔNG VĂN",
    "Kính gửi:",
    "Nơi nhận:",
    "KT. GIÁM ĐỐC",
    "Đơn vị thực hiện:",
    "Thời gian hoàn thành:",
    "V/v",
    "ngày 12 tháng 3 năm 2025",
    "|",
    "1",
    "12",
]
piece = st.one_of(
    st.sampled_from(MARKERS),
    st.text(min_size=0, max_size=40),
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạầấẩẫậ ÀÁĐƯƠ0123456789./-:;()", max_size=60),
)
line = st.lists(piece, min_size=0, max_size=4).map(" ".join)
page_text = st.lists(line, min_size=0, max_size=25).map("\n".join)
FUZZ = settings(
    max_examples=120,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(pages=st.lists(page_text, min_size=1, max_size=4), numbered=st.booleans())
def test_parse_document_never_raises_and_builds_a_consistent_tree(pages: list[str], numbered: bool) -> None:
    loaded = LoadedFile(
        source="fuzz.txt",
        content_hash="0" * 64,
        pages=[Page(number=(i + 1 if numbered else 0), text=t) for i, t in enumerate(pages)],
    )
    doc = parse_document(loaded, access="internal")
    ids = [c.id for c in doc.clauses]
    assert len(ids) == len(set(ids))
    by_id = {c.id: c for c in doc.clauses}
    for c in doc.clauses:
        assert c.doc_id == doc.id and c.source == "fuzz.txt" and c.access == "internal"
        assert c.text == unicodedata.normalize("NFC", c.text)
        if c.parent_id is not None:
            assert c.parent_id in by_id and c.id in by_id[c.parent_id].children
        for child in c.children:
            assert by_id[child].parent_id == c.id
        if numbered:
            assert all(1 <= p <= len(pages) for p in c.pages)
    assert len({c.order for c in doc.clauses}) == len(doc.clauses)


@FUZZ
@given(raw=st.binary(min_size=1, max_size=2000))
def test_decode_text_returns_text_or_a_clear_error(raw: bytes) -> None:
    try:
        text = decode_text(raw, "fuzz.txt")
    except InputFileError as exc:
        assert str(exc).startswith("fuzz.txt: ")
    else:
        assert isinstance(text, str) and "\x00" not in text


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=1500),
    header=st.sampled_from([b"%PDF-1.7\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b""]),
    trailer=st.sampled_from([b"\n%%EOF\n", b"\nstartxref\n0\n%%EOF", b""]),
)
def test_pdf_loader_returns_pages_or_a_clear_error(
    tmp_path_factory: pytest.TempPathFactory, body: bytes, header: bytes, trailer: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.pdf"
    path.write_bytes(header + body + trailer)
    try:
        loaded = load_file(path, ocr=False)
    except InputFileError as exc:
        assert "fuzz.pdf" in str(exc)
    else:
        assert loaded.pages and all(isinstance(p.text, str) for p in loaded.pages)


# --- the HTTP API against its own OpenAPI schema ----------------------------------------------


@pytest.fixture(scope="module")
def api_schema(seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app on a loopback port (anonymous caller, rate limiter off) and its schema."""
    index = tmp_path_factory.mktemp("fuzz-api") / "idx"
    shutil.copytree(seed_index, index)
    base_url, srv, thread = serve(settings_for(index, max_question_chars=500, request_timeout_s=20))
    try:
        yield schemathesis.openapi.from_url(base_url + "/openapi.json")
    finally:
        stop(srv, thread)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the run stays bounded
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        timeout=30,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
