"""`policyqa show`: rendering a parsed document and the command's two lookup paths."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from rag.config import DEFAULT_CORPUS_DIR
from rag.errors import PolicyQAError
from rag.loaders import load_file
from rag.parser import parse_document
from rag.show import render_document, run_show

SEED = DEFAULT_CORPUS_DIR / "003_7aaba2caba63f323.txt"


def test_render_document_shows_metadata_and_tree() -> None:
    out = render_document(parse_document(load_file(SEED)))
    lines = out.splitlines()
    assert lines[0].startswith("003_7aaba2caba63f323.txt  (mã ")
    assert "  loại văn bản: Kế hoạch" in lines
    assert "  số: /KH-UBND" in lines
    assert "  dự thảo: có" in lines
    task = next(ln for ln in lines if ln.lstrip().startswith("II.4 [heading]"))
    assert task.startswith("  II.4")  # indented under II
    assert "lead_unit=Sở Khoa học và Công nghệ" in task
    field = next(ln for ln in lines if "II.4 · Đơn vị thực hiện [field]" in ln)
    assert field.startswith("    ")


def test_run_show_file_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(target=str(SEED), index_dir=tmp_path / "none", json=True)
    assert run_show(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meta"]["doc_type"] == "Kế hoạch"
    assert any(c["locator"] == "II.4" for c in data["clauses"])


def test_run_show_unknown_source_is_a_clear_error(tmp_path: Path) -> None:
    args = argparse.Namespace(target="missing.txt", index_dir=tmp_path / "no-index", json=False)
    with pytest.raises(PolicyQAError):
        run_show(args)


@pytest.mark.slow
def test_run_show_looks_a_source_up_on_either_store(
    seed_index: Path, milvus_seeds: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An indexed source by name, from the embedded index or a Milvus store (--store URI)."""
    shown = []
    for location in (seed_index, milvus_seeds):
        assert run_show(argparse.Namespace(target=SEED.name, index_dir=location, json=True)) == 0
        shown.append(json.loads(capsys.readouterr().out))
    assert shown[0]["source"] == shown[1]["source"] == SEED.name
    assert [c["id"] for c in shown[1]["clauses"]] == [c["id"] for c in shown[0]["clauses"]]
